// How a generation's end reads on the playground and the run page (renderer/src/domain/generation.ts): an answer the
// model's context cut short says so, instead of "reached max new tokens" the user did not reach.
import { describe, expect, it } from 'vitest';
import { finishNeedsNotice, finishReasonLabel } from '../../renderer/src/domain/generation.ts';

describe('the finish of a generation', () => {
  it('names each way a generation ends', () => {
    expect(finishReasonLabel('stop_token')).toBe('ended by the model');
    expect(finishReasonLabel('length')).toBe('reached max new tokens');
    expect(finishReasonLabel('cancelled')).toBe('stopped');
  });

  it("says when the model's context, not max new tokens, ended it, and marks it for notice", () => {
    expect(finishReasonLabel('length', 512)).toBe("filled the model's 512-token context");
    expect(finishNeedsNotice('length', 512)).toBe(true);
    expect(finishNeedsNotice('length', null)).toBe(false);
    expect(finishNeedsNotice('cancelled')).toBe(true);
    expect(finishReasonLabel('stop_token', 512)).toBe('ended by the model'); // the context is only named when it ended the answer
  });
});
