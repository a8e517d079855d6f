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

/** Append the update of every parameter; adds inputs lr, step (and state) and outputs new.* values. */
export function appendOptimizer(g: GraphBuilder, opts: OptimizerOptions): OptimizerGraph {
  const dtype = opts.params[0]?.dtype ?? 'float32';
  const k = (v: number): Value => g.scalar(v, dtype);
  const lr = g.input('lr', dtype, []);
  const step = g.input('step', dtype, []);
  let grads = opts.params.map((p) => {
    const grad = opts.grads.get(p.name);
    if (!grad) throw new Error(`appendOptimizer: no gradient for parameter '${p.name}'`);
    return opts.gradScale ? g.op('Mul', [grad, opts.gradScale]) : grad;
  });
  const squares = grads.map((gr) => g.op('ReduceSumSquare', [gr], { keepdims: 0 }));
  const gradNorm = g.output(g.op('Sqrt', [squares.length > 1 ? g.op('Sum', squares) : squares[0]]), 'grad_norm');
  if (opts.clipNorm !== undefined) {
    // scale = min(1, clip / (‖g‖ + 1e-6)), as torch.nn.utils.clip_grad_norm_
    const scale = g.op('Min', [k(1), g.op('Div', [k(opts.clipNorm), g.op('Add', [gradNorm, k(1e-6)])])]);
    grads = grads.map((gr) => g.op('Mul', [gr, scale]));
  }
  const spec = opts.optimizer;
  const slots = opts.params.map((p, i) => {
    const state = stateNames(spec, p.name).map((n) => g.input(n, p.dtype, p.shape ?? []));
    const [newP, newState] = spec.kind === 'adamw' ? adamw(g, spec, p, grads[i], state, lr, step, k) : sgd(g, spec, p, grads[i], state, lr, k);
    const slot: ParamSlots = {
      param: p.name, newParam: `new.${p.name}`, state: state.map((s) => s.name), newState: state.map((s) => `new.${s.name}`),
    };
    g.output(newP, slot.newParam);
    newState.forEach((s, j) => g.output(s, slot.newState[j]));
    return slot;
  });
  return { lr, step, slots, gradNorm };
}

type K = (v: number) => Value;

// PyTorch's AdamW: p ← p·(1 − lr·wd) − lr · m̂ / (√v̂ + ε), m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t)
function adamw(g: GraphBuilder, s: Extract<OptimizerSpec, { kind: 'adamw' }>, p: Value, grad: Value, [m, v]: Value[], lr: Value, t: Value, k: K): [Value, Value[]] {
  const [b1, b2, eps, wd] = [s.beta1 ?? 0.9, s.beta2 ?? 0.999, s.eps ?? 1e-8, s.weightDecay ?? 0.01];
  const m1 = g.op('Add', [g.op('Mul', [m, k(b1)]), g.op('Mul', [grad, k(1 - b1)])]);
  const v1 = g.op('Add', [g.op('Mul', [v, k(b2)]), g.op('Mul', [g.op('Mul', [grad, grad]), k(1 - b2)])]);
  const bc1 = g.op('Sub', [k(1), g.op('Pow', [k(b1), t])]);
  const bc2 = g.op('Sub', [k(1), g.op('Pow', [k(b2), t])]);
  const denom = g.op('Add', [g.op('Div', [g.op('Sqrt', [v1]), g.op('Sqrt', [bc2])]), k(eps)]);
  const stepSize = g.op('Div', [lr, bc1]);
  const decayed = wd ? g.op('Mul', [p, g.op('Sub', [k(1), g.op('Mul', [lr, k(wd)])])]) : p;
  const p1 = g.op('Sub', [decayed, g.op('Mul', [stepSize, g.op('Div', [m1, denom])])]);
  return [p1, [m1, v1]];
}

// PyTorch's SGD: g ← g + wd·p; b ← μ·b + g; p ← p − lr·b
function sgd(g: GraphBuilder, s: Extract<OptimizerSpec, { kind: 'sgd' }>, p: Value, grad: Value, state: Value[], lr: Value, k: K): [Value, Value[]] {
  const wd = s.weightDecay ?? 0;
  const g1 = wd ? g.op('Add', [grad, g.op('Mul', [p, k(wd)])]) : grad;
  const update = state.length ? g.op('Add', [g.op('Mul', [state[0], k(s.momentum ?? 0)]), g1]) : g1;
  return [g.op('Sub', [p, g.op('Mul', [lr, update])]), state.length ? [update] : []];
}
