// The before / after samples of a PPO run (native/train/ppo-samples.ts): each held-out prompt at iteration 0 beside
// the same prompt at a later iteration, the score's change per prompt and the means; prompts matched by text (a
// repeated prompt's k-th rollout with its k-th), and the shapes a run has on its way: nothing yet, iteration 0 only.
import { describe, expect, it } from 'vitest';
import type { RolloutRow, RolloutTable } from '../../native/api/align.ts';
import { pairHeldout } from '../../native/train/ppo-samples.ts';

const row = (prompt: string, completion: string, score: number, kl = 0): RolloutRow => ({ prompt, completion, score, kl, tokens: 4 });
const table = (step: number, heldout: RolloutRow[] | null): RolloutTable => ({ step, klCoef: 0.2, train: [], heldout });

describe('pairHeldout', () => {
  it('pairs each held-out prompt before and after, with the change per prompt and the means', () => {
    const before = table(0, [row('Once upon a time', ' a dog', -0.5), row('Tom was sad.', ' He cried.', -1), row('It was sunny.', ' Ann ran.', 0.25)]);
    // the later table lists the prompts in another order: matched by text, not position
    const after = table(40, [row('It was sunny.', ' Ann smiled.', 0.75, 3), row('Once upon a time', ' a happy dog', 0.5, 5), row('Tom was sad.', ' He was happy again.', 1, 4)]);
    const s = pairHeldout([0, 20, 40], before, after);
    expect(s.steps).toEqual([0, 20, 40]);
    expect([s.beforeStep, s.afterStep]).toEqual([0, 40]);
    expect(s.pairs.map((p) => [p.prompt, p.before.completion, p.after?.completion, p.change])).toEqual([
      ['Once upon a time', ' a dog', ' a happy dog', 1],
      ['Tom was sad.', ' He cried.', ' He was happy again.', 2],
      ['It was sunny.', ' Ann ran.', ' Ann smiled.', 0.5],
    ]);
    expect(s.meanBefore).toBeCloseTo(-1.25 / 3, 12);
    expect(s.meanAfter).toBeCloseTo(2.25 / 3, 12);
    expect(s.klAfter).toBeCloseTo(4, 12);
  });

  it('a prompt held out twice pairs its first rollouts with each other, its second with each other', () => {
    const s = pairHeldout([0, 10], table(0, [row('Hi.', ' a', 0), row('Hi.', ' b', 1)]), table(10, [row('Hi.', ' c', 2), row('Hi.', ' d', 4)]));
    expect(s.pairs.map((p) => [p.before.completion, p.after?.completion, p.change])).toEqual([[' a', ' c', 2], [' b', ' d', 3]]);
  });

  it('before any later evaluation: iteration 0 alone, no after, no change', () => {
    const s = pairHeldout([0], table(0, [row('Hi.', ' a', 0.5)]), null);
    expect([s.beforeStep, s.afterStep, s.meanBefore, s.meanAfter, s.klAfter]).toEqual([0, null, 0.5, null, null]);
    expect(s.pairs).toEqual([{ prompt: 'Hi.', before: row('Hi.', ' a', 0.5), after: null, change: null }]);
  });

  it('a run with no held-out rollouts yet is empty', () => {
    expect(pairHeldout([], null, null)).toEqual({ steps: [], beforeStep: null, afterStep: null, pairs: [], meanBefore: null, meanAfter: null, klAfter: null });
  });

  it('a later prompt missing from iteration 0 is not paired; the after mean covers the pairs only', () => {
    const s = pairHeldout([0, 10], table(0, [row('A.', ' x', 1)]), table(10, [row('B.', ' y', 9), row('A.', ' z', 3)]));
    expect(s.pairs.map((p) => [p.prompt, p.change])).toEqual([['A.', 2]]);
    expect(s.meanAfter).toBe(3);
  });
});
