// The SQLite store: migrations from an empty file and from every earlier schema version, records that
// round-trip as the API's zod types, and two connections (app + CLI) sharing one file.
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DB_FILE, openStore } from '../../native/store/db.ts';
import { tempStores } from './temp-stores.ts';
import { LATEST_VERSION, MIGRATIONS, migrate, schemaVersion } from '../../native/store/migrations.ts';
import { Dataset, Job, Project } from '../../native/api/schemas.ts';

const { tempDir, open } = tempStores('lathe-store-');

function sampleDataset(id: string, projectId: string | null): Dataset {
  return {
    id, projectId, name: 'dialogsum', sourcePath: '/x/train.jsonl', format: 'jsonl', compressed: false,
    columns: ['dialogue', 'summary'], rowCount: 10, contentHash: 'ab'.repeat(32), mapping: { input: 'dialogue', target: 'summary' },
    splits: { train: 8, validation: 1, test: 1 }, splitSeed: 42, skippedRows: [{ line: 3, reason: 'bad json' }], createdAt: new Date().toISOString(),
  };
}

describe('migrations', () => {
  it('create the latest schema in an empty file with WAL and foreign keys on', () => {
    const store = open(tempDir());
    expect(schemaVersion(store.db)).toBe(LATEST_VERSION);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(1000);
    const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((t) => t.name);
    for (const t of ['projects', 'datasets', 'dataset_splits', 'models', 'runs', 'run_metrics', 'artifacts', 'jobs', 'job_logs']) expect(tables).toContain(t);
    expect(store.integrityCheck()).toBe('ok');
  });

  for (let from = 0; from < LATEST_VERSION; from++) {
    it(`upgrade a file at version ${from} and keep its data`, () => {
      const dir = tempDir();
      const raw = new Database(path.join(dir, DB_FILE));
      migrate(raw, from);
      expect(schemaVersion(raw)).toBe(from);
      if (from >= 1) {
        raw.prepare(`INSERT INTO projects (id, name, task, created_at, updated_at) VALUES ('proj_old', 'old', 'qa', 't', 't')`).run();
      }
      raw.close();
      const store = open(dir);
      expect(schemaVersion(store.db)).toBe(LATEST_VERSION);
      if (from >= 1) expect(store.projects.get('proj_old')?.name).toBe('old');
      expect(store.integrityCheck()).toBe('ok');
    });
  }

  it('refuse a file written by a newer Lathe', () => {
    const dir = tempDir();
    const raw = new Database(path.join(dir, DB_FILE));
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    expect(() => openStore(dir)).toThrow(/newer Lathe/);
  });

  it('11 records that a CSV or TSV dataset of an older file was read with CSV quoting, the only one there was', () => {
    const dir = tempDir();
    const raw = new Database(path.join(dir, DB_FILE));
    migrate(raw, 10);
    const insert = raw.prepare(`INSERT INTO datasets (id, project_id, name, source_path, format, compressed, columns_json, row_count, content_hash,
      mapping_json, split_seed, skipped_json, created_at) VALUES (?, NULL, ?, ?, ?, 0, '["a"]', 1, 'h', '{}', 42, '[]', 't')`);
    for (const format of ['tsv', 'csv', 'jsonl', 'json']) insert.run(`ds_${format}`, format, `/x/rows.${format}`, format);
    raw.close();
    const store = open(dir);
    expect(['tsv', 'csv', 'jsonl', 'json'].map((f) => store.datasets.get(`ds_${f}`)?.quoting)).toEqual(['csv', 'csv', undefined, undefined]);
    expect(store.datasets.insert({ ...sampleDataset('ds_none', null), format: 'tsv', quoting: 'none' })).toMatchObject({ quoting: 'none' });
    expect(store.datasets.get('ds_none')?.quoting).toBe('none');
  });

  it("13 records which splits an older file's datasets drew where that is certain, and leaves the rest unknown", () => {
    const dir = tempDir();
    const raw = new Database(path.join(dir, DB_FILE));
    migrate(raw, 12);
    const insert = raw.prepare(`INSERT INTO datasets (id, project_id, name, source_path, format, compressed, columns_json, row_count, content_hash,
      mapping_json, split_seed, skipped_json, created_at) VALUES (?, NULL, ?, ?, 'jsonl', 0, '["a"]', ?, 'h', '{}', 42, '[]', 't')`);
    const split = raw.prepare('INSERT INTO dataset_splits (dataset_id, split, row_count) VALUES (?, ?, ?)');
    const old = (id: string, source: string, counts: [number, number, number]) => {
      insert.run(id, id, source, counts[0] + counts[1] + counts[2]);
      ['train', 'validation', 'test'].forEach((s, i) => split.run(id, s, counts[i]));
    };
    old('ds_drawn', '/x/all.jsonl', [8, 1, 1]); // one file in three splits: only a draw does that
    old('ds_whole', '/x/test.jsonl', [0, 0, 50]); // every row in one split: no seed placed any
    old('ds_files', '/x/train.jsonl + /x/dev.jsonl', [60, 7, 0]); // two files: kept whole, or the first drawn? unknown
    old('ds_onefile', '/x/train.jsonl + /x/dev.jsonl', [60, 0, 0]);
    raw.close();
    const store = open(dir);
    expect(['ds_drawn', 'ds_whole', 'ds_files', 'ds_onefile'].map((id) => store.datasets.get(id)?.drawnSplits))
      .toEqual([['train', 'validation', 'test'], [], undefined, []]);
    expect(store.datasets.get('ds_files')).not.toHaveProperty('drawnSplits');
    // recorded from now on, [] as much as a list
    for (const drawnSplits of [[], ['train', 'validation']] as const) {
      const id = `ds_new${drawnSplits.length}`;
      store.datasets.insert({ ...sampleDataset(id, null), name: id, drawnSplits: [...drawnSplits] });
      expect(store.datasets.get(id)?.drawnSplits).toEqual(drawnSplits);
    }
  });

  it('are numbered 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
});

describe('tables', () => {
  it('projects round-trip as API records and patch constraints field by field', () => {
    const store = open(tempDir());
    const p = store.projects.create({ name: 'demo', task: 'summarization', metric: 'rougeL', target: 0.3, constraints: { device: 'cpu', memoryBudgetMb: 2048, maxLatencyMs: null } });
    expect(Project.parse(p)).toEqual(p);
    expect(store.projects.get(p.id)).toEqual(p);
    const updated = store.projects.update(p.id, { constraints: { maxLatencyMs: 500 } });
    expect(updated?.constraints).toEqual({ device: 'cpu', memoryBudgetMb: 2048, maxLatencyMs: 500 });
    expect(store.projects.list().map((x) => x.id)).toEqual([p.id]);
    expect(store.projects.delete(p.id)).toBe(true);
    expect(store.projects.get(p.id)).toBeUndefined();
  });

  it('datasets keep splits, mapping and skipped rows; deleting the project detaches them', () => {
    const store = open(tempDir());
    const p = store.projects.create({ name: 'demo', task: 'summarization' });
    const d = store.datasets.insert(sampleDataset('ds_1', p.id));
    expect(store.datasets.get('ds_1')).toEqual(d);
    expect(store.datasets.list(p.id)).toHaveLength(1);
    expect(store.datasets.list(null)).toHaveLength(0);
    expect(store.datasets.setMapping('ds_1', { text: 'dialogue' })?.mapping).toEqual({ text: 'dialogue' });
    store.projects.delete(p.id);
    expect(store.datasets.get('ds_1')?.projectId).toBeNull();
    expect(() => store.datasets.insert({ ...sampleDataset('ds_2', 'proj_missing'), name: 'other' })).toThrow(/FOREIGN KEY/);
    expect(store.datasets.ids()).toEqual(new Set(['ds_1']));
  });

  it('runs hold metrics and artifacts, removed with the run', () => {
    const store = open(tempDir());
    const parent = store.runs.create({ kind: 'finetune', name: 'base' });
    const run = store.runs.create({ kind: 'evaluation', name: 'eval', parentRunId: parent.id, config: { metric: 'rougeL' } });
    expect(store.runs.setStatus(run.id, 'running')?.startedAt).not.toBeNull();
    store.runs.addMetric({ runId: run.id, step: 2, name: 'loss', value: 1.5 });
    store.runs.addMetric({ runId: run.id, step: 1, name: 'loss', value: 2.5 });
    store.runs.addMetric({ runId: run.id, step: 1, name: 'lr', value: 0.001 });
    expect(store.runs.metrics(run.id, 'loss').map((m) => m.value)).toEqual([2.5, 1.5]);
    expect(store.runs.metrics(run.id)).toHaveLength(3);
    store.runs.addArtifact({ runId: run.id, kind: 'predictions', path: 'runs/x/p.jsonl', bytes: 10, hash: 'h' });
    expect(store.runs.artifacts(run.id)).toHaveLength(1);
    expect(store.runs.list({ kind: 'evaluation' }).map((r) => r.parentRunId)).toEqual([parent.id]);
    store.runs.delete(run.id);
    expect(store.runs.metrics(run.id)).toEqual([]);
  });

  it('drop a run\'s metrics after a step (a resumed run re-records them) and leave other runs alone', () => {
    const store = open(tempDir());
    const run = store.runs.create({ kind: 'finetune', name: 'resumed' });
    const other = store.runs.create({ kind: 'finetune', name: 'other' });
    for (const step of [0, 1, 2, 3, 4]) {
      store.runs.addMetric({ runId: run.id, step, name: 'loss', value: step });
      store.runs.addMetric({ runId: other.id, step, name: 'loss', value: step });
    }
    store.runs.addMetric({ runId: run.id, step: 3, name: 'val_loss', value: 9 });
    expect(store.runs.deleteMetricsAfter(run.id, 2)).toBe(3);
    expect(store.runs.metrics(run.id).map((m) => `${m.name}@${m.step}`)).toEqual(['loss@0', 'loss@1', 'loss@2']);
    expect(store.runs.metrics(other.id)).toHaveLength(5);
    expect(store.runs.deleteMetricsAfter(run.id, -1)).toBe(3);
    expect(store.runs.metrics(run.id)).toEqual([]);
  });

  it("drop the named metrics of one step (a part of a step recorded again) and leave the rest alone", () => {
    const store = open(tempDir());
    const run = store.runs.create({ kind: 'ppo', name: 'resumed' });
    const other = store.runs.create({ kind: 'ppo', name: 'other' });
    for (const runId of [run.id, other.id]) {
      for (const step of [2, 4]) for (const name of ['loss', 'eval/kl', 'eval/score_mean']) store.runs.addMetric({ runId, step, name, value: step });
    }
    expect(store.runs.deleteMetricsAt(run.id, 4, ['eval/kl', 'eval/score_mean', 'eval/score_std'])).toBe(2);
    expect(store.runs.metrics(run.id).map((m) => `${m.name}@${m.step}`)).toEqual(['eval/kl@2', 'eval/score_mean@2', 'loss@2', 'loss@4']);
    expect(store.runs.metrics(other.id)).toHaveLength(6);
    expect(store.runs.deleteMetricsAt(run.id, 2, [])).toBe(0);
  });

  it('models round-trip', () => {
    const store = open(tempDir());
    const m = store.models.create({ name: 'stories260K', architecture: 'llama', path: 'models/x', config: { dim: 64 }, parameterCount: 260_000, source: 'llama2.c' });
    expect(store.models.get(m.id)).toEqual(m);
    expect(store.models.list()).toHaveLength(1);
  });

  it('jobs record state, timings and logs; orphans of a dead studio become interrupted', () => {
    const store = open(tempDir());
    const job = store.jobs.create('dataset-import', { path: 'a.jsonl' });
    expect(Job.parse(job).state).toBe('queued');
    const running = store.jobs.update(job.id, { state: 'running', progress: 0.5, message: 'half', etaSeconds: 3 });
    expect(running?.startedAt).not.toBeNull();
    for (let i = 0; i < 5; i++) store.jobs.appendLog(job.id, 'info', `line ${i}`);
    expect(store.jobs.logs(job.id, 2).map((l) => l.line)).toEqual(['line 3', 'line 4']);
    // A job owned by a process that no longer exists (pid 2^31-1 is never a live pid), and one owned by a live one.
    const orphan = store.jobs.create('dataset-import', {}, 2 ** 31 - 1);
    const live = store.jobs.create('dataset-import', {}, process.ppid);
    const marked = store.jobs.markInterrupted().map((j) => j.id);
    expect(marked).toContain(orphan.id);
    expect(marked).toContain(job.id); // owned by this very process, which is "starting up" again
    expect(marked).not.toContain(live.id);
    expect(store.jobs.get(orphan.id)?.state).toBe('interrupted');
    expect(store.jobs.get(orphan.id)?.finishedAt).not.toBeNull();
    expect(store.jobs.list(10)[0].id).toBe(live.id);
  });

  it('a run ends with the job that drives it when the job fails, is cancelled or interrupted', () => {
    const store = open(tempDir());
    const driven = (jobState?: 'failed' | 'cancelled' | 'succeeded') => {
      const run = store.runs.create({ kind: 'finetune', name: 'r' });
      store.runs.setStatus(run.id, 'running');
      const job = store.jobs.create('finetune', {});
      store.jobs.update(job.id, { state: 'running', runId: run.id });
      if (jobState) store.jobs.update(job.id, { state: jobState });
      return { run: run.id, job: job.id };
    };
    const ended = (runId: string) => {
      const r = store.runs.get(runId)!;
      return [r.status, r.finishedAt !== null];
    };
    expect(ended(driven('failed').run)).toEqual(['failed', true]);
    expect(ended(driven('cancelled').run)).toEqual(['cancelled', true]);
    // a run that said how it ended keeps its word; a succeeded job leaves its run to the worker
    const done = driven();
    store.runs.setStatus(done.run, 'succeeded');
    store.jobs.update(done.job, { state: 'failed' });
    expect(ended(done.run)).toEqual(['succeeded', true]);
    expect(ended(driven('succeeded').run)).toEqual(['running', false]);
    // a studio restarting after a crash ends the orphan's run as interrupted; resuming it clears the finish time
    const orphan = driven();
    store.jobs.markInterrupted();
    expect(ended(orphan.run)).toEqual(['interrupted', true]);
    // its job says the run resumes, where a job without a checkpoint to continue from starts over
    expect(store.jobs.get(orphan.job)?.error).toBe('the studio stopped while this job was running; resume its run to continue from the last checkpoint');
    const importJob = store.jobs.create('dataset-import', {}, 2 ** 31 - 1);
    store.jobs.markInterrupted();
    expect(store.jobs.get(importJob.id)?.error).toBe('the studio stopped while this job was queued; run it again');
    expect(ended(store.runs.setStatus(orphan.run, 'running')!.id)).toEqual(['running', false]);
  });

  it('lets a second connection read and write while the first holds the file open', () => {
    const dir = tempDir();
    const app = open(dir);
    const cli = open(dir);
    app.projects.create({ name: 'from app', task: 'qa' });
    cli.projects.create({ name: 'from cli', task: 'chat' });
    expect(app.projects.list().map((p) => p.name).sort()).toEqual(['from app', 'from cli']);
  });
});
