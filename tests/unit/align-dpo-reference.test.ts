// DPO in Lathe against a plain PyTorch transcription of TRL's DPOTrainer (tests/reference/dpo_reference.py): on a
// tiny Llama, for each loss (sigmoid, label-smoothed sigmoid, robust, IPO) and both methods (full: the reference is
// another checkpoint, the one the run started from; LoRA: the same base with the adapter off), the reference
// log-probabilities from Lathe's reference graph, the loss, TRL's six logged metrics and the gradient of every
// trainable tensor. Lathe's graphs are widened to float64 (every op they use has a float64 kernel), so the two sides
// agree to rounding: 1e-5 relative is a loose bound. The product's float32 graph is checked too, at 1e-4 relative:
// its summed log-probabilities carry float32 rounding of ~1e-7 per token over logits of a 32-word vocabulary.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendBackward, PREFERENCE_METRICS, type PreferenceLossOptions } from '../../native/autograd/index.ts';
import { CheckpointWeights, writeHfFolder } from '../../native/models/checkpoint.ts';
import { parseModelConfig } from '../../native/models/config.ts';
import { loraAName, loraBName, loraModules, type LoraConfig } from '../../native/models/lora.ts';
import { buildPreferenceTrainingGraph, buildSequenceLogProbGraph } from '../../native/models/preference-graph.ts';
import type { Tensor } from '../../native/models/safetensors.ts';
import { IGNORE_INDEX, type TrainingMethod } from '../../native/models/training-graph.ts';
import { createSession, ort, type GraphBuilder } from '../../native/onnx/index.ts';
import { randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { rand, widenToFloat64 } from './autograd-check.ts';

const PYTHON = '/usr/bin/python3';
const torchCheck = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const torchMissing = torchCheck.status !== 0 ? `PyTorch is not importable by ${PYTHON} (${(torchCheck.stderr || torchCheck.error?.message || '').trim().split('\n').pop()})` : '';
if (torchMissing) console.log(`skipping the DPO comparison with PyTorch: ${torchMissing}`);

const CONFIG = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 32, hidden_size: 16, intermediate_size: 24,
  num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 16, rms_norm_eps: 1e-5,
  rope_theta: 10000, tie_word_embeddings: false, hidden_act: 'silu',
};
const spec = parseModelConfig(CONFIG);
const LORA: LoraConfig = { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj', 'down_proj'] };
const [T, V] = [8, 32]; // two pairs: four rows

/**
 * Two pairs as the preference batches collate them: rows 0-1 chosen, 2-3 rejected; a pair's two rows share their
 * prompt tokens (masked), completions differ in length (right padding masked).
 */
function batch(): { ids: number[][]; labels: number[][] } {
  const token = () => Math.floor(rand() * V);
  const ids: number[][] = [];
  const labels: number[][] = [];
  const prompts = [3, 2].map((n) => Array.from({ length: n }, token));
  const lengths = [[8, 6], [5, 8]]; // [pair][chosen, rejected] tokens fed
  for (const side of [0, 1]) {
    prompts.forEach((prompt, p) => {
      const n = lengths[p][side];
      const row = [...prompt, ...Array.from({ length: n - prompt.length }, token)];
      const next = [...row.slice(1), token()];
      ids.push(Array.from({ length: T }, (_, t) => (t < n ? row[t] : 0)));
      labels.push(Array.from({ length: T }, (_, t) => (t < prompt.length - 1 || t >= n ? IGNORE_INDEX : next[t])));
    });
  }
  return { ids, labels };
}

function loraTensors(): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const m of loraModules(spec, LORA)) {
    out.set(loraAName(m.module), { shape: [LORA.r, m.inFeatures], data: Float32Array.from({ length: LORA.r * m.inFeatures }, () => rand() - 0.5) });
    out.set(loraBName(m.module), { shape: [m.outFeatures, LORA.r], data: Float32Array.from({ length: m.outFeatures * LORA.r }, () => rand() - 0.5) });
  }
  return out;
}

