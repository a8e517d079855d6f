// The labels Evaluate's Custom layout starts from (renderer/src/pages/evaluate/evalForm.ts layoutLabels): ticked while
// the picked dataset's labels loaded, the layout started with none and kept none once they came. It now waits for
// them; tests/e2e/answer-order.test.ts holds the labels back in a browser.
import { describe, expect, it } from 'vitest';
import { layoutLabels } from '../../renderer/src/pages/evaluate/evalForm.ts';

describe('the labels a custom layout starts from', () => {
  it('waits while the picked dataset’s labels have not come: none yet, or the last dataset’s', () => {
    expect(layoutLabels(true, { data: undefined, stale: false, error: null })).toEqual({ waiting: true, labels: [] });
    expect(layoutLabels(true, { data: ['negative', 'positive'], stale: true, error: null })).toEqual({ waiting: true, labels: [] });
  });

  it('starts from the picked dataset’s labels once they have come', () => {
    expect(layoutLabels(true, { data: ['negative', 'positive'], stale: false, error: null })).toEqual({ waiting: false, labels: ['negative', 'positive'] });
  });

  it('starts from none, without waiting, for a dataset that maps no label or whose labels could not be read', () => {
    expect(layoutLabels(false, { data: undefined, stale: false, error: null })).toEqual({ waiting: false, labels: [] });
    expect(layoutLabels(true, { data: ['a', 'b'], stale: true, error: new Error('rows.jsonl is missing') })).toEqual({ waiting: false, labels: [] });
  });
});
