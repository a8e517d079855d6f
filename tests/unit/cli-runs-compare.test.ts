// `lathe runs compare`'s per-example view as printed: with two runs, the largest changes with their deltas; with one
// run, its examples and scores alone (no "— − run" heading, no "delta —" on every row).
import { describe, expect, it } from 'vitest';
import type { ExamplesPage } from '../../native/api/eval.ts';
import { examplesText } from '../../native/cli/runs.ts';

const output = (prediction: string, score: number) => ({ prediction, score, scores: { rouge1: score } });
const row = (key: string, outputs: ExamplesPage['rows'][number]['outputs'], delta: number | null) => ({ key, input: `input of ${key}`, references: [`reference of ${key}`], outputs, delta, spread: null });

describe('runs compare examples', () => {
  it('lists one run’s examples with their scores, without a change to rank by', () => {
    const text = examplesText({ runIds: ['run_a'], metric: 'rouge1', joinedBy: 'example-id', baselineRunId: 'run_a', candidateRunId: null, rows: [row('test:0', [output('a cat', 0.25)], null)] }, 5);
    expect(text).toBe('Examples of run_a by rouge1:\n\ntest:0\n  input: input of test:0\n  reference: reference of test:0\n  [1] 0.2500  a cat');
  });

  it('heads two runs’ examples with the change and its direction', () => {
    const text = examplesText({ runIds: ['run_a', 'run_b'], metric: 'rouge1', joinedBy: 'example-id', baselineRunId: 'run_a', candidateRunId: 'run_b', rows: [row('test:0', [output('a cat', 0.25), output('the cat', 0.5)], 0.25)] }, 5);
    expect(text.split('\n').slice(0, 3)).toEqual(['Largest changes in rouge1 (run_b − run_a; joined by example-id):', '', 'test:0  delta 0.2500']);
  });
});