interface Case { name: string; method: TrainingMethod; lora: Map<string, Tensor> | null; loss: PreferenceLossOptions; ids: number[][]; labels: number[][] }
interface Reference { loss: number; metrics: Record<string, number>; ref_logps: number[]; grads: Record<string, number[]> }

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-dpo-reference-'));
const policyDir = path.join(root, 'policy');
const referenceDir = path.join(root, 'reference');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const lora = loraTensors();
const cases: Case[] = [
  { name: 'full, sigmoid (β 0.1)', method: { kind: 'full' }, lora: null, loss: { kind: 'sigmoid', beta: 0.1, labelSmoothing: 0 }, ...batch() },
  { name: 'full, IPO (β 0.5)', method: { kind: 'full' }, lora: null, loss: { kind: 'ipo', beta: 0.5, labelSmoothing: 0 }, ...batch() },
  { name: 'LoRA, conservative sigmoid (β 0.3, ε 0.1)', method: { kind: 'lora', config: LORA, weights: lora }, lora, loss: { kind: 'sigmoid', beta: 0.3, labelSmoothing: 0.1 }, ...batch() },
  { name: 'LoRA, robust (β 2, ε 0.2)', method: { kind: 'lora', config: LORA, weights: lora }, lora, loss: { kind: 'robust', beta: 2, labelSmoothing: 0.2 }, ...batch() },
];

function feeds(c: Case): Record<string, ort.Tensor> {
  const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, T]);
  return { input_ids: int64(c.ids), attention_mask: int64(c.ids.map((r) => r.map(() => 1))), position_ids: int64(c.ids.map((r) => r.map((_, t) => t))), labels: int64(c.labels) };
}

/** The reference model's summed log-probabilities from Lathe's reference graph (the base for LoRA). */
async function referenceLogps(c: Case, dtype: 'float32' | 'float64'): Promise<Float64Array> {
  const weights = CheckpointWeights.open(c.method.kind === 'lora' ? policyDir : referenceDir);
  const built = buildSequenceLogProbGraph(spec, weights);
  weights.close();
  // ORT fuses x·σ(x) into QuickGelu, which has no float64 kernel: the widened forward runs unfused
  const session = await createSession(dtype === 'float64' ? widenToFloat64(built) : built, { intraOpNumThreads: 1, graphOptimizationLevel: dtype === 'float64' ? 'basic' : 'all' });
  const out = await session.run(feeds(c));
  await session.release();
  return Float64Array.from(out.logps.data as Float32Array);
}

/** Lathe's training graph with the backward appended as buildTrainingStep appends it; loss, metrics and gradients. */
async function lathe(c: Case, dtype: 'float32' | 'float64', ref: Float64Array): Promise<{ loss: number; metrics: Record<string, number>; grads: Map<string, Float64Array> }> {
  const weights = CheckpointWeights.open(policyDir);
  const tg = buildPreferenceTrainingGraph(spec, weights, c.method, c.loss);
  weights.close();
  const f = feeds(c);
  f.ref_logps = dtype === 'float64' ? new ort.Tensor('float64', ref, [ref.length]) : new ort.Tensor('float32', Float32Array.from(ref), [ref.length]);
  for (const name of tg.trainable) {
    const init = tg.graph.promoteToInput(name);
    const data = init.data as Float32Array;
    f[name] = dtype === 'float64' ? new ort.Tensor('float64', Float64Array.from(data), init.dims) : new ort.Tensor('float32', data, init.dims);
  }
  const g: GraphBuilder = dtype === 'float64' ? widenToFloat64(tg.graph) : tg.graph;
  const grads = appendBackward(g, g.value(tg.loss.name), tg.trainable.map((n) => g.value(n)));
  g.output(g.value(tg.loss.name), 'loss');
  for (const m of PREFERENCE_METRICS) g.output(g.value(tg.metrics![m].name), `metric.${m}`);
  for (const n of tg.trainable) g.output(grads.get(n)!, `grad.${n}`);
  const session = await createSession(g, { intraOpNumThreads: 1, graphOptimizationLevel: dtype === 'float64' ? 'basic' : 'all' });
  const out = await session.run(f);
  await session.release();
  return {
    loss: Number(out.loss.data[0]),
    metrics: Object.fromEntries(PREFERENCE_METRICS.map((m) => [m, Number(out[`metric.${m}`].data[0])])),
    grads: new Map(tg.trainable.map((n) => [n, Float64Array.from(out[`grad.${n}`].data as Float64Array)])),
  };
}

