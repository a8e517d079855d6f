// GGUF export read back two ways: by @huggingface/gguf (an independent reader of the header) and by Lathe's
// own importer, which must give back the same weights (F32 exactly, F16 and the quantised types within their
// block error), the same tokenizer and the same greedy tokens. Runs on a tiny random folder, no data kit.
import fs from 'node:fs';
import path from 'node:path';
import { gguf } from '@huggingface/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointWeights, readHfFolder } from '../../native/models/checkpoint.ts';
import { exportGguf, GGUF_DTYPES, type GgufDtype } from '../../native/deploy/gguf-write.ts';
import { ggufToHf, importGgufModel } from '../../native/deploy/gguf-import.ts';
import { TextGenerator } from '../../native/generate/pipeline.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { SPM_LLAMA_CONFIG, SPM_PIECES, spmTokenizerBin, writeSpmLlama } from '../fixtures/models/spm-llama.ts';
import { Llama2cTokenizer } from '../../native/text/llama2c-tokenizer.ts';
import { tempDir } from '../integration/helpers/lathe.ts';

const TEMPLATE = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}";
const GGML = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 };

let tmp: string;
let modelDir: string;
const files = {} as Record<GgufDtype, string>;

beforeAll(async () => {
  tmp = tempDir('gguf');
  modelDir = path.join(tmp, 'tiny-llama');
  await writeSpmLlama(modelDir, 7, TEMPLATE);
  for (const dtype of GGUF_DTYPES) {
    files[dtype] = path.join(tmp, `tiny.${dtype}.gguf`);
    const progress: number[] = [];
    await exportGguf(modelDir, files[dtype], { dtype, onProgress: (p) => progress.push(p.fraction) });
    expect(progress.at(-1)).toBe(1);
  }
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('@huggingface/gguf reads the header Lathe writes', () => {
  it.each(GGUF_DTYPES)('%s', async (dtype) => {
    const { metadata, tensorInfos } = await gguf(files[dtype], { allowLocalFile: true });
    const m = metadata as Record<string, unknown>;
    expect(m.version).toBe(3);
    expect(m['general.architecture']).toBe('llama');
    expect(m['general.alignment']).toBe(32);
    expect(m['llama.block_count']).toBe(2);
    expect(m['llama.embedding_length']).toBe(64);
    expect(m['llama.feed_forward_length']).toBe(96);
    expect(m['llama.attention.head_count']).toBe(4);
    expect(m['llama.attention.head_count_kv']).toBe(2);
    expect(m['llama.rope.dimension_count']).toBe(16);
    expect(m['llama.context_length']).toBe(64);
    expect(m['llama.attention.layer_norm_rms_epsilon']).toBeCloseTo(1e-5, 10);
    expect(m['tokenizer.ggml.model']).toBe('llama');
    expect(m['tokenizer.ggml.tokens']).toEqual(['<unk>', '<s>', '</s>', ...SPM_PIECES.slice(3).map((p) => p.replaceAll(' ', '▁'))]);
    expect((m['tokenizer.ggml.token_type'] as number[]).slice(0, 4)).toEqual([2, 3, 3, 1]);
    expect(m['tokenizer.ggml.bos_token_id']).toBe(1);
    expect(m['tokenizer.ggml.eos_token_id']).toBe(2);
    expect(m['tokenizer.ggml.add_bos_token']).toBe(true);
    expect(m['tokenizer.chat_template']).toBe(TEMPLATE);
    // "th" is the first merge (score -1); "the" is made by two merges and scores by the earlier.
    const scores = m['tokenizer.ggml.scores'] as number[];
    expect(scores[SPM_PIECES.indexOf('th')]).toBe(-1);
    expect(scores[SPM_PIECES.indexOf('th')]).toBeGreaterThan(scores[SPM_PIECES.indexOf('the')]);
    const byName = new Map(tensorInfos.map((t) => [t.name, t]));
    expect(byName.size).toBe(2 + 2 * 9 + 1);
    expect(byName.get('token_embd.weight')!.shape).toEqual([64n, BigInt(SPM_PIECES.length)]);
    expect(byName.get('blk.1.ffn_down.weight')!.shape).toEqual([96n, 64n]);
    expect(byName.get('blk.0.attn_k.weight')!.shape).toEqual([64n, 32n]);
    expect(byName.get('blk.0.attn_norm.weight')!.dtype).toBe(GGML.F32);
    expect(byName.get('output.weight')!.dtype).toBe(GGML[dtype.toUpperCase() as keyof typeof GGML]);
    for (const t of tensorInfos) expect(Number(t.offset) % 32, t.name).toBe(0);
  });
});

/** The largest |a - b| allowed per element: what each type's block encoding can lose on these weights. */
function tolerance(dtype: GgufDtype, original: Float32Array, i: number): number {
  const block = original.subarray(i & ~31, (i & ~31) + 32);
  const amax = block.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  if (dtype === 'f32') return 0;
  if (dtype === 'f16') return Math.abs(original[i]) * 2 ** -11 + 2 ** -24;
  if (dtype === 'q8_0') return amax / 254 + amax * 2 ** -10;
  return amax / 8 + amax * 2 ** -10; // q4_0: half a step of max/8, except the clamped top value (a full step)
}

describe('GGUF import gives back what was exported', () => {
  it.each(GGUF_DTYPES)('%s weights', (dtype) => {
    const back = ggufToHf(files[dtype]).tensors;
    const weights = CheckpointWeights.open(modelDir);
    try {
      expect([...back.keys()].sort()).toEqual(weights.names().sort());
      for (const name of weights.names()) {
        const original = weights.read(name);
        const got = back.get(name)!;
        expect(got.shape, name).toEqual(original.shape);
        const exact = dtype === 'f32' || original.shape.length === 1; // norms stay F32 in every file
        for (let i = 0; i < original.data.length; i++) {
          const err = Math.abs(got.data[i] - original.data[i]);
          if (err > (exact ? 0 : tolerance(dtype, original.data, i))) throw new Error(`${dtype} ${name}[${i}]: ${got.data[i]} vs ${original.data[i]}`);
        }
      }
    } finally {
      weights.close();
    }
  });

  it('rebuilds config.json, the tokenizer and the chat template', () => {
    const back = ggufToHf(files.f32);
    const original = readHfFolder(modelDir);
    for (const k of ['vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'max_position_embeddings', 'rms_norm_eps', 'rope_theta', 'tie_word_embeddings', 'bos_token_id', 'eos_token_id']) {
      expect(back.config[k], k).toEqual(SPM_LLAMA_CONFIG[k]);
    }
    const model = (t: Record<string, unknown> | null | undefined) => t!.model as { vocab: Record<string, number>; merges: unknown[] };
    expect(model(back.tokenizer).vocab).toEqual({ ...model(original.tokenizer).vocab });
    expect(model(back.tokenizer).merges).toEqual(model(original.tokenizer).merges);
    expect(back.tokenizerConfig!.chat_template).toBe(TEMPLATE);
    // the BOS template as transformers writes Llama's, pairs included (the second sequence has type id 1)
    expect(back.tokenizer!.post_processor).toEqual(original.tokenizer!.post_processor);
    const ours = TextTokenizer.fromJson(original.tokenizer!, original.tokenizerConfig!);
    const theirs = TextTokenizer.fromJson(back.tokenizer!, back.tokenizerConfig!);
    for (const text of ['the cat sat on the mat', 'anther', ' leading space', 'x']) {
      expect(theirs.encode(text), text).toEqual(ours.encode(text));
      expect(theirs.decode(theirs.encode(text)), text).toBe(ours.decode(ours.encode(text)));
    }
  });

  it('registers the model, which greedy-generates the same tokens as the original (f32)', async () => {
    const dataDir = path.join(tmp, 'data');
    const model = await importGgufModel(dataDir, files.f32, 'tiny-from-gguf');
    expect(model.name).toBe('tiny-from-gguf');
    expect(model.source).toBe(`gguf:${files.f32}`);
    await expect(importGgufModel(dataDir, files.f32, 'tiny-from-gguf')).rejects.toThrow(/tiny-from-gguf/);
    const a = await TextGenerator.load(modelDir);
    const b = await TextGenerator.load(model.path);
    try {
      for (const prompt of ['the', 'a cat and']) {
        const opts = { maxNewTokens: 20, minNewTokens: 20, temperature: 0 };
        const [x, y] = [await a.generate([prompt], opts), await b.generate([prompt], opts)];
        expect(y.rows[0].tokenIds, prompt).toEqual(x.rows[0].tokenIds);
      }
    } finally {
      await a.release();
      await b.release();
    }
  });
});

describe('export refuses what llama.cpp cannot run, and says what it cannot carry', () => {
  it('warns that a sliding window shorter than the context is not in the file', async () => {
    const { writeRandomCheckpoint } = await import('../fixtures/models/random-checkpoint.ts');
    const dir = path.join(tmp, 'mistral');
    await writeRandomCheckpoint(dir, 'mistral');
    const { tokenizer, tokenizerConfig } = new Llama2cTokenizer(spmTokenizerBin(), 47, 'tok').toTokenizerJson();
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
    const result = await exportGguf(dir, path.join(tmp, 'mistral.gguf'), { dtype: 'f32' });
    expect(result.warnings.join()).toMatch(/sliding_window 3 .*llama.cpp attends to the whole context/);
    expect((await exportGguf(modelDir, path.join(tmp, 'plain.gguf'), { dtype: 'f32' })).warnings).toEqual([]);
  });


  it('names config.json for a GPT-2 folder', async () => {
    const { writeRandomCheckpoint } = await import('../fixtures/models/random-checkpoint.ts');
    const dir = path.join(tmp, 'gpt2');
    await writeRandomCheckpoint(dir, 'gpt2');
    await expect(exportGguf(dir, path.join(tmp, 'gpt2.gguf'))).rejects.toThrow(/config\.json: field 'model_type' is "gpt2"/);
    expect(fs.existsSync(path.join(tmp, 'gpt2.gguf'))).toBe(false);
  });
});
