// Compare called a metric "within noise" wherever the two runs' own 95% intervals overlapped. Runs scored on the very
// same examples are better told apart by the per-example differences: each run's interval carries how much the
// examples differ from one another (easy dialogues, hard ones), which a paired difference cancels. A fine-tune 0.05
// ROUGE-L better on every one of 40 examples read "within noise" beside a baseline whose interval overlapped it.
import { describe, expect, it } from 'vitest';
import { bestVerdict, verdictTestSaid, type RankedRow } from '../../native/api/best-run.ts';
import type { EvalExample } from '../../native/api/eval.ts';
import { comparisonTable } from '../../native/cli/runs.ts';
import { compareRuns } from '../../native/eval/compare.ts';
import { aggregateGeneration } from '../../native/eval/scoring.ts';
import { pairedInterval, sameExampleDifferences } from '../../native/eval/paired.ts';
import { signFlipP } from '../../native/eval/sign-flip.ts';
import { savePredictions } from '../../native/eval/predictions.ts';
import type { Store } from '../../native/store/db.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-compare-paired-');

describe('the paired verdict', () => {
  const overlapping: RankedRow = {
    higherIsBetter: true, bestRunId: 'A',
    values: [{ value: 0.35, ci95: { low: 0.25, high: 0.45 } }, { value: 0.3, ci95: { low: 0.2, high: 0.4 } }],
  };

  it('calls the top run best where its paired difference excludes 0, though the intervals overlap', () => {
    expect(bestVerdict(overlapping, ['A', 'B']).kind).toBe('within-noise');
    expect(bestVerdict({ ...overlapping, paired: [{ runId: 'B', low: 0.03, high: 0.07, p: 0.001 }] }, ['A', 'B'])).toEqual({ kind: 'best', runId: 'A', paired: ['B'] });
  });

  it('calls it within noise where the paired difference holds 0, though the intervals part', () => {
    const parted: RankedRow = { ...overlapping, values: [{ value: 0.6, ci95: { low: 0.55, high: 0.65 } }, { value: 0.3, ci95: { low: 0.2, high: 0.4 } }] };
    expect(bestVerdict({ ...parted, paired: [{ runId: 'B', low: -0.01, high: 0.5, p: 0.2 }] }, ['A', 'B'])).toEqual({ kind: 'within-noise', runId: 'A', rivals: ['B'], paired: ['B'] });
  });

  it('does not call a few like differences best: their bootstrap has no spread, the sign-flip test sees the chance', () => {
    // a reviewer's cases: exact match 3 of 3 against 0 of 3, and 4 wins, no losses and 96 ties in 100
    for (const differences of [[1, 1, 1], [...Array(4).fill(1), ...Array(96).fill(0)], [0.01, 0.02]]) {
      const interval = pairedInterval(differences);
      expect(interval.low, 'the bootstrap alone would call it').toBeGreaterThan(0);
      const row: RankedRow = { ...overlapping, paired: [{ runId: 'B', ...interval, p: signFlipP(differences) }] };
      expect(bestVerdict(row, ['A', 'B']).kind, differences.join(',')).toBe('within-noise');
    }
  });

  it('tests an unpaired run by the intervals beside a paired one, and says which test it used', () => {
    const three: RankedRow = { ...overlapping, values: [...overlapping.values, { value: 0.31, ci95: { low: 0.28, high: 0.34 } }], paired: [{ runId: 'B', low: 0.03, high: 0.07, p: 0.001 }] };
    expect(bestVerdict(three, ['A', 'B', 'C'])).toEqual({ kind: 'within-noise', runId: 'A', rivals: ['C'], paired: ['B'] });
    expect(verdictTestSaid([{ name: 'rougeL', ...three }], ['A', 'B', 'C'])).toBe("tested by a paired test on the examples the runs share (a sign-flip test of the per-example differences from the top run at p < 0.05, and the 95% bootstrap interval of their mean must exclude 0) for rougeL where the runs scored the same examples, else by whether the runs' 95% intervals overlap");
    expect(verdictTestSaid([{ name: 'rougeL', ...overlapping }], ['A', 'B'])).toBe("tested by whether the runs' 95% intervals overlap");
  });
});

describe('the sign-flip test', () => {
  it('is the exact sign (McNemar) test for 0/1 differences', () => {
    expect(signFlipP([1, 1, 1])).toBeCloseTo(0.25, 12); // 2 of 8 sign assignments are as extreme
    expect(signFlipP([1, 1, 1, 1, 0, 0])).toBeCloseTo(0.125, 12);
    expect(signFlipP([1, 1, 1, 1, 1, -1])).toBeCloseTo(14 / 64, 12); // |wins − losses| ≥ 4 of 6: 1 + 6 + 6 + 1
    expect(signFlipP(Array(10).fill(1))).toBeCloseTo(2 / 1024, 12);
    expect(signFlipP([])).toBe(1);
    expect(signFlipP([0, 0])).toBe(1);
    // 60 wins, 40 losses: scipy.stats.binomtest(60, 100).pvalue = 0.056887…
    expect(signFlipP([...Array(60).fill(1), ...Array(40).fill(-1)])).toBeCloseTo(0.0569, 4);
  });

  it('counts every assignment up to 16 differences, and draws them above', () => {
    // 0.3 against 0.1 + 0.2 in either sign: the sums ±0.4, ±0.2 (twice), ±0 — half as extreme as 0.6 or more
    expect(signFlipP([0.1, 0.2, 0.3])).toBeCloseTo(2 / 8, 12);
    const many = Array.from({ length: 40 }, (_, i) => 0.05 + (i % 7) * 0.01);
    expect(signFlipP(many)).toBeLessThan(0.001);
    const mixed = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (0.05 + (i % 7) * 0.01));
    expect(signFlipP(mixed)).toBeGreaterThan(0.5);
    expect(signFlipP(mixed)).toBe(signFlipP(mixed)); // seeded: the same answer every time
  });
});

