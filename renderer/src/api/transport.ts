// What the UI needs from a transport beyond the contract: how a user hands the engine a file. In a browser
// the file is uploaded to the server; in Electron the native dialog returns a path the engine can read.
import type { StudioClient } from '../../../native/api/contract.ts';

export interface UploadSource {
  kind: 'upload';
  /** Streams the file to the server; resolves to the path the engine can import from. */
  upload(file: File, onProgress: (fraction: number) => void): Promise<string>;
}

export interface NativeFileSource {
  kind: 'native';
  /** Opens the system's file dialog; resolves to the chosen path, or null when cancelled. */
  pick(): Promise<string | null>;
}

export type FileSource = UploadSource | NativeFileSource;

export interface Studio extends StudioClient {
  transport: 'http' | 'ipc';
  files: FileSource;
}
