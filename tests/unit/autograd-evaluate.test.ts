// TrainingSession.evaluate runs a forward-only cut of the step graph (evaluation-graph.ts). Its loss and reported
// scalars must be the step graph's: on a tiny GPT-2, after a real step (so the live weights differ from the initial
// ones), evaluate's figures are compared with those step(batch, lr 0) reports, which the whole step graph computes
// before its update, for DPO (loss and TRL's metrics, LoRA with dropout inputs, one and two micro-batches) and for
// fine-tuning's token loss (full). The evaluation session is open only while measuring and copies no frozen weight;
// the graph is built once and kept across measurements, each of which reads the weights as trained by then.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTrainingStep, type Feeds } from '../../native/autograd/index.ts';
import { buildEvaluationGraph, FED_WEIGHT_BYTES } from '../../native/autograd/evaluation-graph.ts';
import { CheckpointWeights, writeHfFolder } from '../../native/models/checkpoint.ts';
import { initTensors } from '../../native/models/init.ts';
import { initLoraWeights } from '../../native/models/lora.ts';
import { expectedTensors } from '../../native/models/params.ts';
import { buildPreferenceTrainingGraph } from '../../native/models/preference-graph.ts';
import { buildTrainingGraph, IGNORE_INDEX, type TrainingGraph, type TrainingMethod } from '../../native/models/training-graph.ts';
import { BYTES_PER_ELEMENT, GraphBuilder, ort } from '../../native/onnx/index.ts';
import { collate } from '../../native/train/batches.ts';
import { evaluateBatches } from '../../native/train/loop.ts';
import { collatePairs } from '../../native/train/preference-batches.ts';
import { pretrainModelConfig, pretrainPlan } from '../../native/train/pretrain.ts';
import { createTrainer } from '../../native/train/session.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-evaluate-'));
const dir = path.join(root, 'model');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// d_model 64 and a 256-word vocabulary: the embedding and the MLP's matrices are 64 KiB, above FED_WEIGHT_BYTES
const config = pretrainModelConfig({ family: 'gpt2', layers: 2, heads: 2, dModel: 64, context: 32, vocab: 256 });
const { spec } = pretrainPlan(config);
const LORA = { r: 4, alpha: 8, dropout: 0.1, targetModules: ['c_attn', 'c_proj', 'c_fc'] };
const V = 256;

beforeAll(async () => {
  await writeHfFolder(dir, { config, tensors: await initTensors(expectedTensors(spec).map((t) => ({ name: t.name, shape: t.shape, rule: { kind: 'normal' as const, std: 0.05 } })), 7) });
});

/** Row r: 13 tokens, the first 5 the prompt (unscored) when `prompt`, rows of different lengths padded. */
function row(r: number, prompt: boolean) {
  const ids = Array.from({ length: 10 + (r % 4) }, (_, t) => ((r * 104729 + t * 7919) % (V - 1)) + 1);
  return { ids, labels: ids.map((id, t) => (prompt && t < 5 ? IGNORE_INDEX : id)) };
}
const pairs = (b: number): Feeds => collatePairs([0, 1].map((p) => ({ chosen: row(b * 4 + p, true), rejected: row(b * 4 + 2 + p, true), ref: [-40 - p, -42 + p] as [number, number] })), 0).feeds;
const tokens = (b: number): Feeds => collate([0, 1, 2].map((i) => row(b * 3 + i, false)), 0).feeds;
const f32 = (v: number) => new ort.Tensor('float32', Float32Array.of(v), []);

async function graph(kind: 'dpo' | 'sft', method: 'full' | 'lora'): Promise<TrainingGraph> {
  const w = CheckpointWeights.open(dir);
  try {
    const m: TrainingMethod = method === 'full' ? { kind: 'full' } : { kind: 'lora', config: LORA, weights: await initLoraWeights(spec, LORA, 3) };
    return kind === 'dpo' ? buildPreferenceTrainingGraph(spec, w, m, { kind: 'sigmoid', beta: 0.1, labelSmoothing: 0 }) : buildTrainingGraph(spec, w, m);
  } finally {
    w.close();
  }
}

const CASES = [
  { name: 'DPO, LoRA with dropout inputs', kind: 'dpo', method: 'lora', micro: 1 },
  { name: 'DPO, LoRA, two micro-batches', kind: 'dpo', method: 'lora', micro: 2 },
  { name: 'fine-tuning, full', kind: 'sft', method: 'full', micro: 1 },
] as const;

