// The one runtime for training-step graphs (step.ts), used by every trainer (`lathe train`, `lathe pretrain`, the
// studio's jobs) and by the benchmarks. Trainable weights and optimiser state live in ORT tensors that TypeScript
// feeds back step after step; wherever the graph makes it safe, ORT writes each update over the tensor it read, so
// there is one set of weights and state in memory and no per-step allocation of them. A trainer that must stop and
// resume exactly snapshots the weights, the optimiser state and the step count (AdamW's bias correction) and
// restores all three. Measuring (evaluate) runs a second, forward-only graph (evaluation-graph.ts) fed the live and the
// frozen weights, in a session opened by the first evaluate and closed by endEvaluation(): it holds no weights, but
// its memory arena keeps a forward's activations (0.4 GB at GPT-2 small, 4 rows of 256 tokens), so it is open only
// while a measurement runs. The graph itself, serialised, and the frozen weights' tensors are built at the first
// measurement and kept: they do not depend on the trained values, which each evaluate feeds from the live tensors.
import type { Session, SessionOptions } from '../onnx/index.ts';
import { createSession, ort, toModelBytes } from '../onnx/index.ts';
import { buildEvaluationGraph } from './evaluation-graph.ts';
import { metricOutput, type TrainingStepGraphs } from './step.ts';

export type Feeds = Record<string, ort.Tensor>;

/** A step's or a batch's loss and the scalars the graph reports beside it (empty when it reports none). */
export interface StepResult { loss: number; gradNorm: number; metrics: Record<string, number> }

/** A host copy of a float32 tensor (the shape safetensors files and checkpoints use). */
export interface HostTensor { shape: number[]; data: Float32Array }

export interface TrainingSessionOptions extends SessionOptions {
  /** Keep two sets of weights and state, ORT writing into the idle one (off: updates in place where safe). */
  preallocate?: boolean;
  /** Write updates over their inputs where `graphs.inPlace` allows (default true). Off: fresh outputs each step. */
  inPlace?: boolean;
  /**
   * Take the initial values' buffers as the live weights instead of copying them (and clear `graphs.initial`): a
   * trainer keeps one set of weights, not two (620 MB at GPT-2 small). Off, `graphs.initial` stays untouched.
   */
  adoptInitial?: boolean;
}

function zerosLike(t: ort.Tensor): ort.Tensor {
  if (t.type === 'float64') return new ort.Tensor('float64', new Float64Array(t.size), t.dims);
  if (t.type === 'float32') return new ort.Tensor('float32', new Float32Array(t.size), t.dims);
  throw new Error(`TrainingSession: trainable tensors must be float32 or float64, got ${t.type}`);
}

function hostCopy(name: string, t: ort.Tensor): HostTensor {
  if (t.type !== 'float32') throw new Error(`TrainingSession: '${name}' is ${t.type}; snapshots are float32 (the checkpoint format)`);
  return { shape: t.dims.map(Number), data: (t.data as Float32Array).slice() };
}

/**
 * Runs training steps. By default (`inPlace`) ORT writes each update over the tensor it read, wherever the graph makes
 * that safe (`TrainingStepGraphs.inPlace`). With `preallocate`, two sets are kept and ORT writes into the idle one.
 * Otherwise each step's outputs are fresh tensors. A tensor from `tensor()` is live: it changes with the next step.
 */
export class TrainingSession {
  private cur: Feeds;
  private next: Feeds | null;
  /** Accumulators for micro-batches: a zero set (read by the first micro-batch, never written) and two buffers. */
  private acc: [Feeds, Feeds, Feeds] | null = null;
  private stepCount = 0;
  private readonly inPlace: ReadonlySet<string>;
  /** The forward-only session evaluate runs and the frozen weights it is fed; open from an evaluate to endEvaluation(). */
  private evaluator: Promise<{ session: Session; fed: Feeds }> | null = null;
  /**
   * The forward-only graph's model bytes and its frozen weights' tensors, from the first measurement on: neither holds
   * a trained value (evaluate feeds those from `cur`), so each later measurement only opens a session from the bytes.
   */
  private evaluationModel: { bytes: Uint8Array; fed: Feeds } | null = null;

