// Which run of a comparison row is best, and how sure that is. The one answer Compare's table (its "best" badge), its
// charts (the ✓ by a bar), the Evaluate page's list of runs (its ★) and `lathe runs compare` (its marks) all read: a
// run is best only where its 95% interval clears every other run's. Six examples gave BLEU 0.004 against 0.003, both intervals 0.002–0.006, and the
// table called the first best while its own page asked whether the difference was larger than the noise.
import type { Comparison } from './eval.ts';

/** One comparison row, as runs.compare answers it: values[i] belongs to runIds[i] (null: that run lacks the metric). */
export interface RankedRow {
  higherIsBetter: boolean;
  /** The run with the top value (null where there is none: one run, a tie, a metric that is not ranked). */
  bestRunId: string | null;
  values: ({ value: number; ci95?: { low: number; high: number } | null } | null)[];
}

export type BestVerdict =
  /** Nothing to mark: one run, a tie for the top, or a metric that is not ranked. */
  | { kind: 'none' }
  /** The top run's interval clears every other run's: the sample tells it apart. */
  | { kind: 'best'; runId: string }
  /** The top run's interval overlaps those of `rivals` (run ids): the sample cannot tell them apart. */
  | { kind: 'within-noise'; runId: string; rivals: string[] }
  /** The top value, but it or a value it beats has no interval, so it was not tested against the noise. */
  | { kind: 'untested'; runId: string };

/**
 * The verdict on a row. Intervals that touch count as overlapping. Where some values lack an interval, an overlap with
 * one that has one still says "within noise"; otherwise the top is only the top ("untested"), never "best".
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
  const rivals = others.filter((o) => o.ci95 && overlaps(o.ci95)).map((o) => o.runId);
  if (rivals.length > 0) return { kind: 'within-noise', runId: row.bestRunId, rivals };
  if (topCi === null || others.some((o) => !o.ci95)) return { kind: 'untested', runId: row.bestRunId };
  return { kind: 'best', runId: row.bestRunId };
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
