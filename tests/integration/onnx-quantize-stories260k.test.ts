// Quantised ONNX exports judged by an independent runtime: stories260K is exported in the transformers.js layout
// with every dtype Lathe writes, @huggingface/transformers loads the folder from local files only with dtype
// 'q8' and 'q4', and its greedy tokens must equal Lathe's own run of the same file, token for token. A variant
// registered as a model must run through the same loader the playground, evaluation and the OpenAI server use.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnxFolder, type OnnxExportResult } from '../../native/deploy/onnx-export.ts';
import { quantizeModel } from '../../native/deploy/quantize-model.ts';
import { TextGenerator } from '../../native/generate/pipeline.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { declaresInPlaceKv, ONNX_DTYPES, ONNX_VARIANTS, type OnnxDtype } from '../../native/models/onnx-variants.ts';
import { findModel } from '../../native/models/registry.ts';
import type { Model } from '../../native/api/schemas.ts';
import { SHARED_DATA, tempDir } from './helpers/lathe.ts';

const DIR = path.join(SHARED_DATA, 'models/stories260K');
const present = fs.existsSync(path.join(DIR, 'stories260K.bin'));
if (!present) console.log(`onnx-quantize: skipped: ${DIR}/stories260K.bin is absent (the shared data kit is not mounted)`);

const PROMPTS = ['Once upon a time', 'Lily and Tom went to the park. They saw a big'];
const NEW_TOKENS = 40;

async function latheTokens(dir: string, dtype?: OnnxDtype): Promise<number[][]> {
  const gen = await TextGenerator.load(dir, { dtype, intraOpNumThreads: 1 });
  try {
    const rows: number[][] = [];
    for (const p of PROMPTS) rows.push((await gen.generate([p], { maxNewTokens: NEW_TOKENS, minNewTokens: NEW_TOKENS, temperature: 0 })).rows[0].tokenIds);
    return rows;
  } finally {
    await gen.release();
  }
}

describe.skipIf(!present)('quantised ONNX exports of stories260K', () => {
  let tmp: string;
  let dataDir: string;
  let source: Model;
  let exportDir: string;
  let result: OnnxExportResult;
  let fp32: number[][];

  beforeAll(async () => {
    tmp = tempDir('onnx-quant');
    dataDir = path.join(tmp, 'data');
    source = await importLlama2cCheckpoint(dataDir, path.join(DIR, 'stories260K.bin'), path.join(DIR, 'tok512.bin'), 'stories260K');
    exportDir = path.join(tmp, 'models', 'stories260K');
    result = await exportOnnxFolder(source.path, exportDir, { dtypes: ONNX_DTYPES, accuracyLevel: 4 });
    fp32 = await latheTokens(source.path);
  });

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes the transformers.js layout with one file per dtype, smaller as the bits go down', () => {
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) expect(fs.existsSync(path.join(exportDir, f)), f).toBe(true);
    const bytes = Object.fromEntries(result.variants.map((v) => [v.dtype, v.bytes]));
    for (const d of ONNX_DTYPES) expect(fs.statSync(path.join(exportDir, 'onnx', ONNX_VARIANTS[d].file)).size, d).toBeGreaterThan(0);
    expect(bytes.fp16).toBeLessThan(bytes.fp32 * 0.6);
    expect(bytes.q4).toBeLessThan(bytes.int8);
    expect(bytes.int8).toBeLessThan(bytes.fp16);
    const q4 = result.variants.find((v) => v.dtype === 'q4')!;
    // The export's graph stacks q|k|v and gate|up (kvInPlace): 4 projections × 5 layers + the (tied) head.
    expect(q4.matmuls).toBe(4 * 5 + 1);
    expect(q4.embeddings).toBe(1);
    const config = JSON.parse(fs.readFileSync(path.join(exportDir, 'config.json'), 'utf8'));
    expect(config['transformers.js_config'].dtype).toBe('fp32');
    expect(config.lathe).toEqual({ kv_cache: 'in_place' });
    expect(declaresInPlaceKv(config)).toBe(true);
  });

  it('Lathe runs the fp32 file exactly as it runs the safetensors weights', async () => {
    expect(await latheTokens(exportDir, 'fp32')).toEqual(fp32);
  });

  it.each(['q8', 'q4'] as const)('transformers.js with dtype %s generates Lathe’s tokens for that variant', async (dtype) => {
    const ours = await latheTokens(exportDir, dtype);
    // A folder holding only this variant, so transformers.js cannot quietly fall back to onnx/model.onnx.
    const only = `stories260K-${dtype}-only`;
    await exportOnnxFolder(source.path, path.join(tmp, 'models', only), { dtypes: [dtype], accuracyLevel: 4 });
    expect(fs.existsSync(path.join(tmp, 'models', only, 'onnx', 'model.onnx'))).toBe(false);
    const { AutoModelForCausalLM, AutoTokenizer, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = path.join(tmp, 'models');
    const tokenizer = await AutoTokenizer.from_pretrained(only, { local_files_only: true });
    const model = await AutoModelForCausalLM.from_pretrained(only, { local_files_only: true, dtype, device: 'cpu', session_options: { intraOpNumThreads: 1 } });
    try {
      for (const [i, prompt] of PROMPTS.entries()) {
        const inputs = tokenizer(prompt);
        const n = (inputs.input_ids.dims as number[])[1];
        const out = (await model.generate({ ...inputs, max_new_tokens: NEW_TOKENS, min_new_tokens: NEW_TOKENS, do_sample: false })) as { tolist(): bigint[][] };
        expect(out.tolist()[0].map(Number).slice(n), `${dtype} continuation of "${prompt}"`).toEqual(ours[i]);
      }
    } finally {
      await model.dispose();
    }
    // How far the variant drifts from fp32 (a record, not a check: tiny stories260K loses much at 4 bits).
    const same = ours.flat().filter((t, k) => t === fp32.flat()[k]).length / ours.flat().length;
    console.log(`onnx-quantize: ${dtype} agrees with fp32 on ${(100 * same).toFixed(1)}% of ${ours.flat().length} greedy tokens`);
  });

  it('a quantised variant registered as a model runs through the standard loader, and says what it cannot do', async () => {
    const { model, variant } = await quantizeModel(dataDir, source, 'q4', 'stories260K-q4');
    expect(findModel(dataDir, 'stories260K-q4').id).toBe(model.id);
    expect(variant.file).toBe(path.join('onnx', 'model_q4.onnx'));
    expect(fs.existsSync(path.join(model.path, 'model.safetensors'))).toBe(false);
    expect(await latheTokens(model.path)).toEqual(await latheTokens(exportDir, 'q4'));
    await expect(TextGenerator.load(model.path, { adapter: path.join(tmp, 'nowhere') })).rejects.toThrow(/cannot give a LoRA adapter/);
  });
});
