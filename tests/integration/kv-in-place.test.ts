// The in-place KV cache (a decode step writes its new key/value columns into the capacity buffers it is handed)
// against the grow path (a new present per step) on stories260K and a tiny random GPT-2: the same greedy tokens
// for one prompt and for a left-padded batch of two, the same beam search, the same continuous batching, and
// step-by-step logits that agree while the cache regrows block by block.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnxFolder } from '../../native/deploy/onnx-export.ts';
import { CausalLM } from '../../native/models/decoder.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { TextGenerator } from '../../native/generate/pipeline.ts';
import type { GenerateOptions } from '../../native/generate/options.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';

const SHARED = '../shared/data/models/stories260K';
const noData = fs.existsSync(`${SHARED}/stories260K.bin`) ? '' : `${SHARED}/stories260K.bin is absent (the shared data kit is not mounted)`;
if (noData) console.log(`skipping the stories260K part of kv-in-place: ${noData}`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-kv-in-place-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const MODELS = [
  { name: 'stories260K', skip: noData, make: async () => (await importLlama2cCheckpoint(path.join(tmp, 'data'), `${SHARED}/stories260K.bin`, `${SHARED}/tok512.bin`, 's260k')).path },
  { name: 'a tiny random GPT-2', skip: '', make: tinyGpt2 },
];

/** The fixture's GPT-2 with 128 positions, so that a cache can run to 80 columns. */
async function tinyGpt2(): Promise<string> {
  const dir = path.join(tmp, 'gpt2');
  const config: Record<string, unknown> = { ...CONFIGS.gpt2, n_positions: 128 };
  await writeHfFolder(dir, { config, tensors: randomTensors(config, 5), ...charTokenizer(config.vocab_size as number) });
  return dir;
}

describe.each(MODELS)('in-place KV cache on $name', ({ skip, make }) => {
  let inPlace: TextGenerator;
  let grow: TextGenerator;
  let dir: string;

  beforeAll(async () => {
    if (skip) return;
    dir = await make();
    inPlace = await TextGenerator.load(dir, { intraOpNumThreads: 1 });
    grow = await TextGenerator.load(dir, { intraOpNumThreads: 1, kvInPlace: false });
  });
  afterAll(async () => {
    await inPlace?.release();
    await grow?.release();
  });

  it.skipIf(Boolean(skip))('loads in place by default and grows when asked', () => {
    expect(inPlace.model.kvMode).toBe('append');
    expect(grow.model.kvMode).toBe('grow');
  });

  it.skipIf(Boolean(skip))('gives the grow path\'s greedy tokens, alone and in a left-padded batch of two', async () => {
    const options: GenerateOptions = { temperature: 0, maxNewTokens: 40, stopTokenIds: [] };
    const prompts = ['Once upon a time', 'Lily'];
    const alone = await inPlace.generate([prompts[0]], options);
    expect(alone.rows[0].tokenIds).toEqual((await grow.generate([prompts[0]], options)).rows[0].tokenIds);
    expect(alone.rows[0].tokenIds).toHaveLength(40);
    const batch = await inPlace.generate(prompts, options);
    expect(batch.rows.map((r) => r.tokenIds)).toEqual((await grow.generate(prompts, options)).rows.map((r) => r.tokenIds));
    // The padded row's tokens are those it gets alone (its masked columns change nothing).
    expect(batch.rows[1].tokenIds).toEqual((await inPlace.generate([prompts[1]], options)).rows[0].tokenIds);
  });

  it.skipIf(Boolean(skip))('gives the same beam search and the same continuous batching', async () => {
    const beam: GenerateOptions = { numBeams: 3, maxNewTokens: 12, stopTokenIds: [], temperature: 0 };
    const a = await inPlace.generate(['Once upon'], beam);
    expect(a.rows[0].tokenIds).toEqual((await grow.generate(['Once upon'], beam)).rows[0].tokenIds);
    const options: GenerateOptions = { temperature: 0, maxNewTokens: 10, stopTokenIds: [] };
    const prompts = ['The dog', 'Once upon a time there', 'A'];
    const batched = await Promise.all(prompts.map((p) => inPlace.batcher().generate([inPlace.tokenizer.encode(p)], options)));
    const alone = await Promise.all(prompts.map((p) => grow.generate([p], options)));
    expect(batched.map((r) => r.rows[0].tokenIds)).toEqual(alone.map((r) => r.rows[0].tokenIds));
  });

  it.skipIf(Boolean(skip))('agrees step by step while the cache regrows block by block, writing in place between growths', async () => {
    const run = async (lm: CausalLM) => {
      const prompt = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 0, 0, 11, 12, 13, 14, 15, 16, 17]];
      const mask = prompt.map((p, b) => p.map((_, t) => (b === 1 && t < 3 ? 0 : 1)));
      const logits: Float32Array[] = [];
      const capacities: number[] = [];
      let out = await lm.forward(prompt, mask, lm.emptyCache(2));
      for (let step = 0; step < 70; step++) {
        logits.push(out.logits.slice(-2 * lm.vocabSize));
        capacities.push(out.present.capacity);
        mask.forEach((m) => m.push(1));
        out = await lm.forward([[20 + (step % 7)], [30 + (step % 5)]], mask, out.present);
      }
      return { logits, capacities, last: out.present };
    };
    const a = await run(inPlace.model);
    const b = await run(grow.model);
    a.logits.forEach((x, step) => expect(Math.max(...x.map((v, i) => Math.abs(v - b.logits[step][i]))), `step ${step}`).toBeLessThan(1e-4));
    // Room grows a block of 16 columns at a time (a regrow every 16 steps, never 16 columns to spare or more).
    expect([...new Set(a.capacities)]).toEqual([16, 32, 48, 64, 80]);
    a.capacities.forEach((c, step) => expect(c - (10 + step)).toBeLessThan(16));
    expect(b.capacities.every((c, step) => c === 10 + step)).toBe(true);
    expect(a.last.length).toBe(80);
    // Every column a query attends to holds the same key and value. (Row 1's three padding columns are masked for
    // every query; from layer 1 on they hold whatever each attention makes of a query that may see nothing.)
    const attended = (dims: number[], i: number) => {
      const [, H, S, D] = dims;
      const row = Math.floor(i / (H * S * D));
      return !(row === 1 && Math.floor(i / D) % S < 3);
    };
    for (let l = 0; l < a.last.numLayers; l++) {
      const [x, y] = [a.last.layer(l), b.last.layer(l)];
      expect(x.dims).toEqual(y.dims);
      for (const kv of ['key', 'value'] as const) {
        expect(Math.max(...x[kv].map((v, i) => (attended(x.dims, i) ? Math.abs(v - y[kv][i]) : 0))), `layer ${l} ${kv}`).toBeLessThan(1e-4);
      }
    }
  });

  it.skipIf(Boolean(skip))('runs an exported ONNX variant in place, as its config.json declares, with the grow path\'s tokens', async () => {
    const onnxDir = `${dir}-onnx`;
    await exportOnnxFolder(dir, onnxDir, { dtypes: ['fp32'] });
    const variant = await TextGenerator.load(onnxDir, { intraOpNumThreads: 1, dtype: 'fp32' });
    const plain = await TextGenerator.load(onnxDir, { intraOpNumThreads: 1, dtype: 'fp32', kvInPlace: false });
    try {
      // its GroupQueryAttention nodes are rewritten into the append-only attention (append-rewrite.ts)
      expect([variant.model.kvMode, plain.model.kvMode]).toEqual(['append', 'grow']);
      const options: GenerateOptions = { temperature: 0, maxNewTokens: 24, stopTokenIds: [] };
      const prompts = ['Once upon a time', 'Lily'];
      const a = await variant.generate(prompts, options);
      expect(a.rows.map((r) => r.tokenIds)).toEqual((await plain.generate(prompts, options)).rows.map((r) => r.tokenIds));
      expect(a.rows.map((r) => r.tokenIds)).toEqual((await grow.generate(prompts, options)).rows.map((r) => r.tokenIds));
    } finally {
      await variant.release();
      await plain.release();
    }
  });
});