  private constructor(
    private readonly graphs: TrainingStepGraphs,
    private readonly session: Session,
    private readonly applySession: Session | null,
    private readonly sessionOpts: SessionOptions,
    state: Feeds,
    preallocate: boolean,
    inPlace: boolean,
  ) {
    this.cur = state;
    this.next = preallocate ? Object.fromEntries(Object.entries(state).map(([k, t]) => [k, zerosLike(t)])) : null;
    this.inPlace = inPlace && !preallocate ? (graphs.inPlace ?? new Set()) : new Set();
    if (applySession) {
      const acc = (): Feeds => Object.fromEntries(graphs.slots.map((s) => [`acc.${s.param}`, zerosLike(state[s.param])]));
      this.acc = [acc(), acc(), acc()];
    }
  }

  static async create(graphs: TrainingStepGraphs, opts: TrainingSessionOptions = {}): Promise<TrainingSession> {
    const { preallocate = false, inPlace = true, adoptInitial = false, ...ortOpts } = opts;
    // ORT's memory pattern plans one block for the whole step on top of what the first run allocated: +1.7 GB peak at
    // GPT-2 small for no measurable speed-up (docs/benchmarks.md), so it is off unless asked for
    const sessionOpts = { ...ortOpts, enableMemPattern: ortOpts.enableMemPattern ?? false };
    const session = await createSession(graphs.step, sessionOpts);
    const applySession = graphs.apply ? await createSession(graphs.apply, sessionOpts) : null;
    const state: Feeds = {};
    for (const s of graphs.slots) {
      const init = graphs.initial.get(s.param);
      if (!init) throw new Error(`TrainingSession: no initial value for '${s.param}'`);
      // a copy unless adopted: updates are written in place, and `graphs.initial` may be kept as the initial values
      const data = adoptInitial ? init.data : (init.data as Float32Array).slice();
      const t = new ort.Tensor(data as Float32Array, init.dims);
      state[s.param] = t;
      for (const name of s.state) state[name] = zerosLike(t);
    }
    if (adoptInitial) graphs.initial.clear();
    return new TrainingSession(graphs, session, applySession, sessionOpts, state, preallocate, inPlace);
  }

  get backend(): string { return this.session.backend; }
  /** Optimiser steps taken (restored ones included). */
  get steps(): number { return this.stepCount; }
  /** Names of the trainable tensors. */
  get params(): string[] { return this.graphs.slots.map((s) => s.param); }

  /** Current value of a parameter or state tensor (a live ORT tensor: copy it if you keep it across steps). */
  tensor(name: string): ort.Tensor {
    const t = this.cur[name];
    if (!t) throw new Error(`TrainingSession: no parameter or state named '${name}'`);
    return t;
  }

  private scalar(v: number): ort.Tensor {
    const dtype = this.cur[this.graphs.slots[0].param].type;
    return dtype === 'float64' ? new ort.Tensor('float64', Float64Array.of(v), []) : new ort.Tensor('float32', Float32Array.of(v), []);
  }

