// Files and folders a command writes where the user says (export --out, merge --out, runs compare --csv and
// --json-file). Missing folders on the way are created when the output is written, and every such command says which
// on stderr through sayCreatedFolder, in one wording: a mistyped folder should not pass unseen. What cannot be
// written — a folder where a file goes, a file where a folder goes, a path through a file — is refused before any
// work, naming the flag (models/atomic.ts' outputPathProblem, which the Studio's export checks too), where it failed
// after the work with a bare "ENOTDIR: not a directory, stat '…'" or "EEXIST: file already exists, mkdir '…'".
import fs from 'node:fs';
import path from 'node:path';
import { fileProblem, outputPathProblem, writeFileAtomic, type FormatFile } from '../models/atomic.ts';
import { UserError, type CliContext } from './command.ts';

/**
 * Refuse `--flag file` now if it cannot be written as a file (of `format`, which replaces only an earlier file of its
 * own: a GGUF export's --out; without one, an existing file only with `force`; with `force` any file either way);
 * `example` (a file name) is suggested for a folder.
 */
export function checkOutputFile(flag: string, file: string, example?: string, format?: FormatFile, force = false): void {
  const problem = outputPathProblem(file, format ? { ...format, force } : 'file', example);
  // a file of another format is refused unless --force says to replace it (what --force cannot fix, it is not offered for)
  const forceWould = problem !== null && format !== undefined && !force && outputPathProblem(file, { ...format, force: true }, example) === null;
  if (problem) throw new UserError(`--${flag} ${file}: ${problem}${forceWould ? ', or give --force to replace it' : ''}`);
  // One rule for every output: what is there is replaced only when it is recognisably an earlier output of the same
  // kind (a GGUF file, an export folder). A plain file (a CSV, a JSON) carries no such mark, so an existing one is
  // kept unless --force says to replace it: a mistyped path must not cost the user a file.
  if (format === undefined && !force && fs.statSync(path.resolve(file), { throwIfNoEntry: false })?.isFile()) {
    throw new UserError(`--${flag} ${file}: this file exists and is not replaced; choose a new file, or give --force to replace it`);
  }
}

/** Refuse `--flag dir` now if it cannot be written as a folder. */
export function checkOutputFolder(flag: string, dir: string): void {
  const problem = outputPathProblem(dir, 'folder');
  if (problem) throw new UserError(`--${flag} ${dir}: ${problem}`);
}

/** The outermost folder on the way to `file` that is not there yet (the one writing it creates), or null. */
export function firstMissingFolder(file: string): string | null {
  let missing: string | null = null;
  for (let dir = path.dirname(path.resolve(file)); !fs.existsSync(dir); dir = path.dirname(dir)) missing = dir;
  return missing;
}

/**
 * Say on stderr that writing `--flag` created `folder` (the outermost one, from firstMissingFolder taken before the
 * write); nothing when it created none. Every command with an output path says it this way.
 */
export function sayCreatedFolder(ctx: Pick<CliContext, 'info'>, flag: string, folder: string | null): void {
  if (folder) ctx.info(`--${flag}: created the folder ${folder}`);
}

/**
 * Remove the folders writing `out` created on the way (`created`: firstMissingFolder's answer, taken before the
 * write), innermost first, each only while it is empty: for a write that failed or was cancelled, whose writer has
 * already removed its temporary beside `out`. A folder that was there before is never touched, and one holding
 * anything (another process's file) stops the removal there.
 */
export function removeCreatedFolders(out: string, created: string | null): void {
  if (created === null) return;
  const top = path.resolve(created);
  for (let dir = path.dirname(path.resolve(out)); dir === top || dir.startsWith(`${top}${path.sep}`); dir = path.dirname(dir)) {
    try {
      fs.rmdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return; // not empty: it and the folders above it stay
    }
  }
}

/**
 * Run the work that writes `--flag out`, given the outermost folder it will create on the way (firstMissingFolder,
 * taken before it): when it succeeds, say the folder (sayCreatedFolder); when it fails or is cancelled, remove the
 * folders it created, which its writer left empty (removeCreatedFolders), so a failed export leaves no trace.
 */
export async function writingOutput<T>(ctx: Pick<CliContext, 'info'>, flag: string, out: string, created: string | null, work: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (err) {
    removeCreatedFolders(out, created);
    throw err;
  }
  sayCreatedFolder(ctx, flag, created);
  return result;
}

/**
 * Write `--flag file` atomically; a failure (no permission, a full disk) names the flag and the file. Returns the full
 * path written and the outermost folder it had to create on the way (null when all were there), for the command to say.
 */
export async function writeOutputFile(flag: string, file: string, content: string): Promise<{ file: string; createdFolder: string | null }> {
  const full = path.resolve(file);
  const createdFolder = firstMissingFolder(full);
  try {
    await writeFileAtomic(full, content);
  } catch (err) {
    removeCreatedFolders(full, createdFolder);
    throw new UserError(`--${flag} ${file}: ${fileProblem(full, err, { writing: true })}`);
  }
  return { file: full, createdFolder };
}
