// Optimisers appended as graph nodes. Parameters and optimiser state are graph inputs and outputs, so
// TypeScript owns them between steps; the learning rate and the (1-based) step count are inputs too.
import type { GraphBuilder, Value } from '../onnx/index.ts';

export type OptimizerSpec =
  | { kind: 'sgd'; momentum?: number; weightDecay?: number }
  | { kind: 'adamw'; beta1?: number; beta2?: number; eps?: number; weightDecay?: number };

export interface OptimizerOptions {
  /** Parameters (graph inputs) and their gradients. */
  params: readonly Value[];
  grads: ReadonlyMap<string, Value>;
  optimizer: OptimizerSpec;
  /** Clip the global L2 norm of all gradients to this value. */
  clipNorm?: number;
  /** Multiply gradients by this first (e.g. 1/n for accumulated micro-batches). */
  gradScale?: Value;
}

/** Names of the graph inputs/outputs an optimiser step uses for one parameter. */
export interface ParamSlots { param: string; newParam: string; state: string[]; newState: string[] }

export interface OptimizerGraph {
  lr: Value;
  step: Value;
  slots: ParamSlots[];
  /** The global gradient norm before clipping (a scalar output 'grad_norm'). */
  gradNorm: Value;
}

export const stateNames = (spec: OptimizerSpec, param: string): string[] =>
  spec.kind === 'adamw' ? [`${param}.exp_avg`, `${param}.exp_avg_sq`] : (spec.momentum ?? 0) > 0 ? [`${param}.momentum_buffer`] : [];

/**
 * Append the update of every parameter; adds inputs lr, step (and state) and outputs new.* values.
 * Every per-element pass over a parameter-sized tensor costs a trip through memory (650 MB each at GPT-2 small), so
 * the gradient scale, the clipping factor and Adam's bias corrections are folded into scalars computed once, and each
 * update's last node writes its graph output directly (no Identity copy).
 */
export function appendOptimizer(g: GraphBuilder, opts: OptimizerOptions): OptimizerGraph {
  const dtype = opts.params[0]?.dtype ?? 'float32';
  const k = (v: number): Value => g.scalar(v, dtype);
  const lr = g.input('lr', dtype, []);
  const step = g.input('step', dtype, []);
  const scalarScale = !opts.gradScale || (opts.gradScale.shape !== null && opts.gradScale.shape.every((d) => d === 1));
  const grads = opts.params.map((p) => {
    const grad = opts.grads.get(p.name);
    if (!grad) throw new Error(`appendOptimizer: no gradient for parameter '${p.name}'`);
    return opts.gradScale && !scalarScale ? g.op('Mul', [grad, opts.gradScale]) : grad;
  });
  const squares = grads.map((gr) => g.op('ReduceSumSquare', [gr], { keepdims: 0 }));
  let norm = g.op('Sqrt', [squares.length > 1 ? g.op('Sum', squares) : squares[0]]);
  // a scalar gradient scale s: ‖s·g‖ = s·‖g‖ (s > 0), and s multiplies the update's coefficients instead of g
  let factor: Value | null = null;
  if (opts.gradScale && scalarScale) {
    const s = g.op('Reshape', [opts.gradScale, g.ints([])]);
    norm = g.op('Mul', [norm, s]);
    factor = s;
  }
  const gradNorm = g.output(norm, 'grad_norm');
  if (opts.clipNorm !== undefined) {
    // scale = min(1, clip / (‖g‖ + 1e-6)), as torch.nn.utils.clip_grad_norm_
    const clip = g.op('Min', [k(1), g.op('Div', [k(opts.clipNorm), g.op('Add', [gradNorm, k(1e-6)])])]);
    factor = factor ? g.op('Mul', [factor, clip]) : clip;
  }
  const spec = opts.optimizer;
  const shared = spec.kind === 'adamw' ? adamwScalars(g, spec, lr, step, factor, k) : null;
  const slots = opts.params.map((p, i) => {
    const state = stateNames(spec, p.name).map((n) => g.input(n, p.dtype, p.shape ?? []));
    const slot: ParamSlots = {
      param: p.name, newParam: `new.${p.name}`, state: state.map((s) => s.name), newState: state.map((s) => `new.${s.name}`),
    };
    const out = (name: string) => ({ outputs: [name] });
    const [newP, newState] = shared ? adamw(g, shared, p, grads[i], state, slot, out) : sgd(g, spec as SgdSpec, p, grads[i], state, lr, factor, slot, k);
    g.output(newP);
    newState.forEach((v) => g.output(v));
    return slot;
  });
  return { lr, step, slots, gradNorm };
}

