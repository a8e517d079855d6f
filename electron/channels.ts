// The IPC channels between the renderer's preload and the main process, named once. Nothing else crosses.
import type { PickPathOptions } from '../native/api/pick-path.ts';

export const CHANNELS = {
  /** invoke(method, params) → BridgeResponse: one Studio API call. */
  call: 'studio:call',
  /** main → renderer: one StudioEvent. */
  event: 'studio:event',
  /** invoke(PickPathOptions) → BridgeResponse with string | null: the native open-file, open-folder or save dialog. */
  pickPath: 'studio:pickPath',
  /** invoke(artifactId) → BridgeResponse: show a deploy job's file or folder in the system's file manager. */
  revealArtifact: 'studio:revealArtifact',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** What preload.ts exposes as window.lathe (the renderer declares the same shape in renderer/src/api/bridge.ts;
 *  tests/e2e/electron.test.ts checks that the two agree). */
export interface PreloadBridge {
  call(method: string, params: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }>;
  listen(listener: (event: { type: string; payload: unknown }) => void): () => void;
  pickPath(options: PickPathOptions): Promise<{ ok: true; result: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }>;
  revealArtifact(artifactId: string): Promise<{ ok: true; result: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }>;
}
