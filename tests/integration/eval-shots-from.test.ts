// Few-shot examples from another dataset's train split (`lathe eval --shots-from`): a published test set imported
// on its own (no train split) is evaluated few-shot with examples from its training dataset, and the run records
// where they came from; a shots dataset without the evaluated columns, an unknown one, and the old refusal without
// the option, each exit 2 with a message that says what to do. A tiny random Llama (the judge fixture) generates.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { readPredictions } from '../../native/eval/predictions.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';
import { writeJudgeFixture } from '../fixtures/models/judge-fixture.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const DEV = [
  { sentence: 'a gorgeous film', label: 'positive' },
  { sentence: 'dull and slow', label: 'negative' },
  { sentence: 'a pure joy', label: 'positive' },
];
const TRAIN = [
  { sentence: 'warm and funny', label: 'positive' },
  { sentence: 'a tired mess', label: 'negative' },
  { sentence: 'smart and sharp', label: 'positive' },
  { sentence: 'painfully boring', label: 'negative' },
];
/** The same reviews under another column name, mapped to the same field: examples are read through the mapping. */
const RENAMED = TRAIN.map((r) => ({ text: r.sentence, label: r.label }));

let dataDir = '';

function writeRows(file: string, rows: readonly object[]): string {
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

beforeAll(async () => {
  dataDir = tempDir('eval-shots-from');
  const src = tempDir('eval-shots-from-src');
  await writeJudgeFixture(path.join(src, 'writer'), 3);
  await importModelFolder(dataDir, path.join(src, 'writer'), 'writer');
  const studio = new Studio({ dataDir, mode: 'serve' });
  const ctx = { store: studio.store, dataDir };
  await importDataset({ path: writeRows(path.join(src, 'dev.jsonl'), DEV), name: 'glue-dev', split: 'test', mapping: { input: 'sentence', label: 'label' } }, ctx);
  await importDataset({ path: writeRows(path.join(src, 'train.jsonl'), TRAIN), name: 'sst2', split: 'train', mapping: { input: 'sentence', label: 'label' } }, ctx);
  await importDataset({ path: writeRows(path.join(src, 'renamed.jsonl'), RENAMED), name: 'reviews', split: 'train', mapping: { input: 'text', label: 'label' } }, ctx);
  // the same again with no column mapped to the input: the evaluation cannot tell which column to write examples from
  await importDataset({ path: writeRows(path.join(src, 'unmapped.jsonl'), RENAMED), name: 'unmapped', split: 'train', mapping: { label: 'label' } }, ctx);
  await studio.close();
  fs.rmSync(src, { recursive: true, force: true });
}, 60_000);

afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const EVAL = ['eval', '--model', 'writer', '--dataset', 'glue-dev', '--metrics', 'accuracy', '--max-new-tokens', '2', '--threads', '1'];

describe('few-shot examples from another dataset', () => {
  it('draws the examples from the named dataset\'s train split and records where they came from', async () => {
    const r = await inProcessLathe(dataDir, [...EVAL, '--template', 'few-shot:2', '--shots-from', 'sst2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const outcome = r.json<{ runId: string; predictionsPath: string; shotsUsedMean: number }>();
    expect(outcome.shotsUsedMean).toBe(2);
    const examples = readPredictions(outcome.predictionsPath);
    expect(examples).toHaveLength(DEV.length);
    for (const e of examples) {
      const shown = TRAIN.filter((row) => e.prompt!.includes(row.sentence));
      expect(shown, e.prompt).toHaveLength(2);
      expect(DEV.filter((row) => e.prompt!.includes(row.sentence))).toHaveLength(1); // the query only
    }
    const shown = await inProcessLathe(dataDir, ['runs', 'show', outcome.runId, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    const config = shown.json<{ run: { config: { template: { shotsFrom: { name: string; split: string } } } } }>().run.config;
    expect(config.template.shotsFrom).toMatchObject({ name: 'sst2', split: 'train' });
    expect((await inProcessLathe(dataDir, ['runs', 'show', outcome.runId])).stdout).toMatch(/shotsFrom.*sst2/s);
  }, 120_000);

  it('reads a column the shots dataset names otherwise through its mapping (DialogSum: summary in dev, summary1 in test)', async () => {
    const r = await inProcessLathe(dataDir, [...EVAL, '--template', 'few-shot:2', '--shots-from', 'reviews', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const examples = readPredictions(r.json<{ predictionsPath: string }>().predictionsPath);
    for (const e of examples) expect(RENAMED.filter((row) => e.prompt!.includes(`${row.text}`)), e.prompt).toHaveLength(2);
  }, 120_000);

  it('refuses a shots dataset without a column the examples are written from and no mapping to it, saying how to map one', async () => {
    const r = await inProcessLathe(dataDir, [...EVAL, '--template', 'few-shot:2', '--shots-from', 'unmapped']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/few-shot examples from dataset unmapped need the column 'sentence' that the evaluation of glue-dev reads, but unmapped has none and maps no column to input/);
    expect(r.stderr).toMatch(/lathe dataset map unmapped --input-column C/);
  });

  it('refuses examples from another dataset on a zero-shot run', async () => {
    const r = await inProcessLathe(dataDir, [...EVAL, '--shots-from', 'sst2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shots-from\) names where few-shot examples come from, but this run is zero-shot/);
  });

  it('refuses an unknown shots dataset, naming the flag', async () => {
    const r = await inProcessLathe(dataDir, [...EVAL, '--template', 'few-shot:2', '--shots-from', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shots-from: no dataset named 'nope' \(datasets: glue-dev, sst2, reviews, unmapped\)/);
  });

  it('points a test set without a train split to --shots-from', async () => {
    const r = await inProcessLathe(dataDir, [...EVAL, '--template', 'few-shot:2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dataset glue-dev has 0 train rows; .*--shots-from DATASET/);
  });
});
