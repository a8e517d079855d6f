// Training-step graphs (forward + backward + optimiser in one ONNX graph, or a gradient graph with
// accumulators plus an apply graph for micro-batching) and the session that runs them. Trainable weights and
// optimiser state live in ORT tensors that TypeScript feeds back step after step; frozen weights stay inside.
import type { GraphBuilder, Node, SessionOptions, TensorData, Value } from '../onnx/index.ts';
import { GraphBuilder as Builder, createSession, ort } from '../onnx/index.ts';
import type { Session } from '../onnx/index.ts';
import { appendBackward } from './backward.ts';
import { type OptimizerSpec, type ParamSlots, appendOptimizer } from './optim.ts';

export interface TrainingStepSpec {
  loss: Value;
  /** Trainable weights by name: initializers (they become inputs) or inputs. Other weights stay frozen. */
  trainable: readonly string[];
  optimizer: OptimizerSpec;
  clipNorm?: number;
  /** Micro-batches per optimiser step; above 1 a gradient graph with accumulators and an apply graph are built. */
  microBatches?: number;
}

export interface TrainingStepGraphs {
  /** One graph (forward, backward, update) or, with micro-batches, the gradient-accumulation graph. */
  step: GraphBuilder;
  /** With micro-batches: the graph that applies the accumulated gradients. */
  apply?: GraphBuilder;
  slots: ParamSlots[];
  /** Initial values of the trainable weights (taken from the initializers they were). */
  initial: Map<string, { data: TensorData; dims: readonly number[] }>;
  spec: TrainingStepSpec;
  /**
   * Parameters and state tensors whose update may be written over the tensor fed in (every node that reads it runs
   * before the node that writes the update, by data dependence), so no second copy is needed. Absent: none.
   */
  inPlace?: ReadonlySet<string>;
}

