// Which `lathe` processes use a model or a document collection right now, as files any process can read:
// <dataDir>/models/.in-use/<pid>-<hex>.json, one per use (the folder is there only while one is), holding the process
// (pid + start marker, process-owner.ts), what it is ('lathe quantize') and what it uses: `models` (as the person gave
// them: a name or an id; as the store found them: an id; a model being built: its new id) and `collections` (by id).
// Jobs and runs are in the store and seen there (studio/deletion.ts' modelBusy, collectionUsage); a foreground command
// that records no run (generate, quantize, merge, export, serve-api, docs add, docs search, ask) is seen only here.
//
// A foreground command holds one use from start to end (cli.ts main(), beginCommandUse): it names the models of its
// flags at once, and every model or collection the command then finds in the store (store/models.ts and
// collections.ts call noteInUse) is added as it is found: the base model of `lathe merge --run`, a model a request
// to `lathe serve-api` names, the collection `lathe docs search` reads. A model the server unloads to make room for
// another is dropped from it (noteNoLongerInUse), unless its flags name it. A studio begins none: its jobs are in the
// store.
//
// A marker outlives a process killed at once (SIGKILL, a second Ctrl-C): its owner is then dead, so readers ignore it
// and remove it. Kept under models/ (where it began, for models alone; older readers still read the `models` of a new
// marker) rather than inside each model's folder: a model registered where it lay outside the data directory is the
// person's folder, not written to.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { currentOwner, isOwnerAlive, isPidAlive, type ProcessOwner } from './process-owner.ts';

/** The folder of markers, under models/ (the orphan sweep skips names starting with a dot). */
export function inUseDir(dataDir: string): string {
  return path.join(dataDir, 'models', '.in-use');
}

/** What a marker can name. */
export type InUseKind = 'models' | 'collections';

/** Items of each kind, by id or name. */
export type InUseItems = Partial<Record<InUseKind, readonly string[]>>;

export interface InUse {
  owner: ProcessOwner;
  /** What uses them, in words a person recognises: 'lathe quantize', 'an import building model s260k-q4'. */
  by: string;
  /** The models, as named to the command (name or id) or found by it (id). */
  models: string[];
  /** The document collections (id or name); absent from markers older lathe versions wrote. */
  collections: string[];
  /** ISO time the use began. */
  since: string;
  /** How a person ends the use, when it is not a command in a terminal: 'stop the API server on the Integrate page'. */
  howToStop?: string;
}

export interface InUseMark {
  /** Name more items in the marker (written when the first item comes); items already named are not repeated. */
  add(items: InUseItems): void;
  /** No longer name `items` (a model the process unloaded); the marker goes when it names nothing. */
  drop(items: InUseItems): void;
  /** Remove the marker; safe to call twice. */
  release(): void;
}

/**
 * Say that this process uses `items` until released (and at the latest until it exits: a process.exit() runs no
 * `finally`). Nothing is written while nothing is named, nor while the data directory has no store yet: no item there
 * to protect, and a command refused for its flags must not create the data directory.
 */
export function markInUse(dataDir: string, by: string, items: InUseItems = {}, howToStop?: string): InUseMark {
  const dir = inUseDir(dataDir);
  const file = path.join(dir, `${process.pid}-${crypto.randomBytes(4).toString('hex')}.json`);
  const use: InUse = { owner: currentOwner(), by, models: [], collections: [], since: new Date().toISOString(), ...(howToStop ? { howToStop } : {}) };
  let written = false;
  let released = false;
  const remove = () => {
    fs.rmSync(file, { force: true });
    removeIfEmpty(dir);
  };
  const unwrite = () => {
    if (!written) return;
    written = false;
    process.off('exit', remove);
    remove();
  };
  const mark: InUseMark = {
    add(more) {
      if (released) return;
      let changed = false;
      for (const kind of ['models', 'collections'] as const) {
        for (const key of more[kind] ?? []) {
          if (key === '' || use[kind].includes(key)) continue;
          use[kind].push(key);
          changed = true;
        }
      }
      if (changed) write();
    },
    drop(fewer) {
      if (released) return;
      let changed = false;
      for (const kind of ['models', 'collections'] as const) {
        const kept = use[kind].filter((key) => !(fewer[kind] ?? []).includes(key));
        changed ||= kept.length !== use[kind].length;
        use[kind] = kept;
      }
      if (!changed) return;
      if (use.models.length === 0 && use.collections.length === 0) unwrite();
      else write();
    },
    release() {
      if (released) return;
      released = true;
      unwrite();
    },
  };
  function write(): void {
    if (!fs.existsSync(path.join(dataDir, 'lathe.db'))) return;
    // written whole, then renamed: a reader never sees half a marker (nor, once it is there, none)
    writeInto(dir, `${file}.tmp`, JSON.stringify(use));
    fs.renameSync(`${file}.tmp`, file);
    if (!written) process.once('exit', remove);
    written = true;
  }
  mark.add(items);
  return mark;
}

