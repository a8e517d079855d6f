// Lathe reads Q4_K and Q6_K (it does not write them): a tiny Llama whose matrices are random but well-scaled
// Q4_K and Q6_K super-blocks is imported (dequantised by Lathe) and, where node-llama-cpp loads, run by
// llama.cpp from the same file. Both must greedy-decode the same tokens, which a wrong block layout (scale
// packing, nibble order, ql/qh split) would not.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK, type GgmlTypeName } from '../../native/deploy/ggml-blocks.ts';
import { layoutGguf, type GgufTensorPlan } from '../../native/deploy/gguf-file-writer.ts';
import { importGgufModel } from '../../native/deploy/gguf-import.ts';
import { GgufFile } from '../../native/deploy/gguf-read.ts';
import { exportGguf } from '../../native/deploy/gguf-write.ts';
import { TextGenerator } from '../../native/generate/pipeline.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { floatToHalf } from '../../native/onnx/float16.ts';
import { Llama2cTokenizer } from '../../native/text/llama2c-tokenizer.ts';
import { randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { SPM_PIECES, spmTokenizerBin } from '../fixtures/models/spm-llama.ts';
import { tempDir } from './helpers/lathe.ts';
import { llamaCppGreedy, loadLlamaCpp } from './helpers/llama-cpp.ts';

const judge = await loadLlamaCpp();
if (judge.why) console.warn(`gguf-kquants: the llama.cpp check is skipped: ${judge.why}`);
const CONFIG = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: SPM_PIECES.length, hidden_size: 256, intermediate_size: 256,
  num_hidden_layers: 1, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 64, rms_norm_eps: 1e-5,
  rope_theta: 10000, tie_word_embeddings: false, hidden_act: 'silu', bos_token_id: 1, eos_token_id: 2,
};
const tmp = tempDir('gguf-kq');
const file = path.join(tmp, 'kquants.gguf');
afterAll(async () => {
  await judge.llama?.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

let seed = 99;
const byte = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
const half = (x: number) => floatToHalf(Float32Array.of(x))[0];

/** Random super-blocks with small scales, so the weights look like a model's (|w| ≲ 0.5). */
function randomBlocks(type: 'Q4_K' | 'Q6_K', n: number): Uint8Array {
  const { elements, bytes } = BLOCK[type];
  const out = new Uint8Array((n / elements) * bytes);
  const view = new DataView(out.buffer);
  for (let o = 0; o < out.length; o += bytes) {
    for (let i = 0; i < bytes; i++) out[o + i] = byte();
    if (type === 'Q4_K') {
      view.setUint16(o, half(0.0006), true); // d
      view.setUint16(o + 2, half(0.0004), true); // dmin
    } else {
      for (let k = 0; k < 16; k++) view.setInt8(o + 192 + k, (byte() % 41) - 20); // int8 scales
      view.setUint16(o + 208, half(0.0008), true);
    }
  }
  return out;
}

beforeAll(async () => {
  // The metadata (hyper-parameters, tokenizer) and the norms come from a plain F32 export of the same shape.
  const dir = path.join(tmp, 'f32');
  const { tokenizer, tokenizerConfig } = new Llama2cTokenizer(spmTokenizerBin(), SPM_PIECES.length).toTokenizerJson();
  await writeHfFolder(dir, { config: CONFIG, tensors: randomTensors(CONFIG, 2), tokenizer, tokenizerConfig });
  const f32 = path.join(tmp, 'f32.gguf');
  await exportGguf(dir, f32, { dtype: 'f32' });
  const source = GgufFile.open(f32);
  try {
    let k = 0;
    const plans = [...source.tensors.values()].map((t): GgufTensorPlan => {
      if (t.dims.length === 1) {
        const data = source.read(t.name);
        return { name: t.name, dims: t.dims, type: 'F32', bytes: () => new Uint8Array(data.buffer) };
      }
      const type: GgmlTypeName = k++ % 2 === 0 ? 'Q4_K' : 'Q6_K';
      const blocks = randomBlocks(type, t.dims[0] * t.dims[1]);
      return { name: t.name, dims: t.dims, type, bytes: () => blocks };
    });
    const { header, offsets, sizes } = layoutGguf(source.metadata, plans);
    const out = Buffer.alloc(header.length + offsets.at(-1)! + sizes.at(-1)!);
    header.copy(out);
    plans.forEach((p, i) => out.set(p.bytes(), header.length + offsets[i]));
    fs.writeFileSync(file, out);
    expect(plans.filter((p) => p.type === 'Q4_K').length).toBeGreaterThan(0);
    expect(plans.filter((p) => p.type === 'Q6_K').length).toBeGreaterThan(0);
  } finally {
    source.close();
  }
});

describe('Q4_K and Q6_K GGUF files', () => {
  it('import, and llama.cpp decodes them as Lathe does', async () => {
    const model = await importGgufModel(path.join(tmp, 'data'), file, 'kquants');
    const lathe = await TextGenerator.load(model.path);
    try {
      const runs: [number[], number[]][] = [];
      for (const prompt of ['the cat', 'a hat on the mat']) {
        const ids = lathe.tokenizer.encode(prompt);
        runs.push([ids, (await lathe.generate([prompt], { maxNewTokens: 30, minNewTokens: 30, temperature: 0 })).rows[0].tokenIds]);
      }
      expect(runs[0][1].length).toBe(30);
      if (judge.why) return;
      const cpp = await judge.llama!.loadModel({ modelPath: file });
      try {
        for (const [ids, ours] of runs) expect(await llamaCppGreedy(judge.lib!, cpp, ids, { newTokens: 30, banned: [1, 2], contextSize: 64 })).toEqual(ours);
      } finally {
        await cpp.dispose();
      }
    } finally {
      await lathe.release();
    }
  });
});
