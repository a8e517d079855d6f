// A GPT-2-architecture model initialised from scratch trains with full fine-tuning and with LoRA (the loss on a
// fixed batch falls), and LoRA trains only the adapter tensors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointWeights, writeHfFolder } from '../../native/models/checkpoint.ts';
import { initLoraWeights } from '../../native/models/lora.ts';
import { initTensors } from '../../native/models/init.ts';
import { expectedTensors } from '../../native/models/params.ts';
import { buildTrainingGraph, type TrainingMethod } from '../../native/models/training-graph.ts';
import { collate } from '../../native/train/batches.ts';
import { pretrainModelConfig, pretrainPlan } from '../../native/train/pretrain.ts';
import { createTrainer } from '../../native/train/session.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-gpt2-scratch-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function scratchModel() {
  const config = pretrainModelConfig({ family: 'gpt2', layers: 2, heads: 2, dModel: 32, context: 32, vocab: 64 });
  const { spec } = pretrainPlan(config);
  const folder = path.join(dir, `m-${Math.random().toString(36).slice(2)}`);
  const specs = expectedTensors(spec).map((t) => ({ name: t.name, shape: t.shape, rule: { kind: 'normal' as const, std: 0.3 } })); // std 0.3: large enough that the tied head can express a fitted distribution
  await writeHfFolder(folder, { config, tensors: await initTensors(specs, 3) });
  return { spec, folder };
}

async function lossesOf(method: (spec: Awaited<ReturnType<typeof scratchModel>>['spec']) => Promise<TrainingMethod>, lr: number): Promise<{ losses: number[]; trainable: string[] }> {
  const { spec, folder } = await scratchModel();
  const w = CheckpointWeights.open(folder);
  const tg = buildTrainingGraph(spec, w, await method(spec));
  w.close();
  const runner = await createTrainer(tg, { optimizer: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, clipNorm: 1, microBatches: 1, threads: 1 });
  const ids = Array.from({ length: 17 }, (_, i) => (i * 5) % 64);
  const batch = collate([{ ids, labels: ids }, { ids: ids.map((x) => (x + 3) % 64), labels: ids.map((x) => (x + 3) % 64) }], 0);
  const losses: number[] = [];
  for (let s = 0; s < 30; s++) losses.push((await runner.step([batch.feeds], lr)).loss);
  await runner.release();
  return { losses, trainable: tg.trainable };
}

describe('GPT-2 from scratch', () => {
  it('trains with full fine-tuning', async () => {
    const { losses, trainable } = await lossesOf(async () => ({ kind: 'full' }), 1e-2);
    expect(trainable.length).toBe(2 + 2 * 12 + 2);
    expect(losses[0]).toBeGreaterThan(4);
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.5);
  });

  it('trains with LoRA on c_attn, c_proj and c_fc, training only the adapter tensors', async () => {
    const lora = { r: 4, alpha: 8, dropout: 0, targetModules: ['c_attn', 'c_proj', 'c_fc'] };
    const { losses, trainable } = await lossesOf(async (spec) => ({ kind: 'lora', config: lora, weights: await initLoraWeights(spec, lora, 1) }), 5e-2);
    expect(trainable.every((n) => /lora_[AB]\.weight$/.test(n))).toBe(true);
    expect(trainable.length).toBe(2 * 4 * 2);
    expect(losses.at(-1)!).toBeLessThan(losses[0] - 0.5);
  });
});