describe('pairing examples', () => {
  const outline = (ids: string[], scores: number[]) => ({ ids, scores: scores.map((s) => ({ rougeL: s })) });

  it('pairs by id, in any order, and only the very same examples, each once', () => {
    expect(sameExampleDifferences(outline(['a', 'b'], [0.5, 0.25]), outline(['b', 'a'], [0, 0.5]), 'rougeL')).toEqual([0, 0.25]);
    expect(sameExampleDifferences(outline(['a', 'b'], [1, 1]), outline(['a'], [0]), 'rougeL'), 'a run cut short').toBeNull();
    expect(sameExampleDifferences(outline(['a', 'b'], [1, 1]), outline(['a', 'c'], [0, 0]), 'rougeL'), 'other rows').toBeNull();
    expect(sameExampleDifferences(outline(['a', 'a'], [1, 1]), outline(['a', 'b'], [0, 0]), 'rougeL'), 'an id twice').toBeNull();
    expect(sameExampleDifferences(outline(['a'], [1]), outline(['a'], [0]), 'bleu'), 'a metric not scored per example').toBeNull();
  });

  it('gives a bootstrap interval of the mean difference', () => {
    const ci = pairedInterval([0.1, 0.2, 0.3, 0.4]);
    expect(ci.low).toBeGreaterThanOrEqual(0.1);
    expect(ci.high).toBeLessThanOrEqual(0.4);
    expect(ci.low).toBeLessThan(0.25);
    expect(ci.high).toBeGreaterThan(0.25);
  });
});

/** An evaluation of `scores` (rougeL per example, ids test:0…) on dataset `hash`, with its aggregate and interval recorded and its predictions saved. */
async function evaluation(store: Store, dir: string, name: string, scores: number[], hash = 'h1'): Promise<string> {
  const run = store.runs.create({ kind: 'evaluation', name, config: { metrics: ['rougeL'], split: 'test', dataset: { name: 'd', contentHash: hash, splitSeed: 0 }, template: { label: 'zero-shot' } } });
  store.runs.setStatus(run.id, 'running');
  const examples: EvalExample[] = scores.map((s, i) => ({
    index: i, id: `test:${i}`, input: `dialogue ${i}`, references: ['r'], prediction: 'p', scores: { rougeL: s }, promptTokens: 1, truncatedTokens: 0, generatedTokens: 1, latencyMs: 1,
  }));
  const [m] = aggregateGeneration(['rougeL'], examples);
  store.runs.addMetric({ runId: run.id, step: scores.length, name: 'rougeL', value: m.value });
  store.runs.addMetric({ runId: run.id, step: scores.length, name: 'rougeL.ci95_low', value: m.ci95!.low });
  store.runs.addMetric({ runId: run.id, step: scores.length, name: 'rougeL.ci95_high', value: m.ci95!.high });
  store.runs.addMetric({ runId: run.id, step: scores.length, name: 'examples', value: scores.length });
  await savePredictions(store, dir, run.id, examples);
  store.runs.setStatus(run.id, 'succeeded');
  return run.id;
}

describe('compareRuns', () => {
  // hard and easy examples: each run's interval is wide, while the tuned run gains 0.05 on every one
  const base = Array.from({ length: 40 }, (_, i) => (i % 10) / 12);
  const tuned = base.map((s) => s + 0.05);

  it('pairs runs of the same rows, and calls the consistent gain best where the intervals overlap', async () => {
    const dir = tempDir();
    const store = open(dir);
    const [a, b] = [await evaluation(store, dir, 'tuned', tuned), await evaluation(store, dir, 'base', base)];
    const unpaired = compareRuns(store, [a, b]).metrics[0];
    expect(unpaired.paired).toBeUndefined();
    expect(bestVerdict(unpaired, [a, b]).kind, 'the intervals overlap').toBe('within-noise');
    const compared = compareRuns(store, [a, b], dir);
    const row = compared.metrics[0];
    expect(row.paired).toEqual([{ runId: b, examples: 40, low: expect.closeTo(0.05, 9), high: expect.closeTo(0.05, 9), p: expect.closeTo(2 / 2 ** 40, 20) }]);
    expect(bestVerdict(row, [a, b])).toEqual({ kind: 'best', runId: a, paired: [b] });
    expect(comparisonTable(compared)).toContain('* best: the sample tells it from every other run; tested by a paired test');
  });

  it('keeps the intervals for runs of other rows: another dataset, or fewer examples', async () => {
    const dir = tempDir();
    const store = open(dir);
    const a = await evaluation(store, dir, 'tuned', tuned);
    const other = await evaluation(store, dir, 'other dataset', base, 'h2');
    const fewer = await evaluation(store, dir, 'fewer', base.slice(0, 30));
    for (const b of [other, fewer]) {
      const row = compareRuns(store, [a, b], dir).metrics.find((m) => m.name === 'rougeL')!;
      expect(row.paired).toBeUndefined();
      expect(bestVerdict(row, [a, b]).kind).toBe('within-noise');
    }
  });
});
