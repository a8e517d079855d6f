// The line under each of Compare's metric charts: which way is better, what the whiskers are, and whether the top
// run stands clear of the noise.
import { intervalKind, type Comparison } from '../../../../native/api/eval.ts';

type ComparedMetric = Comparison['metrics'][number];

/** Whether a bar of the metric's chart draws a whisker: a run recorded its interval. */
const drawsWhiskers = (metric: ComparedMetric): boolean => metric.values.some((v) => v?.ci95 != null);

/** Whether any of the comparison's charts draws a whisker, for the charts' card to explain them only then. */
export const hasWhiskers = (comparison: Comparison): boolean => comparison.metrics.some(drawsWhiskers);

/**
 * "Higher is better · whiskers: 95% Wilson interval · the top run is within the noise". The whiskers are named only where
 * a bar draws one, as the interval it is (Wilson's for a proportion, bootstrap for the rest): the note said "95%
 * bootstrap interval" under bars with no whisker at all, and under accuracy's Wilson ones.
 */
export function metricChartNote(metric: ComparedMetric, withinNoise: boolean): string {
  const whiskers = drawsWhiskers(metric) ? ` · whiskers: 95% ${intervalKind(metric.name)} interval` : '';
  return `${metric.higherIsBetter ? 'Higher' : 'Lower'} is better${whiskers}${withinNoise ? ' · the top run is within the noise' : ''}`;
}
