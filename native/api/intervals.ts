// The 95% interval of a recorded aggregate, as every reader shows and judges it (summary, compare, scorecard, the
// runs page, the CLI). A proportion (PROPORTION_METRICS) gets Wilson's interval, computed here from its value and
// the run's scored examples, not read from the stored ends: evaluations before Wilson's stored a bootstrap interval
// there (0 of 20 right stored 0–0), and a reader that trusted the ends would call it Wilson's and judge by it.
import { PROPORTION_METRICS } from './eval.ts';
import { wilsonInterval } from './wilson.ts';

/** How close value × n must be to a whole number to be read as k of n right. */
const WHOLE = 1e-6;

/**
 * The interval of `metric` (whose value is `value`) from a run's latest recorded values (`get`): Wilson's for a
 * proportion, from k = round(value × n) of n = the run's 'examples'; else the stored ci95_low/ci95_high (null when
 * either is missing). A proportion keeps its stored interval where n is unknown (a run that recorded no 'examples',
 * such as a training run's accuracy) or value × n is not a whole number (the value is not k of those n).
 */
export function recordedInterval(metric: string, value: number, get: (name: string) => number | null | undefined): { low: number; high: number } | null {
  if (PROPORTION_METRICS.includes(metric)) {
    const n = get('examples');
    const k = n != null && Number.isInteger(n) && n > 0 ? Math.round(value * n) : null;
    if (n != null && k !== null && Math.abs(value * n - k) <= WHOLE * n && k >= 0 && k <= n) return wilsonInterval(k, n);
  }
  const low = get(`${metric}.ci95_low`);
  const high = get(`${metric}.ci95_high`);
  return low != null && high != null ? { low, high } : null;
}
