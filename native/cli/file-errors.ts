// File errors as the CLI reports them: which errno codes are the user's to fix, and node's own wording of one
// ('ENOENT: no such file or directory, open …') said in words with what to do.
import { fileProblem } from '../models/atomic.ts';

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
