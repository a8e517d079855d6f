// A pairwise judge against another run's predictions instead of the reference, on two tiny random Llamas (one
// writes, one judges). The same greedy model judged against its own earlier run gives each example two identical
// answers, so by the order swap each example's win probability is exactly 1/2; a dataset column judged against a run
// shows both texts in both orders; the runs must share dataset, split, examples and the input fed.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { readPredictions } from '../../native/eval/predictions.ts';
import { runEvaluation } from '../../native/eval/runner.ts';
import { openStore, type Store } from '../../native/store/db.ts';
import { writeWriterJudgeAndRows } from '../fixtures/models/judge-fixture.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const ROWS = [
  { dialogue: 'Tom: Lunch? Ann: Yes, at noon.', summary: 'Tom and Ann meet for lunch at noon.', candidate: 'They meet at noon.' },
  { dialogue: 'Bob: I lost my keys. Sue: Check the car.', summary: 'Sue tells Bob to look in the car.', candidate: 'Bob is happy.' },
  { dialogue: 'Kim: Is it raining? Lee: No, it is sunny.', summary: 'Lee says it is sunny.', candidate: 'It is sunny.' },
];

let dataDir: string;
let store: Store;
const common = { model: 'writer', dataset: 'rated', split: 'test' as const, generation: { maxNewTokens: 6 }, threads: 1 };

beforeAll(async () => {
  dataDir = tempDir('eval-judge-against');
  const src = tempDir('eval-judge-against-src');
  const file = await writeWriterJudgeAndRows(dataDir, src, ROWS);
  store = openStore(dataDir);
  await importDataset({ path: file, name: 'rated', split: 'test', mapping: { input: 'dialogue', target: 'summary' } }, { store, dataDir });
  await importDataset({ path: file, name: 'other', split: 'test', seed: 7, mapping: { input: 'dialogue', target: 'summary' } }, { store, dataDir });
  fs.rmSync(src, { recursive: true, force: true });
});

afterAll(() => {
  store?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('a pairwise judge against another run', () => {
  let baseline = '';

  it('gives exactly 1/2 to each example when both runs answered the same', async () => {
    baseline = (await runEvaluation({ ...common, metrics: ['rougeL'], name: 'baseline' }, { store, dataDir })).runId;
    const again = await runEvaluation({ ...common, metrics: ['judge'], judge: { model: 'judge', mode: 'pairwise', againstRun: baseline }, name: 'again' }, { store, dataDir });
    const mine = readPredictions(path.join(dataDir, 'runs', again.runId, 'predictions.jsonl'));
    const theirs = readPredictions(path.join(dataDir, 'runs', baseline, 'predictions.jsonl'));
    expect(mine.map((e) => e.prediction)).toEqual(theirs.map((e) => e.prediction)); // greedy: the same answers
    for (const e of mine) {
      expect(e.judge!.againstRun).toBe(baseline);
      expect(e.judge!.winProbability).toBe(0.5);
      expect(e.judge!.verdicts.map((v) => v.responseAs)).toEqual(['A', 'B']);
    }
    expect(again.metrics.find((m) => m.name === 'judge')!.value).toBe(0.5);
    expect((store.runs.find(again.runId).config as { judge: { againstRun: { id: string } } }).judge.againstRun.id).toBe(baseline);
  });

  it('puts the other run’s answer where the reference would be, in both orders', async () => {
    const r = await runEvaluation({ ...common, model: 'judge', metrics: ['judge'], judge: { model: 'judge', mode: 'pairwise', responseColumn: 'candidate', againstRun: baseline } }, { store, dataDir });
    const theirs = readPredictions(path.join(dataDir, 'runs', baseline, 'predictions.jsonl'));
    const mine = readPredictions(path.join(dataDir, 'runs', r.runId, 'predictions.jsonl'));
    mine.forEach((e, i) => {
      const [first, second] = e.judge!.verdicts;
      expect(theirs[i].prediction.trim()).not.toBe('');
      expect(first.prompt.indexOf(ROWS[i].candidate)).toBeLessThan(first.prompt.indexOf(theirs[i].prediction));
      expect(second.prompt.indexOf(theirs[i].prediction)).toBeLessThan(second.prompt.indexOf(ROWS[i].candidate));
      expect(first.prompt).not.toContain(ROWS[i].summary);
      expect(e.judge!.winProbability).toBeCloseTo((first.probs[0] + second.probs[1]) / 2, 12);
    });
  });

  it('refuses a run on other examples, fewer examples than asked, and a pointwise judge', async () => {
    const short = (await runEvaluation({ ...common, metrics: ['rougeL'], limit: 2 }, { store, dataDir })).runId;
    await expect(runEvaluation({ ...common, metrics: ['judge'], judge: { model: 'judge', mode: 'pairwise', againstRun: short } }, { store, dataDir })).rejects.toThrow(/example test:2 is not among the predictions of run .* \(it has 2\)/);
    const elsewhere = (await runEvaluation({ ...common, dataset: 'other', metrics: ['rougeL'] }, { store, dataDir })).runId;
    await expect(runEvaluation({ ...common, metrics: ['judge'], judge: { model: 'judge', mode: 'pairwise', againstRun: elsewhere } }, { store, dataDir })).rejects.toThrow(/evaluated other\/test, not rated\/test/);
    await expect(runEvaluation({ ...common, metrics: ['judge'], judge: { model: 'judge', againstRun: baseline } }, { store, dataDir })).rejects.toThrow(/set the judge mode to pairwise/);
    // the same rows, but fed another column: its answers are to other questions
    const otherInput = (await runEvaluation({ ...common, inputColumn: 'candidate', metrics: ['rougeL'] }, { store, dataDir })).runId;
    const before = store.runs.list({}).length;
    await expect(runEvaluation({ ...common, metrics: ['judge'], judge: { model: 'judge', mode: 'pairwise', againstRun: otherInput } }, { store, dataDir })).rejects.toThrow(/^example test:0: run run_\w+ answered ".+" \(column 'candidate'\), not this run's input ".+" \(.*predictions\.jsonl:1\); a pairwise judge compares two answers to one input, so choose a run fed the same input column$/);
    expect(store.runs.list({}).length).toBe(before); // refused before a run is made
    const cli = await inProcessLathe(dataDir, ['eval', '--model', 'writer', '--dataset', 'rated', '--metrics', 'judge', '--judge', 'judge', '--judge-against', baseline]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/--judge-against compares each answer with that run's: add --judge-mode pairwise/);
  });
});