describe('an exported model with a sliding window', () => {
  it('keeps GroupQueryAttention in place (no append-only rewrite, whose room would shift the window) with the grow path\'s tokens', async () => {
    // Mistral with head size 8 (GroupQueryAttention's minimum) and a window of 3, shorter than the prompts
    const config: Record<string, unknown> = { ...CONFIGS.mistral, hidden_size: 48, num_attention_heads: 6, num_key_value_heads: 2 };
    const dir = path.join(tmp, 'mistral');
    await writeHfFolder(dir, { config, tensors: randomTensors(config, 7), ...charTokenizer(config.vocab_size as number) });
    const onnxDir = `${dir}-onnx`;
    await exportOnnxFolder(dir, onnxDir, { dtypes: ['fp32'] });
    const variant = await TextGenerator.load(onnxDir, { intraOpNumThreads: 1, dtype: 'fp32' });
    const plain = await TextGenerator.load(onnxDir, { intraOpNumThreads: 1, dtype: 'fp32', kvInPlace: false });
    const source = await TextGenerator.load(dir, { intraOpNumThreads: 1 });
    try {
      expect([variant.model.kvMode, plain.model.kvMode, source.model.kvMode]).toEqual(['in-place', 'grow', 'grow']);
      const options: GenerateOptions = { temperature: 0, maxNewTokens: 20, stopTokenIds: [] };
      const prompts = ['abcdefg', 'ab'];
      const a = (await variant.generate(prompts, options)).rows.map((r) => r.tokenIds);
      expect(a).toEqual((await plain.generate(prompts, options)).rows.map((r) => r.tokenIds));
      expect(a).toEqual((await source.generate(prompts, options)).rows.map((r) => r.tokenIds));
    } finally {
      await Promise.all([variant.release(), plain.release(), source.release()]);
    }
  });
});
