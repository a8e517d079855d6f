// Training defaults sized to the model and the machine, each with the one line a person needs to judge it,
// and the trainable-parameter counts of full fine-tuning versus LoRA.
import os from 'node:os';
import type { ModelSpec } from '../models/config.ts';
import { loraTrainableParameters } from '../api/train.ts';
import { LORA_TARGETS, defaultLoraConfig, loraParametersPerRank } from '../models/lora.ts';
import { parameterCounts } from '../models/params.ts';

export interface SizedDefaults {
  lr: number;
  seqLen: number;
  batchSize: number;
  gradAccum: number;
}

/** Learning rate and sequence length for a model of this size (small models tolerate larger steps). */
export function sizedDefaults(spec: ModelSpec, method: 'lora' | 'full'): SizedDefaults {
  const params = parameterCounts(spec).total;
  const small = params < 20e6;
  const lr = method === 'lora' ? (small ? 2e-3 : 2e-4) : small ? 5e-4 : 2e-5;
  const memory = os.totalmem();
  // batch × length bounded so activations stay well inside memory on a CPU
  const seqLen = Math.min(spec.maxPositions, params < 50e6 ? 256 : 512);
  const batchSize = params > 1e9 || memory < 8 * 2 ** 30 ? 1 : params > 200e6 ? 2 : 4;
  return { lr, seqLen, batchSize, gradAccum: Math.max(1, Math.round(8 / batchSize)) };
}

export function trainingDefaults(spec: ModelSpec, modelName: string, method?: 'lora' | 'full') {
  const total = parameterCounts(spec).total;
  const loraConfig = defaultLoraConfig(spec);
  const loraPerRank = loraParametersPerRank(spec);
  const trainableLora = loraTrainableParameters(loraPerRank, loraConfig.r, loraConfig.targetModules);
  const full = 16 * total; // weights, gradients and two AdamW moments in fp32
  const lora = 4 * total + 16 * trainableLora;
  const recommended = method ?? (full < os.totalmem() / 4 && total < 50e6 ? 'full' : 'lora');
  const d = sizedDefaults(spec, recommended);
  const hp = (name: string, value: unknown, explanation: string) => ({ name, value, explanation });
  return {
    model: modelName,
    architecture: spec.architecture,
    context: spec.maxPositions,
    parameters: { total, trainableFull: total, trainableLora },
    memoryBytes: { full, lora },
    machine: { cpus: os.cpus().length, memoryBytes: os.totalmem() },
    recommendedMethod: recommended,
    loraTargets: { available: [...LORA_TARGETS[spec.family]], default: loraConfig.targetModules },
    loraPerRank,
    hyperparameters: [
      hp('method', recommended, recommended === 'lora' ? 'LoRA trains small adapters and keeps the base frozen: far less memory, a file of megabytes' : 'Full fine-tuning updates every weight: the model is small enough that memory allows it'),
      hp('lr', d.lr, 'Peak learning rate of AdamW; too high makes the loss jump or diverge, too low learns slowly'),
      hp('schedule', 'cosine', 'Warm up linearly, then decay the learning rate along a cosine to zero'),
      hp('warmupSteps', null, 'Steps of linear warm-up; null means 3% of the run'),
      hp('epochs', 1, 'Passes over the training split; more can overfit a small dataset'),
      hp('maxSteps', null, 'Stop after this many optimiser steps regardless of epochs (null: follow epochs)'),
      hp('batchSize', d.batchSize, 'Examples per micro-batch; bounded by memory (activations grow with batch × length)'),
      hp('gradAccum', d.gradAccum, 'Micro-batches whose gradients are averaged per step: a larger effective batch without more memory'),
      hp('seqLen', d.seqLen, 'Longest example in tokens; longer ones are cut and counted in the report'),
      hp('clipNorm', 1, 'Gradients are scaled down when their global norm exceeds this, which keeps steps stable'),
      hp('weightDecay', 0, 'AdamW decoupled weight decay; a mild regulariser, usually 0–0.1'),
      hp('lora.r', 8, 'LoRA rank: the width of the adapter; higher learns more and costs more'),
      hp('lora.alpha', 16, 'LoRA scale numerator: the update is multiplied by alpha / r'),
      hp('lora.dropout', 0.05, 'Dropout on the adapter input during training, against overfitting'),
      hp('lora.targetModules', loraConfig.targetModules, `Projections that get adapters (${LORA_TARGETS[spec.family].join(', ')})`),
      hp('evalEvery', 50, 'Measure validation loss every N steps'),
      hp('saveEvery', 100, 'Write a checkpoint every N steps; resume continues from the last one'),
      hp('earlyStoppingPatience', 0, 'Stop after N evaluations without a better validation loss (0: never)'),
      hp('seed', 42, 'Seeds shuffling, adapter initialisation and dropout: the same seed gives the same run'),
    ],
  };
}
