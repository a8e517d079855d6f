// Types for bin/electron-status.mjs, a plain ES module that the install and start scripts run without a build step.
export declare const ROOT: string;
export declare const ELECTRON_ADVICE: string;
export declare function electronVersion(): string;
export interface ElectronStatus {
  /** The executable, when the binary is installed. */
  binary?: string;
  packageInstalled: boolean;
  packageDir?: string;
  /** Why the desktop app cannot run here, when it cannot. */
  reason?: string;
}
export declare function findElectron(): ElectronStatus;
export declare function electronMissingMessage(reason: string, consequence: string): string;
