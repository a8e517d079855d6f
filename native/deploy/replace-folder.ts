// Replace an export folder whole: build it in a temporary sibling (fsynced), move any old folder aside, rename
// the new one into place, then delete the old one. A failure or a crash leaves the old folder (or a
// `.tmp-<pid>-…` sibling that atomic.ts' sweep recognises), never a half-written export under the real name.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

function fsyncTree(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) fsyncTree(p);
    else {
      const fd = fs.openSync(p, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
}

export async function replaceFolderAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const target = path.resolve(dir);
  if (fs.existsSync(target) && !fs.statSync(target).isDirectory()) throw new Error(`${target} exists and is not a folder; choose another --out`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tag = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const tmp = `${target}.tmp-${tag}`;
  fs.mkdirSync(tmp);
  try {
    await fill(tmp);
    fsyncTree(tmp);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  const old = `${target}.old-${tag}`;
  const hadOld = fs.existsSync(target);
  if (hadOld) fs.renameSync(target, old);
  try {
    fs.renameSync(tmp, target);
  } catch (err) {
    if (hadOld) fs.renameSync(old, target);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  if (hadOld) fs.rmSync(old, { recursive: true, force: true });
}
