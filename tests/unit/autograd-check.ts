// Finite-difference gradient checking for autograd tests: the loss is Σ y ⊙ R (R random, fixed, summed in float64),
// the analytic gradient comes from the appended backward graph, and the numeric one from central differences.
//
// float64: 2 random directions per input (each checks every element of the gradient at once, weighted randomly).
//
// float32 (for ops ORT runs only in float32, Erf and the exact Gelu, and for rules that only exist in float32,
// LayerNorm's saved statistics): a plain central difference in float32 is dominated by rounding (loss noise u·|L| / h
// with u = 6e-8, against a truncation error h²), which forced a 2e-2 tolerance that a wrong constant in a rule passes.
// Instead:
// - the loss is summed in float64, so its only noise is each y's own float32 rounding (≈ u·|y_i|);
// - the step actually taken is measured (x ± h·v rounded to float32, minus x), and the analytic side is the
//   gradient dotted with that exact step, so rounding the perturbed input costs nothing;
// - Richardson extrapolation (4·D(h) − D(2h)) / 3 cancels the h² term, so a large step (h = 2⁻⁶) can keep the
//   noise/h small while the truncation error is O(h⁴) ≈ 1e-7;
// - every element is checked on its own (unit directions; random ones above 64 elements), and the error is judged
//   against tol·Σ|g_i·v_i| (the scale float32 rounding of the gradient itself works at, immune to cancellation)
//   plus the loss's rounding noise after the difference, 4·u·‖R ⊙ y‖₂ / h (the statistical size of n roundings).
// The result: float32 rules are checked to 1e-4 relative instead of 2e-2.
import { expect } from 'vitest';
import { GraphBuilder, createSession, ort } from '../../native/onnx/index.ts';
import type { DType, Session, TensorAttr, Value } from '../../native/onnx/index.ts';
import { appendBackward } from '../../native/autograd/index.ts';

export interface CheckInput {
  name: string;
  shape: number[];
  dtype?: DType;
  /** Values for non-differentiable inputs (indices, labels) or fixed data. */
  data?: Float64Array | Float32Array | BigInt64Array | Uint8Array;
  /** Draw from [lo, hi) (default [-1, 1)). */
  range?: [number, number];
  /** Differentiate with respect to this input (default: float inputs). */
  grad?: boolean;
}

export interface CheckCase {
  inputs: CheckInput[];
  build: (g: GraphBuilder, ins: Value[]) => Value;
  dtype?: 'float64' | 'float32';
  /** Relative tolerance (default 1e-6 for float64, 1e-4 for float32: see the top of this file). */
  tol?: number;
  eps?: number;
}

let seed = 12345;
/** Deterministic uniform random numbers so failures reproduce. */
export function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

type Feed = Record<string, ort.Tensor>;

function makeFeeds(c: CheckCase): Feed {
  const feeds: Feed = {};
  for (const inp of c.inputs) {
    const dtype = inp.dtype ?? c.dtype ?? 'float64';
    const n = inp.shape.reduce((a, b) => a * b, 1);
    const [lo, hi] = inp.range ?? [-1, 1];
    const data = inp.data ?? (dtype === 'float32' ? Float32Array.from({ length: n }, () => lo + (hi - lo) * rand()) : Float64Array.from({ length: n }, () => lo + (hi - lo) * rand()));
    feeds[inp.name] = new ort.Tensor(dtype === 'bool' ? 'bool' : (dtype as 'float32'), data as Float32Array, inp.shape);
  }
  return feeds;
}

