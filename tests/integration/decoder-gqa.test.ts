// The fused decoder graph (DecoderGraphOptions.kvInPlace: GroupQueryAttention + RotaryEmbedding, stacked
// projections) against the unfused one built from the same weights, both run in onnxruntime: a left-padded batch of
// two prompts of different lengths, a prefill, two single-token steps and a three-token chunk on the non-empty
// cache. GROW mode feeds the fused graph exactly the P cached columns (what transformers.js does); IN-PLACE mode
// feeds capacity buffers as past and passes the same tensors as the preallocated present fetches, so the graph
// must write the new columns into them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, ort, type GraphBuilder, type Session } from '../../native/onnx/index.ts';
import { CheckpointWeights, readHfFolder, writeHfFolder } from '../../native/models/checkpoint.ts';
import { buildDecoderGraph } from '../../native/models/decoder.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { supportsKvInPlace, type DecoderGraphOptions } from '../../native/models/layers.ts';
import { loraAdapter, loraAName, loraBName, loraModules, type LoraConfig } from '../../native/models/lora.ts';
import type { ModelSpec } from '../../native/models/config.ts';
import type { Tensor } from '../../native/models/safetensors.ts';
import { quantizeDecoderGraph } from '../../native/deploy/onnx-quantize.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { exportOnnxFolder } from '../../native/deploy/onnx-export.ts';
import { declaresInPlaceKv } from '../../native/models/onnx-variants.ts';

const STORIES = path.resolve(import.meta.dirname, '../../../shared/data/models/stories260K');
const storiesPresent = fs.existsSync(path.join(STORIES, 'stories260K.bin'));
if (!storiesPresent) console.log(`decoder-gqa: the stories260K case is skipped: ${STORIES} is absent (the shared data kit is not mounted)`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-gqa-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const TOL = 2e-5;
const CAP = 16;
type Cache = { key: ort.Tensor; value: ort.Tensor }[];
type Mode = 'reference' | 'grow' | 'in-place' | 'in-place prefill';

interface Scenario { name: string; prompts: number[][]; steps: number[][][] }
const SCENARIOS: Scenario[] = [
  // Row 1 is two tokens shorter, left-padded; then two single-token steps.
  { name: 'left-padded batch', prompts: [[3, 1, 4, 1, 5], [9, 2, 6]], steps: [[[7], [8]], [[2], [5]]] },
  // A chunk of three tokens on a non-empty cache, then one more token. onnxruntime's GroupQueryAttention takes
  // such a chunk for one row at a time only (see the last test).
  { name: 'chunked continuation', prompts: [[3, 1, 4, 1]], steps: [[[1, 8, 2]], [[5]]] },
];

const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);

/** Each step's logits (B, T, V) and the query positions (b, t) that are real tokens. */
interface StepResult { logits: Float32Array; T: number; real: [number, number][] }

