// Few-shot example choice: the seeded draw among examples that fit beside the query, shorter examples when
// the draw is too long together, and a refusal (not a silent zero-shot run) when not even one example fits.
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../native/api/errors.ts';
import { createShotPlanner } from '../../native/eval/few-shot.ts';
import type { PromptTemplate, Row } from '../../native/text/prompt.ts';

const template: PromptTemplate = { input: 'Q: {{q}}', output: 'A: {{a}}', answerPrefix: 'A:' };
/** One token per word: lengths are easy to reason about. */
const encode = (text: string) => text.split(/\s+/).filter(Boolean).map((_, i) => i);
const row = (words: number, tag: string): Row => ({ q: Array.from({ length: words }, () => tag).join(' '), a: tag });

function planner(pool: Row[], budget: number, shots = 3) {
  return createShotPlanner({ template, shots, seed: 0, pool, budget, contextTokens: budget + 10, maxNewTokens: 10, encode });
}

describe('few-shot example choice', () => {
  const short = [row(2, 's1'), row(2, 's2'), row(2, 's3'), row(3, 's4')];
  const long = [row(40, 'l1'), row(40, 'l2'), row(40, 'l3'), row(40, 'l4')];

  it('uses every asked-for shot when the seeded draw fits', () => {
    const choice = planner([...short, ...long], 1000).choose(row(5, 'query'));
    expect(choice.shotsUsed).toBe(3);
    expect(choice.ids.length).toBeLessThanOrEqual(1000);
  });

  it('prefers shorter examples when long ones would overflow, instead of dropping to zero-shot', () => {
    const choice = planner([...long, ...short], 40).choose(row(5, 'query'));
    expect(choice.shotsUsed).toBe(3);
    expect(choice.ids.length).toBeLessThanOrEqual(40);
    expect(choice.prompt).not.toMatch(/\bl\d\b/);
    expect(choice.prompt).toMatch(/A:$/);
  });

  it('never uses the query as its own example', () => {
    const query = short[0];
    const choice = planner(short, 1000).choose(query);
    expect(choice.prompt.split('Q: s1').length - 1).toBe(1);
  });

  it('uses fewer shots where only some fit, and records how many', () => {
    expect(planner([...long, row(2, 's1')], 25).choose(row(5, 'query')).shotsUsed).toBe(1);
  });

  it('refuses before the run when a query leaves no room for one example, saying what to do', () => {
    const p = planner(long, 30);
    const check = () => p.check([{ id: 'test:0', row: row(5, 'query') }, { id: 'test:1', row: row(20, 'big') }]);
    expect(check).toThrow(StudioError);
    expect(check).toThrow(/2 of 2 queries.*context is 40 tokens.*query test:1 alone takes 22 tokens.*shortest train example 43.*fewer shots.*--prompt.*longer context/s);
    expect(() => planner(short, 30).check([{ id: 'test:0', row: row(5, 'query') }])).not.toThrow();
  });
});
