// What can go wrong before the store is usable — the data directory cannot be created or written, or
// lathe.db is not a SQLite file, is damaged, or is read-only — turned into one error that names the file
// and says what to do. SQLite's own words ("file is not a database") name neither.
import fs from 'node:fs';
import path from 'node:path';

/** Advice shared by every message: the way out that never touches the user's data. */
const ELSEWHERE = 'or point --data-dir (or LATHE_DATA_DIR) at another folder';

/** The store could not be opened; `message` is meant for the user as is. `file` is the data directory or lathe.db. */
export class StoreOpenError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly file: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

type NoticeListener = (line: string) => void;
const noticeListeners = new Set<NoticeListener>();

/**
 * Be told, in one line, when opening a store creates something the user may not expect: a new data directory,
 * or a new lathe.db in a folder that already holds other files. The CLI prints these. Returns an unsubscribe.
 */
export function onStoreNotice(listener: NoticeListener): () => void {
  noticeListeners.add(listener);
  return () => noticeListeners.delete(listener);
}

function notice(line: string): void {
  for (const listener of noticeListeners) listener(line);
}

function errnoCode(err: unknown): string {
  return String((err as NodeJS.ErrnoException)?.code ?? '');
}

/**
 * Make `dataDir` ready to hold `file` (its lathe.db): create the folder when missing, check that this process
 * may write in it, and announce a new folder or a new database among other files.
 */
export function prepareDataDir(dataDir: string, file: string): void {
  const dir = path.resolve(dataDir);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw dataDirError(dir, err);
  }
  if (stat && !stat.isDirectory()) {
    throw new StoreOpenError(`data directory ${dir} is a file, not a folder: point --data-dir (or LATHE_DATA_DIR) at a folder.`, dir, 'ENOTDIR');
  }
  if (!stat) {
    try {
      makeFolders(dir);
    } catch (err) {
      throw dataDirError(dir, err);
    }
    notice(`created data directory ${dir}`);
  } else if (!fs.existsSync(file) && fs.readdirSync(dir).length > 0) {
    notice(`no ${path.basename(file)} in ${dir}, which holds other files: creating a new Lathe database there`);
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (err) {
    throw dataDirError(dir, err);
  }
}

/**
 * `mkdir -p`, one level at a time: Node 20's `mkdirSync(dir, { recursive: true })` never returns for a path under
 * /proc (`--data-dir /proc/x` spun at full CPU), where creating each level plainly fails at once with ENOENT. The
 * data directory itself is the owner's alone (0700 where modes apply): it holds the user's datasets, models and
 * run outputs, and a parent such as ~/.config is often readable by everyone on the machine. Its parents get the
 * usual mode, and a folder that already exists keeps its own.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; !fs.existsSync(at); at = path.dirname(at)) missing.unshift(at);
  for (const folder of missing) fs.mkdirSync(folder, folder === dir ? { mode: 0o700 } : undefined);
}

export function dataDirError(dir: string, err: unknown): StoreOpenError {
  const code = errnoCode(err) || 'unknown';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new StoreOpenError(`data directory ${dir} is not writable by you, and Lathe keeps its database there: fix the folder's permissions, ${ELSEWHERE}.`, dir, code);
  }
  if (code === 'ENOTDIR') {
    return new StoreOpenError(`data directory ${dir} cannot be created: part of its path is a file. Point --data-dir (or LATHE_DATA_DIR) at a folder.`, dir, code);
  }
  return new StoreOpenError(`data directory ${dir} cannot be created or used (${(err as Error)?.message ?? String(err)}): ${ELSEWHERE.replace(/^or /, '')}.`, dir, code);
}

/** Turn an error from opening, configuring or migrating `file` into a StoreOpenError; other errors pass through. */
export function describeOpenError(file: string, err: unknown): Error {
  const code = errnoCode(err);
  const sqliteMessage = (err as Error)?.message ?? String(err);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreOpenError(
      `${file} is not a Lathe database (or is damaged): ${sqliteMessage}. Move it aside to start afresh, ${ELSEWHERE}; your models and datasets folders are untouched.`,
      file,
      code,
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new StoreOpenError(
      `cannot open ${file}: ${sqliteMessage}. Check that it is a file (not a folder) and that you may read and write it and its folder, ${ELSEWHERE}.`,
      file,
      code,
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    return new StoreOpenError(`${file} is read-only (${sqliteMessage}): Lathe writes to its database. Give yourself write permission on the file and its folder, ${ELSEWHERE}.`, file, code);
  }
  return err as Error;
}
