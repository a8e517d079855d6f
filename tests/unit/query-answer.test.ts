// useQuery's staleness (renderer/src/app/queryAnswer.ts): the last answer stays on screen while other params load,
// and `stale` says it answers those params, not the current ones, so that a form does not submit values derived from
// it (Fine-tune's Start after a method switch sent the last method's learning rate). The hook keeps its answer with
// answered() and failed() and shows shownAnswer(); tests/e2e/finetune-stale-defaults.test.ts drives it in a browser.
import { describe, expect, it } from 'vitest';
import { answered, failed, queryKey, shownAnswer } from '../../renderer/src/app/queryAnswer.ts';

const lora = queryKey('train.defaults', { model: 'm', method: 'lora' });
const full = queryKey('train.defaults', { model: 'm', method: 'full' });

describe('what useQuery shows for the params asked now', () => {
  it('shows nothing, and nothing stale, before any answer or while nothing is asked', () => {
    expect(shownAnswer(null, lora)).toEqual({ data: undefined, error: null, stale: false, pending: false });
    expect(shownAnswer(answered(lora, { lr: 2e-3 }), null)).toEqual({ data: undefined, error: null, stale: false, pending: false });
  });

  it('shows the answer to the params asked as current', () => {
    expect(shownAnswer(answered(lora, { lr: 2e-3 }), lora)).toEqual({ data: { lr: 2e-3 }, error: null, stale: false, pending: false });
  });

  it('keeps the last answer on screen while other params load, flagged stale', () => {
    expect(shownAnswer(answered(lora, { lr: 2e-3 }), full)).toEqual({ data: { lr: 2e-3 }, error: null, stale: true, pending: true });
  });

  it('keeps the last data stale after the new params fail, and shows their error only for them', () => {
    const after = failed(answered(lora, { lr: 2e-3 }), full, new Error('no such model'));
    expect(shownAnswer(after, full)).toEqual({ data: { lr: 2e-3 }, error: new Error('no such model'), stale: true, pending: false }); // the error shows, not a busy mark;
    expect(shownAnswer(after, lora)).toEqual({ data: { lr: 2e-3 }, error: null, stale: false, pending: false });
  });

  it('is not stale after an error with no data before it, nor once the params asked are answered', () => {
    expect(shownAnswer(failed(null, full, new Error('no such model')), full).stale).toBe(false);
    const back = answered(full, { lr: 5e-4 });
    expect(shownAnswer(back, full)).toEqual({ data: { lr: 5e-4 }, error: null, stale: false, pending: false });
  });

  it('tells params apart by method and by every param', () => {
    expect(queryKey('train.defaults', { model: 'm' })).not.toBe(lora);
    expect(queryKey('runs.list', { model: 'm', method: 'lora' })).not.toBe(lora);
  });
});
