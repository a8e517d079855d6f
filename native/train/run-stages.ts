// The stages every training run goes through, shared by all the trainers: the run marked running (owned by this
// process) and ended by its outcome; the trainer opened from the model, or from the run's last checkpoint, read once
// (a policy's, full or LoRA, the same way for fine-tuning, DPO and PPO); the training loop writing checkpoints as it
// goes (over epochs of batches the same way for fine-tuning, DPO and reward models).
import fs from 'node:fs';
import type { ModelSpec } from '../models/config.ts';
import { sweepAbandonedTemporaries } from '../models/atomic.ts';
import { CheckpointWeights, type HfFolder } from '../models/checkpoint.ts';
import { initLoraWeights, type LoraConfig } from '../models/lora.ts';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS, adapterConfigJson } from '../models/peft.ts';
import type { Tensor } from '../models/safetensors.ts';
import { buildTrainingGraph, type TrainingGraph, type TrainingMethod } from '../models/training-graph.ts';
import type { BatchSource } from './batches.ts';
import { listCheckpoints, readCheckpoint, writeCheckpoint, type TrainerState } from './checkpoints.ts';
import { trainLoop, type LoopOptions, type LoopResult, type LoopStatus } from './loop.ts';
import { stoppedStatus } from '../jobs/stopped.ts';
import { runDir, runThreads, type TrainEnv } from './run-env.ts';
import { createTrainer, type TrainerOptions, type TrainingSession } from './session.ts';

/**
 * Run `work` as run `runId`: its folder created (and swept of what a killed earlier attempt was writing), the run
 * attached to the job and marked running by this process, then ended 'succeeded' or stopped by the outcome, or 'failed'
 * when `work` throws (stopped after an abort). Stopped is 'cancelled', or 'interrupted' when the studio went (stopped.ts).
 */
export async function asRun<T extends { status: LoopStatus }>(runId: string, env: TrainEnv, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = runDir(env.dataDir, runId);
  fs.mkdirSync(dir, { recursive: true });
  for (const gone of sweepAbandonedTemporaries(dir, 3)) env.log('info', `removed ${gone}, left half-written by a process that was stopped`);
  env.onRun(runId);
  env.store.runs.setStatus(runId, 'running', env.owner ?? null);
  try {
    const outcome = await work(dir);
    env.store.runs.setStatus(runId, outcome.status === 'cancelled' ? stoppedStatus(env.signal) : 'succeeded');
    return outcome;
  } catch (err) {
    if (env.signal.aborted) env.store.runs.setStatus(runId, stoppedStatus(env.signal));
    else env.store.runs.fail(runId, err);
    throw err;
  }
}

export interface TrainerSource {
  spec: ModelSpec;
  /** Every weight is trained (its checkpoints hold the whole model) or only adapters (the base stays the model's). */
  full: boolean;
  /** The model folder a run without checkpoints starts from (called only then: pretraining writes its random one). */
  modelDir(): Promise<string>;
  /** The training method, given the trainable weights of the checkpoint resumed from (null when starting). */
  method(restored: ReadonlyMap<string, Tensor> | null): Promise<TrainingMethod>;
  /** The checkpoint's weights file (model.safetensors or the PEFT adapter's). */
  weightsFile: string;
  /** The training graph (default buildTrainingGraph: next-token cross-entropy); DPO builds its preference graph. */
  build?: (spec: ModelSpec, weights: CheckpointWeights, method: TrainingMethod) => TrainingGraph;
  options: TrainerOptions;
}

export interface OpenedTrainer {
  runner: TrainingSession;
  /** The trainer state of the checkpoint resumed from, or a fresh one. */
  state: TrainerState;
  resumed: boolean;
  /** Whether the graph takes LoRA dropout inputs. */
  dropoutSeed: boolean;
}

/**
 * The run's trainer, at its last checkpoint when it has one. Full training builds the graph from the checkpoint's own
 * weights, so the model is read once (not the base model and then the checkpoint); adapters are read from the
 * checkpoint and the base from the model. Metrics recorded after the checkpoint (before a crash or a kill) are dropped:
 * those steps are trained and recorded again.
 */
export async function openTrainer(dir: string, runId: string, env: TrainEnv, source: TrainerSource, seed: number): Promise<OpenedTrainer> {
  const last = listCheckpoints(dir).at(-1);
  const restored = last ? readCheckpoint(last.path, source.full ? null : source.weightsFile) : null;
  const weights = CheckpointWeights.open(last && source.full ? last.path : await source.modelDir());
  let runner: TrainingSession;
  let dropoutSeed: boolean;
  try {
    const tg = (source.build ?? buildTrainingGraph)(source.spec, weights, await source.method(restored?.weights ?? null));
    dropoutSeed = tg.dropoutSeed;
    runner = await createTrainer(tg, source.options);
  } finally {
    weights.close();
  }
  if (restored) {
    runner.restore(restored.weights, restored.optimizer, restored.state.step);
    env.log('info', `resuming from step ${restored.state.step} (${last!.path})`);
  }
  env.store.runs.deleteMetricsAfter(runId, restored?.state.step ?? -1);
  const state = restored?.state ?? { step: 0, examplesSeen: 0, epoch: 0, seed, bestValLoss: null, evalsWithoutImprovement: 0, lastValLoss: null };
  return { runner, state, resumed: restored !== null, dropoutSeed };
}