async function run(s: Session, spec: ModelSpec, mode: Mode, { prompts: PROMPTS, steps: STEPS }: Scenario = SCENARIOS[0]): Promise<{ steps: StepResult[]; presents: Cache[]; masks: number[][][] }> {
  const { numLayers: L, numKvHeads: nkv, headDim: hs } = spec;
  const B = PROMPTS.length;
  const width = Math.max(...PROMPTS.map((p) => p.length));
  let mask = PROMPTS.map((p) => [...Array(width - p.length).fill(0), ...p.map(() => 1)]);
  const empty = (rows: number, cols: number): Cache => Array.from({ length: L }, () => ({ key: new ort.Tensor('float32', new Float32Array(rows * nkv * cols * hs), [rows, nkv, cols, hs]), value: new ort.Tensor('float32', new Float32Array(rows * nkv * cols * hs), [rows, nkv, cols, hs]) }));
  // A growing cache starts as transformers.js starts it: (0, nkv, 0, hs), batch 0.
  let past = mode === 'in-place prefill' ? empty(B, CAP) : empty(0, 0);
  let inPlace = mode === 'in-place prefill';
  const steps: StepResult[] = [];
  const presents: Cache[] = [];
  const masks: number[][][] = [];
  const inputs = [PROMPTS.map((p) => [...Array(width - p.length).fill(0), ...p]), ...STEPS];
  for (const ids of inputs) {
    const T = ids[0].length;
    if (steps.length) mask = mask.map((row) => [...row, ...Array(T).fill(1)]);
    const S = mask[0].length;
    // transformers' position ids: the count of real tokens before each one; padding gets 1.
    const positions = mask.map((row) => {
      let n = 0;
      return row.map((m) => (m ? n++ : 1)).slice(S - T);
    });
    const feeds: Record<string, ort.Tensor> = { input_ids: int64(ids), attention_mask: int64(mask), position_ids: int64(positions) };
    past.forEach((c, i) => {
      feeds[`past_key_values.${i}.key`] = c.key;
      feeds[`past_key_values.${i}.value`] = c.value;
    });
    const fetches: Record<string, ort.Tensor | null> = { logits: null };
    if (inPlace) past.forEach((c, i) => Object.assign(fetches, { [`present.${i}.key`]: c.key, [`present.${i}.value`]: c.value }));
    const out = inPlace ? await s.run(feeds, fetches) : await s.run(feeds);
    const returned: Cache = Array.from({ length: L }, (_, i) => ({ key: out[`present.${i}.key`], value: out[`present.${i}.value`] }));
    // In place, the cache is the fed buffers themselves (onnxruntime-node hands back other tensor objects for
    // preallocated outputs): the comparisons below read them, so a graph that did not write into them fails.
    const present = inPlace ? past : returned;
    expect(returned[0].key.dims).toEqual([B, nkv, inPlace ? CAP : S, hs]);
    const real: [number, number][] = [];
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) if (mask[b][S - T + t]) real.push([b, t]);
    steps.push({ logits: Float32Array.from(out.logits.data as Float32Array), T, real });
    presents.push(present.map((c) => ({ key: copy(c.key), value: copy(c.value) })));
    masks.push(mask.map((r) => [...r]));
    if (mode === 'in-place' && !inPlace) {
      // Move the grown prefill cache into capacity buffers; later steps run in place.
      past = empty(B, CAP);
      present.forEach((c, i) => {
        copyColumns(c.key, past[i].key, S);
        copyColumns(c.value, past[i].value, S);
      });
      inPlace = true;
    } else past = present;
  }
  return { steps, presents, masks };
}

const copy = (t: ort.Tensor) => new ort.Tensor('float32', Float32Array.from(t.data as Float32Array), t.dims);

function copyColumns(src: ort.Tensor, dst: ort.Tensor, cols: number): void {
  const [B, h, S, hs] = src.dims;
  const cap = dst.dims[2];
  const a = src.data as Float32Array;
  const b = dst.data as Float32Array;
  for (let r = 0; r < B * h; r++) b.set(a.subarray(r * S * hs, (r * S + cols) * hs), r * cap * hs);
}

/** Max |a − b| over the real query positions. */
function logitsError(a: StepResult, b: StepResult, V: number): number {
  let err = 0;
  for (const [bi, t] of a.real) for (let v = 0; v < V; v++) {
    const i = (bi * a.T + t) * V + v;
    err = Math.max(err, Math.abs(a.logits[i] - b.logits[i]));
  }
  return err;
}

/** Max |a − b| over the cache columns of real tokens (0..S−1 of each buffer). */
function cacheError(ref: ort.Tensor, got: ort.Tensor, mask: number[][]): number {
  const [B, h, S, hs] = ref.dims;
  const cap = got.dims[2];
  const a = ref.data as Float32Array;
  const b = got.data as Float32Array;
  let err = 0;
  for (let bi = 0; bi < B; bi++) for (let r = 0; r < h; r++) for (let j = 0; j < S; j++) {
    if (!mask[bi][j]) continue;
    for (let x = 0; x < hs; x++) err = Math.max(err, Math.abs(a[((bi * h + r) * S + j) * hs + x] - b[((bi * h + r) * cap + j) * hs + x]));
  }
  return err;
}

async function session(g: GraphBuilder): Promise<Session> {
  return createSession(g, { intraOpNumThreads: 1 });
}

function build(dir: string, opts: DecoderGraphOptions): { g: GraphBuilder; spec: ModelSpec } {
  const { spec } = readHfFolder(dir);
  const w = CheckpointWeights.open(dir);
  try {
    return { g: buildDecoderGraph(spec, w, opts), spec };
  } finally {
    w.close();
  }
}

