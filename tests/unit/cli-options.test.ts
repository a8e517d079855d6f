// The generation flags `lathe generate` and `lathe eval` share: one spec, one parser, errors that name the flag.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { afterColon, GENERATION_OPTIONS, numberFlag, parseFlagInput, parseGenerationFlags } from '../../native/cli/options.ts';

describe('shared CLI flags', () => {
  it('maps each generation flag to its setting and leaves out those not given', () => {
    const values = { 'max-new-tokens': '12', temperature: '0.7', 'top-k': '40', 'top-p': '0.9', 'min-p': '0.05', 'repetition-penalty': '1.1', 'no-repeat-ngram': '3', 'num-beams': '2', seed: '7', stop: ['\n'] };
    expect(parseGenerationFlags(values, 'usage')).toEqual({ maxNewTokens: 12, temperature: 0.7, topK: 40, topP: 0.9, minP: 0.05, repetitionPenalty: 1.1, noRepeatNgramSize: 3, numBeams: 2, seed: 7, stop: ['\n'] });
    expect(parseGenerationFlags({ temperature: '0' }, 'usage')).toEqual({ temperature: 0 });
    expect(Object.keys(GENERATION_OPTIONS).sort()).toEqual([...Object.keys(values)].sort());
  });

  it('refuses what is not a number, or not a whole one where one is needed, naming the flag and the usage', () => {
    expect(() => parseGenerationFlags({ 'top-k': '2.5' }, 'lathe x')).toThrow(/^--top-k must be a whole number of 0 or more \(0 = off\); got '2.5'.\nUsage: lathe x$/);
    expect(() => parseGenerationFlags({ temperature: 'hot' }, 'lathe x')).toThrow(/--temperature must be a number; got 'hot'/);
    expect(() => numberFlag({ lr: ' ' }, 'lr', 'lathe x')).toThrow(/--lr must be a number/);
    expect(numberFlag({}, 'lr', 'lathe x')).toBeUndefined();
  });

  it('refuses values out of each flag\'s range, naming the flag and the range', () => {
    expect(() => parseGenerationFlags({ 'top-p': '2' }, 'lathe x')).toThrow(/^--top-p must be a number more than 0 and 1 or less \(1 = off\); got '2'\.\nUsage: lathe x$/);
    expect(() => parseGenerationFlags({ 'min-p': '0' }, 'lathe x')).toThrow("--min-p must be a number more than 0 and 1 or less; got '0'.");
    expect(() => parseGenerationFlags({ temperature: '-0.5' }, 'lathe x')).toThrow("--temperature must be a number of 0 or more (0 = greedy); got '-0.5'.");
    expect(() => parseGenerationFlags({ 'top-k': '-1' }, 'lathe x')).toThrow(/--top-k must be a whole number of 0 or more/);
    expect(() => parseGenerationFlags({ 'num-beams': '0' }, 'lathe x')).toThrow(/--num-beams must be a whole number of 1 or more/);
    expect(() => parseGenerationFlags({ 'max-new-tokens': '0' }, 'lathe x')).toThrow(/--max-new-tokens must be a whole number of 1 or more/);
    expect(() => parseGenerationFlags({ 'repetition-penalty': '0' }, 'lathe x')).toThrow("--repetition-penalty must be a number more than 0 (1 = off; above 1 discourages repeats); got '0'.");
    expect(parseGenerationFlags({ 'top-p': '1', 'min-p': '0.1' }, 'lathe x')).toEqual({ topP: 1, minP: 0.1 });
  });

  it('words a value outside a fixed set like the hand-written checks, for a flag or one element of a list flag', () => {
    const schema = z.object({ method: z.enum(['lora', 'full']), lora: z.object({ targetModules: z.array(z.enum(['q_proj', 'v_proj'])) }) });
    const flags = { method: 'method', targets: 'lora.targetModules' };
    expect(() => parseFlagInput(schema, { method: 'lorra', lora: { targetModules: ['q_proj', 'x_proj'] } }, flags, 'lathe x'))
      .toThrow(/^--method must be one of lora, full; got 'lorra'\. Did you mean 'lora'\?\n--targets must be one of q_proj, v_proj; got 'x_proj'\nUsage: lathe x$/);
  });
});

describe('an API sentence continued after a flag and a colon', () => {
  it('starts lower case, but a word with capitals inside (an acronym, a name) keeps them', () => {
    expect(afterColon('This metric runs from 0 to 1')).toBe('this metric runs from 0 to 1');
    expect(afterColon('A corpus needs text')).toBe('a corpus needs text');
    expect(afterColon("LoRA target module 'c_attn' matches nothing")).toBe("LoRA target module 'c_attn' matches nothing");
    expect(afterColon('GGUF files only')).toBe('GGUF files only');
    expect(afterColon('ONNX')).toBe('ONNX');
    expect(afterColon('Qwen2 has no such head')).toBe('Qwen2 has no such head');
  });
});
