// What the training benchmarks share on Lathe's side: the product's own path from a model folder to a training
// step. A GPT-2 of the benchmark's shape is written as an HF folder the way `lathe pretrain` writes one, read back
// through CheckpointWeights, turned into a training graph by native/models and run by native/train's createTrainer,
// the runtime `lathe train` and `lathe pretrain` use; batches come from native/train's collate.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointWeights, writeHfFolder } from '../native/models/checkpoint.ts';
import type { ModelSpec } from '../native/models/config.ts';
import { initTensors } from '../native/models/init.ts';
import { expectedTensors } from '../native/models/params.ts';
import { buildTrainingGraph, type TrainingGraph, type TrainingMethod } from '../native/models/training-graph.ts';
import { collate } from '../native/train/batches.ts';
import { pretrainModelConfig, pretrainPlan } from '../native/train/pretrain-shape.ts';
import type { Feeds, TrainingSession } from '../native/train/session.ts';
import { median } from './common.ts';

export interface Shape { layers: number; dim: number; heads: number; seq: number; batch: number; vocab: number; positions: number }

/** A GPT-2 HF folder of this shape with GPT-2's initialisation (weights N(0, 0.02), norms 1, biases 0). */
export async function scratchGpt2(c: Shape, dir: string): Promise<ModelSpec> {
  const config = pretrainModelConfig({ family: 'gpt2', layers: c.layers, heads: c.heads, dModel: c.dim, context: c.positions, vocab: c.vocab });
  const { spec } = pretrainPlan(config);
  const rules = expectedTensors(spec).map((t) => ({
    name: t.name, shape: t.shape,
    rule: t.component === 'norms' && !t.name.endsWith('.bias') ? { kind: 'constant' as const, value: 1 } : t.name.endsWith('.bias') ? { kind: 'constant' as const, value: 0 } : { kind: 'normal' as const, std: 0.02 },
  }));
  await writeHfFolder(dir, { config, tensors: await initTensors(rules, 0) });
  return spec;
}

/** The training graph of a fresh GPT-2 of this shape (its folder written to and read from a temporary directory). */
export async function productTrainingGraph(c: Shape, method: (spec: ModelSpec) => Promise<TrainingMethod>): Promise<TrainingGraph> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-model-'));
  const dir = path.join(root, 'model');
  try {
    const spec = await scratchGpt2(c, dir);
    const weights = CheckpointWeights.open(dir);
    try {
      return buildTrainingGraph(spec, weights, await method(spec));
    } finally {
      weights.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** B rows of T + 1 deterministic token ids, collated as the trainers collate examples (ids, mask, positions, labels). */
export function syntheticBatch(c: Shape): Feeds {
  const examples = Array.from({ length: c.batch }, (_, b) => {
    const ids = Array.from({ length: c.seq + 1 }, (_, t) => ((b * 104729 + t * 7919) % (c.vocab - 1)) + 1);
    return { ids, labels: ids };
  });
  return collate(examples, 0).feeds;
}

/** The median of `steps` timed optimiser steps after `warmup` (the machine is shared: a neighbour's burst should not decide). */
export async function medianStepS(runner: TrainingSession, feeds: Feeds, warmup: number, steps: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await runner.step([feeds], 1e-4);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await runner.step([feeds], 1e-4);
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}
