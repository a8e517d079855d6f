// A full disk (or a file-size limit) as the user should hear of it. Node says "ENOSPC: no space left on device,
// write" without the file (a write to an open descriptor has no path) and SQLite says "database or disk is full";
// neither says what Lathe was doing nor what to do. Callers that know what they were writing wrap the error here.

/**
 * ENOSPC: no space; EDQUOT: quota used up; EFBIG: a file-size limit (ulimit -f) or the file system's largest file;
 * SQLITE_FULL: the database could not grow. SQLite reports a write refused by a size limit as an I/O error on its
 * write-ahead log or shared-memory file: those two are described too, with the causes they may have.
 */
const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_SHMSIZE']);

const codeOf = (err: unknown): string => String((err as { code?: unknown } | null)?.code ?? '');

/** Whether `err` says the disk or a size limit refused more bytes. */
export function isDiskFull(err: unknown): boolean {
  return FULL.has(codeOf(err));
}

/** Already described by diskFullError: wrap once, not at every layer it passes through. */
const DESCRIBED = Symbol('described');

function reason(code: string): string {
  if (code === 'EFBIG') return `a file grew past the size this process may write (EFBIG: a file-size limit such as 'ulimit -f', or the file system's largest file)`;
  if (code === 'EDQUOT') return 'your disk quota is used up (EDQUOT)';
  if (code === 'SQLITE_FULL') return 'the database could not grow: the disk is full (SQLITE_FULL)';
  if (code.startsWith('SQLITE_IOERR')) return `the database could not be written (${code}): the disk is full, a file-size limit ('ulimit -f') was reached, or the disk is failing`;
  return 'the disk is full (ENOSPC)';
}

/**
 * `what` failed because the disk is full while writing `where` (a file or folder): one message that names both and
 * says what to do. Keeps the original code, so callers can still tell a full disk; other errors pass through as they are.
 */
export function diskFullError(err: unknown, what: string, where: string, outcome = ''): Error {
  if (!isDiskFull(err) || (err as Record<symbol, unknown>)[DESCRIBED]) return err as Error;
  const code = codeOf(err);
  const e = new Error(
    `${what} failed: ${reason(code)} while writing ${where}.${outcome ? ` ${outcome}` : ''} ` +
      `Free some space on that disk${code === 'EFBIG' ? ' (or raise the limit)' : ''}, or point --data-dir (LATHE_DATA_DIR) at a disk with room, and try again.`,
    { cause: err },
  );
  Object.assign(e, { code, [DESCRIBED]: true });
  return e;
}
