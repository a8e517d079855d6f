// Starts the engine (native/studio) inside the Electron main process. The engine is TypeScript run through
// tsx's loader, exactly as bin/lathe.mjs runs it, so its modules keep their own paths (job workers are
// forked from their source files) and are not flattened into this bundle.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StudioClient } from '../native/api/contract.ts';

export interface Engine {
  studio: StudioClient;
  close(): Promise<void>;
}

/** The part of native/studio/studio.ts this file uses; imported as a type only, so the bundle stays engine-free. */
type StudioModule = typeof import('../native/studio/studio.ts');

export async function startEngine(appRoot: string, dataDir: string): Promise<Engine> {
  const { register } = await import('tsx/esm/api');
  register();
  const entry = path.join(appRoot, 'native', 'studio', 'studio.ts');
  const { Studio } = (await import(pathToFileURL(entry).href)) as StudioModule;
  const studio = new Studio({ dataDir, mode: 'electron' });
  for (const note of studio.openNotes) console.info(`lathe: ${note}`);
  return { studio, close: () => studio.close() };
}

/**
 * The exit status after an engine that would not start: 2 when the user can fix the cause (a StoreOpenError
 * from native/store/db-open.ts carries `exitCode = 2`, as the CLI exits), 1 otherwise. Read from the error
 * rather than `instanceof`, since the engine's classes are loaded at run time, not bundled here.
 */
export function startupExitCode(err: unknown): number {
  const code = (err as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === 'number' && Number.isInteger(code) && code > 1 ? code : 1;
}
