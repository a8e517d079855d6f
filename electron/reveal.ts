// "Open folder" for a file the studio wrote: the page sends an artifact id, never a path; the path comes from the
// engine's locateArtifact (inside what that deploy job wrote, links followed) and is looked at again here, at the
// moment of opening. A folder is opened; a file is only shown in its folder (opening it could run it). Kept free of
// Electron imports, like dispatch.ts, so the rules are testable in plain Node; ipc.ts passes Electron's shell in.
import fs from 'node:fs';
import type { StudioClient } from '../native/api/contract.ts';
import { ArtifactId } from '../native/api/deploy.ts';
import { toApiError, type Envelope } from './dispatch.ts';

/** The two calls of Electron's `shell` this uses. */
export interface FolderShell {
  /** Resolves to '' on success, else the error message (as shell.openPath does). */
  openPath(dir: string): Promise<string>;
  showItemInFolder(file: string): void;
}

/** Validates the id, resolves it through the engine and opens its folder; never throws. */
export async function revealArtifact(studio: StudioClient, id: unknown, shell: FolderShell): Promise<Envelope> {
  const parsed = ArtifactId.safeParse(id);
  if (!parsed.success) return { ok: false, error: { code: 'invalid_params', message: `revealArtifact takes an artifact id (<job id>#<index>), not ${typeof id === 'string' ? `'${id.slice(0, 80)}'` : typeof id}` } };
  try {
    const located = await studio.call('deploy.locateArtifact', { id: parsed.data });
    if (fs.statSync(located.path).isDirectory()) {
      const failure = await shell.openPath(located.path);
      if (failure) return { ok: false, error: { code: 'internal', message: `could not open ${located.path}: ${failure}` } };
    } else {
      shell.showItemInFolder(located.path);
    }
    return { ok: true, result: { path: located.path } };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}
