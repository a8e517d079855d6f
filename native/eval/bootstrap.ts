// Confidence intervals by bootstrap resampling, as rouge-score's `BootstrapAggregator` computes them (and
// ROUGE-1.5.5 before it): resample the per-example scores with replacement, take the mean of each resample,
// and report the percentiles of those means.
//
// The random stream is our own seeded generator, not numpy's Mersenne Twister, so intervals agree with
// rouge-score in distribution, not digit for digit; with the default 1,000 resamples they typically differ in
// the third decimal. The same seed always gives the same interval here.
import { seededRandom } from '../data/seeded-random.ts';

export interface Interval {
  low: number;
  mid: number;
  high: number;
}

export interface BootstrapOptions {
  /** Coverage of the interval, in [0, 1]; default 0.95 (the 2.5th and 97.5th percentiles). */
  confidence?: number;
  /** Number of resamples; default 1000, as rouge-score. */
  samples?: number;
  /** Seed of the resampling stream; default 0. */
  seed?: number;
}

/** numpy's default `np.percentile` (linear interpolation between the closest ranks) of sorted values, q in [0, 100]. */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = (q / 100) * (n - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, n - 1);
  const fraction = position - lower;
  return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
}

/**
 * Bootstrap interval of the mean for several measures at once. `rows[i]` holds example i's measures (e.g.
 * precision, recall, F); the same resampled indices are used for every measure, as in rouge-score. `mid` is
 * the median of the resampled means (rouge-score's "mid"), which is close to, but not exactly, the plain mean.
 */
export function bootstrapIntervals(rows: readonly (readonly number[])[], options: BootstrapOptions = {}): Interval[] {
  const confidence = options.confidence ?? 0.95;
  const samples = options.samples ?? 1000;
  if (confidence < 0 || confidence > 1) throw new Error(`confidence must be in [0, 1], got ${confidence}.`);
  if (!Number.isInteger(samples) || samples <= 0) throw new Error(`samples must be a positive integer, got ${samples}.`);
  if (rows.length === 0) throw new Error('bootstrapIntervals needs at least one row of scores.');
  const n = rows.length;
  const width = rows[0].length;
  const random = seededRandom(options.seed ?? 0);
  const means = Array.from({ length: width }, () => new Float64Array(samples));
  const sums = new Float64Array(width);
  for (let s = 0; s < samples; s++) {
    sums.fill(0);
    for (let k = 0; k < n; k++) {
      const row = rows[Math.floor(random() * n)];
      for (let c = 0; c < width; c++) sums[c] += row[c];
    }
    for (let c = 0; c < width; c++) means[c][s] = sums[c] / n;
  }
  const delta = (1 - confidence) / 2;
  return means.map((column) => {
    column.sort();
    return { low: percentileOfSorted(column, 100 * delta), mid: percentileOfSorted(column, 50), high: percentileOfSorted(column, 100 * (1 - delta)) };
  });
}

export interface RougeAggregate {
  precision: Interval;
  recall: Interval;
  fmeasure: Interval;
}

/**
 * Aggregate per-example ROUGE scores per type, like `BootstrapAggregator().aggregate()`: for each type an
 * interval (low, mid, high) of precision, recall and F-measure.
 */
export function aggregateRouge(perExample: readonly Record<string, { precision: number; recall: number; fmeasure: number }>[], options: BootstrapOptions = {}): Record<string, RougeAggregate> {
  const result: Record<string, RougeAggregate> = {};
  if (perExample.length === 0) return result;
  for (const type of Object.keys(perExample[0])) {
    const rows = perExample.map((scores) => [scores[type].precision, scores[type].recall, scores[type].fmeasure]);
    const [precision, recall, fmeasure] = bootstrapIntervals(rows, options);
    result[type] = { precision, recall, fmeasure };
  }
  return result;
}

/** Arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
