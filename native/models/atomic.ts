// Atomic writes: every file that matters is written to a temporary sibling, fsynced, then renamed over the
// target, so a crash leaves either the old file or the new one, never half of one.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/** Write `file` through `fill(fd)` into a temporary sibling, fsync it, and rename it into place. */
export async function atomicWrite(file: string, fill: (fd: number) => void | Promise<void>): Promise<void> {
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
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
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
