// Logits processors, samplers and the decoding loop on a toy language model (toy-language-model.ts).
import { describe, expect, it } from 'vitest';
import { MinP, NoRepeatNgram, PresenceFrequencyPenalty, RepetitionPenalty, Temperature, TopK, TopP, softmax } from '../../native/generate/processors.ts';
import { generate, sampleFrom } from '../../native/generate/generate.ts';
import { sampleSoftmax } from '../../native/generate/row-step.ts';
import { Rng } from '../../native/generate/rng.ts';
import { TextStream } from '../../native/generate/text-stream.ts';
import { ToyModel, letters } from './toy-language-model.ts';

const row = (ids: number[], promptLength = ids.length) => ({ ids, promptLength });
const finite = (l: Float32Array) => Array.from(l.keys()).filter((i) => l[i] > -Infinity);

describe('logits processors', () => {
  it('top-k keeps the k largest', () => {
    const l = Float32Array.from([1, 5, 3, 4, 2]);
    new TopK(2).apply(row([]), l);
    expect(finite(l)).toEqual([1, 3]);
  });
  it('top-p keeps the smallest set reaching p', () => {
    const l = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
    new TopP(0.75).apply(row([]), l);
    expect(finite(l)).toEqual([0, 1]);
    const one = Float32Array.from([Math.log(0.9), Math.log(0.1)]);
    new TopP(0.5).apply(row([]), one);
    expect(finite(one)).toEqual([0]);
  });
  it('min-p drops tokens below min_p × the top probability', () => {
    const l = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
    new MinP(0.25).apply(row([]), l); // threshold 0.125
    expect(finite(l)).toEqual([0, 1, 2]);
  });
  it('temperature divides logits and rejects 0', () => {
    const l = Float32Array.from([2, -4]);
    new Temperature(2).apply(row([]), l);
    expect(Array.from(l)).toEqual([1, -2]);
    expect(() => new Temperature(0)).toThrow(/temperature must be > 0/);
    expect(() => new TopP(1.5)).toThrow(RangeError);
    expect(() => new TopK(0)).toThrow(RangeError);
  });
  it('repetition penalty divides positive and multiplies negative logits of seen tokens', () => {
    const l = Float32Array.from([2, -2, 2, -2]);
    new RepetitionPenalty(2).apply(row([0, 1, 1]), l);
    expect(Array.from(l)).toEqual([1, -4, 2, -2]);
  });
  it('presence and frequency penalties count generated tokens only', () => {
    const l = new Float32Array(4);
    new PresenceFrequencyPenalty(0.5, 0.25).apply(row([3, 1, 2, 2], 2), l);
    expect(Array.from(l)).toEqual([0, 0, -1, 0]); // token 3 is in the prompt; token 2 twice: 0.5 + 2·0.25
  });
  it('no-repeat n-gram bans the token completing a seen n-gram', () => {
    const l = new Float32Array(5);
    new NoRepeatNgram(3).apply(row([1, 2, 3, 1, 2]), l);
    expect(finite(l)).toEqual([0, 1, 2, 4]);
  });
});

describe('sampling', () => {
  it('draws in proportion to the probabilities', () => {
    const rng = new Rng(1);
    const probs = softmax(Float32Array.from([Math.log(0.2), Math.log(0.8)]));
    let ones = 0;
    for (let i = 0; i < 10000; i++) ones += sampleFrom(probs, rng);
    expect(ones / 10000).toBeGreaterThan(0.78);
    expect(ones / 10000).toBeLessThan(0.82);
  });
  it('draws exactly as sampleFrom(softmax(logits)) does, without allocating the probabilities', () => {
    // The fused draw the decode loop uses must not change any seeded generation: same rng, same index, every time,
    // over a GPT-2-sized vocabulary and over one with -Infinity (masked) entries and a dominant token.
    const gen = new Rng(99);
    const wide = Float32Array.from({ length: 50257 }, () => gen.next() * 8 - 4);
    const masked = Float32Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? -Infinity : i === 7 ? 3 : gen.next()));
    for (const logits of [wide, masked]) {
      const [a, b] = [new Rng(4), new Rng(4)];
      const fused = Array.from({ length: 200 }, () => sampleSoftmax(logits, a));
      const reference = Array.from({ length: 200 }, () => sampleFrom(softmax(logits), b));
      expect(fused).toEqual(reference);
      expect(new Set(fused).size).toBeGreaterThan(1);
    }
  });
  it('is reproducible by seed and differs across seeds', async () => {
    const uniform = new ToyModel(20, {}, () => Array(20).fill(1 / 20));
    const run = (seed: number) => generate(uniform, letters, [[0]], { temperature: 1, seed, maxNewTokens: 20, stopTokenIds: [] });
    const a = await run(5);
    expect((await run(5)).rows[0].tokenIds).toEqual(a.rows[0].tokenIds);
    expect((await run(6)).rows[0].tokenIds).not.toEqual(a.rows[0].tokenIds);
    expect(a.settings).toMatchObject({ strategy: 'sample', seed: 5, topK: 50 });
  });
  it('top-k 1 sampling equals greedy', async () => {
    const m = new ToyModel(6, {}, (h) => [0.05, 0.1, 0.15, 0.2, 0.3, 0.2].map((p, i) => (i === h.length % 6 ? p + 1 : p)));
    const greedy = await generate(m, letters, [[1]], { temperature: 0, maxNewTokens: 8, stopTokenIds: [] });
    const topk = await generate(m, letters, [[1]], { temperature: 0.7, topK: 1, seed: 3, maxNewTokens: 8, stopTokenIds: [] });
    expect(topk.rows[0].tokenIds).toEqual(greedy.rows[0].tokenIds);
    expect(greedy.rows[0].tokenIds).toEqual([1, 2, 3, 4, 5, 0, 1, 2]); // the boosted token is history length mod 6
  });
});

