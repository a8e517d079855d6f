// A tokenizer whose post-processor puts `<s>` before every text while neither tokenizer_config.json nor config.json
// names a BOS: Lathe encodes prompts with that `<s>` (TextTokenizer.bosTokenId), so the GGUF it exports must name it
// as the BOS and ask llama.cpp to add it (tokenizer.ggml.add_bos_token), or llama.cpp would run the model on prompts
// without the token it was trained and evaluated with. Read back by @huggingface/gguf and by Lathe's own importer.
import fs from 'node:fs';
import path from 'node:path';
import { gguf } from '@huggingface/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ggufToHf } from '../../native/deploy/gguf-import.ts';
import { exportGguf } from '../../native/deploy/gguf-write.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { unnamedBosTokenizer } from '../fixtures/models/byte-level-bpe.ts';
import { randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { tempDir } from './helpers/lathe.ts';
import { loadLlamaCpp } from './helpers/llama-cpp.ts';

const judge = await loadLlamaCpp();
if (judge.why) console.warn(`gguf-unnamed-bos: the llama.cpp check is skipped: ${judge.why}`);

const { tokenizer, tokenizerConfig, bos } = unnamedBosTokenizer('absent');
const CONFIG = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: bos + 1, hidden_size: 32, intermediate_size: 48,
  num_hidden_layers: 1, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 64, rms_norm_eps: 1e-5,
  rope_theta: 10000, tie_word_embeddings: false, hidden_act: 'silu', eos_token_id: 9,
};

const tmp = tempDir('gguf-unnamed-bos');
const modelDir = path.join(tmp, 'model');
const file = path.join(tmp, 'model.f32.gguf');
afterAll(async () => {
  await judge.llama?.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeAll(async () => {
  await writeHfFolder(modelDir, { config: CONFIG, tensors: randomTensors(CONFIG, 3), tokenizer, tokenizerConfig });
  await exportGguf(modelDir, file, { dtype: 'f32' });
});

describe('GGUF export of a BOS only the post-processor adds', () => {
  it('names it as the BOS and asks llama.cpp to add it', async () => {
    const m = (await gguf(file, { allowLocalFile: true })).metadata as Record<string, unknown>;
    expect(m['tokenizer.ggml.bos_token_id']).toBe(bos);
    expect(m['tokenizer.ggml.add_bos_token']).toBe(true);
    expect(m['tokenizer.ggml.eos_token_id']).toBe(9);
  });

  it('imports back encoding as the original does, BOS first', () => {
    const back = ggufToHf(file);
    const original = TextTokenizer.fromFolder(modelDir);
    const rebuilt = TextTokenizer.fromJson(back.tokenizer!, back.tokenizerConfig!);
    for (const text of ['hi the', 'the cat!']) {
      expect(original.encode(text)[0], text).toBe(bos);
      expect(rebuilt.encode(text), text).toEqual(original.encode(text));
    }
  });

  it.skipIf(judge.why !== undefined)('llama.cpp tokenizes prompts as Lathe does, BOS first', async () => {
    const model = await judge.llama!.loadModel({ modelPath: file });
    try {
      const lathe = TextTokenizer.fromFolder(modelDir);
      // node-llama-cpp's tokenize() never adds the BOS; evaluation prepends tokens.bos where the file asks for it.
      expect(model.tokens.shouldPrependBosToken, 'llama.cpp prepends a BOS').toBe(true);
      expect(model.tokens.bos).toBe(bos);
      for (const text of ['hi the', 'the cat!']) expect([model.tokens.bos, ...(model.tokenize(text) as number[])], text).toEqual(lathe.encodePrompt(text));
    } finally {
      await model.dispose();
    }
  });
});