function build(c: CheckCase, weights: Float64Array | null, yDims: readonly number[]): { g: GraphBuilder; y: Value; loss: Value | null; wrt: Value[] } {
  const g = new GraphBuilder({ name: 'gradcheck' });
  const dtype = c.dtype ?? 'float64';
  const ins = c.inputs.map((i) => g.input(i.name, i.dtype ?? dtype, i.shape));
  const y = c.build(g, ins);
  if (!weights) return { g, y, loss: null, wrt: [] };
  const r = g.constant(weights, yDims, 'float64');
  const yc = y.dtype === 'float64' ? y : g.op('Cast', [y], { to: 11 });
  const loss = g.op('ReduceSum', [g.op('Mul', [yc, r])], { keepdims: 0 });
  const wrt = ins.filter((v, i) => c.inputs[i].grad ?? (v.dtype === 'float32' || v.dtype === 'float64'));
  return { g, y, loss, wrt };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Check the gradients of `c` against central differences (see the top of this file for the float32 method). */
export async function gradCheck(c: CheckCase): Promise<void> {
  const dtype = c.dtype ?? 'float64';
  const feeds = makeFeeds(c);
  const probe = build(c, null, []);
  probe.g.output(probe.y, 'y');
  const ps = await createSession(probe.g, { intraOpNumThreads: 1 });
  const probed = (await ps.run(feeds)).y;
  await ps.release();
  const n = probed.dims.reduce((a, b) => a * b, 1);
  const weights = Float64Array.from({ length: n }, () => rand() * 2 - 1);
  const { g, loss, wrt } = build(c, weights, probed.dims);
  const grads = appendBackward(g, loss!, wrt);
  g.output(loss!, 'loss');
  for (const w of wrt) g.output(grads.get(w.name)!, `grad_${w.name}`);
  const s = await createSession(g, { intraOpNumThreads: 1 });
  const base = await s.run(feeds);
  if (dtype === 'float32') {
    const y = probed.data as Float32Array;
    const noise = 4 * 2 ** -24 * Math.sqrt(dot(Float64Array.from(y, (v, i) => v * weights[i]), Float64Array.from(y, (v, i) => v * weights[i])));
    await checkFloat32(c, s, feeds, base, wrt, noise);
    await s.release();
    return;
  }
  const eps = c.eps ?? 1e-6;
  const tol = c.tol ?? 1e-6;
  for (const w of wrt) {
    const analytic = base[`grad_${w.name}`].data as Float64Array;
    const x = feeds[w.name].data as Float64Array;
    expect(analytic.length, `gradient of ${w.name} has the operand's size`).toBe(x.length);
    for (let k = 0; k < 2; k++) {
      const v = Float64Array.from(x, () => rand() * 2 - 1);
      const shifted = async (sign: number): Promise<number> => {
        const moved = Float64Array.from(x, (xi, i) => xi + sign * eps * v[i]);
        const out = await s.run({ ...feeds, [w.name]: new ort.Tensor(dtype, moved, feeds[w.name].dims) }, ['loss']);
        return Number((out.loss.data as Float64Array)[0]);
      };
      const numeric = ((await shifted(1)) - (await shifted(-1))) / (2 * eps);
      const exact = dot(analytic, v);
      const err = Math.abs(numeric - exact) / Math.max(Math.abs(numeric) + Math.abs(exact), 1e-6);
      expect(err, `d loss/d ${w.name}·v: numeric ${numeric} vs analytic ${exact}`).toBeLessThan(tol);
    }
  }
  await s.release();
}

/** A loss evaluation at x + t·h·v (rounded to float32) and the step actually taken. */
type Float32Probe = (t: number) => Promise<{ loss: number; step: Float32Array }>;

/**
 * The float32 check of every gradient (method at the top of this file): for each direction v, the Richardson-
 * extrapolated central difference against the gradient dotted with the steps really taken.
 */
async function checkFloat32(c: CheckCase, s: Session, feeds: Feed, base: Feed, wrt: Value[], noise: number): Promise<void> {
  const h = c.eps ?? 2 ** -6;
  const tol = c.tol ?? 1e-4;
  for (const w of wrt) {
    const grad = base[`grad_${w.name}`].data as Float32Array;
    const x = feeds[w.name].data as Float32Array;
    expect(grad.length, `gradient of ${w.name} has the operand's size`).toBe(x.length);
    const directions = x.length <= 64 ? x.length : 8;
    for (let k = 0; k < directions; k++) {
      const v = x.length <= 64 ? Float64Array.from(x, (_, i) => (i === k ? 1 : 0)) : Float64Array.from(x, () => rand() * 2 - 1);
      const at: Float32Probe = async (t) => {
        const moved = Float32Array.from(x, (xi, i) => xi + t * h * v[i]);
        const out = await s.run({ ...feeds, [w.name]: new ort.Tensor('float32', moved, feeds[w.name].dims) }, ['loss']);
        return { loss: Number((out.loss.data as Float64Array)[0]), step: moved };
      };
      // the difference of the losses at ±t·h, and the gradient dotted with the difference of the inputs
      const difference = async (t: number): Promise<[number, number]> => {
        const [plus, minus] = [await at(t), await at(-t)];
        return [plus.loss - minus.loss, dot(grad, Float64Array.from(plus.step, (p, i) => p - minus.step[i]))];
      };
      const [[dl1, da1], [dl2, da2]] = [await difference(1), await difference(2)];
      const numeric = (8 * dl1 - dl2) / (12 * h);
      const exact = (8 * da1 - da2) / (12 * h);
      const scale = dot(Float64Array.from(grad, Math.abs), Float64Array.from(v, Math.abs));
      const bound = tol * scale + noise / h;
      const where = x.length <= 64 ? `[${k}]` : `·v${k}`;
      expect(Math.abs(numeric - exact), `d loss/d ${w.name}${where}: numeric ${numeric} vs analytic ${exact}`).toBeLessThanOrEqual(bound);
    }
  }
}

/**
 * The same graph in float64: every float32 input, weight, constant, Cast target and output type widened, node for
 * node, so a product graph built in float32 can be finite-difference checked to float64 precision. Its gradient rules
 * then run in float64 too (LayerNormalization recomputes its statistics there: the float32 graph checks that path).
 */
export function widenToFloat64(g: GraphBuilder): GraphBuilder {
  const w = new GraphBuilder({ name: `${g.name}_f64`, opset: g.opset, domains: g.domains });
  const wide = (d: DType): DType => (d === 'float32' ? 'float64' : d);
  for (const v of g.inputs) w.input(v.name, wide(v.dtype), v.shape ?? []);
  for (const i of g.initializers.values()) w.initializer(i.name, i.dtype === 'float32' ? Float64Array.from(i.data as Float32Array) : i.data, i.dims, wide(i.dtype));
  for (const n of g.nodes) {
    const attrs = { ...n.attrs };
    if (n.opType === 'Cast' && attrs.to === 1) attrs.to = 11;
    const value = attrs.value as TensorAttr | undefined;
    if (value?.dtype === 'float32') attrs.value = { ...value, tensor: Float64Array.from(value.tensor as Float32Array), dtype: 'float64' };
    const types = n.outputs.map((o) => ({ dtype: wide(g.value(o).dtype), shape: g.value(o).shape }));
    w.opN(n.opType, n.inputs.map((i) => (i ? w.value(i) : null)), n.outputs.length, attrs, { name: n.name, outputs: n.outputs, domain: n.domain, types });
  }
  for (const o of g.outputs) w.output(w.value(o.name));
  return w;
}
