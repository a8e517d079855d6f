// Tags and notes on runs: the migration that adds them keeps the runs of an older file (with no tags and an
// empty note), the store filters by tag, and the Studio API checks what it is given, naming the field, and
// refuses to delete a run that something still writes to.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DB_FILE } from '../../native/store/db.ts';
import { migrate, schemaVersion } from '../../native/store/migrations.ts';
import { Studio } from '../../native/studio/studio.ts';
import { refusal } from './studio-calls.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-run-notes-');


function withStudio(dir: string): Studio {
  return new Studio({ dataDir: dir, mode: 'cli', recover: false });
}

describe('run tags and notes in the store', () => {
  it('migration 5 gives the runs of a version-4 file no tags and an empty note', () => {
    const dir = tempDir();
    const raw = new Database(path.join(dir, DB_FILE));
    migrate(raw, 4);
    raw.prepare(`INSERT INTO runs (id, kind, name, status, config_json, created_at) VALUES ('run_old', 'finetune', 'old', 'succeeded', '{"lr":0.001}', '2026-01-01T00:00:00.000Z')`).run();
    raw.close();
    const store = open(dir);
    expect(schemaVersion(store.db)).toBeGreaterThanOrEqual(5);
    expect(store.runs.get('run_old')).toMatchObject({ name: 'old', config: { lr: 0.001 }, tags: [], note: '' });
  });

  it('annotates a run, drops repeated tags and filters the list by tag', () => {
    const store = open(tempDir());
    const a = store.runs.create({ kind: 'finetune', name: 'a' });
    const b = store.runs.create({ kind: 'finetune', name: 'b' });
    expect(store.runs.annotate(a.id, { tags: ['baseline', 'lr-sweep', 'baseline'] })).toMatchObject({ tags: ['baseline', 'lr-sweep'], note: '' });
    expect(store.runs.annotate(a.id, { note: 'loss flat after 200 steps' })).toMatchObject({ tags: ['baseline', 'lr-sweep'], note: 'loss flat after 200 steps' });
    store.runs.annotate(b.id, { tags: ['lr-sweep'] });
    expect(store.runs.list({ tag: 'lr-sweep' }).map((r) => r.name)).toEqual(['a', 'b']);
    expect(store.runs.list({ tag: 'baseline' }).map((r) => r.name)).toEqual(['a']);
    expect(store.runs.list({ tag: 'base' })).toEqual([]); // whole tags only, not substrings of the JSON
    expect(store.runs.create({ kind: 'evaluation', name: 'c' })).toMatchObject({ tags: [], note: '' });
  });
});

describe('why a run failed', () => {
  it('migration 14 keeps the runs of a version-13 file, with no reason', () => {
    const dir = tempDir();
    const raw = new Database(path.join(dir, DB_FILE));
    migrate(raw, 13);
    raw.prepare(`INSERT INTO runs (id, kind, name, status, config_json, created_at) VALUES ('run_old', 'evaluation', 'old', 'failed', '{}', '2026-01-01T00:00:00.000Z')`).run();
    raw.close();
    const store = open(dir);
    expect(schemaVersion(store.db)).toBeGreaterThanOrEqual(14);
    expect(store.runs.get('run_old')).toMatchObject({ status: 'failed', error: null });
  });

  it('keeps the message of the error a run failed with, and forgets it when the run runs again', () => {
    const store = open(tempDir());
    const run = store.runs.create({ kind: 'finetune', name: 'a' });
    expect(run.error).toBeNull();
    store.runs.setStatus(run.id, 'running');
    expect(store.runs.fail(run.id, new Error('out of memory at step 12'))).toMatchObject({ status: 'failed', error: 'out of memory at step 12' });
    expect(store.runs.list().find((r) => r.id === run.id)?.error).toBe('out of memory at step 12');
    store.runs.setStatus(run.id, 'failed'); // a status write without a reason keeps the one there is
    expect(store.runs.get(run.id)?.error).toBe('out of memory at step 12');
    expect(store.runs.setStatus(run.id, 'running')?.error).toBeNull();
    expect(store.runs.fail(run.id, 'the worker exited')?.error).toBe('the worker exited');
  });
});

describe('runs.artifacts, runs.update and runs.delete', () => {
  it('replace tags and note, and refuse bad ones naming the field', async () => {
    const dir = tempDir();
    const studio = withStudio(dir);
    try {
      const run = studio.store.runs.create({ kind: 'pretrain', name: 'p' });
      expect(await studio.call('runs.update', { id: run.id, tags: ['keep'], note: 'first try' })).toMatchObject({ tags: ['keep'], note: 'first try' });
      expect(await studio.call('runs.update', { id: run.id, note: '' })).toMatchObject({ tags: ['keep'], note: '' });
      const spaced = await refusal(studio.call('runs.update', { id: run.id, tags: ['two words'] }));
      expect(spaced.code).toBe('invalid_params');
      expect(spaced.message).toMatch(/tags\.0: a tag is one word/);
      const nothing = await refusal(studio.call('runs.update', { id: run.id }));
      expect(nothing.message).toMatch(/give tags or note/);
      const missing = await refusal(studio.call('runs.update', { id: 'run_nope', tags: [] }));
      expect(missing.code).toBe('not_found');
      expect(missing.details).toMatchObject({ field: 'id' });
      expect((await studio.call('runs.list', { tag: 'keep' })).map((r) => r.id)).toEqual([run.id]);
    } finally {
      await studio.close();
    }
  });

  it('delete a finished run with its metrics, artifacts and folder; refuse one its job still drives', async () => {
    const dir = tempDir();
    const studio = withStudio(dir);
    try {
      const { store } = studio;
      const done = store.runs.create({ kind: 'finetune', name: 'done', status: 'succeeded' });
      const folder = path.join(dir, 'runs', done.id);
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'adapter.safetensors'), 'x');
      store.runs.addMetric({ runId: done.id, step: 1, name: 'loss', value: 2 });
      store.runs.addArtifact({ runId: done.id, kind: 'adapter', path: path.join(folder, 'adapter.safetensors'), bytes: 1, hash: 'h' });
      const job = store.jobs.create('finetune', {});
      store.jobs.update(job.id, { state: 'succeeded', runId: done.id });
      expect((await studio.call('runs.artifacts', { id: done.id })).map((x) => x.kind)).toEqual(['adapter']);
      expect(await studio.call('runs.delete', { id: done.id })).toEqual({ deleted: true });
      expect(store.runs.get(done.id)).toBeUndefined();
      expect(store.runs.metrics(done.id)).toEqual([]);
      expect(store.runs.artifacts(done.id)).toEqual([]);
      expect(fs.existsSync(folder)).toBe(false);
      expect(store.jobs.get(job.id)?.runId).toBeNull(); // the job and its logs stay, unlinked

      const live = store.runs.create({ kind: 'finetune', name: 'live', status: 'running' });
      const liveJob = store.jobs.create('finetune', {});
      store.jobs.update(liveJob.id, { state: 'running', runId: live.id });
      const refused = await refusal(studio.call('runs.delete', { id: live.id }));
      expect(refused.code).toBe('conflict');
      expect(refused.message).toContain(`its job ${liveJob.id} is running`);
      expect(store.runs.get(live.id)).toBeDefined();
      expect((await studio.call('jobs.list', { runId: live.id })).map((j) => j.id)).toEqual([liveJob.id]);
      expect((await refusal(studio.call('runs.delete', { id: 'run_gone' }))).code).toBe('not_found');
    } finally {
      await studio.close();
    }
  });
});
