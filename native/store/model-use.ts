// Which `lathe` processes use a model right now, as files any process can read: <dataDir>/models/.in-use/<pid>-<hex>.json,
// one per use (the folder is there only while one is), holding the process (pid + start marker, process-owner.ts), what
// it is ('lathe quantize') and the models it names (as the person gave them: a name or an id; a model being built: its
// new id). Jobs and runs are in the store and seen there (studio/deletion.ts' modelBusy); a foreground command that
// records no run (generate, quantize, merge, export, serve-api) is seen only here. A marker outlives a process killed at
// once (SIGKILL, a second Ctrl-C): its owner is then dead, so readers ignore it and remove it. Kept beside the folders
// rather than inside each model's: a model registered where it lay outside the data directory is the person's folder,
// not written to.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { currentOwner, isOwnerAlive, isPidAlive, type ProcessOwner } from './process-owner.ts';

/** The folder of markers, under models/ (the orphan sweep skips names starting with a dot). */
export function modelUseDir(dataDir: string): string {
  return path.join(dataDir, 'models', '.in-use');
}

export interface ModelUse {
  owner: ProcessOwner;
  /** What uses the models, in words a person recognises: 'lathe quantize', 'an import building model s260k-q4'. */
  by: string;
  /** The models, as named to the command (name or id). */
  models: string[];
  /** ISO time the use began. */
  since: string;
}

export interface ModelUseMark {
  /** Remove the marker; safe to call twice. */
  release(): void;
}

const NOTHING: ModelUseMark = { release() {} };

/**
 * Say that this process uses `models` until released (and at the latest until it exits: a process.exit() runs no
 * `finally`). Nothing is written when the data directory has no store yet: no model there to protect, and a command
 * refused for its flags must not create the data directory.
 */
export function markModelsInUse(dataDir: string, by: string, models: readonly string[]): ModelUseMark {
  const named = models.filter((m) => m !== '');
  if (named.length === 0 || !fs.existsSync(path.join(dataDir, 'lathe.db'))) return NOTHING;
  const dir = modelUseDir(dataDir);
  const file = path.join(dir, `${process.pid}-${crypto.randomBytes(4).toString('hex')}.json`);
  const use: ModelUse = { owner: currentOwner(), by, models: named, since: new Date().toISOString() };
  // written whole, then renamed: a reader never sees half a marker
  writeInto(dir, `${file}.tmp`, JSON.stringify(use));
  fs.renameSync(`${file}.tmp`, file);
  const remove = () => {
    fs.rmSync(file, { force: true });
    removeIfEmpty(dir);
  };
  process.once('exit', remove);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      process.off('exit', remove);
      remove();
    },
  };
}

/**
 * Write `file` in `dir`, made first. The folder goes when its last marker does (models/ lists only models when nothing
 * runs), so another process may remove it between the mkdir and the write: then it is made again. Once the file is
 * in, the folder is not empty and stays.
 */
function writeInto(dir: string, file: string, contents: string): void {
  for (let attempt = 0; ; attempt++) {
    fs.mkdirSync(dir, { recursive: true });
    try {
      fs.writeFileSync(file, contents);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
    }
  }
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // another marker is there (ENOTEMPTY), or the folder is gone already
  }
}

function readUse(file: string): ModelUse | null {
  try {
    const use = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ModelUse>;
    const ok = Number.isInteger(use.owner?.pid) && typeof use.by === 'string' && Array.isArray(use.models) && typeof use.since === 'string';
    return ok ? (use as ModelUse) : null;
  } catch {
    return null; // removed while read (its owner finished), or not one of ours
  }
}

/** The markers whose process still runs; those of dead processes are removed as they are read. */
export function liveModelUses(dataDir: string): ModelUse[] {
  const dir = modelUseDir(dataDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const live: ModelUse[] = [];
  for (const name of names) {
    const writer = /^(\d+)-[0-9a-f]{8}\.json\.tmp$/.exec(name)?.[1]; // a marker its process died while writing
    if (writer !== undefined && !isPidAlive(Number(writer))) fs.rmSync(path.join(dir, name), { force: true });
    if (!name.endsWith('.json')) continue;
    const use = readUse(path.join(dir, name));
    if (!use) continue;
    if (isOwnerAlive(use.owner)) live.push(use);
    else fs.rmSync(path.join(dir, name), { force: true });
  }
  if (live.length === 0) removeIfEmpty(dir);
  return live;
}

/** The first live use of the model `model` (named by its id or its name), or undefined. */
export function liveUseOf(dataDir: string, model: { id: string; name?: string }): ModelUse | undefined {
  return liveModelUses(dataDir).find((u) => u.models.some((m) => m === model.id || (model.name !== undefined && m === model.name)));
}

/** "'lathe quantize' (process 4242, since 2026-12-07T10:02:11Z) is using it": for refusals that name the user. */
export function describeModelUse(use: ModelUse): string {
  return `${use.by} (process ${use.owner.pid}, since ${use.since.replace(/\.\d+Z$/, 'Z')}) is using it`;
}
