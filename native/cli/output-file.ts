// Files a command writes where the user says (runs compare --csv and --json-file). Missing folders on the way are
// created when the file is written, as an export's --out is; what cannot be written — a folder, a path through a
// file — is refused before any work, naming the flag, where it failed after the work with a bare "ENOTDIR: not a
// directory, stat '…'".
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../models/atomic.ts';
import { UserError } from './command.ts';

/** The file's stat, or null where nothing is there (ENOENT) or a part of the path is a file (ENOTDIR). */
function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}

/** Refuse `--flag file` now if it cannot be written as a file: it is a folder, or a part of its path is a file. */
export function checkOutputFile(flag: string, file: string): void {
  const full = path.resolve(file);
  if (statOrNull(full)?.isDirectory()) throw new UserError(`--${flag} ${file}: this is a folder; give the path of the file to write, e.g. ${path.join(file, `comparison.${flag === 'csv' ? 'csv' : 'json'}`)}`);
  for (let dir = path.dirname(full); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const stat = statOrNull(dir);
    if (stat?.isDirectory()) return;
    if (stat) throw new UserError(`--${flag} ${file}: ${dir} is a file, not a folder; choose a path in a folder (missing folders are created)`);
  }
}

/** Write `--flag file` atomically; a failure (no permission, a full disk) names the flag and the file. Returns the full path written. */
export async function writeOutputFile(flag: string, file: string, content: string): Promise<string> {
  const full = path.resolve(file);
  try {
    await writeFileAtomic(full, content);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`--${flag} ${file}: cannot write the file (${code ?? (err as Error).message})`);
  }
  return full;
}
