// How a generation reads on the playground and the run page (renderer/src/domain/generation.ts): an answer the
// model's context cut short says so, instead of "reached max new tokens" the user did not reach; and before
// Generate, what the prompt leaves of the context for the answer.
import { describe, expect, it } from 'vitest';
import { finishNeedsNotice, finishReasonLabel, promptBudget } from '../../renderer/src/domain/generation.ts';

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

describe("what a prompt leaves of the model's context", () => {
  it('says how much room is left when the answer fits', () => {
    expect(promptBudget(37, 512, 120, 's260k')).toEqual({ tone: 'ok', text: "37 tokens of s260k's 512-token context: room for 475 new tokens." });
    expect(promptBudget(392, 512, 120, 's260k').tone).toBe('ok'); // exactly 120 left
  });

  it('warns when the context will stop the answer before max new tokens', () => {
    expect(promptBudget(500, 512, 120, 's260k')).toEqual({
      tone: 'short', text: "500 tokens of s260k's 512-token context: the answer will stop after 12 tokens, not the 120 of max new tokens. Shorten the prompt for a longer answer.",
    });
    expect(promptBudget(511, 512, 120, 's260k').text).toContain('stop after 1 token,');
  });

  it('says there is no room when the prompt fills the context', () => {
    for (const n of [512, 600]) expect(promptBudget(n, 512, 1, 'm')).toMatchObject({ tone: 'full', text: expect.stringContaining('no room left for an answer. Shorten the prompt or use fewer examples.') });
    expect(promptBudget(1, 2048, 10, 'm').text).toBe("1 token of m's 2,048-token context: room for 2,047 new tokens.");
  });
});
