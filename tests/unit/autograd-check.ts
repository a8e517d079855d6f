// Finite-difference gradient checking for autograd tests: the loss is Σ y ⊙ R (R random, fixed), the analytic
// gradient comes from the appended backward graph, and the numeric one from central differences along random
// directions (each direction checks every element of the gradient at once, weighted randomly).
import { expect } from 'vitest';
import { GraphBuilder, createSession, ort } from '../../native/onnx/index.ts';
import type { DType, Value } from '../../native/onnx/index.ts';
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
  /** Relative tolerance (default 1e-6 for float64, 2e-2 for float32). */
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
  const r = g.constant(dtype === 'float32' ? Float32Array.from(weights) : weights, yDims, dtype);
  const yc = y.dtype === dtype ? y : g.op('Cast', [y], { to: dtype === 'float32' ? 1 : 11 });
  const loss = g.op('ReduceSum', [g.op('Mul', [yc, r])], { keepdims: 0 });
  const wrt = ins.filter((v, i) => c.inputs[i].grad ?? (v.dtype === 'float32' || v.dtype === 'float64'));
  return { g, y, loss, wrt };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Check the gradients of `c` against central differences along 2 random directions per input. */
export async function gradCheck(c: CheckCase): Promise<void> {
  const dtype = c.dtype ?? 'float64';
  const feeds = makeFeeds(c);
  const probe = build(c, null, []);
  probe.g.output(probe.y, 'y');
  const ps = await createSession(probe.g, { intraOpNumThreads: 1 });
  const yDims = (await ps.run(feeds)).y.dims;
  await ps.release();
  const n = yDims.reduce((a, b) => a * b, 1);
  const { g, loss, wrt } = build(c, Float64Array.from({ length: n }, () => rand() * 2 - 1), yDims);
  const grads = appendBackward(g, loss!, wrt);
  g.output(loss!, 'loss');
  for (const w of wrt) g.output(grads.get(w.name)!, `grad_${w.name}`);
  const s = await createSession(g, { intraOpNumThreads: 1 });
  const base = await s.run(feeds);
  const eps = c.eps ?? (dtype === 'float64' ? 1e-6 : 1e-2);
  const tol = c.tol ?? (dtype === 'float64' ? 1e-6 : 2e-2);
  for (const w of wrt) {
    const analytic = base[`grad_${w.name}`].data as Float64Array;
    const x = feeds[w.name].data as Float64Array;
    expect(analytic.length, `gradient of ${w.name} has the operand's size`).toBe(x.length);
    for (let k = 0; k < 2; k++) {
      const v = Float64Array.from(x, () => rand() * 2 - 1);
      const shifted = async (sign: number): Promise<number> => {
        const moved = dtype === 'float32' ? Float32Array.from(x, (xi, i) => xi + sign * eps * v[i]) : Float64Array.from(x, (xi, i) => xi + sign * eps * v[i]);
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
