// The shape of `window.lathe`, exposed by electron/preload.ts through contextBridge. Results travel in an
// envelope because Electron's invoke() drops an error's fields and keeps only a prefixed message.
import type { ApiError, StudioEvent } from '../../../native/api/contract.ts';
import type { PickPathOptions } from '../../../native/api/pick-path.ts';

export type BridgeResponse = { ok: true; result: unknown } | { ok: false; error: ApiError };

export interface LatheBridge {
  call(method: string, params: unknown): Promise<BridgeResponse>;
  listen(listener: (event: StudioEvent) => void): () => void;
  /** Opens the native dialog the options name (checked in main: electron/pick-path.ts); the result is the chosen path, or null when cancelled. */
  pickPath(options: PickPathOptions): Promise<BridgeResponse>;
  /** Shows a deploy job's file or folder (named by artifact id, never by path) in the system's file manager. */
  revealArtifact(artifactId: string): Promise<BridgeResponse>;
}

declare global {
  interface Window {
    lathe?: LatheBridge;
  }
}
