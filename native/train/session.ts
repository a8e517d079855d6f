// Runs the training-step graphs of native/autograd for a trainer that must stop and resume exactly: trainable
// tensors and optimiser state live in ORT tensors fed back each step, and can be snapshotted to (and restored
// from) a checkpoint together with the step count that drives AdamW's bias correction.
import { buildTrainingStep, type TrainingStepGraphs } from '../autograd/index.ts';
import { createSession, ort, type Session } from '../onnx/index.ts';
import type { TrainingGraph } from '../models/training-graph.ts';
import type { Tensor } from '../models/safetensors.ts';

export type Feeds = Record<string, ort.Tensor>;

export interface StepRunnerOptions {
  optimizer: { beta1: number; beta2: number; eps: number; weightDecay: number };
  clipNorm: number | null;
  microBatches: number;
  threads?: number;
}

const f32 = (v: number): ort.Tensor => new ort.Tensor('float32', Float32Array.of(v), []);
const zerosLike = (t: ort.Tensor): ort.Tensor => new ort.Tensor('float32', new Float32Array(t.size), t.dims);

export class StepRunner {
  private cur: Feeds = {};
  private stepCount = 0;

  private constructor(
    private readonly graphs: TrainingStepGraphs,
    private readonly session: Session,
    private readonly applySession: Session | null,
  ) {
    for (const s of graphs.slots) {
      const init = graphs.initial.get(s.param)!;
      const t = new ort.Tensor('float32', init.data as Float32Array, init.dims);
      this.cur[s.param] = t;
      for (const n of s.state) this.cur[n] = zerosLike(t);
    }
  }

  static async create(tg: TrainingGraph, opts: StepRunnerOptions): Promise<StepRunner> {
    const graphs = buildTrainingStep(tg.graph, {
      loss: tg.loss,
      trainable: tg.trainable,
      optimizer: { kind: 'adamw', ...opts.optimizer },
      clipNorm: opts.clipNorm ?? undefined,
      microBatches: opts.microBatches,
    });
    const sessionOpts = { intraOpNumThreads: opts.threads };
    const session = await createSession(graphs.step, sessionOpts);
    const apply = graphs.apply ? await createSession(graphs.apply, sessionOpts) : null;
    return new StepRunner(graphs, session, apply);
  }

  get steps(): number { return this.stepCount; }
  get params(): string[] { return this.graphs.slots.map((s) => s.param); }

  /** One optimiser step over `batches` micro-batches (their gradients averaged). */
  async train(batches: Feeds[], lr: number, extra: Feeds = {}): Promise<{ loss: number; gradNorm: number }> {
    if (batches.length !== Math.max(1, this.graphs.spec.microBatches ?? 1)) {
      throw new Error(`StepRunner: built for ${this.graphs.spec.microBatches ?? 1} micro-batches per step, given ${batches.length}`);
    }
    this.stepCount++;
    const hyper = { lr: f32(lr), step: f32(this.stepCount) };
    if (!this.applySession) {
      const out = await this.session.run({ ...batches[0], ...extra, ...this.cur, ...hyper });
      this.adopt(out);
      return { loss: Number(out.loss.data[0]), gradNorm: Number(out.grad_norm.data[0]) };
    }
    const params = Object.fromEntries(this.graphs.slots.map((s) => [s.param, this.cur[s.param]]));
    let acc: Feeds = Object.fromEntries(this.graphs.slots.map((s) => [`acc.${s.param}`, zerosLike(this.cur[s.param])]));
    let loss = 0;
    for (const batch of batches) {
      const out = await this.session.run({ ...batch, ...extra, ...params, ...acc });
      acc = Object.fromEntries(this.graphs.slots.map((s) => [`acc.${s.param}`, out[`new.acc.${s.param}`]]));
      loss += Number(out.loss.data[0]) / batches.length;
    }
    const state = Object.fromEntries(this.graphs.slots.flatMap((s) => s.state.map((n) => [n, this.cur[n]])));
    const out = await this.applySession.run({ ...params, ...acc, ...state, ...hyper, grad_scale: f32(1 / batches.length) });
    this.adopt(out);
    return { loss, gradNorm: Number(out.grad_norm.data[0]) };
  }

  /** The loss of one batch under the current weights (the step graph run with its updates discarded). */
  async loss(batch: Feeds, extra: Feeds = {}): Promise<number> {
    const feeds: Feeds = { ...batch, ...extra };
    for (const s of this.graphs.slots) {
      feeds[s.param] = this.cur[s.param];
      if (this.applySession) feeds[`acc.${s.param}`] = zerosLike(this.cur[s.param]);
      else for (const n of s.state) feeds[n] = this.cur[n];
    }
    if (!this.applySession) Object.assign(feeds, { lr: f32(0), step: f32(1) });
    const out = await this.session.run(feeds, ['loss']);
    return Number(out.loss.data[0]);
  }

  /** Copies of the trainable tensors (by parameter name). */
  weights(): Map<string, Tensor> {
    return new Map(this.graphs.slots.map((s) => [s.param, copy(this.cur[s.param])]));
  }

  /** Copies of the optimiser state (exp_avg, exp_avg_sq per parameter). */
  optimizerState(): Map<string, Tensor> {
    return new Map(this.graphs.slots.flatMap((s) => s.state.map((n) => [n, copy(this.cur[n])] as const)));
  }

  /** Continue from a checkpoint: weights, optimiser state and the number of steps already taken. */
  restore(weights: ReadonlyMap<string, Tensor>, state: ReadonlyMap<string, Tensor>, steps: number): void {
    for (const s of this.graphs.slots) {
      for (const name of [s.param, ...s.state]) {
        const t = (name === s.param ? weights : state).get(name);
        const want = this.cur[name].dims;
        if (!t) throw new Error(`checkpoint lacks '${name}'; it was written for another model or method`);
        if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
          throw new Error(`checkpoint tensor '${name}' has shape ${JSON.stringify(t.shape)}, the model needs ${JSON.stringify(want)}`);
        }
        this.cur[name] = new ort.Tensor('float32', t.data, t.shape);
      }
    }
    this.stepCount = steps;
  }

  private adopt(out: Feeds): void {
    const next: Feeds = {};
    for (const s of this.graphs.slots) {
      next[s.param] = out[s.newParam];
      s.state.forEach((n, i) => (next[n] = out[s.newState[i]]));
    }
    this.cur = next;
  }

  async release(): Promise<void> {
    await this.session.release();
    await this.applySession?.release();
  }
}

function copy(t: ort.Tensor): Tensor {
  return { shape: t.dims.map(Number), data: Float32Array.from(t.data as Float32Array) };
}