type K = (v: number) => Value;
type SgdSpec = Extract<OptimizerSpec, { kind: 'sgd' }>;
interface AdamScalars { b1: Value; b2: Value; c1: Value; c2: Value; epsHat: Value; decay: Value | null; stepSize: Value }

// PyTorch's AdamW: p ← p·(1 − lr·wd) − lr · m̂ / (√v̂ + ε), m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t), over f·g (f: the
// gradient scale and clipping factor). Rewritten so every per-element coefficient is a scalar computed once:
//   m ← β1·m + (f(1−β1))·g,  v ← β2·v + (f²(1−β2))·g²,  p ← p·(1 − lr·wd) − (lr·√bc2/bc1) · m / (√v + ε·√bc2)
function adamwScalars(g: GraphBuilder, s: Extract<OptimizerSpec, { kind: 'adamw' }>, lr: Value, t: Value, f: Value | null, k: K): AdamScalars {
  const [b1, b2, eps, wd] = [s.beta1 ?? 0.9, s.beta2 ?? 0.999, s.eps ?? 1e-8, s.weightDecay ?? 0.01];
  const scaled = (c: number, by: Value | null): Value => (by ? g.op('Mul', [by, k(c)]) : k(c));
  const sqrtBc2 = g.op('Sqrt', [g.op('Sub', [k(1), g.op('Pow', [k(b2), t])])]);
  const bc1 = g.op('Sub', [k(1), g.op('Pow', [k(b1), t])]);
  return {
    b1: k(b1),
    b2: k(b2),
    c1: scaled(1 - b1, f),
    c2: scaled(1 - b2, f ? g.op('Mul', [f, f]) : null),
    epsHat: g.op('Mul', [sqrtBc2, k(eps)]),
    decay: wd ? g.op('Sub', [k(1), g.op('Mul', [lr, k(wd)])]) : null,
    stepSize: g.op('Div', [g.op('Mul', [lr, sqrtBc2]), bc1]),
  };
}

type Out = (name: string) => { outputs: string[] };

function adamw(g: GraphBuilder, a: AdamScalars, p: Value, grad: Value, [m, v]: Value[], slot: ParamSlots, out: Out): [Value, Value[]] {
  const m1 = g.op('Add', [g.op('Mul', [m, a.b1]), g.op('Mul', [grad, a.c1])], {}, out(slot.newState[0]));
  const v1 = g.op('Add', [g.op('Mul', [v, a.b2]), g.op('Mul', [g.op('Mul', [grad, a.c2]), grad])], {}, out(slot.newState[1]));
  const update = g.op('Mul', [g.op('Div', [m1, g.op('Add', [g.op('Sqrt', [v1]), a.epsHat])]), a.stepSize]);
  const p1 = g.op('Sub', [a.decay ? g.op('Mul', [p, a.decay]) : p, update], {}, out(slot.newParam));
  return [p1, [m1, v1]];
}

// PyTorch's SGD: g ← f·g + wd·p; b ← μ·b + g; p ← p − lr·b
function sgd(g: GraphBuilder, s: SgdSpec, p: Value, grad: Value, state: Value[], lr: Value, f: Value | null, slot: ParamSlots, k: K): [Value, Value[]] {
  const wd = s.weightDecay ?? 0;
  const gf = f ? g.op('Mul', [grad, f]) : grad;
  const g1 = wd ? g.op('Add', [gf, g.op('Mul', [p, k(wd)])]) : gf;
  const update = state.length ? g.op('Add', [g.op('Mul', [state[0], k(s.momentum ?? 0)]), g1], {}, { outputs: [slot.newState[0]] }) : g1;
  return [g.op('Sub', [p, g.op('Mul', [lr, update])], {}, { outputs: [slot.newParam] }), state.length ? [update] : []];
}
