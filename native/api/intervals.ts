// The 95% interval of a recorded aggregate, as every reader shows and judges it (summary, compare, scorecard, the
// runs page, the CLI). A proportion (PROPORTION_METRICS) gets Wilson's interval, computed here from its value and
// the run's scored examples, not read from the stored ends: evaluations before Wilson's stored a bootstrap interval
// there (0 of 20 right stored 0–0), and a reader that trusted the ends would call it Wilson's and judge by it.
import { isProportion } from './eval.ts';
import { wilsonInterval } from './wilson.ts';

/** The names a run records `metric`'s 95% interval ends under, beside `metric` itself: rouge1.ci95_low, rouge1.ci95_high. */
export const intervalEndNames = (metric: string) => ({ low: `${metric}.ci95_low`, high: `${metric}.ci95_high` });

/** The metric and end a recorded name is an interval end of (intervalEndNames read back), or null for any other name. */
export function intervalEndOf(name: string): { metric: string; end: 'low' | 'high' } | null {
  const found = /^(.+)\.ci95_(low|high)$/.exec(name);
  return found ? { metric: found[1], end: found[2] as 'low' | 'high' } : null;
}

/** Whether a recorded name is an interval end (intervalEndNames), not a metric. */
export const isIntervalEnd = (name: string): boolean => intervalEndOf(name) !== null;

/** How close value × n must be to a whole number to be read as k of n right. */
const WHOLE = 1e-6;

/**
 * The interval of `metric` (whose value is `value`) from a run's latest recorded values (`get`): Wilson's for a
 * proportion (isProportion; `oneRelevant`: the run's oneRelevantPerQuery), from k = round(value × n) of n = the run's 'examples'; else the stored ci95_low/ci95_high (null when
 * either is missing). A proportion keeps its stored interval where n is unknown (a run that recorded no 'examples',
 * such as a training run's accuracy) or value × n is not a whole number (the value is not k of those n).
 */
export function recordedInterval(metric: string, value: number, get: (name: string) => number | null | undefined, oneRelevant = false): { low: number; high: number } | null {
  if (isProportion(metric, oneRelevant)) {
    const n = get('examples');
    const k = n != null && Number.isInteger(n) && n > 0 ? Math.round(value * n) : null;
    if (n != null && k !== null && Math.abs(value * n - k) <= WHOLE * n && k >= 0 && k <= n) return wilsonInterval(k, n);
  }
  const names = intervalEndNames(metric);
  const low = get(names.low);
  const high = get(names.high);
  return low != null && high != null ? { low, high } : null;
}

/**
 * A run's recorded points (`lathe runs metrics`) with each interval end (`M.ci95_low`, `M.ci95_high`) as
 * recordedInterval reads it from M's value and the examples recorded at the same step: a proportion's Wilson end where
 * the run stored a bootstrap one, every other point as stored. `all` holds the run's points to read M and the
 * examples from, where `points` is a selection of them (--name). A re-read end keeps the stored value as `stored`.
 */
export function withRecordedIntervalEnds<T extends { name: string; step: number; value: number }>(points: readonly T[], all: readonly T[] = points, oneRelevant = false): (T & { stored?: number })[] {
  const atStep = new Map<number, Map<string, number>>();
  for (const p of all) {
    if (!atStep.has(p.step)) atStep.set(p.step, new Map());
    atStep.get(p.step)!.set(p.name, p.value);
  }
  return points.map((p) => {
    const of = intervalEndOf(p.name);
    if (!of) return p;
    const { metric } = of;
    const values = atStep.get(p.step);
    const value = values?.get(metric);
    if (!values || value === undefined) return p;
    const end = recordedInterval(metric, value, (n) => values.get(n), oneRelevant)?.[of.end];
    return end === undefined || end === p.value ? p : { ...p, value: end, stored: p.value };
  });
}
