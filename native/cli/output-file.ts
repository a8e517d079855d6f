// Files and folders a command writes where the user says (export --out, merge --out, runs compare --csv and
// --json-file). Missing folders on the way are created when the output is written; what cannot be written — a folder
// where a file goes, a file where a folder goes, a path through a file — is refused before any work, naming the flag
// (models/atomic.ts' outputPathProblem, which the Studio's export checks too), where it failed after the work with a
// bare "ENOTDIR: not a directory, stat '…'" or "EEXIST: file already exists, mkdir '…'".
import path from 'node:path';
import { outputPathProblem, writeFileAtomic, type FormatFile } from '../models/atomic.ts';
import { UserError } from './command.ts';

/**
 * Refuse `--flag file` now if it cannot be written as a file (of `format`, which replaces only an earlier file of its
 * own: a GGUF export's --out); `example` (a file name) is suggested for a folder.
 */
export function checkOutputFile(flag: string, file: string, example?: string, format?: FormatFile): void {
  const problem = outputPathProblem(file, format ?? 'file', example);
  if (problem) throw new UserError(`--${flag} ${file}: ${problem}`);
}

/** Refuse `--flag dir` now if it cannot be written as a folder. */
export function checkOutputFolder(flag: string, dir: string): void {
  const problem = outputPathProblem(dir, 'folder');
  if (problem) throw new UserError(`--${flag} ${dir}: ${problem}`);
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
