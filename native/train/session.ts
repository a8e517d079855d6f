// How every trainer (fine-tuning, pretraining, the benchmarks) turns a model's training graph into the one training
// runtime, native/autograd's TrainingSession: AdamW (and clipping) appended to the graph, updates written in place,
// and the session options the benchmarks measure, so the path users get is the path that was measured.
import { buildTrainingStep, TrainingSession, type Feeds, type TrainingSessionOptions } from '../autograd/index.ts';
import type { TrainingGraph } from '../models/training-graph.ts';

export type { Feeds };
export { TrainingSession };

export interface TrainerOptions {
  optimizer: { beta1: number; beta2: number; eps: number; weightDecay: number };
  clipNorm: number | null;
  microBatches: number;
  threads?: number;
  /** Settings the benchmarks vary (in place, arena, memory pattern, profiling); the defaults are the product's. */
  session?: Pick<TrainingSessionOptions, 'inPlace' | 'enableCpuMemArena' | 'enableMemPattern' | 'profileFilePrefix'>;
}

/**
 * The training session of `tg`: its graph is turned into the step graph in place (tg.graph becomes what runs), and
 * the initial weights are adopted, not copied, so a trainer holds one set of weights.
 */
export async function createTrainer(tg: TrainingGraph, opts: TrainerOptions): Promise<TrainingSession> {
  const graphs = buildTrainingStep(tg.graph, {
    loss: tg.loss,
    trainable: tg.trainable,
    optimizer: { kind: 'adamw', ...opts.optimizer },
    clipNorm: opts.clipNorm ?? undefined,
    microBatches: opts.microBatches,
    metrics: tg.metrics,
  });
  // one graph run at a time, node after node: the step is a chain of large kernels that each use every thread, so
  // ORT's inter-op pool would only compete with them
  return TrainingSession.create(graphs, { intraOpNumThreads: opts.threads, interOpNumThreads: 1, executionMode: 'sequential', adoptInitial: true, ...opts.session });
}
