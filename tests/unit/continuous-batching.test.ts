// Continuous batching (native/generate/continuous.ts) on small random Llama 3 and GPT-2 models: requests that join
// a running batch at different moments, with different prompt lengths, settings and stop rules, get exactly the
// tokens they get alone through generate(); they share decode steps; a cancelled request ends before the next
// step and leaves the others untouched; the batch's cache never grows past its longest row; and the prefill's
// last-position-only head gives the logits the full head gives there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationResult } from '../../native/generate/generate.ts';
import type { GenerateOptions } from '../../native/generate/options.ts';
import { TextGenerator } from '../../native/generate/pipeline.ts';
import { exportOnnxFolder } from '../../native/deploy/onnx-export.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-continuous-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Prompts of different lengths, each with its own settings: greedy, seeded sampling with penalties, a stop string, two rows. */
const REQUESTS: { prompts: string[]; options: GenerateOptions }[] = [
  { prompts: ['the cat sat'], options: { temperature: 0, maxNewTokens: 12, stopTokenIds: [] } },
  { prompts: ['a'], options: { temperature: 0.9, topP: 0.9, seed: 7, presencePenalty: 0.5, maxNewTokens: 9, stopTokenIds: [], logprobs: 2 } },
  { prompts: ['once upon a time', 'hi'], options: { temperature: 0, maxNewTokens: 6, stopTokenIds: [] } },
  { prompts: ['xyz xyz'], options: { temperature: 1, seed: 3, maxNewTokens: 14, stopStrings: ['e'], stopTokenIds: [] } },
];