/** Run the unfused graph and the fused one in every mode; expect equal logits and caches at each step. */
async function expectSameAsUnfused(name: string, reference: GraphBuilder, fused: GraphBuilder, spec: ModelSpec, tol = TOL): Promise<void> {
  const [rs, fs_] = [await session(reference), await session(fused)];
  const worst: string[] = [];
  for (const scenario of SCENARIOS) for (const mode of ['grow', 'in-place', 'in-place prefill'] as const) {
    const ref = await run(rs, spec, 'reference', scenario);
    const got = await run(fs_, spec, mode, scenario);
    const errs = ref.steps.map((st, k) => logitsError(st, got.steps[k], spec.vocabSize));
    const cacheErrs = ref.presents.map((p, k) => Math.max(...p.flatMap((c, i) => [cacheError(c.key, got.presents[k][i].key, ref.masks[k]), cacheError(c.value, got.presents[k][i].value, ref.masks[k])])));
    worst.push(`${scenario.name}/${mode} ${Math.max(...errs).toExponential(1)}/${Math.max(...cacheErrs).toExponential(1)}`);
    for (const e of [...errs, ...cacheErrs]) expect(e, `${name}, ${scenario.name}, ${mode}`).toBeLessThan(tol);
  }
  console.log(`decoder-gqa: ${name}: max |Δlogits|/|Δcache| ${worst.join('; ')}`);
  await rs.release();
  await fs_.release();
}

async function randomFolder(name: string, config: Record<string, unknown>, seed: number): Promise<string> {
  const dir = path.join(tmp, name);
  await writeHfFolder(dir, { config, tensors: randomTensors(config, seed), generationConfig: { do_sample: false } });
  return dir;
}

const CASES: Record<string, Record<string, unknown>> = {
  // 4 query heads over 2 key/value heads, llama3 RoPE scaling.
  'llama3 (grouped heads)': CONFIGS.llama3,
  // q/k/v (and o) biases, 6 over 2 heads of size 8 (GroupQueryAttention needs a multiple of 8), a sliding
  // window of 3 shorter than the prompt.
  'mistral (biases, sliding window)': { ...CONFIGS.mistral, hidden_size: 48, attention_bias: true },
  gpt2: CONFIGS.gpt2,
};

describe('the fused (kvInPlace) decoder graph equals the unfused one', () => {
  for (const [name, config] of Object.entries(CASES)) {
    it(name, async () => {
      const dir = await randomFolder(name.split(' ')[0], config, 11);
      const ref = build(dir, { withPast: true });
      const fused = build(dir, { withPast: true, kvInPlace: true });
      const ops = new Set(fused.g.nodes.map((n) => n.opType));
      expect(ops.has('GroupQueryAttention')).toBe(true);
      expect(ops.has('Concat') && fused.g.nodes.some((n) => n.opType === 'Concat' && n.outputs.some((o) => o.startsWith('present.')))).toBe(false);
      expect(fused.g.outputs.map((o) => o.name)).toEqual(ref.g.outputs.map((o) => o.name));
      expect(fused.g.inputs.map((o) => [o.name, o.dtype])).toEqual(ref.g.inputs.map((o) => [o.name, o.dtype]));
      await expectSameAsUnfused(name, ref.g, fused.g, ref.spec);
    });
  }

  it.skipIf(!storiesPresent)('stories260K (head size 8)', async () => {
    const model = await importLlama2cCheckpoint(path.join(tmp, 'data'), path.join(STORIES, 'stories260K.bin'), path.join(STORIES, 'tok512.bin'), 'stories260K');
    const ref = build(model.path, { withPast: true });
    const fused = build(model.path, { withPast: true, kvInPlace: true });
    await expectSameAsUnfused('stories260K', ref.g, fused.g, ref.spec);
  });

  it('a LoRA adapter on every projection: fused attention, separate projections', async () => {
    const dir = await randomFolder('lora-base', CONFIGS.llama3, 5);
    const { spec } = readHfFolder(dir);
    const config: LoraConfig = { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] };
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.5;
    const weights = new Map<string, Tensor>();
    for (const m of loraModules(spec, config)) {
      weights.set(loraAName(m.module), { shape: [config.r, m.inFeatures], data: Float32Array.from({ length: config.r * m.inFeatures }, rand) });
      weights.set(loraBName(m.module), { shape: [m.outFeatures, config.r], data: Float32Array.from({ length: m.outFeatures * config.r }, rand) });
    }
    const adapt = () => loraAdapter(spec, config, weights, { training: false });
    const ref = build(dir, { withPast: true, adapt: adapt() });
    const fused = build(dir, { withPast: true, kvInPlace: true, adapt: adapt() });
    // Each adapted module keeps its own Gemm (the adapter reads it by HF name): 7 per layer + the head, and 2 per adapter.
    expect(fused.g.nodes.filter((n) => n.opType === 'Gemm').length).toBe(spec.numLayers * 7 * 3 + 1);
    await expectSameAsUnfused('llama3 + LoRA', ref.g, fused.g, spec);
    // The adapter matters: the base model's logits differ.
    const base = await run(await session(build(dir, { withPast: true }).g), spec, 'reference');
    const adapted = await run(await session(ref.g), spec, 'reference');
    expect(logitsError(base.steps[0], adapted.steps[0], spec.vocabSize)).toBeGreaterThan(1e-2);
  });

  it('refuses kvInPlace without past inputs, with attention outputs, or with a head size not a multiple of 8', async () => {
    const dir = path.join(tmp, 'llama3');
    expect(() => build(dir, { withPast: false, kvInPlace: true })).toThrow(/kvInPlace needs withPast/);
    expect(() => build(dir, { withPast: true, kvInPlace: true, outputAttentions: true })).toThrow(/GroupQueryAttention does not expose its probabilities/);
    const odd = await randomFolder('mistral-hs4', CONFIGS.mistral, 2); // head size 24 / 6 = 4
    expect(supportsKvInPlace(readHfFolder(odd).spec)).toBe(false);
    expect(supportsKvInPlace(readHfFolder(dir).spec)).toBe(true);
    expect(() => build(odd, { withPast: true, kvInPlace: true })).toThrow(/head size 4 .*multiple of 8/);
  });

  it('onnxruntime refuses a multi-token chunk on a non-empty cache for more than one row (callers split the batch)', async () => {
    // Recorded so a runtime that lifts the limit shows up here: then batched chunks can run in one call.
    const { g, spec } = build(path.join(tmp, 'llama3'), { withPast: true, kvInPlace: true });
    const s = await session(g);
    await expect(run(s, spec, 'grow', { name: 'batched chunk', prompts: [[3, 1], [4, 1]], steps: [[[5, 9], [2, 6]]] })).rejects.toThrow(/batch_size must be 1 when sequence_length > 1 and past context is given/);
    await s.release();
  });
});

