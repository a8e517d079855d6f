// Llama 3's RoPE scaling in GGUF: llama.cpp reads it as a rope_freqs.weight tensor of per-frequency factors
// (convert_hf_to_gguf's formula). A tiny random Llama with rope_scaling llama3 (a short original context, so
// all three frequency bands occur) is exported and must greedy-decode in llama.cpp exactly as in Lathe.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportGguf } from '../../native/deploy/gguf-write.ts';
import { GgufFile } from '../../native/deploy/gguf-read.ts';
import { TextGenerator } from '../../native/generate/pipeline.ts';
import { readHfFolder, writeHfFolder } from '../../native/models/checkpoint.ts';
import { ropeInverseFrequencies } from '../../native/models/config.ts';
import { Llama2cTokenizer } from '../../native/text/llama2c-tokenizer.ts';
import { CONFIGS, randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { SPM_PIECES, spmTokenizerBin } from '../fixtures/models/spm-llama.ts';
import { tempDir } from './helpers/lathe.ts';
import { llamaCppGreedy, loadLlamaCpp } from './helpers/llama-cpp.ts';

const judge = await loadLlamaCpp();
if (judge.why) console.warn(`gguf-llama3-rope: the llama.cpp check is skipped: ${judge.why}`);
const tmp = tempDir('gguf-rope');
const modelDir = path.join(tmp, 'llama3');
const file = path.join(tmp, 'llama3.gguf');

beforeAll(async () => {
  const config = { ...CONFIGS.llama3, vocab_size: SPM_PIECES.length, bos_token_id: 1, eos_token_id: 2 };
  const { tokenizer, tokenizerConfig } = new Llama2cTokenizer(spmTokenizerBin(), SPM_PIECES.length).toTokenizerJson();
  await writeHfFolder(modelDir, { config, tensors: randomTensors(config, 4), tokenizer, tokenizerConfig });
  await exportGguf(modelDir, file, { dtype: 'f32' });
});
afterAll(async () => {
  await judge.llama?.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('Llama 3 RoPE scaling in GGUF', () => {
  it('writes rope_freqs.weight: the factors by which Lathe’s llama3 scaling divides each frequency', () => {
    const f = GgufFile.open(file);
    try {
      const factors = Array.from(f.read('rope_freqs.weight'));
      const rope = readHfFolder(modelDir).spec.rope!;
      const scaled = ropeInverseFrequencies(rope, 8);
      const plain = ropeInverseFrequencies({ ...rope, scaling: null }, 8);
      expect(factors.length).toBe(4); // head_dim 8 / 2
      factors.forEach((x, k) => expect(x).toBeCloseTo(plain[k] / scaled[k], 5));
      expect(factors.at(-1)).toBe(8); // the lowest frequency gets the full factor
      expect(factors.some((x) => x > 1 && x < 8)).toBe(true); // and some lie in the smooth band
    } finally {
      f.close();
    }
  });

  it.skipIf(judge.why !== undefined)('llama.cpp greedy-decodes what Lathe does', async () => {
    const model = await judge.llama!.loadModel({ modelPath: file });
    const lathe = await TextGenerator.load(modelDir);
    try {
      for (const prompt of ['the cat', 'a hat on the mat']) {
        const ids = lathe.tokenizer.encode(prompt);
        const ours = (await lathe.generate([prompt], { maxNewTokens: 40, minNewTokens: 40, temperature: 0 })).rows[0].tokenIds;
        expect(await llamaCppGreedy(judge.lib!, model, ids, { newTokens: 40, banned: [1, 2], contextSize: 64 }), prompt).toEqual(ours);
      }
    } finally {
      await lathe.release();
      await model.dispose();
    }
  });
});
