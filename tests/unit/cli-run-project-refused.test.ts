// A command refused for its flags (`lathe train --method lorra`, `lathe eval --limit 0`) or for a model, collection
// or run the engine cannot find starts no run, so it says nothing of the project a run would be recorded in. Before,
// it first said "the run is recorded in project 'P' …; give --project to choose another", then the refusal: a run
// that does not exist, in a project, and advice about --project when the fault was another flag. The note comes once
// the run exists (tests/integration/cli-run-project.test.ts has runs that start).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { importDataset } from '../../native/data/import.ts';
import { openStore } from '../../native/store/db.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-run-project-refused-'));
const dataDir = path.join(root, 'data');

beforeAll(async () => {
  const store = openStore(dataDir);
  try {
    const projectId = store.projects.create({ name: 'Reviews', task: 'classification' }).id;
    const file = path.join(root, 'rows.jsonl');
    fs.writeFileSync(file, ['a gorgeous film|positive', 'dull and slow|negative', 'a pure joy|positive', 'painfully boring|negative']
      .map((r) => JSON.stringify({ sentence: r.split('|')[0], label: r.split('|')[1] })).join('\n') + '\n');
    await importDataset({ path: file, name: 'reviews', projectId, split: { train: 0.5, validation: 0.25, test: 0.25 }, mapping: { input: 'sentence', target: 'label' } }, { store, dataDir });
  } finally {
    store.close();
  }
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const lathe = (args: string[]) => latheInProcess(args, dataDir);

describe('a command refused for its flags says nothing of a run’s project', () => {
  it.each([
    [['train', '--model', 'm', '--dataset', 'reviews', '--method', 'lorra'], "--method must be one of lora, full; got 'lorra'"],
    [['train', '--model', 'm', '--dataset', 'reviews', '--rank', '0'], '--rank'],
    [['align', 'dpo', '--model', 'm', '--dataset', 'reviews', '--lr', 'abc'], "--lr must be a number; got 'abc'"],
    [['align', 'reward', '--model', 'm', '--dataset', 'reviews', '--lr', 'abc'], "--lr must be a number; got 'abc'"],
    [['align', 'ppo', '--model', 'm', '--reward-run', 'run_000000000000', '--dataset', 'reviews', '--lr', 'abc'], "--lr must be a number; got 'abc'"],
    [['eval', '--model', 'm', '--dataset', 'reviews', '--metrics', 'accuracy', '--limit', '0'], '--limit'],
  ])('lathe %j', async (args, refusal) => {
    const r = await lathe(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(refusal);
    expect(r.stderr).not.toContain('recorded in project');
  });

  it.each([
    [['train', '--model', 'nope', '--dataset', 'reviews'], "no model named 'nope'"],
    [['eval', '--model', 'nope', '--dataset', 'reviews', '--metrics', 'accuracy'], "no model named 'nope'"],
    [['align', 'dpo', '--model', 'nope', '--dataset', 'reviews'], "no model named 'nope'"],
    [['align', 'reward', '--model', 'nope', '--dataset', 'reviews'], "no model named 'nope'"],
    [['align', 'ppo', '--model', 'nope', '--reward-run', 'run_000000000000', '--dataset', 'reviews'], "no model named 'nope'"],
    [['docs', 'eval', 'nope', '--dataset', 'reviews', '--query-column', 'sentence', '--relevant-column', 'label'], "'nope'"],
  ])('flags that pass, then a refusal by the engine, start no run either: lathe %j', async (args, refusal) => {
    const r = await lathe(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(refusal);
    expect(r.stderr).not.toContain('recorded in');
  });
});
