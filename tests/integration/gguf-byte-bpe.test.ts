// GGUF with a GPT-2-style byte-level BPE tokenizer (tokenizer.ggml.model "gpt2": tokens, types and merges, no
// scores): a tiny random Llama with a tokenizer trained by Lathe's own BPE trainer is exported, imported back
// (same vocabulary, merges and encodings) and, where node-llama-cpp loads, run by llama.cpp: it must tokenize
// as Lathe does and greedy-decode the same tokens.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ggufToHf } from '../../native/deploy/gguf-import.ts';
import { exportGguf } from '../../native/deploy/gguf-write.ts';
import { TextGenerator } from '../../native/generate/pipeline.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { trainByteLevelBpe } from '../../native/text/bpe-trainer.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { tempDir } from './helpers/lathe.ts';
import { llamaCppGreedy, loadLlamaCpp } from './helpers/llama-cpp.ts';

const judge = await loadLlamaCpp();
if (judge.why) console.warn(`gguf-byte-bpe: the llama.cpp check is skipped: ${judge.why}`);

const CORPUS = 'The quick brown fox jumps over the lazy dog. A cat sat on the mat, and the dog sat on the log. '.repeat(20) + "It's 2026: numbers like 12345 and 42 don't break anything!\n";
const TEXTS = ['the cat sat on the log', "It's 123 dogs, isn't it?", 'Café  über\nnew line'];
// The trainer stops when no pair repeats: the embedding gets exactly the tokens it made (no [PADn] rows, which
// a random model would otherwise sample and llama.cpp treats as unused).
const { tokenizerJson } = trainByteLevelBpe(CORPUS, { vocabSize: 400 });
const VOCAB = Object.keys((tokenizerJson.model as { vocab: object }).vocab).length;
const CONFIG = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: VOCAB, hidden_size: 64, intermediate_size: 96,
  num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 128, rms_norm_eps: 1e-5,
  rope_theta: 10000, tie_word_embeddings: false, hidden_act: 'silu', bos_token_id: 0, eos_token_id: 0,
};

const tmp = tempDir('gguf-bpe');
const modelDir = path.join(tmp, 'bpe-llama');
const file = path.join(tmp, 'bpe-llama.f32.gguf');
afterAll(async () => {
  await judge.llama?.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

beforeAll(async () => {
  await writeHfFolder(modelDir, { config: CONFIG, tensors: randomTensors(CONFIG, 11), tokenizer: tokenizerJson, tokenizerConfig: { eos_token: '<|endoftext|>', bos_token: '<|endoftext|>', add_bos_token: false } });
  await exportGguf(modelDir, file, { dtype: 'f32' });
});

describe('GGUF with a byte-level BPE tokenizer', () => {
  it('imports back with the same vocabulary, merges and encodings', () => {
    const back = ggufToHf(file);
    const original = TextTokenizer.fromFolder(modelDir);
    const rebuilt = TextTokenizer.fromJson(back.tokenizer!, back.tokenizerConfig!);
    const model = (t: Record<string, unknown>) => t.model as { vocab: Record<string, number>; merges: unknown[] };
    const json = JSON.parse(fs.readFileSync(path.join(modelDir, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
    expect({ ...model(back.tokenizer!).vocab }).toEqual(model(json).vocab);
    expect(model(back.tokenizer!).merges.map((p) => (p as string[]).join(' '))).toEqual(model(json).merges);
    for (const text of TEXTS) {
      expect(rebuilt.encode(text), text).toEqual(original.encode(text));
      expect(rebuilt.decode(rebuilt.encode(text)), text).toBe(text);
    }
  });

  it.skipIf(judge.why !== undefined)('llama.cpp tokenizes as Lathe does and greedy-decodes the same tokens', async () => {
    const model = await judge.llama!.loadModel({ modelPath: file });
    const lathe = await TextGenerator.load(modelDir);
    try {
      for (const text of TEXTS) {
        const ids = lathe.tokenizer.encode(text);
        expect(model.tokenize(text) as number[], `llama.cpp's tokens for ${JSON.stringify(text)}`).toEqual(ids);
        const ours = (await lathe.generate([text], { maxNewTokens: 30, minNewTokens: 30, temperature: 0 })).rows[0].tokenIds;
        expect(await llamaCppGreedy(judge.lib!, model, ids, { newTokens: 30, banned: [0], contextSize: 128 }), `continuation of ${JSON.stringify(text)}`).toEqual(ours);
      }
    } finally {
      await lathe.release();
      await model.dispose();
    }
  });
});