/** The use of the foreground command this process runs (cli.ts), which noteInUse adds to; none in a studio. */
let commandUse: { dataDir: string; mark: InUseMark } | null = null;

/**
 * Begin the use of the command this process runs in the foreground, naming `items` at once; what the store finds
 * for it afterwards is added (noteInUse) until it is released.
 */
export function beginCommandUse(dataDir: string, by: string, items: InUseItems, howToStop?: string): InUseMark {
  const mark = markInUse(dataDir, by, items, howToStop);
  const use = { dataDir: path.resolve(dataDir), mark };
  commandUse = use;
  return {
    add: (more) => mark.add(more),
    drop: (fewer) => mark.drop(fewer),
    release() {
      if (commandUse === use) commandUse = null;
      mark.release();
    },
  };
}

/**
 * `items` of the store in `dataDir` are opened by this process: named in the marker of the command it runs, if it
 * runs one there (beginCommandUse); nothing otherwise (a studio's jobs and runs are seen in the store).
 */
export function noteInUse(dataDir: string, items: InUseItems): void {
  if (commandUse && commandUse.dataDir === path.resolve(dataDir)) commandUse.mark.add(items);
}

/**
 * `items` are no longer opened by this process (a model `lathe serve-api` unloaded): the marker of the command it
 * runs in `dataDir` stops naming them, so they can be deleted while the command goes on; nothing otherwise.
 */
export function noteNoLongerInUse(dataDir: string, items: InUseItems): void {
  if (commandUse && commandUse.dataDir === path.resolve(dataDir)) commandUse.mark.drop(items);
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

function readUse(file: string): InUse | null {
  try {
    const use = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<InUse>;
    const ok = Number.isInteger(use.owner?.pid) && typeof use.by === 'string' && Array.isArray(use.models) && typeof use.since === 'string'
      && (use.collections === undefined || Array.isArray(use.collections));
    return ok ? ({ ...use, collections: use.collections ?? [] } as InUse) : null;
  } catch {
    return null; // removed while read (its owner finished), or not one of ours
  }
}

/** The markers whose process still runs; those of dead processes are removed as they are read. */
export function liveUses(dataDir: string): InUse[] {
  const dir = inUseDir(dataDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const live: InUse[] = [];
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

/** The first live use of the model or collection `item` (named by its id or its name), or undefined. */
export function liveUseOf(dataDir: string, kind: InUseKind, item: { id: string; name?: string }): InUse | undefined {
  return liveUses(dataDir).find((u) => u[kind].some((k) => k === item.id || (item.name !== undefined && k === item.name)));
}

/** "'lathe quantize' (process 4242, since 2026-12-07T10:02:11Z) is using it": for refusals that name the user. */
export function describeUse(use: InUse): string {
  return `${use.by} (process ${use.owner.pid}, since ${use.since.replace(/\.\d+Z$/, 'Z')}) is using it`;
}

/** What a refusal to delete `noun` under `use` says: who uses it, and how to end that. */
export function busyUnder(use: InUse, noun: 'model' | 'collection'): string {
  const stop = typeof use.howToStop === 'string' ? use.howToStop : `stop that command (Ctrl-C in its terminal, or kill ${use.owner.pid})`;
  return `${describeUse(use)}; ${stop} or let it finish, then delete the ${noun}`;
}