/** Ops whose output ORT may alias to their input's buffer: a reader of such a view reads the input. */
const VIEW_OPS = new Set(['Identity', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Dropout']);

/** The slot tensors whose updated value (output `new.<name>`) can safely be written into the input's own buffer. */
function inPlaceNames(g: GraphBuilder, slots: readonly ParamSlots[]): Set<string> {
  const readers = new Map<string, Node[]>();
  for (const n of g.nodes) for (const i of n.inputs) if (i) readers.set(i, [...(readers.get(i) ?? []), n]);
  const outputs = new Set(g.outputs.map((o) => o.name));
  const safe = new Set<string>();
  for (const [input, output] of slots.flatMap((s) => [[s.param, s.newParam], ...s.state.map((n, i) => [n, s.newState[i]])])) {
    const writer = g.producer(output);
    if (!writer || VIEW_OPS.has(writer.opType)) continue;
    const before = new Set(g.nodesFor([output]));
    const views = [input];
    let ok = true;
    for (let i = 0; i < views.length && ok; i++) {
      if (i > 0 && outputs.has(views[i])) ok = false;
      for (const n of readers.get(views[i]) ?? []) {
        if (!before.has(n)) ok = false;
        else if (VIEW_OPS.has(n.opType)) views.push(...n.outputs);
      }
    }
    if (ok) safe.add(input);
  }
  return safe;
}

/** Turn a forward graph with a scalar loss into training-step graph(s). Mutates and returns `g` as `step`. */
export function buildTrainingStep(g: GraphBuilder, spec: TrainingStepSpec): TrainingStepGraphs {
  const initial = new Map<string, { data: TensorData; dims: readonly number[] }>();
  const params = spec.trainable.map((name) => {
    if (g.initializers.has(name)) {
      const init = g.promoteToInput(name);
      initial.set(name, { data: init.data, dims: init.dims });
    } else if (!g.inputs.some((v) => v.name === name)) {
      throw new Error(`buildTrainingStep: '${name}' is neither an initializer nor an input of graph '${g.name}'`);
    }
    return g.value(name);
  });
  const grads = appendBackward(g, spec.loss, params);
  g.output(spec.loss, 'loss');
  if ((spec.microBatches ?? 1) <= 1) {
    const { slots } = appendOptimizer(g, { params, grads, optimizer: spec.optimizer, clipNorm: spec.clipNorm });
    return { step: g, slots, initial, spec, inPlace: inPlaceNames(g, slots) };
  }
  for (const p of params) {
    const acc = g.input(`acc.${p.name}`, p.dtype, p.shape ?? []);
    g.output(g.op('Add', [acc, grads.get(p.name)!]), `new.acc.${p.name}`);
  }
  const apply = new Builder({ name: `${g.name}_apply`, opset: g.opset });
  const applyParams = params.map((p) => apply.input(p.name, p.dtype, p.shape ?? []));
  const applyGrads = new Map(params.map((p) => [p.name, apply.input(`acc.${p.name}`, p.dtype, p.shape ?? [])]));
  const gradScale = apply.input('grad_scale', params[0].dtype, []);
  const { slots } = appendOptimizer(apply, { params: applyParams, grads: applyGrads, optimizer: spec.optimizer, clipNorm: spec.clipNorm, gradScale });
  return { step: g, apply, slots, initial, spec, inPlace: inPlaceNames(apply, slots) };
}

type Tensors = Record<string, ort.Tensor>;

function zerosLike(t: ort.Tensor): ort.Tensor {
  if (t.type === 'float64') return new ort.Tensor('float64', new Float64Array(t.size), t.dims);
  if (t.type === 'float32') return new ort.Tensor('float32', new Float32Array(t.size), t.dims);
  throw new Error(`TrainingSession: trainable tensors must be float32 or float64, got ${t.type}`);
}

/**
 * Runs training steps. Parameters and optimiser state stay in ORT tensors fed back step after step. By default
 * (`inPlace`, on unless turned off) ORT writes each update over the tensor it read, wherever the graph makes that safe
 * (`TrainingStepGraphs.inPlace`): one set of parameters and state in memory, no per-step allocation. With
 * `preallocate`, two sets are kept and ORT writes into the idle one. Otherwise each step's outputs are fresh tensors.
 * A tensor from `tensor()` is live: it changes with the next step, so copy it to keep it.
 */
export class TrainingSession {
  private cur: Tensors;
  private next: Tensors | null;
  /** Accumulators for micro-batches: a zero set (read by the first micro-batch, never written) and two buffers. */
  private acc: [Tensors, Tensors, Tensors] | null = null;
  private stepCount = 0;
  private readonly inPlace: ReadonlySet<string>;

  private constructor(
    private readonly graphs: TrainingStepGraphs,
    private readonly session: Session,
    private readonly applySession: Session | null,
    state: Tensors,
    preallocate: boolean,
    inPlace: boolean,
  ) {
    this.cur = state;
    this.next = preallocate ? Object.fromEntries(Object.entries(state).map(([k, t]) => [k, zerosLike(t)])) : null;
    this.inPlace = inPlace && !preallocate ? (graphs.inPlace ?? new Set()) : new Set();
    if (applySession) {
      const acc = (): Tensors => Object.fromEntries(graphs.slots.map((s) => [`acc.${s.param}`, zerosLike(state[s.param])]));
      this.acc = [acc(), acc(), acc()];
    }
  }

  static async create(graphs: TrainingStepGraphs, opts: SessionOptions & { preallocate?: boolean; inPlace?: boolean } = {}): Promise<TrainingSession> {
    // ORT's memory pattern plans one block for the whole step on top of what the first run allocated: +1.7 GB peak at
    // GPT-2 small for no measurable speed-up (docs/benchmarks.md), so it is off unless asked for
    const sessionOpts = { ...opts, enableMemPattern: opts.enableMemPattern ?? false };
    const session = await createSession(graphs.step, sessionOpts);
    const applySession = graphs.apply ? await createSession(graphs.apply, sessionOpts) : null;
    const state: Tensors = {};
    for (const s of graphs.slots) {
      const init = graphs.initial.get(s.param);
      if (!init) throw new Error(`TrainingSession: no initial value for '${s.param}'; set it with setParam before training`);
      // a copy: the session writes its tensors in place, and `graphs.initial` stays the initial values
      const t = new ort.Tensor((init.data as Float32Array).slice(), init.dims);
      state[s.param] = t;
      for (const name of s.state) state[name] = zerosLike(t);
    }
    return new TrainingSession(graphs, session, applySession, state, opts.preallocate ?? false, opts.inPlace ?? true);
  }

  get backend(): string { return this.session.backend; }
  get steps(): number { return this.stepCount; }

  /** Current value of a parameter or state tensor (a live ORT tensor: copy it if you keep it across steps). */
  tensor(name: string): ort.Tensor {
    const t = this.cur[name];
    if (!t) throw new Error(`TrainingSession: no parameter or state named '${name}'`);
    return t;
  }

  /** One optimiser step over one batch, or over several micro-batches whose gradients are averaged. */
  async step(batches: Tensors | Tensors[], lr: number): Promise<{ loss: number; gradNorm: number }> {
    const list = Array.isArray(batches) ? batches : [batches];
    this.stepCount++;
    const dtype = this.cur[this.graphs.slots[0].param].type as 'float32';
    const scalar = (v: number): ort.Tensor => new ort.Tensor(dtype, dtype === 'float32' ? Float32Array.of(v) : Float64Array.of(v), []);
    const hyper = { lr: scalar(lr), step: scalar(this.stepCount) };
    const params = Object.fromEntries(this.graphs.slots.map((s) => [s.param, this.cur[s.param]]));
    if (!this.applySession) {
      if (list.length !== 1) throw new Error('TrainingSession: this step graph takes one batch; build it with microBatches for more');
      const out = await this.session.run({ ...list[0], ...this.cur, ...hyper }, this.fetches(['loss', 'grad_norm']));
      this.swap(out);
      return { loss: Number(out.loss.data[0]), gradNorm: Number(out.grad_norm.data[0]) };
    }
    const [zeros, a, b] = this.acc!;
    let [src, dst] = [zeros, a];
    let loss = 0;
    for (const batch of list) {
      const fetch = Object.fromEntries([['loss', null], ...Object.keys(src).map((k) => [`new.${k}`, dst[k]])]);
      const out = await this.session.run({ ...batch, ...params, ...src }, fetch);
      loss += Number(out.loss.data[0]) / list.length;
      [src, dst] = [dst, src === zeros ? b : src];
    }
    const out = await this.applySession.run({ ...params, ...src, ...this.stateOnly(), ...hyper, grad_scale: scalar(1 / list.length) }, this.fetches(['grad_norm']));
    this.swap(out);
    return { loss, gradNorm: Number(out.grad_norm.data[0]) };
  }

  private stateOnly(): Tensors {
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
  private swap(out: Tensors): void {
    const updated: Tensors = {};
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
  }
}
