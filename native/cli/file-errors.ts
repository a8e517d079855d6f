// File errors as the CLI reports them: which errno codes are the user's to fix, node's own wording of one
// ('ENOENT: no such file or directory, open …') said in words with what to do, and the files and folders flags name,
// read or looked at before a command opens its data directory, so a mistyped path leaves nothing written.
import fs from 'node:fs';
import path from 'node:path';
import { fileProblem } from '../models/atomic.ts';
import { noSuchPath } from '../store/near-files.ts';
import { DB_FILE } from '../store/db.ts';
import { UserError } from './command.ts';

/** Files the user named that are missing or unreadable: their input, not our failure. */
export const USER_FILE_ERRORS: ReadonlySet<string> = new Set(['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EPERM']);

/**
 * A file error no command put in words (node's 'ENOENT: no such file or directory, open …'), said as the file and
 * its problem in words ('nope.txt: no such file; check the path'); any other message as it is.
 */
export function errorMessage(err: Error): string {
  const { code, path: file } = err as NodeJS.ErrnoException;
  if (typeof code === 'string' && USER_FILE_ERRORS.has(code) && typeof file === 'string' && err.message.startsWith(`${code}:`)) return `${file}: ${fileProblem(file, err)}`;
  return err.message;
}

/**
 * The bytes of the file `--flag` names, shown as `file`; a missing file (with the paths it was likely meant to be),
 * a folder or an unreadable one is refused naming the flag, in fileProblem's words: '--prompt p.json: no such file;
 * check the path'. `want` names what to give instead of a folder.
 */
export function readFlagFile(flag: string, file: string, want = 'a file'): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UserError(`--${flag} ${file}: ${fileProblem(file, err, { near: true, want })}`);
  }
}

/**
 * The folder `--flag` names, checked before anything is opened or written: a missing path (with the paths it was
 * likely meant to be) or a file is refused naming the flag. `want` says what to give instead of a file.
 */
export function requireFlagFolder(flag: string, dir: string, want: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UserError(`--${flag} ${dir}: ${missing ? noSuchPath(dir, { noun: 'folder' }) : fileProblem(dir, err, { want })}`);
  }
  if (!stat.isDirectory()) throw new UserError(`--${flag} ${dir}: is a file; give ${want}`);
}

/**
 * The PEFT LoRA adapter folder `--flag` names, looked at (models/peft.ts' adapterFolderProblem) before the data
 * directory is opened, so a mistyped path is refused with nothing written.
 */
export async function requireAdapterFolder(flag: string, dir: string): Promise<void> {
  const { adapterFolderProblem } = await import('../models/peft.ts');
  const problem = adapterFolderProblem(dir);
  if (problem) throw new UserError(`--${flag} ${problem}`);
}

/**
 * Whether a model flag's value is written as a path rather than a model's name or id: absolute, or beginning with
 * . or ~ (./models/x, ../x, ~/x), or with a backslash in it. 'team/llama' is not, alone: a model may be named so.
 */
function writtenAsPath(value: string): boolean {
  return path.isAbsolute(value) || /^[.~]/.test(value) || value.includes('\\');
}

/**
 * The command's model flags (CliCommand.modelFlags) whose value is a path that is not there, refused before the data
 * directory is opened or created, in noSuchPath's words: '--model /nope/x: no such folder; check the path'. A value
 * with a slash inside ('models/x') counts as a path too while `dataDir` holds no store, which could hold no model
 * so named.
 */
export function requireModelPaths(flags: readonly string[] | undefined, values: Record<string, unknown>, dataDir: string): void {
  const noStore = !fs.existsSync(path.join(dataDir, DB_FILE));
  for (const flag of flags ?? []) {
    const given = values[flag];
    for (const value of Array.isArray(given) ? given : [given]) {
      if (typeof value !== 'string' || value === '' || fs.existsSync(value)) continue;
      if (writtenAsPath(value) || (noStore && /[/\\]/.test(value))) throw new UserError(`--${flag} ${value}: ${noSuchPath(value, { noun: 'folder' })}`);
    }
  }
}
