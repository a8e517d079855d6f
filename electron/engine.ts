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
  return { studio, close: () => studio.close() };
}
