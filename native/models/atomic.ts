// Atomic writes: every file that matters is written to a temporary sibling, fsynced, then renamed over the
// target, so a crash leaves either the old file or the new one, never half of one.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { noSuchPath, type NearFileOptions } from '../store/near-files.ts';
import { isPidAlive } from '../store/process-owner.ts';

/** Write `file` through `fill(fd)` into a temporary sibling, fsync it, and rename it into place. */
export async function atomicWrite(file: string, fill: (fd: number) => void | Promise<void>): Promise<void> {
  // checked before any byte is written: the rename at the end would fail only after the whole file was built
  if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    throw Object.assign(new Error(`${file} is a folder; give the path of the file to write`), { code: 'EISDIR' });
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    await fill(fd);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(path.dirname(file));
}

/**
 * Let a signal that came while the caller computed be heard (a Ctrl-C or a job's cancel message lands on the event
 * loop, which a synchronous write loop never lets run), then stop with "`what` was cancelled" if `signal` is aborted.
 * Long writers call it between tensors, so a cancel stops them within one tensor and their temporaries go.
 */
export async function stopIfCancelled(signal: AbortSignal | undefined, what: string): Promise<void> {
  if (!signal) return;
  await new Promise((resolve) => setImmediate(resolve));
  if (signal.aborted) throw new Error(`${what} was cancelled`);
}

export async function writeFileAtomic(file: string, contents: string | Uint8Array): Promise<void> {
  await atomicWrite(file, (fd) => {
    fs.writeSync(fd, typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents);
  });
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Build a whole folder in a temporary sibling and rename it into place, so a model folder appears complete
 * or not at all. Fails if `dir` already exists.
 */
export async function writeFolderAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  if (fs.existsSync(dir)) throw new Error(`${dir} already exists`);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  fs.mkdirSync(tmp);
  try {
    await fill(tmp);
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  fsyncDir(path.dirname(dir));
}

/** A temporary sibling's name: `<target>.tmp-<pid of the writer>-<8 hex>`. */
const TEMPORARY = /\.tmp-(\d+)-[0-9a-f]{8}$/;

/**
 * Remove the temporaries (files or folders) that a writer killed mid-write left under `root`, down to `depth`
 * levels: those whose writer's pid no longer runs (and, in a folder shared with other programs, whose name `only`
 * accepts). A live writer's are left alone (a reused pid only delays the sweep). They are never read, so this only
 * gives their disk space back. Returns the paths removed.
 */
export function sweepAbandonedTemporaries(root: string, depth: number, only: (name: string) => boolean = () => true): string[] {
  const removed: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return removed; // gone or unreadable: nothing to sweep
  }
  for (const entry of entries) {
    const full = path.join(root, entry.name);
    const writer = TEMPORARY.exec(entry.name);
    if (writer) {
      if (only(entry.name) && !isPidAlive(Number(writer[1]))) {
        fs.rmSync(full, { recursive: true, force: true });
        removed.push(full);
      }
    } else if (entry.isDirectory() && depth > 1) {
      removed.push(...sweepAbandonedTemporaries(full, depth - 1, only));
    }
  }
  return removed;
}

/**
 * Remove the temporaries that killed writers left beside `target`, a file or folder written where the user chose
 * (an export's --out): no later open of the data directory looks there, so the next write there cleans up. Only
 * `target`'s own (`<its name>.tmp-<pid>-<hex>`): the folder is the user's (Downloads, a project folder), where another
 * program's file may happen to end the same way, and an export to one name has no business with another's.
 */
export function sweepBeside(target: string): string[] {
  const full = path.resolve(target);
  const own = `${path.basename(full)}.tmp-`;
  return sweepAbandonedTemporaries(path.dirname(full), 1, (name) => name.startsWith(own) && /^\d+-[0-9a-f]{8}$/.test(name.slice(own.length)));
}

/** The path's stat, or null where nothing is there (ENOENT) or a part of the path is a file (ENOTDIR). */
function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}

/** The first folder on the way to `target` that is a file, not a folder (full path), or null. */
export function fileOnTheWay(target: string): string | null {
  for (let dir = path.dirname(path.resolve(target)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const stat = statOrNull(dir); // null: missing, or below the file this walk is looking for
    if (stat) return stat.isDirectory() ? null : dir;
  }
  return null;
}

/**
 * Why `file` could not be read (or, with `writing`, written), in words with what to do, for messages that begin with
 * the file: 'no such file; check the path', 'is a folder; give a file', 'permission denied: …'. Said rather than the
 * errno ('cannot be read (ENOENT)'), which a person has to look up. `want` names what to give instead of a folder.
 * `near`: a missing file names the paths it was likely meant to be instead ('no such file; did you mean …?',
 * store/near-files.ts), offering only names with those endings when given. A missing file is said in the one
 * wording of a missing path, store/near-files.ts' noSuchPath.
 */
export function fileProblem(file: string, err: unknown, { writing = false, want = 'a file', near }: { writing?: boolean; want?: string; near?: boolean | NearFileOptions } = {}): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT': {
      if (writing) return 'no such folder to write it in; check the path';
      return noSuchPath(file, { near: Boolean(near), ...(typeof near === 'object' ? near : {}) });
    }
    case 'ENOTDIR':
      return `no such ${writing ? 'folder' : 'file'}: ${fileOnTheWay(file) ?? 'a folder on its path'} is a file, not a folder; check the path`;
    case 'EISDIR':
      return `is a folder; give ${want}`;
    case 'EACCES':
    case 'EPERM':
      return writing
        ? 'permission denied: this user may not write there; choose a folder you can write to, or change its permissions'
        : 'permission denied: this user may not read it; change its permissions (chmod) or copy it somewhere readable';
    case 'EROFS':
      return 'the disk is read-only; choose a folder on a writable disk';
    case 'ELOOP':
      return 'its symbolic links go round in a loop; check the path';
    case 'ENAMETOOLONG':
      return 'the path is too long; use a shorter one';
    default:
      return `cannot be ${writing ? 'written' : 'read'}: ${(err as Error | null)?.message ?? String(err)}`;
  }
}

