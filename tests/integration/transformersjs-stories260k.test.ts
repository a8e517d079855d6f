// Lathe's decode graph read by an independent runtime: stories260K is imported, exported in the transformers.js
// layout (config.json, tokenizer files, generation_config.json, onnx/model.onnx), loaded by
// @huggingface/transformers from the local folder only, and greedy-decoded. transformers.js must produce the
// same tokens as Lathe's own generation loop, token for token.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnxFolder } from '../../native/deploy/onnx-export.ts';
import { TextGenerator } from '../../native/generate/pipeline.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.resolve(ROOT, '../shared/data/models/stories260K');
const present = existsSync(path.join(DIR, 'stories260K.bin'));
if (!present) console.log(`transformers.js check skipped: ${DIR} is absent (the shared data kit is not mounted)`);

const PROMPTS = ['Once upon a time', 'Lily and Tom went to the park. They saw a big'];
const NEW_TOKENS = 60;

describe.skipIf(!present)('transformers.js runs Lathe’s exported decoder', () => {
  let tmp: string;
  let modelDir: string;
  let exportDir: string;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'lathe-tjs-'));
    const model = await importLlama2cCheckpoint(path.join(tmp, 'data'), path.join(DIR, 'stories260K.bin'), path.join(DIR, 'tok512.bin'), 'stories260K');
    modelDir = model.path;
    exportDir = path.join(tmp, 'models', 'stories260K');
    await exportOnnxFolder(modelDir, exportDir, { dtypes: ['fp32'] });
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes the transformers.js layout', () => {
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'onnx/model.onnx']) expect(existsSync(path.join(exportDir, f)), f).toBe(true);
  });

  it('greedy-generates the same tokens as Lathe', async () => {
    const { AutoModelForCausalLM, AutoTokenizer, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = path.join(tmp, 'models');
    const tokenizer = await AutoTokenizer.from_pretrained('stories260K', { local_files_only: true });
    const model = await AutoModelForCausalLM.from_pretrained('stories260K', { local_files_only: true, dtype: 'fp32', device: 'cpu' });
    const lathe = await TextGenerator.load(modelDir);
    try {
      for (const prompt of PROMPTS) {
        const ids = lathe.tokenizer.encode(prompt);
        // Both sides start from the same ids: the check is about the graph, not the two tokenizers.
        const theirIds = Array.from((tokenizer(prompt).input_ids.data as BigInt64Array), Number);
        expect(theirIds, `tokenization of "${prompt}"`).toEqual(ids);
        const ours = await lathe.generate([prompt], { maxNewTokens: NEW_TOKENS, minNewTokens: NEW_TOKENS, temperature: 0 });
        const out = await model.generate({ ...tokenizer(prompt), max_new_tokens: NEW_TOKENS, min_new_tokens: NEW_TOKENS, do_sample: false }) as { tolist(): bigint[][] };
        const theirs = out.tolist()[0].map(Number).slice(ids.length);
        expect(theirs, `continuation of "${prompt}"`).toEqual(ours.rows[0].tokenIds);
        expect(theirs.length).toBe(NEW_TOKENS);
      }
    } finally {
      await lathe.release();
      await model.dispose();
    }
  });
});
