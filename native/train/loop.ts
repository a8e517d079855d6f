// The training loop shared by fine-tuning and pretraining: one optimiser step per iteration (micro-batches
// accumulated), the learning-rate schedule, validation every N steps with early stopping, checkpoints every
// N steps, metrics as they happen, and a cancel that stops within one step and checkpoints where it stopped.
import { ort } from '../onnx/index.ts';
import type { Batch, BatchSource } from './batches.ts';
import type { TrainerState } from './checkpoints.ts';
import { learningRate, type ScheduleKind } from './schedule.ts';
import type { Feeds, TrainingSession } from './session.ts';
import { figure, plural } from '../api/format.ts';
import { steadyEtaSeconds, type WarmMark } from '../jobs/eta.ts';

export interface LoopOptions {
  totalSteps: number;
  lr: number;
  warmupSteps: number;
  schedule: ScheduleKind;
  evalEvery: number;
  evalBatches: number;
  saveEvery: number;
  patience: number;
  /** LoRA dropout rate when the graph has dropout inputs, else null. */
  dropout: number | null;
  examplesPerStep: number;
}

/**
 * A finished optimiser step's figures (or PPO iteration's), beside its progress message for a host that words its own
 * line (the CLI's, cli/figures.ts' trainingProgressLine).
 */
export interface StepFigures {
  step: number;
  totalSteps: number;
  /** What `step` counts: optimiser steps (the default), or PPO's iterations of rollouts, scoring and updates. */
  unit?: 'step' | 'iteration';
  loss: number;
  /** Tokens the step went through per second; for a PPO iteration, its rollouts' prompt and response tokens over its whole time. */
  tokensPerSecond: number;
  /** PPO: the mean reward-model score of the iteration's rollouts. */
  score?: number;
  /** PPO: the mean KL of the iteration's rollouts from the reference model. */
  kl?: number;
}

export interface LoopEnv {
  signal: AbortSignal;
  metric(step: number, name: string, value: number): void;
  progress(fraction: number, message: string, etaSeconds: number | null, figures?: StepFigures): void;
  log(level: 'info' | 'warn', line: string): void;
  save(state: TrainerState): Promise<void>;
}

export type LoopStatus = 'completed' | 'cancelled' | 'early_stopped';

export interface LoopResult {
  status: LoopStatus;
  state: TrainerState;
  lastLoss: number | null;
}

const f32 = (v: number): ort.Tensor => new ort.Tensor('float32', Float32Array.of(v), []);

function dropoutFeeds(rate: number | null, seed: number, step: number): Feeds {
  return rate === null ? {} : { lora_dropout_seed: f32(((seed * 1000003 + step * 7919) % 65521) / 7.0), lora_dropout_rate: f32(rate) };
}

/** Token-weighted mean validation loss. */
export async function validationLoss(runner: TrainingSession, data: BatchSource, batches: number, dropout: number | null): Promise<number> {
  return (await evaluateBatches(runner, data.validation(batches), dropout, 'the validation split')).loss;
}

/**
 * The loss and the graph's reported scalars over `batches`, each weighted by what the batch scores (tokens, or
 * pairs for preference losses), under the current weights with dropout off. `onBatch(done, total)` hears each batch
 * (a whole split after training takes tens of seconds, which a progress line should show). The forward-only session
 * it runs is closed at the end, so its activations are not held through the training steps that follow.
 */
export async function evaluateBatches(runner: TrainingSession, batches: readonly Batch[], dropout: number | null, what: string, onBatch?: (done: number, total: number) => void): Promise<{ loss: number; metrics: Record<string, number> }> {
  let sum = 0;
  let count = 0;
  const metrics: Record<string, number> = Object.fromEntries(runner.metricNames.map((m) => [m, 0]));
  try {
    for (const [i, b] of batches.entries()) {
      if (b.scored === 0) continue;
      const out = await runner.evaluate(b.feeds, dropout === null ? {} : { lora_dropout_seed: f32(0), lora_dropout_rate: f32(0) });
      sum += out.loss * b.scored;
      for (const m of runner.metricNames) metrics[m] += out.metrics[m] * b.scored;
      count += b.scored;
      onBatch?.(i + 1, batches.length);
    }
  } finally {
    await runner.endEvaluation();
  }
  if (count === 0) throw new Error(`${what} has no scored tokens`);
  return { loss: sum / count, metrics: Object.fromEntries(Object.entries(metrics).map(([m, v]) => [m, v / count])) };
}

