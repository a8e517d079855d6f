// Which run of a comparison row is best, and how sure that is. The one answer Compare's table (its "best" badge), its
// charts (the ✓ by a bar), the Evaluate page's list of runs (its ★) and `lathe runs compare` (its marks) all read: a
// run is best only where the sample tells it apart from every other run. Six examples gave BLEU 0.004 against 0.003, both intervals 0.002–0.006, and the
// table called the first best while its own page asked whether the difference was larger than the noise. Runs scored
// on the same examples are told apart by their paired difference; others by their own 95% intervals.
import type { Comparison } from './eval.ts';

/** One comparison row, as runs.compare answers it: values[i] belongs to runIds[i] (null: that run lacks the metric). */
export interface RankedRow {
  higherIsBetter: boolean;
  /** The run with the top value (null where there is none: one run, a tie, a metric that is not ranked). */
  bestRunId: string | null;
  values: ({ value: number; ci95?: { low: number; high: number } | null } | null)[];
  /**
   * The top run minus each other run scored on the same examples: the interval of the mean per-example difference and
   * the sign-flip test's p (PairedDifference).
   */
  paired?: readonly { runId: string; low: number; high: number; p: number }[];
}

/** The paired test's level: a run is told apart from another scored on the same examples where p is below it. */
export const PAIRED_ALPHA = 0.05;

export type BestVerdict =
  /** Nothing to mark: one run, a tie for the top, or a metric that is not ranked. */
  | { kind: 'none' }
  /**
   * The sample tells the top run apart from every other: against each run in `paired` (scored on the same examples)
   * the sign-flip test gives p < 0.05 and the interval of the mean difference excludes 0; its interval clears each other run's.
   */
  | { kind: 'best'; runId: string; paired: string[] }
  /** The top run cannot be told apart from `rivals` (run ids): a paired test that does not (p ≥ 0.05, or an interval holding 0), or intervals that overlap. */
  | { kind: 'within-noise'; runId: string; rivals: string[]; paired: string[] }
  /** The top value, but it or a value it beats has no interval, so it was not tested against the noise. */
  | { kind: 'untested'; runId: string };

/**
 * The verdict on a row. A run scored on the same examples as the top one is told apart by their paired differences
 * (the sign-flip test's p < 0.05 and the interval of their mean excludes 0: tighter than two intervals, which each
 * carry the examples' own spread, and not fooled by a few like differences, whose bootstrap has no spread); any other by
 * the runs' own intervals, where touching counts as overlapping. Where some values lack an interval, an overlap
 * with one that has one still says "within noise"; otherwise the top is only the top ("untested"), never "best".
 */
export function bestVerdict(row: RankedRow, runIds: readonly string[]): BestVerdict {
  if (row.bestRunId === null || runIds.length < 2) return { kind: 'none' };
  const topIndex = runIds.indexOf(row.bestRunId);
  const top = row.values[topIndex];
  if (!top) return { kind: 'none' };
  const others = row.values.flatMap((v, i) => (v && i !== topIndex ? [{ runId: runIds[i], ...v }] : []));
  if (others.length === 0 || others.some((o) => o.value === top.value)) return { kind: 'none' };
  const topCi = top.ci95 ?? null;
  const overlaps = (ci: { low: number; high: number }) => topCi !== null && (row.higherIsBetter ? topCi.low <= ci.high : topCi.high >= ci.low);
  const pairedWith = new Map((row.paired ?? []).map((p) => [p.runId, p]));
  // both the sign-flip test and the interval: a bootstrap of a few like differences has no spread and excludes 0 alone
  const apart = (d: { low: number; high: number; p: number }) => d.p < PAIRED_ALPHA && (row.higherIsBetter ? d.low > 0 : d.high < 0);
  const paired = others.filter((o) => pairedWith.has(o.runId)).map((o) => o.runId);
  const rivals = others.filter((o) => {
    const d = pairedWith.get(o.runId);
    return d ? !apart(d) : o.ci95 && overlaps(o.ci95);
  }).map((o) => o.runId);
  if (rivals.length > 0) return { kind: 'within-noise', runId: row.bestRunId, rivals, paired };
  if (others.some((o) => !pairedWith.has(o.runId) && (topCi === null || !o.ci95))) return { kind: 'untested', runId: row.bestRunId };
  return { kind: 'best', runId: row.bestRunId, paired };
}

/** The run that is best beyond the noise, or null (bestVerdict): what a ✓, a ★ or a "best" badge marks. */
export function clearBest(row: RankedRow, runIds: readonly string[]): string | null {
  const verdict = bestVerdict(row, runIds);
  return verdict.kind === 'best' ? verdict.runId : null;
}

/**
 * Each metric with the verdict on its top run beside `bestRunId` (which names the top value only): 'best' (its
 * interval clears every other run's), 'within-noise', 'untested' (no interval to test it) or 'none' — what the
 * studio's Compare, the CLI's table and the CSV say, for a reader of the JSON.
 */
export function withVerdicts(comparison: Comparison): Omit<Comparison, 'metrics'> & { metrics: (Comparison['metrics'][number] & { verdict: BestVerdict['kind'] })[] } {
  const runIds = comparison.runs.map((r) => r.id);
  return { ...comparison, metrics: comparison.metrics.map((m) => ({ ...m, verdict: bestVerdict(m, runIds).kind })) };
}

/**
 * Which test the verdicts of a comparison used, for its legend: a paired test (sign-flip and bootstrap) where the runs scored the same
 * examples (a metric that is a mean of per-example scores), else whether the runs' intervals overlap; null where no
 * metric was tested (one run, ties, values without intervals). `label` names a metric (the studio's labels; the CLI's names).
 */
export function verdictTestSaid(metrics: readonly (RankedRow & { name: string })[], runIds: readonly string[], label: (metric: string) => string = (m) => m): string | null {
  // 'untested' rows had no test; 'none' rows nothing to test
  const judged = metrics.filter((m) => ['best', 'within-noise'].includes(bestVerdict(m, runIds).kind));
  if (judged.length === 0) return null;
  const pairedNames = judged.filter((m) => (m.paired?.length ?? 0) > 0).map((m) => label(m.name));
  const overlap = "whether the runs' 95% intervals overlap";
  if (pairedNames.length === 0) return `tested by ${overlap}`;
  const paired = 'a paired test on the examples the runs share (a sign-flip test of the per-example differences from the top run at p < 0.05, and the 95% bootstrap interval of their mean must exclude 0)';
  // a row is wholly paired where every other run with a value paired with its top run
  const whollyPaired = (m: RankedRow) => m.values.every((v, i) => v === null || runIds[i] === m.bestRunId || (m.paired ?? []).some((p) => p.runId === runIds[i]));
  if (judged.every(whollyPaired)) return `tested by ${paired}`;
  const list = pairedNames.length > 1 ? `${pairedNames.slice(0, -1).join(', ')} and ${pairedNames.at(-1)}` : pairedNames[0];
  return `tested by ${paired} for ${list} where the runs scored the same examples, else by ${overlap}`;
}
