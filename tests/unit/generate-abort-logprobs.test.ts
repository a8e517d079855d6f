// generate() stops on an AbortSignal between decode steps (greedy, sampled and beam search), and its per-token
// log-probabilities are the log-softmax of the very logits the model returned, alternatives most likely first.
import { describe, expect, it } from 'vitest';
import { generate, type LanguageModel } from '../../native/generate/generate.ts';
import { Rng } from '../../native/generate/rng.ts';
import { ToyModel, letters } from './toy-language-model.ts';

const V = 8;
/** After token t, t+1 is likely; nothing ever stops on its own. */
const chain = () =>
  new ToyModel(V, {}, (h) => {
    const p = Array(V).fill(0.02);
    p[(h[h.length - 1] + 1) % V] = 0.86;
    return p;
  });

describe('generate with an AbortSignal', () => {
  it('stops before the next decode step and keeps what was generated', async () => {
    const model = chain();
    const controller = new AbortController();
    const streamed: string[] = [];
    const onToken = (e: { tokenId: number; text: string }) => {
      streamed.push(e.text);
      if (streamed.length === 2) controller.abort();
    };
    const r = await generate(model, letters, [[0]], { temperature: 0, maxNewTokens: 50, stopTokenIds: [], onToken, signal: controller.signal });
    expect(model.calls).toBe(2);
    expect(r.rows[0]).toMatchObject({ tokenIds: [1, 2], text: 'bc', finishReason: 'cancelled' });
    expect(streamed.join('')).toBe('bc');
    expect(r.timing.generatedTokens).toBe(2);
  });

  it('runs no step at all when already aborted, and leaves finished rows as they ended', async () => {
    const model = chain();
    const aborted = await generate(model, letters, [[0], [3]], { temperature: 0, maxNewTokens: 5, signal: AbortSignal.abort() });
    expect(model.calls).toBe(0);
    expect(aborted.rows.map((r) => [r.tokenIds.length, r.finishReason])).toEqual([[0, 'cancelled'], [0, 'cancelled']]);

    const controller = new AbortController();
    const onToken = (e: { tokenId: number }) => e.tokenId === 4 && controller.abort(); // row 1 reaches its stop token
    const mixed = await generate(chain(), letters, [[0], [3]], { temperature: 0, maxNewTokens: 9, stopTokenIds: [4], onToken, signal: controller.signal });
    expect(mixed.rows.map((r) => r.finishReason)).toEqual(['cancelled', 'stop_token']);
  });

  it('stops a sampled and a beam generation within one step', async () => {
    for (const settings of [{ temperature: 0.8, seed: 3 }, { numBeams: 2 }]) {
      const controller = new AbortController();
      const inner = chain();
      const counting: LanguageModel<number[][]> = {
        vocabSize: V,
        emptyCache: (b) => inner.emptyCache(b),
        reorderCache: (c, i) => inner.reorderCache(c, i),
        forward: async (ids, mask, past) => {
          if (inner.calls === 2) controller.abort(); // aborted while the third step runs
          return inner.forward(ids, mask, past);
        },
      };
      const r = await generate(counting, letters, [[0]], { ...settings, maxNewTokens: 50, stopTokenIds: [], signal: controller.signal });
      expect(inner.calls).toBe(3);
      expect(r.rows[0].finishReason).toBe('cancelled');
      expect(r.rows[0].tokenIds.length).toBe(3);
    }
  });
});

describe('generate log-probabilities', () => {
  /** Random logits, recorded per call: the test recomputes log-softmax from exactly what generate() saw. */
  class RandomModel implements LanguageModel<null> {
    readonly vocabSize = 50;
    readonly seen: Float32Array[] = [];
    private readonly rng = new Rng(7);
    emptyCache() {
      return null;
    }
    async reorderCache() {
      return null;
    }
    async forward(ids: number[][]) {
      const T = ids[0].length;
      const logits = Float32Array.from({ length: T * this.vocabSize }, () => 6 * this.rng.next() - 3);
      this.seen.push(logits.slice((T - 1) * this.vocabSize));
      return { logits, present: null };
    }
  }

  function logSoftmax64(logits: Float32Array): number[] {
    const max = Math.max(...logits);
    const logSum = Math.log(logits.reduce((s, x) => s + Math.exp(x - max), 0)) + max;
    return Array.from(logits, (x) => x - logSum);
  }

  it('equal the log-softmax of the logits used, with the top alternatives sorted, in the result and the stream', async () => {
    const model = new RandomModel();
    const events: { logprob?: number; top?: { id: number; logprob: number }[] }[] = [];
    const options = { temperature: 0.7, topK: 10, seed: 1, maxNewTokens: 6, stopTokenIds: [], logprobs: 4, onToken: (e: (typeof events)[number]) => events.push(e) };
    const r = await generate(model, letters, [[1, 2]], options);
    const tokens = r.rows[0].logprobs!;
    expect(tokens).toHaveLength(6);
    tokens.forEach((t, step) => {
      const expected = logSoftmax64(model.seen[step]);
      // The chosen token's log-probability is the model's (before temperature and top-k), not the sampler's.
      expect(t.logprob).toBeCloseTo(expected[t.id], 5);
      const ranked = expected.map((lp, id) => ({ id, lp })).sort((a, b) => b.lp - a.lp).slice(0, 4);
      expect(t.top!.map((a) => a.id)).toEqual(ranked.map((a) => a.id));
      t.top!.forEach((a, k) => expect(a.logprob).toBeCloseTo(ranked[k].lp, 5));
      expect(events[step]).toMatchObject({ logprob: t.logprob, top: t.top });
    });
  });

  it('give just the token\'s log-probability with logprobs 0, and none without the option', async () => {
    const zero = await generate(new RandomModel(), letters, [[1]], { temperature: 0, maxNewTokens: 2, stopTokenIds: [], logprobs: 0 });
    expect(zero.rows[0].logprobs!.every((t) => t.top === undefined && Number.isFinite(t.logprob))).toBe(true);
    const none = await generate(new RandomModel(), letters, [[1]], { temperature: 0, maxNewTokens: 2, stopTokenIds: [] });
    expect(none.rows[0].logprobs).toBeUndefined();
  });
});