/**
 * 'step 1,200/10,000, loss 2.346': a step's loss as the studio's job line says it, worded as the CLI's progress line
 * words a step's ('training: step 51/200, loss 2.981, …', cli/figures.ts).
 */
export function stepLossWords(step: number, totalSteps: number, loss: number): string {
  return `step ${figure(step)}/${figure(totalSteps)}, loss ${figure(loss)}`;
}

/** 'validation: step 50/200, loss 3.037': a validation's loss worded as a step's, not by its metric key (val_loss). */
export function validationLine(step: number, totalSteps: number, loss: number): string {
  return `validation: ${stepLossWords(step, totalSteps, loss)}`;
}

export async function trainLoop(runner: TrainingSession, data: BatchSource, opts: LoopOptions, env: LoopEnv, state: TrainerState): Promise<LoopResult> {
  let lastLoss: number | null = null;
  const firstStep = state.step + 1;
  // time left is timed from the end of this process's first step, which pays the warm-up (jobs/eta.ts)
  let warm: WarmMark | null = null;
  const evaluate = async (step: number): Promise<boolean> => {
    const { loss: val, metrics } = await evaluateBatches(runner, data.validation(opts.evalBatches), opts.dropout, 'the validation split');
    env.metric(step, 'val_loss', val);
    for (const [name, value] of Object.entries(metrics)) env.metric(step, `val_${name}`, value);
    state.lastValLoss = val;
    if (state.bestValLoss === null || val < state.bestValLoss) {
      state.bestValLoss = val;
      state.evalsWithoutImprovement = 0;
    } else state.evalsWithoutImprovement++;
    env.log('info', validationLine(step, opts.totalSteps, val));
    return opts.patience > 0 && state.evalsWithoutImprovement >= opts.patience;
  };
  if (state.step === 0 && opts.evalEvery > 0) await evaluate(0);
  for (let step = firstStep; step <= opts.totalSteps; step++) {
    if (env.signal.aborted) {
      if (state.step > 0) await env.save(state);
      return { status: 'cancelled', state, lastLoss };
    }
    const t0 = performance.now();
    const batches = data.trainStep(step);
    const lr = learningRate(step, opts.lr, opts.warmupSteps, opts.totalSteps, opts.schedule);
    const unscored = batches.findIndex((b) => b.scored === 0);
    if (unscored >= 0) throw new Error(`step ${step}: micro-batch ${unscored + 1} has no completion tokens to score, so its mean loss would be 0/0 (NaN); the examples must keep completion tokens within the sequence length`);
    const { loss, gradNorm, metrics } = await runner.step(batches.map((b) => b.feeds), lr, dropoutFeeds(opts.dropout, state.seed, step));
    if (!Number.isFinite(loss)) throw new Error(`the loss became ${loss} at step ${step}: training diverged; lower the learning rate (now ${opts.lr}) or enable clipping`);
    const seconds = (performance.now() - t0) / 1000;
    const tokens = batches.reduce((s, b) => s + b.tokens, 0);
    lastLoss = loss;
    state.step = step;
    state.examplesSeen += opts.examplesPerStep;
    state.epoch = Math.floor((step - 1) / data.stepsPerEpoch);
    env.metric(step, 'loss', loss);
    env.metric(step, 'lr', lr);
    env.metric(step, 'grad_norm', gradNorm);
    for (const [name, value] of Object.entries(metrics)) env.metric(step, name, value);
    const tokensPerSecond = tokens / seconds;
    env.metric(step, 'tokens_per_second', tokensPerSecond);
    env.metric(step, 'rss_mb', process.memoryUsage().rss / 2 ** 20);
    const now = performance.now();
    warm ??= { done: step, at: now };
    env.progress(step / opts.totalSteps, stepLossWords(step, opts.totalSteps, loss), steadyEtaSeconds(warm, now, step, opts.totalSteps), { step, totalSteps: opts.totalSteps, loss, tokensPerSecond });
    const stop = opts.evalEvery > 0 && (step % opts.evalEvery === 0 || step === opts.totalSteps) ? await evaluate(step) : false;
    if ((opts.saveEvery > 0 && step % opts.saveEvery === 0) || step === opts.totalSteps || stop) await env.save(state);
    if (stop) {
      env.log('info', `early stopping at step ${step}: no better validation loss in ${plural(opts.patience, 'evaluation')}`);
      return { status: 'early_stopped', state, lastLoss };
    }
  }
  return { status: 'completed', state, lastLoss };
}