  /**
   * One optimiser step over one batch, or over the micro-batches the graphs were built for (gradients averaged).
   * `extra` feeds go to every micro-batch (e.g. a dropout seed).
   */
  async step(batches: Feeds | Feeds[], lr: number, extra: Feeds = {}): Promise<StepResult> {
    const list = Array.isArray(batches) ? batches : [batches];
    const micro = Math.max(1, this.graphs.spec.microBatches ?? 1);
    if (list.length !== micro) throw new Error(`TrainingSession: built for ${micro} micro-batch(es) per step, given ${list.length}`);
    this.stepCount++;
    const hyper = { lr: this.scalar(lr), step: this.scalar(this.stepCount) };
    if (!this.applySession) {
      const out = await this.session.run({ ...list[0], ...extra, ...this.cur, ...hyper }, this.fetches(['loss', 'grad_norm', ...this.metricOutputs]));
      this.swap(out);
      return { loss: Number(out.loss.data[0]), gradNorm: Number(out.grad_norm.data[0]), metrics: this.metricsOf([out]) };
    }
    const params = Object.fromEntries(this.params.map((p) => [p, this.cur[p]]));
    const [zeros, a, b] = this.acc!;
    let [src, dst] = [zeros, a];
    let loss = 0;
    const outs: Feeds[] = [];
    for (const batch of list) {
      const fetch = Object.fromEntries([['loss', null], ...this.metricOutputs.map((m) => [m, null]), ...Object.keys(src).map((k) => [`new.${k}`, dst[k]])]);
      const out = await this.session.run({ ...batch, ...extra, ...params, ...src }, fetch);
      loss += Number(out.loss.data[0]) / list.length;
      outs.push(out);
      [src, dst] = [dst, src === zeros ? b : src];
    }
    const out = await this.applySession.run({ ...params, ...src, ...this.stateOnly(), ...hyper, grad_scale: this.scalar(1 / list.length) }, this.fetches(['grad_norm']));
    this.swap(out);
    return { loss, gradNorm: Number(out.grad_norm.data[0]), metrics: this.metricsOf(outs) };
  }

  /** The loss of one batch under the current weights: the step graph run with nothing written back. */
  async loss(batch: Feeds, extra: Feeds = {}): Promise<number> {
    return (await this.evaluate(batch, extra)).loss;
  }

  /**
   * The loss of one batch and the scalars the graph reports beside it, under the current weights: the step graph's
   * forward alone (evaluation-graph.ts), in a session the first call opens and endEvaluation() (or release()) closes.
   */
  async evaluate(batch: Feeds, extra: Feeds = {}): Promise<{ loss: number; metrics: Record<string, number> }> {
    // a failed opening is not kept: the next evaluate tries again
    const { session, fed } = await (this.evaluator ??= this.openEvaluator().catch((e: unknown) => { this.evaluator = null; throw e; }));
    const given: Feeds = { ...batch, ...extra, ...fed };
    for (const p of this.params) given[p] = this.cur[p];
    // the batch may carry inputs only the backward reads (or none of the forward's): feed what the forward takes
    const feeds: Feeds = {};
    for (const name of session.inputNames) {
      if (!given[name]) throw new Error(`TrainingSession.evaluate: no feed for the graph input '${name}'; pass it in the batch or in extra`);
      feeds[name] = given[name];
    }
    const out = await session.run(feeds, ['loss', ...this.metricOutputs]);
    return { loss: Number(out.loss.data[0]), metrics: this.metricsOf([out]) };
  }

  /** Whether the forward-only session evaluate runs is open (from an evaluate until endEvaluation() or release()). */
  get evaluating(): boolean {
    return this.evaluator !== null;
  }

  /** Close the session evaluate opened, and free its memory arena (a measurement's end; the next evaluate reopens it). */
  async endEvaluation(): Promise<void> {
    const evaluator = this.evaluator;
    this.evaluator = null;
    if (evaluator) await evaluator.then((e) => e.session.release(), () => undefined); // one that failed to open holds nothing
  }

  private async openEvaluator(): Promise<{ session: Session; fed: Feeds }> {
    this.evaluationModel ??= this.buildEvaluationModel();
    const { bytes, fed } = this.evaluationModel;
    return { session: await createSession(bytes, this.sessionOpts), fed };
  }

  private buildEvaluationModel(): { bytes: Uint8Array; fed: Feeds } {
    const { graph, fed } = buildEvaluationGraph(this.graphs);
    // the frozen weights' own arrays, wrapped: onnxruntime reads a CPU input where it lies, so nothing is copied
    const tensors: Feeds = Object.fromEntries([...fed].map(([name, init]) => [name, new ort.Tensor(init.dtype as 'float32', init.data as Float32Array, init.dims)]));
    return { bytes: toModelBytes(graph), fed: tensors };
  }