/** The settings a policy run (fine-tuning, DPO, PPO) trains its model with. */
export interface PolicySettings {
  method: 'lora' | 'full';
  lora: { r: number; alpha: number; dropout: number };
  loraTargets: string[];
  modelPath: string;
  seed: number;
  weightDecay: number;
  clipNorm: number | null;
  threads?: number;
  keepCheckpoints: number;
}

export interface OpenedPolicy {
  opened: OpenedTrainer;
  lora: LoraConfig;
  isLora: boolean;
  /** What its checkpoints hold: the adapter and adapter_config.json, or the whole model and config.json. */
  checkpoints: CheckpointPlan;
}

/**
 * The trainer of a policy run on `folder` (the model at config.modelPath), at its last checkpoint when it has one:
 * every weight trained, or LoRA adapters on config.loraTargets (fresh ones seeded by the run's seed); AdamW (β 0.9,
 * 0.999, ε 1e-8) with the run's weight decay and clipping. `build` is the run's graph (default next-token
 * cross-entropy); `loraDropout` replaces the configured rate (PPO trains without dropout).
 */
export async function openPolicyTrainer(dir: string, runId: string, env: TrainEnv, folder: HfFolder, config: PolicySettings, how: { microBatches: number; loraDropout?: number; build?: TrainerSource['build'] }): Promise<OpenedPolicy> {
  const spec = folder.spec;
  const lora: LoraConfig = { r: config.lora.r, alpha: config.lora.alpha, dropout: how.loraDropout ?? config.lora.dropout, targetModules: config.loraTargets };
  const isLora = config.method === 'lora';
  const weightsFile = isLora ? ADAPTER_WEIGHTS : 'model.safetensors';
  const opened = await openTrainer(dir, runId, env, {
    spec,
    full: !isLora,
    weightsFile,
    modelDir: async () => config.modelPath,
    method: async (restored) => (isLora ? { kind: 'lora', config: lora, weights: restored ?? (await initLoraWeights(spec, lora, config.seed)) } : { kind: 'full' }),
    build: how.build,
    options: { optimizer: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: config.weightDecay }, clipNorm: config.clipNorm, microBatches: how.microBatches, threads: runThreads(config.threads, env) },
  }, config.seed);
  const json = isLora ? { [ADAPTER_CONFIG]: adapterConfigJson(spec, lora, config.modelPath) } : { 'config.json': folder.config };
  return { opened, lora, isLora, checkpoints: { weightsFile, json, keep: config.keepCheckpoints } };
}

/** The settings of a run that trains over epochs of batches (fine-tuning, DPO, reward models). */
export interface EpochSettings extends Pick<LoopOptions, 'lr' | 'schedule' | 'evalEvery' | 'evalBatches' | 'saveEvery'> {
  epochs: number;
  maxSteps: number | null;
  warmupSteps: number | null;
  earlyStoppingPatience: number;
  batchSize: number;
  gradAccum: number;
}

/**
 * The loop of such a run: maxSteps optimiser steps, else `epochs` passes of `stepsPerEpoch`; warmup over
 * `warmupFraction` of them unless set; `dropout` the LoRA dropout rate when the graph has dropout inputs, else null.
 */
export function epochLoop(config: EpochSettings, stepsPerEpoch: number, warmupFraction: number, dropout: number | null): LoopOptions {
  const totalSteps = config.maxSteps ?? Math.max(1, Math.ceil(config.epochs * stepsPerEpoch));
  return {
    totalSteps,
    lr: config.lr,
    warmupSteps: config.warmupSteps ?? Math.round(totalSteps * warmupFraction),
    schedule: config.schedule,
    evalEvery: config.evalEvery,
    evalBatches: config.evalBatches,
    saveEvery: config.saveEvery,
    patience: config.earlyStoppingPatience,
    dropout,
    examplesPerStep: config.batchSize * config.gradAccum,
  };
}

/** What each checkpoint holds beside the weights and optimiser state. */
export interface CheckpointPlan {
  weightsFile: string;
  /** JSON files written beside the weights (config.json, adapter_config.json). */
  json: Record<string, unknown>;
  keep: number;
}

/** The training loop, its metrics and progress reported through `env` as run `runId`'s, checkpoints written in `dir`. */
export function trainWithCheckpoints(opened: OpenedTrainer, data: BatchSource, loop: LoopOptions, env: TrainEnv, runId: string, dir: string, saved: CheckpointPlan): Promise<LoopResult> {
  const { runner } = opened;
  return trainLoop(runner, data, loop, {
    signal: env.signal,
    metric: (step, name, value) => env.metric(runId, step, name, value),
    progress: env.progress,
    log: env.log,
    save: async (s) => {
      await writeCheckpoint(dir, { weightsFile: saved.weightsFile, weights: runner.weights(), optimizer: runner.optimizerState(), state: s, json: saved.json }, saved.keep);
    },
  }, opened.state);
}
