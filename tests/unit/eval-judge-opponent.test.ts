// A pairwise judge against another run reads that run's answers (runner-judge-options.ts, opponentPredictions): a
// window of lines at a time, keeping only the answers asked for, where it read the whole file into one string and kept
// every example; and it refuses, before any model loads, a run that repeats an example's id, answered another input
// (fed another column) or lacks an example.
import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { EvalExample } from '../../native/api/eval.ts';
import type { Dataset } from '../../native/api/schemas.ts';
import { predictionsPath, savePredictions } from '../../native/eval/predictions.ts';
import { opponentPredictions } from '../../native/eval/runner-judge-options.ts';
import type { Store } from '../../native/store/db.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-judge-opponent-');

const dataset = { id: 'ds_rated', name: 'rated', contentHash: 'h', splitSeed: 42 } as Dataset;
const example = (i: number, over: Partial<EvalExample> = {}): EvalExample => ({
  index: i, id: `test:${i}`, input: `dialogue ${i}`, references: [`summary ${i}`], prediction: `their answer ${i}`, scores: {},
  promptTokens: 10, truncatedTokens: 0, generatedTokens: 5, latencyMs: 1, ...over,
});
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `test:${i}`, input: `dialogue ${i}` }));

async function baseline(store: Store, dir: string, examples: EvalExample[], config: Record<string, unknown> = {}): Promise<string> {
  const run = store.runs.create({ kind: 'evaluation', name: 'baseline', status: 'succeeded', config: { dataset: { name: 'rated', contentHash: 'h', splitSeed: 42 }, split: 'test', ...config } });
  await savePredictions(store, dir, run.id, examples);
  return run.id;
}

describe('the run a pairwise judge compares against', () => {
  it('gives its answers to the examples asked for, read a window of lines at a time, never the whole file at once', async () => {
    const dir = tempDir();
    const store = open(dir);
    const runId = await baseline(store, dir, Array.from({ length: 3000 }, (_, i) => example(i, { prompt: 'a long prompt '.repeat(80) } as Partial<EvalExample>)));
    const file = predictionsPath(dir, runId);
    const whole = vi.spyOn(fs, 'readFileSync');
    const reads = vi.spyOn(fs, 'readSync');
    try {
      const { byId, run } = opponentPredictions(store, dir, runId, dataset, 'test', items(5));
      expect(run).toEqual({ id: runId, name: 'baseline' });
      expect([...byId]).toEqual([0, 1, 2, 3, 4].map((i) => [`test:${i}`, `their answer ${i}`]));
      expect(whole.mock.calls.filter(([f]) => f === file)).toEqual([]);
      const largest = Math.max(...reads.mock.results.map((r) => Number(r.value ?? 0)));
      expect(fs.statSync(file).size).toBeGreaterThan(3 * 2 ** 20);
      expect(largest).toBeLessThan(1.5 * 2 ** 20); // the line index's chunks of 1 MiB, then windows of 1024 lines
    } finally {
      whole.mockRestore();
      reads.mockRestore();
    }
  });

  it('refuses a run that repeats an id, answered another input, or lacks an example, naming the file and line', async () => {
    const dir = tempDir();
    const store = open(dir);
    const repeated = await baseline(store, dir, [example(0), example(1), example(2), example(3, { id: 'test:1', prediction: 'another answer' })]);
    expect(() => opponentPredictions(store, dir, repeated, dataset, 'test', items(3))).toThrow(
      `${predictionsPath(dir, repeated)}:4: example id 'test:1' is repeated (first at line 2), so run ${repeated}'s answer to it is not known; Lathe writes one line per example: remove the repeated line, or judge against another run`,
    );
    const topics = await baseline(store, dir, [example(0), example(1, { input: 'topic of the second dialogue' }), example(2)], { inputColumn: 'topic' });
    expect(() => opponentPredictions(store, dir, topics, dataset, 'test', items(3))).toThrow(
      `example test:1: run ${topics} answered "topic of the second dialogue" (column 'topic'), not this run's input "dialogue 1" (${predictionsPath(dir, topics)}:2); a pairwise judge compares two answers to one input, so choose a run fed the same input column`,
    );
    const short = await baseline(store, dir, [example(0), example(1)]);
    expect(() => opponentPredictions(store, dir, short, dataset, 'test', items(3))).toThrow(`example test:2 is not among the predictions of run ${short} (it has 2); evaluate no more rows than it did (a limit of 2 at most)`);
    // examples not asked for are not looked at: a limit of 2 judges against the repeating run's first two
    expect([...opponentPredictions(store, dir, repeated, dataset, 'test', items(1)).byId.keys()]).toEqual(['test:0']);
  });
});
