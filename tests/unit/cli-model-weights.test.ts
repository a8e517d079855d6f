// `model list` and `model inspect` say how a model's weights are stored: a q4 ONNX variant read exactly like its fp32
// source (only SOURCE 'quantize:…:q4' hinted), though it cannot be trained or merged and runs at another quality.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { humanBytes } from '../../native/api/format.ts';
import { weightFormat, weightFormatShort } from '../../native/models/weight-format.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { scratchDataDir } from '../fixtures/scratch-data-dir.ts';
import { SHARED_DATA } from '../integration/helpers/lathe.ts';

const stories = path.join(SHARED_DATA, 'models/stories260K');
const hasStories = fs.existsSync(path.join(stories, 'stories260K.bin'));
if (!hasStories) console.log(`cli-model-weights: skipped: ${stories}/stories260K.bin is absent (the shared data kit is not mounted)`);

const scratch = scratchDataDir('model-weights', 'all');

describe.skipIf(!hasStories)('the weight format of a model', () => {
  beforeAll(async () => {
    const imp = await latheInProcess(['model', 'import-llama2c', path.join(stories, 'stories260K.bin'), '--tokenizer', path.join(stories, 'tok512.bin'), '--name', 's260k'], scratch.data);
    expect(imp.code, imp.stderr).toBe(0);
    const q = await latheInProcess(['quantize', '--model', 's260k', '--dtype', 'q4'], scratch.data);
    expect(q.code, q.stderr).toBe(0);
  }, 120_000);

  it('model list: a WEIGHTS column, fp32 (HF) for the source and q4 (ONNX) for its quantised variant; --json says it too', async () => {
    const list = await latheInProcess(['model', 'list'], scratch.data);
    const lines = list.stdout.split('\n');
    expect(lines[0]).toMatch(/\bPARAMETERS\s+WEIGHTS\s+SOURCE$/);
    expect(lines.find((l) => /^\S+\s+s260k\s/.test(l))).toMatch(/\s260K\s+fp32 \(HF\)\s+llama2c:/);
    expect(lines.find((l) => /^\S+\s+s260k-q4\s/.test(l))).toMatch(/\s260K\s+q4 \(ONNX\)\s+quantize:/);
    const json = JSON.parse((await latheInProcess(['model', 'list', '--json'], scratch.data)).stdout) as { name: string; weights: unknown }[];
    expect(json.find((m) => m.name === 's260k-q4')?.weights).toMatchObject({ container: 'onnx', dtype: 'q4' });
  });

  it('model inspect: a weights line under the title', async () => {
    expect((await latheInProcess(['model', 'inspect', 's260k-q4'], scratch.data)).stdout.split('\n')[1]).toMatch(/^weights: q4, an ONNX graph for running it .*: weight-only int4/);
    expect((await latheInProcess(['model', 'inspect', 's260k'], scratch.data)).stdout.split('\n')[1]).toBe('weights: fp32 safetensors (a Hugging Face folder)');
  });

  it('model inspect of a variant: its own file and inference memory, no training rows, and where training starts instead', async () => {
    const json = JSON.parse((await latheInProcess(['model', 'inspect', 's260k-q4', '--json'], scratch.data)).stdout) as { model: { path: string }; memory: unknown; onnx: { file: string; weightBytes: number; kvCacheBytes: number; inferenceBytes: number } };
    const file = path.join(json.model.path, 'onnx', 'model_q4.onnx');
    expect(json.memory).toBeNull(); // no fp32/fp16 or training estimates: they are the source model's
    expect(json.onnx).toMatchObject({ file: path.join('onnx', 'model_q4.onnx'), weightBytes: fs.statSync(file).size });
    expect(json.onnx.kvCacheBytes).toBe(4 * 2 * 5 * 4 * 8 * 512); // fp32 keys and values: 5 layers × 4 KV heads × 8 dims × 512 tokens
    expect(json.onnx.inferenceBytes).toBe(json.onnx.weightBytes + json.onnx.kvCacheBytes);
    const text = (await latheInProcess(['model', 'inspect', 's260k-q4'], scratch.data)).stdout;
    expect(text).toContain(`  ${'weights (onnx/model_q4.onnx, q4)'.padEnd(42)} ${humanBytes(json.onnx.weightBytes).padStart(10)}`);
    expect(text).toContain(`  ${'inference'.padEnd(42)} ${humanBytes(json.onnx.inferenceBytes).padStart(10)}`);
    expect(text).toContain('Parameters by component (as in the model it was made from; stored as q4):\n  embeddings ');
    expect(text).not.toMatch(/fine-tuning|LoRA|fp16/);
    expect(text).toContain('Training and merging start from the model it was made from, s260k (lathe model inspect s260k shows their memory)');
    // the source keeps its training rows
    expect((await latheInProcess(['model', 'inspect', 's260k'], scratch.data)).stdout).toMatch(/full fine-tuning \(Adam\)[\s\S]*LoRA r=/);
  });
});

describe('weightFormat', () => {
  it('reads a folder it cannot open as unknown, not as an error', () => {
    const format = weightFormat({ path: path.join(scratch.dir, 'gone'), config: {} });
    expect(format).toBeNull();
    expect(weightFormatShort(format)).toBe('?');
  });
});