describe('decoding loop', () => {
  const chain = new ToyModel(6, {}, (h) => {
    const p = Array(6).fill(0.01);
    p[(h[h.length - 1] + 1) % 6] = 0.95;
    return p;
  });

  it('stops at stop tokens, stop strings and max new tokens; streams the same text', async () => {
    const streamed: string[] = [];
    const r = await generate(chain, letters, [[1], [3], [2]], { temperature: 0, maxNewTokens: 4, stopTokenIds: [5], stopStrings: ['de'], onToken: (e) => e.row === 0 && streamed.push(e.text) }, {});
    // b → c d e: "cde" contains "de" → "c". d → e, then f (stop token). c → d e → "".
    expect(r.rows.map((x) => [x.text, x.finishReason])).toEqual([
      ['c', 'stop_string'],
      ['e', 'stop_token'],
      ['', 'stop_string'],
    ]);
    expect(streamed.join('')).toBe(r.rows[0].text);
    const long = await generate(chain, letters, [[0]], { temperature: 0, maxNewTokens: 3, stopTokenIds: [] });
    expect(long.rows[0]).toMatchObject({ text: 'bcd', finishReason: 'length', tokenIds: [1, 2, 3] });
    expect(long.timing.generatedTokens).toBe(3);
  });

  it('left-pads a batch so each row generates what it would alone', async () => {
    const prompts = [[1, 2, 3], [4], [0, 5]];
    const alone = await Promise.all(prompts.map((p) => generate(chain, letters, [p], { temperature: 0, maxNewTokens: 5, stopTokenIds: [] })));
    const batched = await generate(chain, letters, prompts, { temperature: 0, maxNewTokens: 5, stopTokenIds: [] }, { padTokenId: 4 });
    expect(batched.rows.map((r) => r.tokenIds)).toEqual(alone.map((a) => a.rows[0].tokenIds));
  });

  it('reports logprobs and top alternatives from the model distribution', async () => {
    const r = await generate(chain, letters, [[0]], { temperature: 0, maxNewTokens: 2, stopTokenIds: [], logprobs: 2 });
    const lp = r.rows[0].logprobs!;
    expect(lp[0].id).toBe(1);
    expect(lp[0].logprob).toBeCloseTo(Math.log(0.95 / (0.95 + 5 * 0.01)), 5);
    expect(lp[0].top!.map((t) => t.id)[0]).toBe(1);
    expect(lp[0].top![1].logprob).toBeCloseTo(Math.log(0.01 / 1.0), 5);
  });

  it('rejects bad settings with the setting named', async () => {
    await expect(generate(chain, letters, [[0]], { maxNewTokens: 0 })).rejects.toThrow(/max_new_tokens/);
    await expect(generate(chain, letters, [[9]], {})).rejects.toThrow(/token id 9 outside the vocabulary/);
  });
});

describe('beam search', () => {
  // From the prompt: A (1) 0.6 or B (2) 0.4. After A: C, D, EOS about a third each. After B: EOS 0.9.
  // Greedy takes A then C (0.6 · 0.34); the best sequence is B EOS (0.4 · 0.9).
  const V = 5;
  const table: Record<string, number[]> = {
    '3': [0, 0.6, 0.4, 0, 0],
    '3,1': [0.32, 0, 0, 0.34, 0.34],
    '3,2': [0.9, 0.05, 0.05, 0, 0],
  };
  const model = new ToyModel(V, table, () => [0.98, 0.005, 0.005, 0.005, 0.005]);

  it('finds the more likely sequence greedy misses, following its beams in the cache', async () => {
    const greedy = await generate(model, letters, [[3]], { temperature: 0, maxNewTokens: 3, stopTokenIds: [0] });
    expect(greedy.rows[0].tokenIds.slice(0, 2)).toEqual([1, 3]);
    const beams = await generate(model, letters, [[3]], { numBeams: 2, lengthPenalty: 0, maxNewTokens: 3, stopTokenIds: [0] });
    expect(beams.rows[0].tokenIds).toEqual([2, 0]);
    expect(beams.rows[0].finishReason).toBe('stop_token');
    expect(beams.rows[0].score).toBeCloseTo(Math.log(0.4 * 0.9), 5);
  });
});

describe('text stream', () => {
  it('holds back a possible stop-string prefix and an incomplete character', () => {
    const tok = { decode: (ids: number[]) => Buffer.from(ids).toString('utf8') };
    const s = new TextStream(tok, [0x41], ['END']);
    expect(s.push(0x68)).toBe('h');
    expect(s.push(0x45)).toBe(''); // 'E' may start 'END'
    expect(s.push(0x78)).toBe('Ex');
    expect(s.push(0xc3)).toBe(''); // first byte of 'é'
    expect(s.push(0xa9)).toBe('é');
    s.push(0x45);
    s.push(0x4e);
    s.push(0x44);
    expect(s.stopped).toBe(true);
    expect(s.text).toBe('hExé');
  });
});
