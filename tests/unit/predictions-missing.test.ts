// A run without a predictions file, in Compare (runs.examples) and a run's examples (eval.examples): the error says
// why. An evaluation still running was told "only evaluation runs have per-example output", as a training run is.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EvalExample } from '../../native/api/eval.ts';
import { examplesPage } from '../../native/eval/compare.ts';
import { predictionsPath, runExamplesPage, savePredictions } from '../../native/eval/predictions.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-predictions-missing-');

const example: EvalExample = { index: 0, id: 'test:0', input: 'x', references: ['y'], prediction: 'z', scores: { rougeL: 0 }, promptTokens: 1, truncatedTokens: 0, generatedTokens: 1, latencyMs: 1 };

describe('a run without predictions', () => {
  it('is refused saying why: running, not an evaluation, ended before writing any, or its file gone', async () => {
    const dir = tempDir();
    const store = open(dir);
    const run = (kind: string, status: string) => store.runs.create({ kind: kind as 'evaluation', name: `${kind} ${status}`, status, config: { metrics: ['rougeL'], template: { label: 'zero-shot' } } }).id;
    const done = run('evaluation', 'succeeded');
    await savePredictions(store, dir, done, [example]);
    const running = run('evaluation', 'running');
    const failed = run('evaluation', 'failed');
    const training = run('finetune', 'succeeded');
    const gone = run('evaluation', 'succeeded');
    await savePredictions(store, dir, gone, [example]);
    fs.rmSync(predictionsPath(dir, gone));

    expect(() => examplesPage(store, dir, { runIds: [done, running] })).toThrow(`run ${running} has no predictions: it is running, and an evaluation writes them when it ends; compare it then`);
    expect(() => examplesPage(store, dir, { runIds: [done, failed] })).toThrow(`run ${failed} has no predictions: it ended 'failed' before writing any`);
    expect(() => runExamplesPage(store, dir, training, 0, 5)).toThrow(`run ${training} has no predictions: it is a finetune run; only evaluation runs have per-example output`);
    expect(() => runExamplesPage(store, dir, gone, 0, 5)).toThrow(`run ${gone} has no predictions: its file is gone (${predictionsPath(dir, gone)})`);
  });
});
