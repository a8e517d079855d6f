// The one rule for how much of a model's context a prompt leaves for its answer (native/generate/context-fit.ts),
// which `lathe generate`, the playground and the OpenAI-compatible server each word in their own terms.
import { describe, expect, it } from 'vitest';
import { PromptTooLong, fitToContext } from '../../native/generate/context-fit.ts';

describe('fitToContext', () => {
  it('allows what was asked for when it fits, and says so', () => {
    expect(fitToContext(10, 32, 8)).toEqual({ maxNewTokens: 8, left: 22, context: 32, shortened: false });
    expect(fitToContext(24, 32, 8)).toEqual({ maxNewTokens: 8, left: 8, context: 32, shortened: false });
  });

  it('stops the answer where the context ends', () => {
    expect(fitToContext(29, 32, 8)).toEqual({ maxNewTokens: 3, left: 3, context: 32, shortened: true });
  });

  it('with nothing asked for, allows as many as fit', () => {
    expect(fitToContext(29, 32)).toEqual({ maxNewTokens: 3, left: 3, context: 32, shortened: false });
  });

  it('refuses a prompt that fills the context, naming both lengths', () => {
    for (const tokens of [32, 40]) {
      let thrown: unknown;
      try {
        fitToContext(tokens, 32, 8);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(PromptTooLong);
      expect(thrown).toMatchObject({ promptTokens: tokens, context: 32, message: `the prompt is ${tokens} tokens but the model reads at most 32, answer included` });
    }
  });

  it('lets a prompt that fills the context exactly be scored with no new tokens, but not one past it', () => {
    expect(fitToContext(32, 32, 0, { scoreOnly: true })).toEqual({ maxNewTokens: 0, left: 0, context: 32, shortened: false });
    expect(() => fitToContext(33, 32, 0, { scoreOnly: true })).toThrow(PromptTooLong);
  });
});
