// What the UI needs from a transport beyond the contract: how a user hands the engine a file, and whether the
// studio can open a folder on the user's screen. In a browser the file is uploaded to the server and no folder can
// be opened (the files may not even be on this machine); in Electron the native dialog returns a path the engine
// can read, and the shell shows a written file in its folder.
import type { StudioClient } from '../../../native/api/contract.ts';
import type { PickPathOptions } from '../../../native/api/pick-path.ts';

export interface UploadSource {
  kind: 'upload';
  /** Streams the file to the server; resolves to the path the engine can import from. */
  upload(file: File, onProgress: (fraction: number) => void): Promise<string>;
}

export interface NativeFileSource {
  kind: 'native';
  /**
   * Opens the system's dialog the options name (a file, a folder, or where to save; without options, open any
   * file); resolves to the chosen path, or null when cancelled.
   */
  pick(options?: PickPathOptions): Promise<string | null>;
}

export type FileSource = UploadSource | NativeFileSource;

/** Open-folder, present only where a shell exists: the page names the file by artifact id, never by path. */
export type FolderOpener =
  | { kind: 'native'; reveal(artifactId: string): Promise<void> }
  | { kind: 'none'; /** Why there is no open-folder here, for the copy-path fallback's tooltip. */ reason: string };

export interface Studio extends StudioClient {
  transport: 'http' | 'ipc';
  files: FileSource;
  folders: FolderOpener;
}