describe('the ONNX export', () => {
  it('marks its config.json in place when the graphs use GroupQueryAttention, and keeps the old graph otherwise', async () => {
    for (const [name, config, inPlace] of [['export-hs8', CONFIGS.llama3, true], ['export-hs4', CONFIGS.mistral, false]] as const) {
      const src = path.join(tmp, name);
      const { tokenizer, tokenizerConfig } = charTokenizer(config.vocab_size as number);
      await writeHfFolder(src, { config, tensors: randomTensors(config, 4), tokenizer, tokenizerConfig, generationConfig: { do_sample: false } });
      const out = path.join(tmp, `${name}-onnx`);
      await exportOnnxFolder(src, out, { dtypes: ['fp32'] });
      const written = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
      expect(declaresInPlaceKv(written), name).toBe(inPlace);
      const bytes = fs.readFileSync(path.join(out, 'onnx', 'model.onnx'));
      expect(bytes.includes(Buffer.from('GroupQueryAttention')), name).toBe(inPlace);
    }
  });
});

describe('the quantiser rewrites the fused projections', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await randomFolder('quant', CONFIGS.llama3, 21);
  });
  for (const dtype of ['q4', 'int8', 'q8', 'fp16'] as const) {
    it(dtype, async () => {
      const ref = build(dir, { withPast: true });
      const fused = build(dir, { withPast: true, kvInPlace: true });
      const r = await quantizeDecoderGraph(ref.g, dtype);
      const f = await quantizeDecoderGraph(fused.g, dtype);
      const gemms = fused.g.nodes.filter((n) => n.opType === 'Gemm');
      if (dtype === 'fp16') {
        // Every projection, the stacked ones included, reads its matrix through a Cast from float16.
        expect(gemms.length).toBe(ref.spec.numLayers * 4 + 1);
        for (const n of gemms) expect(fused.g.initializers.get(n.inputs[1])).toBeUndefined();
        expect(fused.g.initializers.get('model.layers.0.self_attn.qkv_proj.weight')).toBeUndefined();
      } else {
        // Unfused: q, k, v, o, gate, up, down per layer + the head; fused: qkv, o, gate_up, down + the head.
        expect(r.matmuls).toBe(ref.spec.numLayers * 7 + 1);
        expect(f.matmuls).toBe(ref.spec.numLayers * 4 + 1);
        expect(gemms.length).toBe(0);
      }
      // Stacking rows changes neither the per-row blocks nor the per-column scales, so the variants agree, except:
      // q8 quantises each call's activations with one scale per tensor, and the padded prefill's padding rows (whose
      // fully masked attention GroupQueryAttention computes differently; their outputs are never read) move that
      // scale; fp16 halves matrices of at least 1024 elements, which the stacked q|k|v is and k alone is not.
      const tol = dtype === 'q8' ? 0.2 : dtype === 'fp16' ? 1e-2 : TOL;
      await expectSameAsUnfused(`llama3 ${dtype}`, ref.g, fused.g, ref.spec, tol);
    });
  }
});
