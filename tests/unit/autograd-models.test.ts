// The product's training graphs differentiated end to end: a tiny Llama (GQA) and a tiny GPT-2, built by
// buildTrainingGraph from a checkpoint as fine-tuning and pretraining build them, the gradient of their loss with
// respect to every trainable tensor (full fine-tuning: every checkpoint tensor; LoRA: every adapter tensor)
// - as built, in float32, against torch.autograd in float64 on an independent transcription of the architectures
//   (tests/reference/decoder_reference.py), skipped when PyTorch is absent;
// - widened to float64, against central differences of the graph's own loss.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendBackward } from '../../native/autograd/index.ts';
import { CheckpointWeights, writeHfFolder } from '../../native/models/checkpoint.ts';
import { parseModelConfig } from '../../native/models/config.ts';
import { loraAName, loraBName, loraModules, type LoraConfig } from '../../native/models/lora.ts';
import type { Tensor } from '../../native/models/safetensors.ts';
import { IGNORE_INDEX, buildTrainingGraph, type TrainingMethod } from '../../native/models/training-graph.ts';
import { createSession, ort, type Session } from '../../native/onnx/index.ts';
import { randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { rand, widenToFloat64 } from './autograd-check.ts';

const PYTHON = '/usr/bin/python3';
const torchCheck = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const torchMissing = torchCheck.status !== 0 ? `PyTorch is not importable by ${PYTHON} (${(torchCheck.stderr || torchCheck.error?.message || '').trim().split('\n').pop()})` : '';
if (torchMissing) console.log(`skipping the PyTorch comparison of autograd-models (the float64 finite differences still run): ${torchMissing}`);

// d = 16, 2 layers, 2 heads (Llama: 1 key/value head), vocabulary 32, sequences of 8
const CONFIGS: Record<string, Record<string, unknown>> = {
  llama: {
    architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 32, hidden_size: 16, intermediate_size: 24,
    num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 16, rms_norm_eps: 1e-5,
    rope_theta: 10000, tie_word_embeddings: false, hidden_act: 'silu',
  },
  gpt2: {
    architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 32, n_embd: 16, n_layer: 2, n_head: 2, n_positions: 16,
    layer_norm_epsilon: 1e-5, activation_function: 'gelu_new',
  },
};
const LORA: Record<string, LoraConfig> = {
  llama: { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
  gpt2: { r: 2, alpha: 4, dropout: 0, targetModules: ['c_attn', 'c_proj', 'c_fc'] },
};
/** Relative error allowed per tensor, ‖g − g_ref‖₂ / ‖g_ref‖₂, float32 against float64 (measured: at most 9e-6). */
const TOL = 1e-4;

const [B, T, V] = [2, 8, 32];
/**
 * A batch as collate (native/train/batches.ts) makes one: right-padded, all-ones attention mask, positions 0..T-1,
 * labels already shifted, IGNORE_INDEX on prompt tokens (row 0's first three) and on padding (row 1's last three).
 */
function batch(): { ids: number[][]; labels: number[][] } {
  const token = () => Math.floor(rand() * V);
  const ids = [Array.from({ length: T }, token), Array.from({ length: T }, (_, t) => (t < 5 ? token() : 0))];
  const labels = [Array.from({ length: T }, (_, t) => (t < 3 ? IGNORE_INDEX : token())), Array.from({ length: T }, (_, t) => (t < 5 ? token() : IGNORE_INDEX))];
  return { ids, labels };
}

/** Adapter tensors with A and B both random (B starts at zero in training, which would leave A's gradient zero). */
function loraTensors(family: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  const { r } = LORA[family];
  for (const m of loraModules(parseModelConfig(CONFIGS[family]), LORA[family])) {
    out.set(loraAName(m.module), { shape: [r, m.inFeatures], data: Float32Array.from({ length: r * m.inFeatures }, () => rand() - 0.5) });
    out.set(loraBName(m.module), { shape: [m.outFeatures, r], data: Float32Array.from({ length: m.outFeatures * r }, () => rand() - 0.5) });
  }
  return out;
}

interface Reference { loss: number; grads: Record<string, number[]> }
interface Case { name: string; family: string; method: TrainingMethod; lora: Map<string, Tensor> | null; ids: number[][]; labels: number[][] }

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-autograd-models-'));
beforeAll(async () => {
  for (const family of Object.keys(CONFIGS)) await writeHfFolder(path.join(root, family), { config: CONFIGS[family], tensors: randomTensors(CONFIGS[family], 7) });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const cases: Case[] = [];
for (const family of Object.keys(CONFIGS)) {
  const lora = loraTensors(family);
  cases.push({ name: `${family} full fine-tuning`, family, method: { kind: 'full' }, lora: null, ...batch() });
  cases.push({ name: `${family} LoRA`, family, method: { kind: 'lora', config: LORA[family], weights: lora }, lora, ...batch() });
}
let references: Reference[] = [];

/** The batch's graph inputs (all but the trainable tensors), as collate feeds them. */
function batchFeeds(c: Case): Record<string, ort.Tensor> {
  const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [B, T]);
  return {
    input_ids: int64(c.ids),
    attention_mask: int64(c.ids.map((row) => row.map(() => 1))),
    position_ids: int64(c.ids.map((row) => row.map((_, t) => t))),
    labels: int64(c.labels),
  };
}

interface Differentiated {
  session: Session;
  /** The batch and the trainable tensors' values, in the graph's float type. */
  feeds: Record<string, ort.Tensor>;
  trainable: string[];
}

/**
 * The product's training graph of a case (or its float64 twin) with the backward appended the way buildTrainingStep
 * (native/autograd/step.ts) appends it: the trainable initializers become inputs, then appendBackward. Outputs: `loss`
 * and `grad.<name>` for each trainable tensor.
 */
async function differentiate(c: Case, dtype: 'float32' | 'float64'): Promise<Differentiated> {
  const weights = CheckpointWeights.open(path.join(root, c.family));
  const tg = buildTrainingGraph(parseModelConfig(CONFIGS[c.family]), weights, c.method);
  weights.close();
  const feeds = batchFeeds(c);
  for (const name of tg.trainable) {
    const init = tg.graph.promoteToInput(name);
    const data = init.data as Float32Array;
    feeds[name] = new ort.Tensor(dtype, dtype === 'float64' ? Float64Array.from(data) : data, init.dims);
  }
  const g = dtype === 'float64' ? widenToFloat64(tg.graph) : tg.graph;
  const loss = g.value(tg.loss.name);
  const grads = appendBackward(g, loss, tg.trainable.map((name) => g.value(name)));
  g.output(loss, 'loss');
  for (const name of tg.trainable) g.output(grads.get(name)!, `grad.${name}`);
  return { session: await createSession(g, { intraOpNumThreads: 1 }), feeds, trainable: tg.trainable };
}

const norm = (a: ArrayLike<number>): number => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, x, i) => s + x * b[i], 0);

describe.skipIf(Boolean(torchMissing))('training-graph gradients match torch.autograd (float64)', () => {
  beforeAll(async () => {
    const requests = cases.map((c) => ({
      model: path.join(root, c.family),
      input_ids: c.ids,
      attention_mask: c.ids.map((row) => row.map(() => 1)),
      labels: c.labels,
      lora: c.lora && { alpha: LORA[c.family].alpha, r: LORA[c.family].r, tensors: Object.fromEntries([...c.lora].map(([n, t]) => [n, { shape: t.shape, data: Array.from(t.data) }])) },
    }));
    const child = promisify(execFile)(PYTHON, ['tests/reference/decoder_reference.py', '--grad'], { maxBuffer: 64 << 20 });
    child.child.stdin!.end(JSON.stringify(requests));
    references = JSON.parse((await child).stdout) as Reference[];
  });

  cases.forEach((c, i) => {
    it(`${c.name}: the loss and every trainable tensor's gradient within ${TOL} (relative 2-norm)`, async () => {
      const ref = references[i];
      const { session, feeds, trainable } = await differentiate(c, 'float32');
      const out = await session.run(feeds);
      await session.release();
      const loss = Number(out.loss.data[0]);
      expect(Math.abs(loss - ref.loss) / ref.loss, `loss ${loss} vs ${ref.loss}`).toBeLessThan(1e-6);
      expect([...trainable].sort(), 'the trainable tensors are the ones PyTorch differentiated').toEqual(Object.keys(ref.grads).sort());
      const errors: string[] = [];
      for (const name of trainable) {
        const [g, r] = [out[`grad.${name}`].data as Float32Array, ref.grads[name]];
        const err = norm(Float64Array.from(g, (x, k) => x - r[k])) / norm(r);
        if (!(err < TOL)) errors.push(`${name}: relative error ${err.toExponential(2)} (‖g_ref‖ ${norm(r).toExponential(2)})`);
      }
      expect(errors, 'tensors whose gradient differs from PyTorch').toEqual([]);
    });
  });
});

// The same graphs widened to float64 (every op they use has a float64 kernel in ORT 1.30), their backward against
// central differences of their own loss: no PyTorch needed, and the derivative of Lathe's forward itself rather than
// agreement with another transcription. Two random directions per trainable tensor, each weighing all its entries.
describe('training-graph gradients in float64 match finite differences', () => {
  cases.forEach((c) => {
    it(`${c.name}: every trainable tensor's gradient along random directions within 1e-6`, async () => {
      const { session, feeds, trainable } = await differentiate(c, 'float64');
      const base = await session.run(feeds);
      const eps = 1e-5;
      for (const name of trainable) {
        const x = feeds[name].data as Float64Array;
        for (let k = 0; k < 2; k++) {
          const v = Float64Array.from(x, () => rand() * 2 - 1);
          const lossAt = async (sign: number): Promise<number> => {
            const moved = new ort.Tensor('float64', Float64Array.from(x, (xi, i) => xi + sign * eps * v[i]), feeds[name].dims);
            return Number((await session.run({ ...feeds, [name]: moved }, ['loss'])).loss.data[0]);
          };
          const numeric = ((await lossAt(1)) - (await lossAt(-1))) / (2 * eps);
          const exact = dot(base[`grad.${name}`].data as Float64Array, v);
          const err = Math.abs(numeric - exact) / (Math.abs(numeric) + Math.abs(exact));
          expect(err, `d loss/d ${name}·v: numeric ${numeric} vs analytic ${exact}`).toBeLessThan(1e-6);
        }
      }
      await session.release();
    });
  });
});
