// The one-off values a run's page shows as figures, as a reader wants them: an evaluation records each score
// with its interval as three metrics (rouge1, rouge1.ci95_low, rouge1.ci95_high) and its bookkeeping as more
// (examples, planned_examples, total_seconds); here a score carries its interval and the bookkeeping reads in
// words, so the page never shows "rouge1.ci95_high 0.000" or "examples 3.000".
import { intervalEndOf, recordedInterval } from '../../../../native/api/intervals.ts';
import { formatInterval, formatMetric, metricLabel } from '../evaluate/metrics.ts';

export interface RunFigure {
  name: string;
  label: string;
  value: string;
  /** The line under the value: a score's 95% interval, or how many examples were planned. */
  note: string | null;
}


/** What an evaluation records about itself (native/eval), in words and printed as what it counts. */
const BOOKKEEPING: Record<string, { label: string; format(value: number): string }> = {
  examples: { label: 'Examples scored', format: (v) => Math.round(v).toLocaleString('en-US') },
  total_seconds: { label: 'Total time', format: (v) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} s` },
  shots_used_mean: { label: 'Shots per prompt (mean)', format: (v) => v.toFixed(1) },
};

/**
 * The figures of `names` (each with its one value in `value`), in the order given: an interval's ends folded into
 * their score's note, planned_examples into the examples figure's ("of 5 planned", only when fewer were scored).
 * An interval end whose score is missing stays a figure of its own, so no recorded value is lost.
 */
export function runFigures(names: readonly string[], value: (name: string) => number, oneRelevant = false): RunFigure[] {
  const has = new Set(names);
  const folded = (name: string) => {
    const end = intervalEndOf(name);
    if (end && has.has(end.metric)) return true;
    return name === 'planned_examples' && has.has('examples');
  };
  return names.filter((name) => !folded(name)).map((name) => {
    const book = BOOKKEEPING[name];
    if (book) {
      const planned = name === 'examples' && has.has('planned_examples') ? value('planned_examples') : null;
      const note = planned !== null && planned !== value(name) ? `of ${book.format(planned)} planned` : null;
      return { name, label: book.label, value: book.format(value(name)), note };
    }
    if (name === 'planned_examples') return { name, label: 'Examples planned', value: BOOKKEEPING.examples.format(value(name)), note: null };
    const ci = recordedInterval(name, value(name), (n) => (has.has(n) ? value(n) : null), oneRelevant);
    return { name, label: metricLabel(name), value: formatMetric(name, value(name)), note: ci ? `95% CI ${formatInterval(name, ci)}` : null };
  });
}
