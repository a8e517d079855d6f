// One wording for a number flag's refusal. A bound was said two ways: '--limit must be 1 or more; got 0' (a bound the
// API schema found) beside "--max-new-tokens must be a whole number of 1 or more; got '0'." (the CLI's own check), and
// a third for generation settings ('--top-p must be in (0, 1] (1 = off); got 2.').
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TrainStartInput } from '../../native/api/train.ts';
import { numberFieldRule, numberFlagWords, numberRuleWords, parseFlagInput, parseGenerationFlags } from '../../native/cli/options.ts';

describe('one wording for a number flag out of its range', () => {
  it('says the kind of number, its range, and the value as typed in quotes, ending in a full stop', () => {
    expect(numberFlagWords('limit', { integer: true, range: { min: 1 } }, '0')).toBe("--limit must be a whole number of 1 or more; got '0'.");
    expect(numberRuleWords({ integer: true, range: { min: 1, max: 256 } })).toBe('a whole number from 1 to 256');
    expect(numberRuleWords({ integer: false, range: { min: 0, max: 1, maxExclusive: true } })).toBe('a number of 0 or more and less than 1');
    expect(numberRuleWords({ integer: false, range: { min: 0, minExclusive: true, note: '1 = off' } })).toBe('a number more than 0 (1 = off)');
    expect(numberRuleWords({ integer: false, range: {} })).toBe('a number');
  });

  it("reads a decimal field's exclusive bound from the schema", () => {
    expect(numberFieldRule(TrainStartInput.shape.lr)).toEqual({ integer: false, range: { min: 0, minExclusive: true } });
  });

  it("words a bound the API schema finds as the CLI's own checks do, naming the flag and reading the range from the schema", () => {
    const schema = z.object({ limit: z.number().int().min(1).max(500).optional(), lora: z.object({ dropout: z.number().min(0).lt(1) }) });
    const flags = { limit: 'limit', dropout: 'lora.dropout' };
    expect(() => parseFlagInput(schema, { limit: 0, lora: { dropout: 1 } }, flags, 'lathe x'))
      .toThrow("--limit must be a whole number from 1 to 500; got '0'.\n--dropout must be a number of 0 or more and less than 1; got '1'.\nUsage: lathe x");
  });

  it('says a generation setting out of range the same way', () => {
    expect(() => parseGenerationFlags({ 'top-p': '1.5' }, 'lathe x')).toThrow("--top-p must be a number more than 0 and 1 or less (1 = off); got '1.5'.\nUsage: lathe x");
    expect(() => parseGenerationFlags({ 'max-new-tokens': '0' }, 'lathe x')).toThrow("--max-new-tokens must be a whole number of 1 or more; got '0'.\nUsage: lathe x");
  });
});
