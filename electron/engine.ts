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

/** What native/studio must export for the desktop app (the same service `lathe serve` puts behind HTTP). */
interface StudioModule {
  createStudio(options: { dataDir: string; mode: 'electron' | 'serve' }): (StudioClient & { close?: () => unknown }) | Promise<StudioClient & { close?: () => unknown }>;
}

export async function startEngine(appRoot: string, dataDir: string): Promise<Engine> {
  const { register } = await import('tsx/esm/api');
  register();
  const entry = path.join(appRoot, 'native', 'studio', 'index.ts');
  const mod = (await import(pathToFileURL(entry).href)) as Partial<StudioModule>;
  if (typeof mod.createStudio !== 'function') {
    throw new Error(`${entry} does not export createStudio({ dataDir, mode }); the desktop app cannot start the engine.`);
  }
  const studio = await mod.createStudio({ dataDir, mode: 'electron' });
  return {
    studio,
    async close() {
      await studio.close?.();
    },
  };
}