  /** Names of the scalars the graph reports beside the loss. */
  get metricNames(): string[] {
    return Object.keys(this.graphs.spec.metrics ?? {});
  }

  private get metricOutputs(): string[] {
    return this.metricNames.map(metricOutput);
  }

  /** Each reported scalar averaged over the micro-batches' outputs. */
  private metricsOf(outs: readonly Feeds[]): Record<string, number> {
    return Object.fromEntries(this.metricNames.map((m) => [m, outs.reduce((s, o) => s + Number(o[metricOutput(m)].data[0]), 0) / outs.length]));
  }

  /** Copies of the trainable tensors, by parameter name. */
  weights(): Map<string, HostTensor> {
    return new Map(this.params.map((p) => [p, hostCopy(p, this.cur[p])]));
  }

  /** Copies of the optimiser state (exp_avg and exp_avg_sq per parameter for AdamW). */
  optimizerState(): Map<string, HostTensor> {
    return new Map(this.graphs.slots.flatMap((s) => s.state.map((n) => [n, hostCopy(n, this.cur[n])] as const)));
  }

  /**
   * Continue from a checkpoint: weights, optimiser state and the number of steps already taken. `weights` null: the
   * session was created from the checkpoint's weights already (read once, not twice).
   */
  restore(weights: ReadonlyMap<string, HostTensor> | null, state: ReadonlyMap<string, HostTensor>, steps: number): void {
    for (const s of this.graphs.slots) {
      for (const name of [s.param, ...s.state]) {
        if (name === s.param && weights === null) continue;
        const t = (name === s.param ? weights! : state).get(name);
        const want = this.cur[name].dims;
        if (!t) throw new Error(`checkpoint lacks '${name}'; it was written for another model or method`);
        if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
          throw new Error(`checkpoint tensor '${name}' has shape ${JSON.stringify(t.shape)}, the model needs ${JSON.stringify(want)}`);
        }
        // the checkpoint's buffer becomes the live tensor (updated in place from now on), and the idle set, when
        // double-buffering, is written over at the next step anyway
        this.cur[name] = new ort.Tensor('float32', t.data, t.shape);
      }
    }
    this.stepCount = steps;
  }

  private stateOnly(): Feeds {
    return Object.fromEntries(this.graphs.slots.flatMap((s) => s.state.map((n) => [n, this.cur[n]])));
  }

  /** Fetch spec: the tensor itself where updated in place, the idle set when double-buffering, names otherwise. */
  private fetches(extra: string[]): Record<string, ort.Tensor | null> {
    const f: Record<string, ort.Tensor | null> = Object.fromEntries(extra.map((n) => [n, null]));
    for (const s of this.graphs.slots) {
      [s.param, ...s.state].forEach((name, i) => {
        f[i === 0 ? s.newParam : s.newState[i - 1]] = this.inPlace.has(name) ? this.cur[name] : (this.next?.[name] ?? null);
      });
    }
    return f;
  }

  // onnxruntime-node hands back a copy even of an output written into a given tensor, so the tensors ORT wrote
  // into are kept and the copies dropped
  private swap(out: Feeds): void {
    const updated: Feeds = {};
    for (const s of this.graphs.slots) {
      [s.param, ...s.state].forEach((name, i) => {
        const written = this.inPlace.has(name) ? this.cur[name] : this.next?.[name];
        updated[name] = written ?? out[i === 0 ? s.newParam : s.newState[i - 1]];
      });
    }
    if (this.next) this.next = this.cur;
    this.cur = updated;
  }

  async release(): Promise<void> {
    await this.session.release();
    await this.applySession?.release();
    await this.endEvaluation();
    this.evaluationModel = null;
  }
}
