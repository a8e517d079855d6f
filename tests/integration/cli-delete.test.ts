// `lathe dataset delete` and `lathe project delete`, as the studio's confirmations do: the answer says what stays
// (the runs that used the dataset; the project's datasets, runs and collections, in no project), a run whose
// dataset is gone still shows, and work still using the item refuses the delete, saying which and what to do.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../native/store/db.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

let dataDir = '';
const ids = { project: '', run: '', job: '' };

beforeAll(async () => {
  dataDir = tempDir('cli-delete');
  const store = openStore(dataDir);
  try {
    ids.project = store.projects.create({ name: 'Reviews', task: 'classification' }).id;
    const dataset = (id: string, name: string, projectId: string | null) => store.datasets.insert({
      id, projectId, name, sourcePath: '/x.jsonl', format: 'jsonl', compressed: false, columns: ['text', 'label'], rowCount: 4,
      contentHash: 'ab'.repeat(32), mapping: { text: 'text', label: 'label' }, splits: { train: 2, validation: 1, test: 1 }, splitSeed: 42, skippedRows: [], createdAt: new Date().toISOString(),
    });
    dataset('ds_000000000001', 'reviews', ids.project);
    dataset('ds_000000000002', 'busy', null);
    fs.mkdirSync(path.join(dataDir, 'datasets', 'ds_000000000001'), { recursive: true });
    ids.run = store.runs.create({ kind: 'evaluation', name: 'eval', projectId: ids.project, status: 'succeeded', config: { dataset: { id: 'ds_000000000001', name: 'reviews' }, split: 'test' } }).id;
    store.runs.create({ kind: 'finetune', name: 'ft', projectId: ids.project, status: 'failed', config: { datasetId: 'ds_000000000001' } });
    ids.job = store.jobs.create('finetune', { dataset: 'busy', model: 'm' }).id;
  } finally {
    store.close();
  }
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('deleting from the CLI', () => {
  it('lathe dataset delete: gone with its rows, the runs that used it stay and say so', async () => {
    const r = await inProcessLathe(dataDir, ['dataset', 'delete', 'reviews']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('Deleted dataset reviews (ds_000000000001) and its rows. 2 runs used this dataset; they stay, with their scores, and show the dataset as deleted.');
    expect(fs.existsSync(path.join(dataDir, 'datasets', 'ds_000000000001'))).toBe(false);
    expect((await inProcessLathe(dataDir, ['runs', 'show', ids.run])).code).toBe(0);
    const again = await inProcessLathe(dataDir, ['dataset', 'delete', 'reviews']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/no dataset named 'reviews'|dataset reviews does not exist/);
  });

  it('lathe dataset delete refuses while a job reads it', async () => {
    const r = await inProcessLathe(dataDir, ['dataset', 'delete', 'busy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lathe dataset delete: dataset busy (ds_000000000002) cannot be deleted now: job ${ids.job} (finetune) is queued on it; cancel it or let it finish, then delete the dataset`);
  });

  it('lathe project delete: its runs stay, in no project, and the answer says where to find them', async () => {
    const r = await inProcessLathe(dataDir, ['project', 'delete', 'Reviews', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({ deleted: true, kept: { datasets: 0, runs: 2, collections: 0 } });
    expect((await inProcessLathe(dataDir, ['project', 'list', '--json'])).json()).toEqual([]);
    const store = openStore(dataDir);
    try {
      expect(store.runs.get(ids.run)?.projectId).toBeNull();
    } finally {
      store.close();
    }
    const other = (await inProcessLathe(dataDir, ['project', 'create', '--name', 'Empty', '--task', 'qa', '--json'])).json<{ id: string }>();
    expect((await inProcessLathe(dataDir, ['project', 'delete', other.id])).stdout.trim()).toBe(`Deleted project Empty (${other.id}). It holds no datasets, runs or document collections.`);
  });
});