const norm = (a: ArrayLike<number>): number => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));
const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe.skipIf(Boolean(torchMissing))('DPO loss, rewards and gradients match a PyTorch transcription of TRL', () => {
  let references: Reference[] = [];
  beforeAll(async () => {
    await writeHfFolder(policyDir, { config: CONFIG, tensors: randomTensors(CONFIG, 11) });
    await writeHfFolder(referenceDir, { config: CONFIG, tensors: randomTensors(CONFIG, 12) });
    const requests = cases.map((c) => ({
      policy: policyDir,
      reference: referenceDir,
      lora: c.lora && { alpha: LORA.alpha, r: LORA.r, tensors: Object.fromEntries([...c.lora].map(([n, t]) => [n, { shape: t.shape, data: Array.from(t.data) }])) },
      input_ids: c.ids,
      attention_mask: c.ids.map((r) => r.map(() => 1)),
      labels: c.labels,
      loss: { kind: c.loss.kind, beta: c.loss.beta, label_smoothing: c.loss.labelSmoothing },
    }));
    const child = promisify(execFile)(PYTHON, ['tests/reference/dpo_reference.py'], { maxBuffer: 64 << 20 });
    child.child.stdin!.end(JSON.stringify(requests));
    references = JSON.parse((await child).stdout) as Reference[];
  }, 120_000);

  cases.forEach((c, i) => {
    it(`${c.name}: float64 within 1e-5, the float32 graph within 1e-4`, async () => {
      const want = references[i];
      const ref64 = await referenceLogps(c, 'float64');
      Array.from(ref64).forEach((v, k) => expect(close(v, want.ref_logps[k], 1e-5), `reference log-prob of row ${k}: ${v} vs ${want.ref_logps[k]}`).toBe(true));
      const got = await lathe(c, 'float64', ref64);
      expect(close(got.loss, want.loss, 1e-5), `loss ${got.loss} vs ${want.loss}`).toBe(true);
      for (const m of PREFERENCE_METRICS) expect(close(got.metrics[m], want.metrics[m], 1e-5), `${m}: ${got.metrics[m]} vs ${want.metrics[m]}`).toBe(true);
      // the metrics must not be trivial, or the test would pass on a graph that ignores the reference
      expect(Math.abs(want.metrics['rewards/margins'])).toBeGreaterThan(1e-3);
      expect([...got.grads.keys()].sort()).toEqual(Object.keys(want.grads).sort());
      for (const [name, g] of got.grads) {
        const r = want.grads[name];
        const err = norm(g.map((x, k) => x - r[k])) / Math.max(norm(r), 1e-12);
        expect(err, `gradient of ${name} (‖ref‖ ${norm(r).toExponential(2)})`).toBeLessThan(1e-5);
      }
      const got32 = await lathe(c, 'float32', await referenceLogps(c, 'float32'));
      expect(close(got32.loss, want.loss, 1e-4), `float32 loss ${got32.loss} vs ${want.loss}`).toBe(true);
      for (const m of PREFERENCE_METRICS) expect(close(got32.metrics[m], want.metrics[m], 1e-4), `float32 ${m}: ${got32.metrics[m]} vs ${want.metrics[m]}`).toBe(true);
    });
  });
});
