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
  const whiskers = drawsWhiskers(metric) ? ` · whiskers: ${whiskerKind(metric)}` : '';
  return `${metric.higherIsBetter ? 'Higher' : 'Lower'} is better${whiskers}${withinNoise ? ' · the top run is within the noise' : ''}`;
}

/**
 * "95% Wilson interval", "95% bootstrap interval", or, where runs differ (recall@k is a proportion only for a retrieval
 * run whose queries each had one relevant document), "95% interval (Wilson's or bootstrap, by run)". The comparison
 * says each run's kind; a cell without one is read by the metric's name.
 */
function whiskerKind(metric: ComparedMetric): string {
  const kinds = new Set(metric.values.filter((v) => v?.ci95 != null).map((v) => v!.ci95Kind ?? intervalKind(metric.name)));
  return kinds.size === 1 ? `95% ${[...kinds][0]} interval` : "95% interval (Wilson's or bootstrap, by run)";
}
