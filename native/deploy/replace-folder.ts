// Replace an export folder whole: build it in a temporary sibling (fsynced), move any old folder aside, rename
// the new one into place, then delete the old one. A failure or a crash leaves the old folder (and a
// `.tmp-<pid>-…` sibling, which the next export there sweeps; a crash between the two renames, the old folder as
// `.old-<pid>-…`, which the next export there puts back), never a half-written export under the real name.
// Only an earlier export (a model folder: config.json beside its weights — a .safetensors file or an onnx/ folder)
// or an empty folder is replaced: models/atomic.ts' outputPathProblem says so, the one rule that the CLI's --out and
// the Studio's deploy.export also check before the work (here again, for what changed since).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { outputPathProblem, sweepBeside } from '../models/atomic.ts';
import { isPidAlive } from '../store/process-owner.ts';

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

/**
 * A replace killed between moving the old folder aside and renaming the new one in left `<target>.old-<pid>-…` (the
 * earlier export, whole) and no `<target>`: put it back, or remove it when `<target>` is there. A live writer's stays.
 */
function recoverMovedAside(target: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(path.dirname(target));
  } catch {
    return; // no folder yet: nothing was moved aside
  }
  for (const entry of entries) {
    const writer = /^(.*)\.old-(\d+)-[0-9a-f]{8}$/.exec(entry);
    if (!writer || writer[1] !== path.basename(target) || isPidAlive(Number(writer[2]))) continue;
    const aside = path.join(path.dirname(target), entry);
    if (fs.existsSync(target)) fs.rmSync(aside, { recursive: true, force: true });
    else fs.renameSync(aside, target);
  }
}

export async function replaceFolderAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const target = path.resolve(dir);
  recoverMovedAside(target);
  const refusal = outputPathProblem(target, 'folder');
  if (refusal) throw new Error(`${target}: ${refusal}`);
  sweepBeside(target);
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
  try {
    // moving the earlier export aside can fail too (a mount point, a folder held open on Windows): the new one goes
    if (hadOld) fs.renameSync(target, old);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  try {
    fs.renameSync(tmp, target);
  } catch (err) {
    if (hadOld) fs.renameSync(old, target);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  if (hadOld) fs.rmSync(old, { recursive: true, force: true });
}
