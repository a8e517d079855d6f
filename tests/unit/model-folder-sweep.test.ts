// What a crash leaves under models/ and what the sweep at a studio's open (sweepOrphanModelFolders) removes: a model
// folder with no row (an import killed between its rename and its insert, a delete killed while removing the folder),
// once nothing has changed it for an hour and no live process marks it in use. A folder with a row (by id or by
// path), one a live process marks (store/in-use.ts), one changed lately, one older than the database (made beside an
// earlier lathe.db), staging folders and folders that are not named as Lathe names them stay. A marker of a dead process is ignored, and removed as it is read.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepDeadImports } from '../../native/models/import-temp.ts';
import { removedFoldersNote, sweepOrphanModelFolders } from '../../native/models/orphan-folders.ts';
import { openStore, type Store } from '../../native/store/db.ts';
import { beginCommandUse, inUseDir, liveUseOf, liveUses, markInUse, noteInUse, noteNoLongerInUse } from '../../native/store/in-use.ts';
import { Studio } from '../../native/studio/studio.ts';

let dataDir = '';
let store: Store;
/** The store in `dataDir` as one that has recorded its model folders since `when`. */
function recordingSince(when: Date): void {
  const db = openStore(dataDir);
  db.db.prepare(`UPDATE store_facts SET value = ? WHERE key = 'model_folders_recorded_since'`).run(when.toISOString());
  db.close();
}

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-model-sweep-'));
  recordingSince(new Date(Date.now() - 3 * 60 * 60 * 1000)); // a store in use for three hours, its folders two hours old
  store = openStore(dataDir);
});
afterEach(() => {
  store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const TWO_HOURS_AGO = new Date(Date.now() - 2 * 60 * 60 * 1000);

/** models/<name>/ with a 1,000-byte weights file, last changed two hours ago unless `fresh`. */
function folder(name: string, fresh = false): string {
  const dir = path.join(dataDir, 'models', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.safetensors'), Buffer.alloc(1000));
  if (!fresh) fs.utimesSync(dir, TWO_HOURS_AGO, TWO_HOURS_AGO);
  return dir;
}

function register(id: string, dir: string): void {
  store.models.create({ id, name: id, architecture: 'LlamaForCausalLM', path: dir, config: {}, parameterCount: 1, source: 'test' });
}

/** A marker written by `pid` as markInUse writes one (the file format is the module's: read back through it). */
function markerOf(pid: number, models: string[]): void {
  fs.mkdirSync(inUseDir(dataDir), { recursive: true });
  fs.writeFileSync(path.join(inUseDir(dataDir), `${pid}-0000beef.json`), JSON.stringify({ owner: { pid, started: null }, by: "'lathe quantize'", models, since: new Date().toISOString() }));
}

describe('the sweep of model folders with no row', () => {
  it('removes an orphan folder, says how much it freed, and keeps a folder with a row (by id, or by path)', () => {
    const orphan = folder('mdl_0000000000a1');
    const byId = folder('mdl_0000000000a2');
    register('mdl_0000000000a2', byId);
    const byPath = folder('mdl_0000000000a3');
    register('mdl_0000000000b3', byPath); // a row whose id is not its folder's name still owns the folder
    const removed = sweepOrphanModelFolders(dataDir, store.models);
    expect(removed).toEqual([{ path: orphan, bytes: 1000 }]);
    expect([orphan, byId, byPath].map((d) => fs.existsSync(d))).toEqual([false, true, true]);
    expect(removedFoldersNote(removed)).toBe(`removed a model folder with no model recorded (left by a crash mid-import or mid-delete), 1000 B freed: ${orphan}`);
    expect(removedFoldersNote([])).toBeNull();
  });

  it('keeps a folder a live process marks in use, and ignores (and removes) the marker of a dead one', () => {
    const live = folder('mdl_0000000000c1');
    const mark = markInUse(dataDir, "a 'lathe' process building the model 'q4'", { models: ['mdl_0000000000c1'] });
    const stale = folder('mdl_0000000000c2');
    const dead = deadPid();
    markerOf(dead, ['mdl_0000000000c2']);
    expect(sweepOrphanModelFolders(dataDir, store.models).map((f) => f.path)).toEqual([stale]);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.readdirSync(inUseDir(dataDir)).filter((n) => n.startsWith(`${dead}-`))).toEqual([]);
    mark.release();
    expect(sweepOrphanModelFolders(dataDir, store.models).map((f) => f.path)).toEqual([live]);
  });

  it('removes the markers of dead processes with their temporaries (a build killed mid-way leaves one)', () => {
    const dead = deadPid();
    markerOf(dead, ['mdl_0000000000f1']);
    fs.writeFileSync(path.join(inUseDir(dataDir), `${dead}-0000cafe.json.tmp`), '{"owner":'); // killed mid-write
    sweepDeadImports(dataDir);
    expect(fs.readdirSync(path.join(dataDir, 'models'))).toEqual([]);
  });

  it('keeps the folders of an earlier database: a lathe.db made anew beside them did not lose them in a crash', () => {
    const earlier = folder('mdl_0000000000a7'); // two hours old
    store.close();
    recordingSince(new Date(Date.now() - 60 * 1000)); // this lathe.db was made a minute ago
    store = openStore(dataDir);
    expect(sweepOrphanModelFolders(dataDir, store.models)).toEqual([]);
    expect(fs.existsSync(earlier)).toBe(true);
  });

  it('keeps a folder changed within the hour, staging folders and folders not named as models are', () => {
    const fresh = folder('mdl_0000000000d1', true);
    const staging = folder(`.import-mdl_0000000000d2-${deadPid()}`); // import-temp.ts' sweep, by its pid, removes these
    const foreign = folder('my-notes');
    expect(sweepOrphanModelFolders(dataDir, store.models)).toEqual([]);
    expect([fresh, staging, foreign].map((d) => fs.existsSync(d))).toEqual([true, true, true]);
    expect(sweepOrphanModelFolders(dataDir, store.models, 0).map((f) => f.path)).toEqual([fresh]);
  });

  it('runs when a studio opens, not when the CLI opens one beside it, and the studio keeps what it removed for its log', () => {
    const orphan = folder('mdl_0000000000e1');
    const cli = new Studio({ dataDir, mode: 'cli', recover: false });
    cli.close();
    expect(fs.existsSync(orphan)).toBe(true);
    const studio = new Studio({ dataDir, mode: 'serve' });
    try {
      expect(studio.removedModelFolders).toEqual([{ path: orphan, bytes: 1000 }]);
      expect(studio.openNotes).toEqual([removedFoldersNote(studio.removedModelFolders)]);
      expect(fs.existsSync(orphan)).toBe(false);
    } finally {
      studio.close();
    }
  });
});

describe('model in-use markers', () => {
  it('are written only into a data directory with a store, hold who and since, and go when released', () => {
    const empty = path.join(dataDir, 'none');
    markInUse(empty, "'lathe generate'", { models: ['s260k'] }).release();
    expect(fs.existsSync(empty)).toBe(false); // a command refused for its flags makes no data directory
    const mark = markInUse(dataDir, "'lathe generate'", { models: ['s260k', ''] });
    const uses = liveUses(dataDir);
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatchObject({ owner: { pid: process.pid }, by: "'lathe generate'", models: ['s260k'] });
    expect(Date.now() - Date.parse(uses[0].since)).toBeLessThan(60_000);
    mark.release();
    mark.release();
    expect(liveUses(dataDir)).toEqual([]);
    expect(fs.existsSync(inUseDir(dataDir))).toBe(false); // gone with its last marker: models/ lists only models
  });

  it('name collections beside models; items added later rewrite the marker, which is written only once something is named', () => {
    const mark = markInUse(dataDir, "'lathe docs add'");
    expect(fs.existsSync(inUseDir(dataDir))).toBe(false);
    mark.add({ collections: ['faq'] });
    mark.add({ collections: ['faq'], models: ['mdl_0000000000e5'] }); // a repeat is not named twice
    expect(liveUses(dataDir).map((u) => [u.models, u.collections])).toEqual([[['mdl_0000000000e5'], ['faq']]]);
    expect(liveUseOf(dataDir, 'collections', { id: 'col_1', name: 'faq' })?.by).toBe("'lathe docs add'");
    expect(liveUseOf(dataDir, 'models', { id: 'faq' })).toBeUndefined(); // a collection's name is no model's
    mark.release();
    mark.add({ models: ['late'] }); // after release: nothing written again
    expect(fs.existsSync(inUseDir(dataDir))).toBe(false);
  });

  it('stop naming what the command no longer opens (a model its server unloaded), and go when they name nothing', () => {
    const use = beginCommandUse(dataDir, "'lathe serve-api'", { models: ['s260k', 'mdl_00000000aa01'] });
    try {
      noteInUse(dataDir, { models: ['mdl_00000000aa02'] });
      noteNoLongerInUse(path.join(dataDir, 'elsewhere'), { models: ['mdl_00000000aa02'] }); // another store's: not this marker
      noteNoLongerInUse(dataDir, { models: ['mdl_00000000aa01'] });
      expect(liveUses(dataDir).map((u) => u.models)).toEqual([['s260k', 'mdl_00000000aa02']]);
      noteInUse(dataDir, { models: ['mdl_00000000aa01'] }); // loaded again: named again
      expect(liveUses(dataDir).map((u) => u.models)).toEqual([['s260k', 'mdl_00000000aa02', 'mdl_00000000aa01']]);
      use.drop({ models: ['s260k', 'mdl_00000000aa02', 'mdl_00000000aa01'] });
      expect(fs.existsSync(inUseDir(dataDir))).toBe(false); // naming nothing, the marker goes
      noteInUse(dataDir, { collections: ['faq'] }); // and comes back with the next item
      expect(liveUses(dataDir).map((u) => [u.models, u.collections])).toEqual([[[], ['faq']]]);
    } finally {
      use.release();
    }
    expect(fs.existsSync(inUseDir(dataDir))).toBe(false);
  });

  it('written by an older lathe (models only) are still read, naming no collection', () => {
    fs.mkdirSync(inUseDir(dataDir), { recursive: true });
    fs.writeFileSync(path.join(inUseDir(dataDir), `${process.pid}-0000abcd.json`), JSON.stringify({ owner: { pid: process.pid, started: null }, by: "'lathe quantize'", models: ['s260k'], since: new Date().toISOString() }));
    expect(liveUses(dataDir).map((u) => [u.models, u.collections])).toEqual([[['s260k'], []]]);
    expect(liveUseOf(dataDir, 'models', { id: 'mdl_x', name: 's260k' })?.by).toBe("'lathe quantize'");
    fs.rmSync(inUseDir(dataDir), { recursive: true });
  });

  it("hold what a foreground command finds in the store (a model, a collection with its embedding model), not what it only peeks at; a studio's finds mark nothing", () => {
    const dir = path.join(dataDir, 'models', 'enc');
    const encoder = store.models.create({ name: 'minilm', kind: 'encoder', architecture: 'BertModel', path: dir, config: {}, parameterCount: 1, source: 'test' });
    const decoder = store.models.create({ name: 'tiny', architecture: 'LlamaForCausalLM', path: dir, config: {}, parameterCount: 1, source: 'test' });
    const col = store.collections.create({ projectId: null, name: 'faq', tokenizerModel: dir, embedModel: dir, embedModelId: encoder.id, chunkTokens: 128, overlapTokens: 16 }, 4);
    store.models.find('tiny'); // no command runs in this process: a studio's lookups are seen through its jobs
    expect(liveUses(dataDir)).toEqual([]);

    const elsewhere = openStore(path.join(dataDir, 'elsewhere'));
    const use = beginCommandUse(dataDir, "'lathe docs search'", { models: [] });
    try {
      expect(fs.existsSync(inUseDir(dataDir))).toBe(false); // nothing named yet, nothing written
      store.models.peek('tiny'); // a listing
      elsewhere.models.create({ name: 'other', architecture: 'LlamaForCausalLM', path: dir, config: {}, parameterCount: 1, source: 'test' });
      elsewhere.models.find('other'); // another data directory's store
      expect(liveUses(dataDir)).toEqual([]);
      store.collections.find('faq');
      store.models.find('tiny');
      expect(liveUses(dataDir).map((u) => [u.by, u.models, u.collections])).toEqual([["'lathe docs search'", [encoder.id, decoder.id], [col.id]]]);
      expect(liveUses(path.join(dataDir, 'elsewhere'))).toEqual([]);
    } finally {
      use.release();
      elsewhere.close();
    }
    expect(fs.existsSync(inUseDir(dataDir))).toBe(false);
    store.models.find('tiny'); // the command has ended
    expect(liveUses(dataDir)).toEqual([]);
  });
});
