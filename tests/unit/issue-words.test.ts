import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { boundWords, issueWords } from '../../native/api/issue-words.ts';

const firstIssue = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('accepted');
  return r.error.issues[0];
};

describe('schema issues in plain words', () => {
  it('says number bounds as the hand-written checks do, with the value refused', () => {
    expect(issueWords(firstIssue(z.number().min(1), 0), 0)).toBe('must be 1 or more; got 0');
    expect(issueWords(firstIssue(z.number().max(2), 3), 3)).toBe('must be 2 or less; got 3');
    expect(issueWords(firstIssue(z.number().gt(0), 0))).toBe('must be more than 0');
    expect(issueWords(firstIssue(z.number().lt(1), 1))).toBe('must be less than 1');
    expect(issueWords(firstIssue(z.number().int().positive(), -2), -2)).toBe('must be more than 0; got -2');
  });

  it('says lengths of lists and texts in items and characters', () => {
    expect(issueWords(firstIssue(z.array(z.string()).min(1), []))).toBe('must have at least 1 item');
    expect(issueWords(firstIssue(z.array(z.string()).max(4), ['a', 'b', 'c', 'd', 'e']))).toBe('must have at most 4 items');
    expect(issueWords(firstIssue(z.string().min(1), ''))).toBe('must not be empty');
    expect(issueWords(firstIssue(z.string().max(3), 'abcd'))).toBe('must have at most 3 characters');
    expect(issueWords(firstIssue(z.string().min(2), 'a'))).toBe('must have at least 2 characters');
  });

  it('lists a fixed set with the value refused, and keeps zod\'s words for anything else', () => {
    const input = { method: 'lorra' };
    expect(issueWords(firstIssue(z.object({ method: z.enum(['lora', 'full']) }), input), input)).toBe("must be one of lora, full; got 'lorra'");
    const wrongType = firstIssue(z.number(), 'x');
    expect(boundWords(wrongType)).toBeNull();
    expect(issueWords(wrongType)).toBe(wrongType.message);
  });

  it('says which alternative of a union the value missed', () => {
    const stop = z.union([z.string(), z.array(z.string()).max(4)]);
    expect(issueWords(firstIssue(stop, ['a', 'b', 'c', 'd', 'e']), ['a', 'b', 'c', 'd', 'e'])).toBe('must have at most 4 items');
    expect(issueWords(firstIssue(stop, 5), 5)).toBe('must be a string or an array; got a number');
    const prompt = z.union([z.string(), z.array(z.number().int().min(0))]);
    // zod reports an element of the one alternative whose type fitted under its own path
    const element = firstIssue(prompt, [1, -2]);
    expect([element.path, issueWords(element, [1, -2])]).toEqual([[1], 'must be 0 or more; got -2']);
    // a union with a message of its own keeps it
    expect(issueWords(firstIssue(z.union([z.string(), z.number()], { message: 'a name or a number' }), true), true)).toBe('a name or a number');
  });
});