/**
 * Whether `dir` (holding `entries`) is an earlier export, which an export there replaces: a model folder, config.json
 * beside its weights (a .safetensors file or an onnx/ folder). A config.json alone is not one: some project of the
 * user's may have its own.
 */
function isExportFolder(dir: string, entries: readonly string[]): boolean {
  if (!entries.includes('config.json')) return false;
  return entries.some((e) => e.endsWith('.safetensors')) || (entries.includes('onnx') && fs.statSync(path.join(dir, 'onnx')).isDirectory());
}

/**
 * A file an export writes in a format whose files start with `magic` (api/deploy.ts' GGUF_FILE). As an output it
 * replaces only an earlier file of its format, or an empty one: an --out that names a file the user keeps (notes.txt,
 * a mistyped ~/.bashrc) is refused rather than overwritten, as a folder of other files is for the folder formats.
 */
export interface FormatFile {
  format: string;
  magic: string;
  /**
   * Replace an existing file of any format too (the CLI's --force: the user said to). Only that one file goes, and
   * it is written whole through a temporary sibling renamed over it (atomicWrite), so a failure keeps the old file.
   */
  force?: boolean;
}

function startsWith(file: string, magic: string): boolean {
  const head = Buffer.alloc(magic.length);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  return head.toString('latin1') === magic;
}

/**
 * Why `target`, a destination the user chose (an export's --out, runs compare --csv, the Integrate page's "Write to"),
 * cannot be written as a `kind`, or null. Checked before the work, since the writers find out only at its end (a
 * bare "ENOTDIR: not a directory, stat '…'" after a whole export): a folder where a file goes (`example`, a file name,
 * shows the path to give instead), a file where a folder goes, a path through a file. Missing folders on the way
 * are fine: the writers create them. A folder is written whole in place of what is there (deploy/replace-folder.ts,
 * which asks this too as it starts), so only an empty folder or an earlier export may be there: `--out .` or
 * `--out ~/Documents` must not delete what the user keeps. A `FormatFile` is a file that replaces only an earlier
 * one of its format, or with `force` any file (deploy/gguf-file-writer.ts asks this too as it starts).
 */
export function outputPathProblem(target: string, kind: 'file' | 'folder' | FormatFile, example?: string): string | null {
  const full = path.resolve(target);
  const stat = statOrNull(full);
  if (kind !== 'folder' && stat?.isDirectory()) return `this is a folder; give the path of the file to write${example ? `, e.g. ${path.join(target, example)}` : ''}`;
  if (typeof kind === 'object' && !kind.force && stat?.isFile() && stat.size > 0 && !startsWith(full, kind.magic)) {
    // the parenthesis said '(an earlier export)' after 'not a GGUF file', which read as if this file were one
    return `this file exists and is not a ${kind.format} file, so it is not replaced (only an earlier ${kind.format} export is replaced without asking); choose a new file`;
  }
  if (kind === 'folder' && stat && !stat.isDirectory()) return 'this is a file; give a folder to write (an earlier export there, or a new or empty one)';
  if (kind === 'folder' && stat) {
    const entries = fs.readdirSync(full);
    if (entries.length > 0 && !isExportFolder(full, entries)) {
      const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ` and ${entries.length - 3} more` : '');
      return `this folder holds other files (${shown}) and is not an earlier export (no config.json beside .safetensors weights or an onnx/ folder), so it is not replaced; choose a new or empty folder (missing folders are created)`;
    }
  }
  const file = fileOnTheWay(target);
  return file ? `${file} is a file, not a folder; choose a path in a folder (missing folders are created)` : null;
}

/** `target` with its nearest existing folder's symlinks resolved (the rest of the path, still missing, appended). */
function realTarget(target: string): string {
  let dir = path.resolve(target);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(dir), ...rest);
    } catch {
      const up = path.dirname(dir);
      if (up === dir) return path.resolve(target);
      rest.unshift(path.basename(dir));
      dir = up;
    }
  }
}

/**
 * Why an export or a merge may not write `target`: it is Lathe's data directory (`dataDir`), a path inside it, or a
 * folder that holds it. The data directory is the studio's: each model there is a Hugging Face folder, which
 * outputPathProblem takes for an earlier export and would replace whole, so `--out <data dir>/models/<id>` replaced a
 * registered model under the store's feet. Null when `target` is outside it. Symlinks are followed on both sides.
 */
export function dataDirOutputProblem(target: string, dataDir: string): string | null {
  const [out, data] = [realTarget(target), realTarget(dataDir)];
  const inside = path.relative(data, out);
  if (inside === '' || (!inside.startsWith('..') && !path.isAbsolute(inside))) {
    return `this is inside Lathe's data directory (${dataDir}), where the studio keeps its models, runs and datasets, so nothing is written there; choose a path outside it`;
  }
  const holds = path.relative(out, data);
  if (!holds.startsWith('..') && !path.isAbsolute(holds)) return `this folder holds Lathe's data directory (${dataDir}), which an export here would replace, so nothing is written there; choose a path outside it`;
  return null;
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Directories cannot be opened for fsync on Windows; the rename is still atomic there.
  }
}
