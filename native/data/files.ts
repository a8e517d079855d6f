// Where an imported dataset's bytes live and how they are written and read back:
//   datasets/<id>/rows.jsonl   one JSON object per row, in file order
//   datasets/<id>/index.bin    (rows + 1) little-endian u64 byte offsets into rows.jsonl
//   datasets/<id>/splits.bin   one byte per row: 0 train, 1 validation, 2 test
//   datasets/<id>/skipped.jsonl  rows left out by skipInvalid, with reasons (when any)
//   datasets/<id>/manifest.json  what was imported, by which process
// An import writes into datasets/.import-<pid>-<id>/, fsyncs, and renames the folder into place.
import fs from 'node:fs';
import path from 'node:path';
import { SPLITS } from '../api/schemas.ts';

export const DATASETS_DIR = 'datasets';
const TEMP_PREFIX = '.import-';

export function datasetsRoot(dataDir: string): string {
  return path.join(dataDir, DATASETS_DIR);
}
export function datasetDir(dataDir: string, id: string): string {
  return path.join(datasetsRoot(dataDir), id);
}
export function tempDatasetDir(dataDir: string, id: string): string {
  return path.join(datasetsRoot(dataDir), `${TEMP_PREFIX}${process.pid}-${id}`);
}

/** Appends through a 1 MiB buffer with synchronous writes: simple backpressure, bounded memory. */
export class BufferedFile {
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  bytes = 0;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  write(data: string | Buffer): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (this.used + buf.length > this.buffer.length) this.flush();
    if (buf.length > this.buffer.length) fs.writeSync(this.fd, buf);
    else {
      buf.copy(this.buffer, this.used);
      this.used += buf.length;
    }
    this.bytes += buf.length;
  }

  private flush(): void {
    if (this.used > 0) fs.writeSync(this.fd, this.buffer, 0, this.used);
    this.used = 0;
  }

  /** Flush, fsync and close: after this the bytes are on disk. */
  close(): void {
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }

  /** Close without caring for the contents (the import failed). */
  abandon(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

export function writeFileDurably(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** fsync a directory so a rename inside it survives a power cut (not supported on Windows; harmless there). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // directories cannot be opened for fsync on every platform
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove what crashed imports left behind: temporary folders of dead processes, and dataset folders that
 * never got their database row (the process died between the rename and the insert). Folders of live
 * processes are left alone: the CLI may be importing next to the running studio.
 */
export function sweepIncompleteImports(dataDir: string, knownIds: Set<string>): string[] {
  const root = datasetsRoot(dataDir);
  if (!fs.existsSync(root)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(root)) {
    const full = path.join(root, name);
    let ownerPid: number | undefined;
    if (name.startsWith(TEMP_PREFIX)) ownerPid = Number(name.slice(TEMP_PREFIX.length).split('-')[0]);
    else if (!knownIds.has(name)) {
      try {
        ownerPid = (JSON.parse(fs.readFileSync(path.join(full, 'manifest.json'), 'utf8')) as { pid: number }).pid;
      } catch {
        continue; // not ours: leave unknown folders alone
      }
    }
    if (ownerPid !== undefined && Number.isInteger(ownerPid) && ownerPid !== process.pid && !pidAlive(ownerPid)) {
      fs.rmSync(full, { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

/**
 * Read rows [offset, offset+limit) of one split (or of all rows) without loading the dataset; `indices` are their
 * 0-based positions among all rows, in file order.
 */
export function readRows(dir: string, split: 'all' | (typeof SPLITS)[number], offset: number, limit: number): { rows: Record<string, unknown>[]; total: number; indices: number[] } {
  const indexFd = fs.openSync(path.join(dir, 'index.bin'), 'r');
  const rowsFd = fs.openSync(path.join(dir, 'rows.jsonl'), 'r');
  try {
    const rowCount = fs.fstatSync(indexFd).size / 8 - 1;
    let picked: number[];
    let total: number;
    if (split === 'all') {
      total = rowCount;
      picked = [];
      for (let r = offset; r < Math.min(rowCount, offset + limit); r++) picked.push(r);
    } else {
      ({ picked, total } = rowsOfSplit(path.join(dir, 'splits.bin'), SPLITS.indexOf(split), offset, limit));
    }
    const offsetBuf = Buffer.alloc(16);
    const rows = picked.map((r) => {
      fs.readSync(indexFd, offsetBuf, 0, 16, r * 8);
      const start = Number(offsetBuf.readBigUInt64LE(0));
      const end = Number(offsetBuf.readBigUInt64LE(8));
      const line = Buffer.alloc(end - start);
      fs.readSync(rowsFd, line, 0, line.length, start);
      return JSON.parse(line.toString('utf8')) as Record<string, unknown>;
    });
    return { rows, total, indices: picked };
  } finally {
    fs.closeSync(indexFd);
    fs.closeSync(rowsFd);
  }
}

/** Scan splits.bin in 64 KiB blocks for the row numbers of one split. */
function rowsOfSplit(file: string, code: number, offset: number, limit: number): { picked: number[]; total: number } {
  const fd = fs.openSync(file, 'r');
  const block = Buffer.alloc(1 << 16);
  const picked: number[] = [];
  let total = 0;
  let base = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, block, 0, block.length, base);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        if (block[i] !== code) continue;
        if (total >= offset && picked.length < limit) picked.push(base + i);
        total++;
      }
      base += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { picked, total };
}
