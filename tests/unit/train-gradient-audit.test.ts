// LoRA's frozen base computes no weight gradient: in the step graph of a GPT-2 with LoRA on c_attn/c_proj/c_fc,
// no node the backward added produces a gradient shaped like a base weight, while the same audit finds one for
// every weight matrix under full fine-tuning (so it can see them) and one for each LoRA tensor.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTrainingStep } from '../../native/autograd/index.ts';
import { CheckpointWeights, writeHfFolder } from '../../native/models/checkpoint.ts';
import { initTensors } from '../../native/models/init.ts';
import { initLoraWeights } from '../../native/models/lora.ts';
import { expectedTensors } from '../../native/models/params.ts';
import { buildTrainingGraph, type TrainingMethod } from '../../native/models/training-graph.ts';
import { forwardSnapshot, weightGradientNodes } from '../../native/train/gradient-audit.ts';
import { pretrainModelConfig, pretrainPlan } from '../../native/train/pretrain.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-grad-audit-'));
const dir = path.join(root, 'model');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const config = pretrainModelConfig({ family: 'gpt2', layers: 2, heads: 2, dModel: 32, context: 32, vocab: 64 });
const { spec } = pretrainPlan(config);
const LORA = { r: 4, alpha: 8, dropout: 0, targetModules: ['c_attn', 'c_proj', 'c_fc'] };

async function audit(method: (s: typeof spec) => Promise<TrainingMethod>) {
  if (!fs.existsSync(path.join(dir, 'config.json'))) {
    await writeHfFolder(dir, { config, tensors: await initTensors(expectedTensors(spec).map((t) => ({ name: t.name, shape: t.shape, rule: { kind: 'normal' as const, std: 0.02 } })), 1) });
  }
  const w = CheckpointWeights.open(dir);
  const tg = buildTrainingGraph(spec, w, await method(spec));
  w.close();
  const snap = forwardSnapshot(tg);
  buildTrainingStep(tg.graph, { loss: tg.loss, trainable: tg.trainable, optimizer: { kind: 'adamw', weightDecay: 0 }, clipNorm: 1 });
  return { snap, grads: weightGradientNodes(tg.graph, snap), tg };
}

describe('weight gradients in the step graph', () => {
  it('full fine-tuning: one for each of the 9 weight matrices (4 per layer, the tied embedding/head)', async () => {
    const { snap, grads, tg } = await audit(async () => ({ kind: 'full' }));
    expect(snap.trainable.size).toBe(2 * 4 + 2); // c_attn, attn.c_proj, c_fc, mlp.c_proj per layer; wte, wpe
    expect(grads.frozen).toEqual([]);
    expect(grads.trainable.length).toBeGreaterThanOrEqual(snap.trainable.size);
    // the same graph audited as if those weights were meant frozen: every one of them is reported
    expect(weightGradientNodes(tg.graph, { ...snap, frozen: snap.trainable, trainable: new Map() }).frozen.length).toBeGreaterThanOrEqual(snap.trainable.size);
  });

  it('LoRA: none for the frozen base, and gradients for the adapter tensors only', async () => {
    const { snap, grads, tg } = await audit(async (s) => ({ kind: 'lora', config: LORA, weights: await initLoraWeights(s, LORA, 1) }));
    expect(snap.frozen.size).toBe(2 * 4 + 2);
    expect(snap.trainable.size).toBe(2 * 4 * 2);
    expect(grads.frozen).toEqual([]);
    expect(grads.trainable.length).toBeGreaterThanOrEqual(2 * 4 * 2);
    // and the step returns nothing but the loss, the norm and the adapter tensors with their AdamW moments
    const allowed = new Set(['loss', 'grad_norm']);
    for (const o of tg.graph.outputs) expect(allowed.has(o.name) || /lora_[AB]\.weight/.test(o.name), o.name).toBe(true);
  });
});