describe.each(['llama3', 'gpt2'] as const)('continuous batching on a random %s', (family) => {
  let generator: TextGenerator;

  beforeAll(async () => {
    const dir = path.join(tmp, family);
    const config = CONFIGS[family];
    await writeHfFolder(dir, { config, tensors: randomTensors(config, 11), ...charTokenizer(config.vocab_size as number) });
    generator = await TextGenerator.load(dir, { intraOpNumThreads: 1 });
  });
  afterAll(() => generator?.release());

  it('gives each request, joining a running batch at its own moment, the tokens it gets alone', async () => {
    const alone: GenerationResult[] = [];
    for (const r of REQUESTS) alone.push(await generator.generate(r.prompts, r.options));

    const batcher = generator.batcher();
    const results: Promise<GenerationResult>[] = [];
    const streamed = REQUESTS.map(() => new Map<number, string>());
    const submit = (i: number) => {
      const onToken: GenerateOptions['onToken'] = (e) => {
        streamed[i].set(e.row, (streamed[i].get(e.row) ?? '') + e.text);
        // Request i + 1 arrives once request i has two tokens: joins happen while others are mid-decode.
        if (i + 1 < REQUESTS.length && results.length === i + 1 && e.tokenId >= 0 && tokens[i]++ === 1) submit(i + 1);
      };
      results.push(batcher.generate(REQUESTS[i].prompts.map((p) => generator.tokenizer.encode(p)), { ...REQUESTS[i].options, onToken }));
    };
    const tokens = REQUESTS.map(() => 0);
    submit(0);
    // Wait until every request was submitted, then for all of them.
    await expect.poll(() => results.length, { timeout: 10_000 }).toBe(REQUESTS.length);
    const together = await Promise.all(results);

    together.forEach((got, i) => {
      expect(got.rows.map((r) => r.tokenIds)).toEqual(alone[i].rows.map((r) => r.tokenIds));
      expect(got.rows.map((r) => [r.text, r.finishReason])).toEqual(alone[i].rows.map((r) => [r.text, r.finishReason]));
      got.rows.forEach((r, row) => expect(streamed[i].get(row) ?? '').toBe(r.text));
      if (alone[i].rows[0].logprobs) {
        got.rows[0].logprobs!.forEach((lp, t) => expect(lp.logprob).toBeCloseTo(alone[i].rows[0].logprobs![t].logprob, 4));
      }
    });
    // They shared steps: fewer decode steps than tokens generated, and the batch emptied behind them.
    const generated = together.reduce((s, r) => s + r.timing.generatedTokens, 0);
    expect(batcher.stats.steps).toBeLessThan(generated - REQUESTS.length);
    expect(batcher.stats.rows / batcher.stats.steps).toBeGreaterThan(1);
    expect(batcher.active).toBe(0);
    expect(batcher.columns).toBe(0);
  });

  it('ends a cancelled request before the next step, leaving the others as they would be alone', async () => {
    const batcher = generator.batcher();
    const options = { temperature: 0, maxNewTokens: 15, stopTokenIds: [] };
    const alone = await generator.generate(['the dog'], options);
    const controller = new AbortController();
    let afterAbort = 0;
    const cancelled = batcher.generate([generator.tokenizer.encode('zzz')], {
      ...options,
      signal: controller.signal,
      onToken: (e) => {
        if (controller.signal.aborted) afterAbort++;
        else if (e.tokenId >= 0 && e.row === 0) controller.abort();
      },
    });
    const other = batcher.generate([generator.tokenizer.encode('the dog')], options);
    const [c, o] = await Promise.all([cancelled, other]);
    expect(c.rows[0].finishReason).toBe('cancelled');
    expect(afterAbort).toBe(0);
    expect(c.rows[0].tokenIds.length).toBeLessThanOrEqual(2);
    expect(o.rows[0].tokenIds).toEqual(alone.rows[0].tokenIds);
  });

  it('prefills with the head on the last position only, giving forward()\'s last-position logits and the same cache', async () => {
    const model = generator.model;
    const prompts = [[5, 9, 2, 7, 7, 1], [0, 0, 3, 8, 4, 6]]; // the second row left-padded
    const mask = [[1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1]];
    const full = await model.forward(prompts, mask, model.emptyCache(2));
    const last = await model.forwardLast(prompts, mask, model.emptyCache(2));
    const V = model.vocabSize;
    expect(full.logits.length).toBe(2 * 6 * V);
    expect(last.logits.length).toBe(2 * V);
    for (let b = 0; b < 2; b++) {
      const want = full.logits.subarray((b * 6 + 5) * V, (b * 6 + 6) * V);
      const got = last.logits.subarray(b * V, (b + 1) * V);
      got.forEach((x, j) => expect(x).toBeCloseTo(want[j], 5));
    }
    expect(last.present.layer(0)).toEqual(full.present.layer(0));
  });

  it('batches a prebuilt ONNX variant (no logits_to_keep input) as it generates alone', async () => {
    // transformers.js-layout files keep transformers.js's inputs, so their prefill runs the whole head and
    // forwardLast cuts the last position out in JS: same logits, same tokens through the batcher.
    const onnxDir = path.join(tmp, `${family}-onnx`);
    await exportOnnxFolder(path.join(tmp, family), onnxDir, { dtypes: ['fp32'] });
    const variant = await TextGenerator.load(onnxDir, { intraOpNumThreads: 1, dtype: 'fp32' });
    try {
      const prompts = [[5, 9, 2, 7], [0, 3, 8, 4]];
      const mask = prompts.map((p) => p.map(() => 1));
      const full = await variant.model.forward(prompts, mask, variant.model.emptyCache(2));
      const last = await variant.model.forwardLast(prompts, mask, variant.model.emptyCache(2));
      const V = variant.model.vocabSize;
      expect(last.logits.length).toBe(2 * V);
      expect(Array.from(last.logits.subarray(V, 2 * V))).toEqual(Array.from(full.logits.subarray((4 + 3) * V, 8 * V)));
      const options = { temperature: 0, maxNewTokens: 6, stopTokenIds: [] };
      const alone = await variant.generate(['the cat'], options);
      const batched = await variant.batcher().generate([variant.tokenizer.encode('the cat')], options);
      expect(batched.rows[0].tokenIds).toEqual(alone.rows[0].tokenIds);
    } finally {
      await variant.release();
    }
  });

  it('scores a prompt from its prefill, alone and in a left-padded batch beside a request that does not', async () => {
    const model = generator.model;
    const V = model.vocabSize;
    const [short, long] = [generator.tokenizer.encode('the cat'), generator.tokenizer.encode('once upon a time')];
    // Reference: each prompt alone through forward(), token t scored by the logits at t − 1.
    const reference = async (ids: number[]) => {
      const { logits } = await model.forward([ids], [ids.map(() => 1)], model.emptyCache(1));
      return ids.slice(1).map((id, t) => {
        const row = Array.from(logits.subarray(t * V, (t + 1) * V));
        const lse = Math.log(row.reduce((s, x) => s + Math.exp(x - Math.max(...row)), 0)) + Math.max(...row);
        return row[id] - lse;
      });
    };
    const scoring = { temperature: 0, maxNewTokens: 0, stopTokenIds: [], logprobs: 2, scorePrompt: true };
    const alone = await generator.generateIds([short], scoring);
    expect(alone.rows[0]).toMatchObject({ tokenIds: [], finishReason: 'length' });
    const want = await reference(short);
    alone.rows[0].promptLogprobs!.forEach((lp, t) => {
      expect(lp.id).toBe(short[t + 1]);
      expect(lp.logprob).toBeCloseTo(want[t], 4);
      expect(lp.top).toHaveLength(2);
    });
    // Through the batcher, prefilled together with a longer prompt that only generates: same scores, same tokens.
    // (A first request keeps the batcher busy, so that the two wait and are admitted into one left-padded prefill.)
    const batcher = generator.batcher();
    const prefills = batcher.stats.prefills;
    const scored: number[][] = [];
    const [, mine, other] = await Promise.all([
      batcher.generate([[1, 2]], { temperature: 0, maxNewTokens: 1, stopTokenIds: [] }),
      batcher.generate([short], { ...scoring, maxNewTokens: 3, onPromptScored: (_row, tokens) => scored.push(tokens.map((t) => t.logprob)) }),
      batcher.generate([long], { temperature: 0, maxNewTokens: 3, stopTokenIds: [] }),
    ]);
    expect(batcher.stats.prefills - prefills).toBe(2);
    expect(scored).toHaveLength(1);
    scored[0].forEach((lp, t) => expect(lp).toBeCloseTo(want[t], 4));
    expect(mine.rows[0].promptLogprobs!.map((t) => t.logprob)).toEqual(scored[0]);
    expect(mine.rows[0].tokenIds).toEqual((await generator.generateIds([short], { temperature: 0, maxNewTokens: 3, stopTokenIds: [] })).rows[0].tokenIds);
    expect(other.rows[0].promptLogprobs).toBeUndefined();
    expect(other.rows[0].tokenIds).toEqual((await generator.generateIds([long], { temperature: 0, maxNewTokens: 3, stopTokenIds: [] })).rows[0].tokenIds);
    await expect(generator.generateIds([short], { maxNewTokens: 0 })).rejects.toThrow(/max_new_tokens must be a positive integer, got 0/);
  });

  it('keeps the cache no longer than its longest row while requests keep coming', async () => {
    const batcher = generator.batcher();
    let widest = 0;
    const runs: Promise<unknown>[] = [];
    for (let i = 0; i < 12; i++) {
      runs.push(batcher.generate([generator.tokenizer.encode('ab'.repeat(1 + (i % 3)))], {
        temperature: 0, maxNewTokens: 3 + (i % 4), stopTokenIds: [],
        onToken: () => (widest = Math.max(widest, batcher.columns)),
      }));
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(runs);
    // The longest row: a 6-token prompt and 6 new tokens.
    expect(widest).toBeGreaterThan(0);
    expect(widest).toBeLessThanOrEqual(6 + 6);
    expect(batcher.columns).toBe(0);
  });
});
