// Compare's example sorts are named for what they put first. delta is candidate − baseline in the metric's units, so
// for perplexity (lower is better) the largest delta is the worst change: that sort is the biggest loss, where the
// page called it "Biggest gain" above rows marked red.
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SORTS } from '../../native/api/eval.ts';
import { hasOwnSource, sortLabel } from '../../renderer/src/pages/compare/exampleSorts.ts';

describe('example sort labels', () => {
  it('name the largest rise in a score the biggest gain', () => {
    expect(EXAMPLE_SORTS.map((s) => sortLabel(s, true))).toEqual(['Biggest gain', 'Biggest loss', 'Biggest change', 'Most disagreement', 'Dataset order']);
  });

  it('name the largest rise in perplexity the biggest loss', () => {
    expect(EXAMPLE_SORTS.map((s) => sortLabel(s, false))).toEqual(['Biggest loss', 'Biggest gain', 'Biggest change', 'Most disagreement', 'Dataset order']);
  });

  it('tell a run’s own input or references from the row’s', () => {
    expect([hasOwnSource(null), hasOwnSource({}), hasOwnSource({ input: '' }), hasOwnSource({ references: [] })]).toEqual([false, false, true, true]);
  });
});
