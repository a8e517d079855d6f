// The per-example view's sorts, named for what they put first. delta is candidate − baseline in the metric's own
// units, so for a metric where lower is better (perplexity, bits per byte) the largest delta is the worst change:
// 'delta-desc' is then the biggest loss, not the biggest gain.
import type { EXAMPLE_SORTS } from '../../../../native/api/eval.ts';

export type ExampleSort = (typeof EXAMPLE_SORTS)[number];

const LABELS: Record<ExampleSort, string> = { 'delta-desc': 'Biggest gain', 'delta-asc': 'Biggest loss', 'abs-delta': 'Biggest change', spread: 'Most disagreement', index: 'Dataset order' };

export function sortLabel(sort: ExampleSort, higherIsBetter: boolean): string {
  if (!higherIsBetter && sort === 'delta-desc') return LABELS['delta-asc'];
  if (!higherIsBetter && sort === 'delta-asc') return LABELS['delta-desc'];
  return LABELS[sort];
}

/** A run's own input or references where they differ from the row's: the run was fed or scored against them. */
export function hasOwnSource(output: { input?: string; references?: string[] } | null): boolean {
  return output !== null && (output.input !== undefined || output.references !== undefined);
}
