// The temporary folders an import builds under models/ before renaming it into place, and the sweep of those whose
// process died. Apart from import.ts (checkpoints, tokenizers) so the Studio can sweep at open without loading them.
import fs from 'node:fs';
import path from 'node:path';
import { liveUses } from '../store/in-use.ts';
import { modelsDir } from './registry.ts';

export const TEMP_PREFIX = '.import-';

/**
 * Remove temporary folders that imports killed mid-way left behind (their process is gone), and the in-use markers
 * (store/in-use.ts) such a process left: reading them removes those of dead processes.
 */
export function sweepDeadImports(dataDir: string): void {
  liveUses(dataDir);
  const dir = modelsDir(dataDir);
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir)) {
    const pid = new RegExp(`^\\${TEMP_PREFIX}\\w+-(\\d+)$`).exec(entry)?.[1];
    if (!pid || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    }
  }
}