describe('TrainingSession.evaluate: the forward-only graph', () => {
  for (const c of CASES) {
    it(`${c.name}: loss and metrics equal the step graph's`, async () => {
      const tg = await graph(c.kind, c.method);
      const runner = await createTrainer(tg, { optimizer: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, clipNorm: 1, microBatches: c.micro, threads: 1 });
      try {
        const batch = c.kind === 'dpo' ? pairs : tokens;
        const extra: Feeds = tg.dropoutSeed ? { lora_dropout_seed: f32(0), lora_dropout_rate: f32(0) } : {};
        expect(Object.keys(extra).length > 0).toBe(c.method === 'lora');
        const before = await runner.evaluate(batch(5), extra);
        // real steps, so the weights evaluate reads are the live ones, not the initial values
        for (let s = 0; s < 2; s++) await runner.step(Array.from({ length: c.micro }, (_, i) => batch(s * 2 + i)), 5e-2, extra);
        const list = Array.from({ length: c.micro }, (_, i) => batch(5 + i));
        const evals: { loss: number; metrics: Record<string, number> }[] = [];
        for (const b of list) evals.push(await runner.evaluate(b, extra));
        const stepped = await runner.step(list, 0, extra); // lr 0: the step graph's loss and metrics, weights unchanged
        const mean = (f: (e: (typeof evals)[number]) => number) => evals.reduce((s, e) => s + f(e), 0) / evals.length;
        // the training moved the figures (DPO's loss barely: both sides' log-probs move alike), far beyond the tolerance
        const moved = Math.max(Math.abs(evals[0].loss - before.loss), ...Object.keys(before.metrics).map((m) => Math.abs(evals[0].metrics[m] - before.metrics[m])));
        expect(moved).toBeGreaterThan(1e-3);
        expect(mean((e) => e.loss)).toBeCloseTo(stepped.loss, 5);
        expect(Object.keys(stepped.metrics).length).toBe(c.kind === 'dpo' ? 6 : 0);
        for (const [m, v] of Object.entries(stepped.metrics)) expect(mean((e) => e.metrics[m]), m).toBeCloseTo(v, 5);
      } finally {
        await runner.release();
      }
    });
  }

  it('is open only while measuring: from an evaluate to endEvaluation (evaluateBatches ends with it) or release', async () => {
    const tg = await graph('sft', 'full');
    const runner = await createTrainer(tg, { optimizer: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, clipNorm: null, microBatches: 1, threads: 1 });
    await runner.step(tokens(0), 1e-3);
    expect(runner.evaluating).toBe(false);
    const first = await runner.evaluate(tokens(1));
    expect(runner.evaluating).toBe(true);
    await runner.endEvaluation();
    expect(runner.evaluating).toBe(false);
    expect((await runner.evaluate(tokens(1))).loss).toBe(first.loss); // reopened, same figures
    await runner.endEvaluation();
    const batches = [1, 2].map((b) => ({ feeds: tokens(b), tokens: 1, scored: 1 }));
    const seen: boolean[] = [];
    await evaluateBatches(runner, batches, null, 'two batches', () => seen.push(runner.evaluating));
    expect(seen).toEqual([true, true]);
    expect(runner.evaluating).toBe(false);
    await runner.evaluate(tokens(1));
    await runner.release();
    expect(runner.evaluating).toBe(false);
  });

  it('builds the graph once: a later measurement reopens only the session, and reads the weights trained since', async () => {
    const tg = await graph('dpo', 'lora');
    const runner = await createTrainer(tg, { optimizer: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, clipNorm: 1, microBatches: 1, threads: 1 });
    // buildEvaluationGraph cuts the step graph with extract, which nothing else in a training session calls
    const extract = vi.spyOn(GraphBuilder.prototype, 'extract');
    try {
      const extra: Feeds = { lora_dropout_seed: f32(0), lora_dropout_rate: f32(0) };
      const first = await evaluateBatches(runner, [{ feeds: pairs(5), tokens: 1, scored: 1 }], LORA.dropout, 'a first measurement');
      expect(runner.evaluating).toBe(false);
      for (let s = 0; s < 2; s++) await runner.step(pairs(s), 5e-2, extra);
      const second = await runner.evaluate(pairs(5), extra);
      await runner.endEvaluation();
      const third = await runner.evaluate(pairs(5), extra);
      expect(extract).toHaveBeenCalledTimes(1);
      expect(Math.max(Math.abs(second.loss - first.loss), ...Object.keys(first.metrics).map((m) => Math.abs(second.metrics[m] - first.metrics[m])))).toBeGreaterThan(1e-3); // trained since
      expect(third).toEqual(second);
      const stepped = await runner.step(pairs(5), 0, extra); // lr 0: the step graph's figures under the same weights
      expect(second.loss).toBeCloseTo(stepped.loss, 5);
      for (const [m, v] of Object.entries(stepped.metrics)) expect(second.metrics[m], m).toBeCloseTo(v, 5);
    } finally {
      extract.mockRestore();
      await runner.release();
    }
  });

  it('holds no copy of a frozen weight: the large ones are fed from the step graph, and no backward or update runs', async () => {
    const tg = await graph('dpo', 'lora');
    const frozen = [...tg.graph.initializers.values()].filter((i) => !tg.trainable.includes(i.name));
    const graphs = buildTrainingStep(tg.graph, { loss: tg.loss, trainable: tg.trainable, optimizer: { kind: 'adamw', weightDecay: 0 }, clipNorm: 1, metrics: tg.metrics });
    const { graph: ev, fed } = buildEvaluationGraph(graphs);
    const bytes = (i: { data: { length: number }; dtype: keyof typeof BYTES_PER_ELEMENT }) => i.data.length * BYTES_PER_ELEMENT[i.dtype];
    const large = frozen.filter((i) => bytes(i) >= FED_WEIGHT_BYTES);
    expect(large.map((i) => i.name)).toContain('wte.weight');
    for (const i of large) {
      expect(fed.get(i.name)?.data, i.name).toBe(i.data); // the step graph's own array, not a copy
      expect(ev.initializers.has(i.name), i.name).toBe(false);
    }
    for (const i of ev.initializers.values()) expect(bytes(i), i.name).toBeLessThan(FED_WEIGHT_BYTES);
    expect(ev.outputs.map((o) => o.name)).toEqual(['loss', ...Object.keys(tg.metrics ?? {}).map((m) => `metric.${m}`)]);
    const stepOnly = new Set(graphs.step.nodes.filter((n) => n.outputs.some((o) => o.startsWith('new.') || o === 'grad_norm')));
    expect(stepOnly.size).toBeGreaterThan(0);
    expect(ev.nodes.filter((n) => stepOnly.has(n))).toEqual([]);
    expect(ev.nodes.length).toBeLessThan(graphs.step.nodes.length / 2);
  });
});
