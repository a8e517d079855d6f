// Compare marks a run best only where the sample tells it apart: its 95% interval clear of every other run's. Six
// examples gave BLEU 0.004 against 0.003, both intervals 0.002–0.006, and the table called the first best (green badge,
// ✓ on its bar) while the page asked whether the difference was larger than the noise; latencies with no interval at
// all were called best too. bestVerdict is the one decision the table, the charts and Evaluate's ★ read.
import { describe, expect, it } from 'vitest';
import { bestVerdict, type RankedRow } from '../../native/api/best-run.ts';
import { uniqueBest } from '../../renderer/src/pages/evaluate/metrics.ts';

const RUNS = ['A', 'B', 'C'];
type Cell = [number, number, number] | number | null;
/** A row over runs A, B (and C): each cell [value, low, high], a bare value (no interval), or null (not measured). */
function row(higherIsBetter: boolean, bestRunId: string | null, ...cells: Cell[]): RankedRow {
  return {
    higherIsBetter,
    bestRunId,
    values: cells.map((c) => (c === null ? null : typeof c === 'number' ? { value: c, ci95: null } : { value: c[0], ci95: { low: c[1], high: c[2] } })),
  };
}
const ids = (r: RankedRow) => RUNS.slice(0, r.values.length);

describe('the best run of a comparison row', () => {
  it('is within the noise where the top run\'s interval overlaps another\'s (BLEU 0.004 against 0.003, both 0.002–0.006)', () => {
    const bleu = row(true, 'A', [0.004, 0.002, 0.006], [0.003, 0.002, 0.006]);
    expect(bestVerdict(bleu, ids(bleu))).toEqual({ kind: 'within-noise', runId: 'A', rivals: ['B'], paired: [] });
    expect(uniqueBest(bleu, ids(bleu)), 'no ★ on Evaluate either').toBeNull();
  });

  it('is best where the top run\'s interval clears every other\'s, higher or lower better', () => {
    const rouge = row(true, 'B', [0.015, 0, 0.044], [0.096, 0.072, 0.118]);
    expect(bestVerdict(rouge, ids(rouge))).toEqual({ kind: 'best', runId: 'B', paired: [] });
    expect(uniqueBest(rouge, ids(rouge))).toBe('B');
    const perplexity = row(false, 'A', [7.0, 6.5, 7.1], [7.4, 7.2, 7.9]);
    expect(bestVerdict(perplexity, ids(perplexity))).toEqual({ kind: 'best', runId: 'A', paired: [] });
  });

  it('counts intervals that overlap or only touch as the noise, by the metric\'s direction', () => {
    const lower = row(false, 'A', [7.0, 6.5, 7.5], [7.4, 7.2, 7.9]);
    expect(bestVerdict(lower, ids(lower)).kind).toBe('within-noise');
    const touching = row(true, 'A', [0.5, 0.4, 0.6], [0.3, 0.2, 0.4]);
    expect(bestVerdict(touching, ids(touching)).kind).toBe('within-noise');
  });

  it('with three runs names the runs it cannot be told from, though it clears the others', () => {
    const three = row(true, 'C', [0.2, 0.1, 0.3], [0.5, 0.4, 0.6], [0.55, 0.45, 0.65]);
    expect(bestVerdict(three, ids(three))).toEqual({ kind: 'within-noise', runId: 'C', rivals: ['B'], paired: [] });
  });

  it('is never best where a value has no interval (latency on six examples): the top only, untested', () => {
    const latency = row(false, 'B', 195, 104);
    expect(bestVerdict(latency, ids(latency))).toEqual({ kind: 'untested', runId: 'B' });
    expect(uniqueBest(latency, ids(latency))).toBeNull();
    const oneWithout = row(true, 'A', [0.6, 0.55, 0.65], [0.3, 0.2, 0.4], 0.5);
    expect(bestVerdict(oneWithout, ids(oneWithout)).kind).toBe('untested');
    const topWithout = row(true, 'A', 0.6, [0.3, 0.2, 0.4]);
    expect(bestVerdict(topWithout, ids(topWithout)).kind).toBe('untested');
    // an overlap with the runs that have an interval is still the noise, whatever the others lack
    const overlapAndWithout = row(true, 'A', [0.6, 0.5, 0.7], [0.55, 0.45, 0.65], 0.1);
    expect(bestVerdict(overlapAndWithout, ids(overlapAndWithout))).toEqual({ kind: 'within-noise', runId: 'A', rivals: ['B'], paired: [] });
  });

  it('marks nothing for one run, a tie for the top, a row the comparison did not rank, or runs that lack the metric', () => {
    expect(bestVerdict(row(true, 'A', [0.5, 0.4, 0.6]), ['A'])).toEqual({ kind: 'none' });
    const tie = row(true, 'A', [0.5, 0.4, 0.6], [0.5, 0.45, 0.55]);
    expect(bestVerdict(tie, ids(tie))).toEqual({ kind: 'none' });
    const unranked = row(true, null, [0.9, 0.85, 0.95], [0.1, 0.05, 0.15]);
    expect(bestVerdict(unranked, ids(unranked))).toEqual({ kind: 'none' });
    const alone = row(true, 'A', [0.5, 0.4, 0.6], null);
    expect(bestVerdict(alone, ids(alone))).toEqual({ kind: 'none' });
  });
});
