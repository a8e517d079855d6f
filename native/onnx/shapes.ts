// Build-time dtype and shape inference, one rule per op. A rule throws a plain message naming the operand;
// the builder prefixes it with the op and node name. Ops without a rule get unknown shapes (never an error).
import type { DType } from './dtypes.ts';
import { dtypeFromCode } from './dtypes.ts';
import type { Attrs, Dim, GraphBuilder, Shape, Value } from './graph.ts';

export interface OutType { dtype: DType; shape: Shape | null }
type In = Value | null;
type Rule = (g: GraphBuilder, ins: In[], attrs: Attrs, count: number) => OutType[];

const OPERAND = ['A', 'B', 'C', 'D', 'E'];
const label = (i: number, v: Value): string => `operand ${OPERAND[i] ?? i} '${v.name}'`;

/** Symbolic products: 'B*T' ↔ {coef: 1, syms: ['B','T']}. Enough for Reshape with -1 and 0. */
interface Mono { coef: number; syms: string[] }
function toMono(d: Dim): Mono | null {
  if (typeof d === 'number') return { coef: d, syms: [] };
  if (d === '?') return null;
  const m: Mono = { coef: 1, syms: [] };
  for (const p of d.split('*')) if (/^\d+$/.test(p)) m.coef *= Number(p); else m.syms.push(p);
  m.syms.sort();
  return m;
}
function fromMono(m: Mono): Dim {
  if (m.syms.length === 0) return m.coef;
  return [...(m.coef === 1 ? [] : [String(m.coef)]), ...m.syms].join('*');
}
function product(dims: readonly Dim[]): Mono | null {
  const out: Mono = { coef: 1, syms: [] };
  for (const d of dims) {
    const m = toMono(d);
    if (!m) return null;
    out.coef *= m.coef;
    out.syms.push(...m.syms);
  }
  out.syms.sort();
  return out;
}
function divide(a: Mono, b: Mono): Dim {
  const syms = [...a.syms];
  for (const s of b.syms) {
    const i = syms.indexOf(s);
    if (i < 0) return '?';
    syms.splice(i, 1);
  }
  if (b.coef === 0 || a.coef % b.coef !== 0) return '?';
  return fromMono({ coef: a.coef / b.coef, syms });
}

/** Unify two dims that must be equal; throws on a certain mismatch. */
function sameDim(a: Dim, b: Dim, what: string): Dim {
  if (a === b || b === '?') return a;
  if (a === '?') return b;
  if (typeof a === 'number' && typeof b === 'number') throw new Error(`${what}: ${a} ≠ ${b}`);
  if (typeof a === 'string' && typeof b === 'string' && !a.includes('*') && !b.includes('*')) throw new Error(`${what}: '${a}' ≠ '${b}'`);
  return typeof a === 'number' ? a : b;
}

/** Numpy broadcasting of several operands. */
export function broadcastShapes(ins: Value[]): Shape | null {
  if (ins.some((v) => v.shape === null)) return null;
  const rank = Math.max(...ins.map((v) => v.shape!.length));
  const out: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    let d: Dim = 1;
    for (const [i, v] of ins.entries()) {
      const s = v.shape!;
      const x = s[s.length - rank + k] ?? 1;
      if (x === 1) continue;
      if (d === 1) { d = x; continue; }
      d = sameDim(d, x, `${label(i, v)} [${s.join(', ')}] does not broadcast with [${ins[0].shape!.join(', ')}] at axis ${k - rank}`);
    }
    out.push(d);
  }
  return out;
}

function sameDtype(ins: In[], indices?: number[]): DType {
  const vs = (indices ?? ins.map((_, i) => i)).map((i) => [i, ins[i]] as const).filter(([, v]) => v);
  const [i0, first] = vs[0];
  for (const [i, v] of vs) {
    if (v!.dtype !== first!.dtype) throw new Error(`${label(i, v!)} is ${v!.dtype} but ${label(i0, first!)} is ${first!.dtype}`);
  }
  return first!.dtype;
}

const axisOf = (a: number, rank: number): number => (a < 0 ? a + rank : a);
const need = (ins: In[], i: number, op: string): Value => {
  const v = ins[i];
  if (!v) throw new Error(`missing required operand ${OPERAND[i] ?? i} of ${op}`);
  return v;
};
const ints = (a: Attrs, k: string): number[] | undefined => a[k] as number[] | undefined;
const num = (a: Attrs, k: string, d: number): number => (a[k] === undefined ? d : (a[k] as number));

/** '?' dims for a value whose shape is given by a 1-D runtime tensor of known length. */
function unknownDims(shapeTensor: Value): Dim[] | null {
  const n = shapeTensor.shape?.[0];
  return typeof n === 'number' ? Array(n).fill('?') : null;
}

const same: Rule = (_g, ins) => [{ dtype: ins[0]!.dtype, shape: ins[0]!.shape }];
const elementwise: Rule = (_g, ins) => [{ dtype: sameDtype(ins), shape: broadcastShapes(ins.filter((v): v is Value => !!v)) }];
const compare: Rule = (g, ins, a, c) => [{ ...elementwise(g, ins, a, c)[0], dtype: 'bool' }];

function matmulShape(a: Value, b: Value): Shape | null {
  if (!a.shape || !b.shape) return null;
  const sa = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const sb = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  sameDim(sa[sa.length - 1], sb[sb.length - 2], `inner dims differ: ${label(0, a)} [${a.shape.join(', ')}] @ ${label(1, b)} [${b.shape.join(', ')}]`);
  const batch = broadcastShapes([
    { ...a, shape: sa.slice(0, -2) }, { ...b, shape: sb.slice(0, -2) },
  ]) ?? [];
  return [...batch, ...(a.shape.length === 1 ? [] : [sa[sa.length - 2]]), ...(b.shape.length === 1 ? [] : [sb[sb.length - 1]])];
}

function reduce(g: GraphBuilder, ins: In[], attrs: Attrs): OutType[] {
  const x = ins[0]!;
  const keep = num(attrs, 'keepdims', 1) === 1;
  const axes = ins[1] ? g.constantValues(ins[1]) : (ints(attrs, 'axes') ?? []);
  if (!x.shape || axes === null) return [{ dtype: x.dtype, shape: null }];
  const r = x.shape.length;
  const set = new Set((axes.length ? axes : x.shape.map((_, i) => i)).map((a) => axisOf(a, r)));
  if (axes.length === 0 && num(attrs, 'noop_with_empty_axes', 0) === 1) return [{ dtype: x.dtype, shape: x.shape }];
  const shape = x.shape.flatMap((d, i) => (set.has(i) ? (keep ? [1] : []) : [d]));
  return [{ dtype: x.dtype, shape }];
}

function reshape(g: GraphBuilder, ins: In[], attrs: Attrs): OutType[] {
  const x = ins[0]!;
  const target = g.constantValues(need(ins, 1, 'Reshape'));
  if (!target) return [{ dtype: x.dtype, shape: unknownDims(ins[1]!) }];
  const dims: Dim[] = target.map((t, i) => (t === 0 && num(attrs, 'allowzero', 0) === 0 ? (x.shape?.[i] ?? '?') : t));
  const minus = dims.indexOf(-1);
  if (minus >= 0) {
    const total = x.shape ? product(x.shape) : null;
    const rest = product(dims.filter((_, i) => i !== minus));
    dims[minus] = total && rest ? divide(total, rest) : '?';
  } else if (x.shape) {
    const a = product(x.shape);
    const b = product(dims);
    if (a && b && a.syms.join() === b.syms.join() && a.coef !== b.coef) {
      throw new Error(`cannot reshape ${label(0, x)} [${x.shape.join(', ')}] to [${dims.join(', ')}]`);
    }
  }
  return [{ dtype: x.dtype, shape: dims }];
}

function sliceRule(g: GraphBuilder, ins: In[]): OutType[] {
  const x = ins[0]!;
  const [starts, ends] = [g.constantValues(ins[1]!), g.constantValues(ins[2]!)];
  const axes = ins[3] ? g.constantValues(ins[3]) : starts?.map((_, i) => i) ?? null;
  const steps = ins[4] ? g.constantValues(ins[4]) : starts?.map(() => 1) ?? null;
  if (!x.shape || !starts || !ends || !axes || !steps) return [{ dtype: x.dtype, shape: x.shape ? x.shape.map(() => '?') : null }];
  const shape = [...x.shape];
  axes.forEach((a0, i) => {
    const a = axisOf(a0, shape.length);
    const n = shape[a];
    if (typeof n !== 'number') { shape[a] = '?'; return; }
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    const st = steps[i];
    const s = st > 0 ? clamp(starts[i], 0, n) : clamp(starts[i], -1, n - 1);
    const e = st > 0 ? clamp(ends[i], 0, n) : clamp(ends[i], -1, n - 1);
    shape[a] = Math.max(0, Math.ceil((e - s) / st));
  });
  return [{ dtype: x.dtype, shape }];
}

const RULES: Record<string, Rule> = {
  Add: elementwise, Sub: elementwise, Mul: elementwise, Div: elementwise, Pow: (_g, ins) => [{ dtype: ins[0]!.dtype, shape: broadcastShapes([ins[0]!, ins[1]!]) }],
  Max: elementwise, Min: elementwise, Sum: elementwise, Mean: elementwise, Mod: elementwise,
  Equal: compare, Less: compare, Greater: compare, LessOrEqual: compare, GreaterOrEqual: compare, And: compare, Or: compare,
  Where: (_g, ins) => {
    if (ins[0]!.dtype !== 'bool') throw new Error(`condition ${label(0, ins[0]!)} must be bool, is ${ins[0]!.dtype}`);
    return [{ dtype: sameDtype(ins, [1, 2]), shape: broadcastShapes(ins as Value[]) }];
  },
  Neg: same, Abs: same, Sqrt: same, Reciprocal: same, Exp: same, Log: same, Tanh: same, Erf: same, Sigmoid: same,
  Relu: same, Sin: same, Cos: same, Identity: same, Softmax: same, LogSoftmax: same, Gelu: same, Not: same, Sign: same,
  Trilu: same, Floor: same, Ceil: same, Round: same, LeakyRelu: same, Elu: same, Softplus: same, HardSigmoid: same,
  Clip: same, ScatterND: same, ScatterElements: same, IsNaN: (_g, ins) => [{ dtype: 'bool', shape: ins[0]!.shape }],
  Cast: (_g, ins, a) => [{ dtype: dtypeFromCode(a.to as number), shape: ins[0]!.shape }],
  CastLike: (_g, ins) => [{ dtype: ins[1]!.dtype, shape: ins[0]!.shape }],
  MatMul: (_g, ins) => [{ dtype: sameDtype(ins), shape: matmulShape(ins[0]!, ins[1]!) }],
  Gemm: (_g, ins, a) => {
    const [A, B] = [ins[0]!, ins[1]!];
    if (!A.shape || !B.shape) return [{ dtype: sameDtype(ins), shape: null }];
    const sa = num(a, 'transA', 0) ? [...A.shape].reverse() : A.shape;
    const sb = num(a, 'transB', 0) ? [...B.shape].reverse() : B.shape;
    sameDim(sa[1], sb[0], `inner dims differ: ${label(0, A)} [${sa.join(', ')}] @ ${label(1, B)} [${sb.join(', ')}]`);
    return [{ dtype: sameDtype(ins), shape: [sa[0], sb[1]] }];
  },
  Transpose: (_g, ins, a) => {
    const x = ins[0]!;
    if (!x.shape) return [{ dtype: x.dtype, shape: null }];
    const perm = ints(a, 'perm') ?? x.shape.map((_, i) => x.shape!.length - 1 - i);
    if (perm.length !== x.shape.length) throw new Error(`perm [${perm.join(', ')}] does not match rank ${x.shape.length} of ${label(0, x)}`);
    return [{ dtype: x.dtype, shape: perm.map((p) => x.shape![p]) }];
  },
  Reshape: reshape,
  Flatten: (_g, ins, a) => {
    const x = ins[0]!;
    if (!x.shape) return [{ dtype: x.dtype, shape: null }];
    const ax = axisOf(num(a, 'axis', 1), x.shape.length);
    const l = product(x.shape.slice(0, ax));
    const r = product(x.shape.slice(ax));
    return [{ dtype: x.dtype, shape: [l ? fromMono(l) : '?', r ? fromMono(r) : '?'] }];
  },
  Unsqueeze: (g, ins) => {
    const x = ins[0]!;
    const axes = g.constantValues(need(ins, 1, 'Unsqueeze'));
    if (!x.shape || !axes) return [{ dtype: x.dtype, shape: null }];
    const r = x.shape.length + axes.length;
    const set = new Set(axes.map((a) => axisOf(a, r)));
    const rest = [...x.shape];
    return [{ dtype: x.dtype, shape: Array.from({ length: r }, (_, i) => (set.has(i) ? 1 : rest.shift()!)) }];
  },
  Squeeze: (g, ins) => {
    const x = ins[0]!;
    const axes = ins[1] ? g.constantValues(ins[1]) : null;
    if (!x.shape || (ins[1] && !axes)) return [{ dtype: x.dtype, shape: null }];
    const set = new Set((axes ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => axisOf(a, x.shape!.length)));
    for (const a of set) if (x.shape[a] !== 1 && typeof x.shape[a] === 'number') throw new Error(`axis ${a} of ${label(0, x)} has size ${x.shape[a]}, not 1`);
    return [{ dtype: x.dtype, shape: x.shape.filter((_, i) => !set.has(i)) }];
  },
  Concat: (_g, ins, a) => {
    const dtype = sameDtype(ins);
    const vs = ins as Value[];
    if (vs.some((v) => !v.shape)) return [{ dtype, shape: null }];
    const r = vs[0].shape!.length;
    const ax = axisOf(a.axis as number, r);
    const shape = [...vs[0].shape!];
    const sizes: Dim[] = [];
    vs.forEach((v, i) => {
      if (v.shape!.length !== r) throw new Error(`${label(i, v)} has rank ${v.shape!.length}, expected ${r}`);
      v.shape!.forEach((d, k) => { if (k !== ax) shape[k] = sameDim(shape[k], d, `${label(i, v)} differs at axis ${k}`); });
      sizes.push(v.shape![ax]);
    });
    const p = sizes.every((d) => typeof d === 'number') ? (sizes as number[]).reduce((x, y) => x + y, 0) : '?';
    shape[ax] = p;
    return [{ dtype, shape }];
  },
  Split: (g, ins, a, count) => {
    const x = ins[0]!;
    if (!x.shape) return Array.from({ length: count }, () => ({ dtype: x.dtype, shape: null }));
    const ax = axisOf(num(a, 'axis', 0), x.shape.length);
    const n = x.shape[ax];
    const split = ins[1] ? g.constantValues(ins[1]) : typeof n === 'number' && n % count === 0 ? Array(count).fill(n / count) : null;
    if (split && typeof n === 'number' && split.reduce((p, q) => p + q, 0) !== n) throw new Error(`split sizes [${split.join(', ')}] do not sum to ${n}`);
    return Array.from({ length: count }, (_, i) => ({ dtype: x.dtype, shape: x.shape!.map((d, k) => (k === ax ? (split ? split[i] : '?') : d)) }));
  },
  Slice: sliceRule,
  Gather: (_g, ins, a) => {
    const [x, idx] = [ins[0]!, ins[1]!];
    if (idx.dtype !== 'int64' && idx.dtype !== 'int32') throw new Error(`indices ${label(1, idx)} must be int32/int64, is ${idx.dtype}`);
    if (!x.shape || !idx.shape) return [{ dtype: x.dtype, shape: null }];
    const ax = axisOf(num(a, 'axis', 0), x.shape.length);
    return [{ dtype: x.dtype, shape: [...x.shape.slice(0, ax), ...idx.shape, ...x.shape.slice(ax + 1)] }];
  },
  GatherElements: (_g, ins) => [{ dtype: ins[0]!.dtype, shape: ins[1]!.shape }],
  Expand: (g, ins) => {
    const x = ins[0]!;
    const target = g.constantValues(need(ins, 1, 'Expand'));
    const r = ins[1]!.shape?.[0];
    if (x.shape && !target && typeof r === 'number') return [{ dtype: x.dtype, shape: Array(Math.max(r, x.shape.length)).fill('?') }];
    if (!x.shape || !target) return [{ dtype: x.dtype, shape: null }];
    return [{ dtype: x.dtype, shape: broadcastShapes([x, { ...x, shape: target }]) }];
  },
  ReduceSum: reduce, ReduceMean: reduce, ReduceMax: reduce, ReduceMin: reduce, ReduceProd: reduce, ReduceSumSquare: reduce,
  ReduceL2: reduce, ReduceLogSumExp: reduce,
  ArgMax: (g, ins, a) => [{ ...reduce(g, [ins[0]], { axes: [num(a, 'axis', 0)], keepdims: num(a, 'keepdims', 1) })[0], dtype: 'int64' }],
  Shape: (_g, ins) => [{ dtype: 'int64', shape: [ins[0]!.shape ? ins[0]!.shape.length : '?'] }],
  // TopK: values keep the input's dtype, indices are int64; the axis becomes K (known only at run time).
  TopK: (_g, ins, a) => {
    const x = ins[0]!;
    const axis = num(a, 'axis', -1);
    const shape = x.shape ? x.shape.map((d, i) => (i === (axis < 0 ? x.shape!.length + axis : axis) ? '?' : d)) : null;
    return [{ dtype: x.dtype, shape }, { dtype: 'int64', shape }];
  },
  Size: () => [{ dtype: 'int64', shape: [] }],
  ConstantOfShape: (g, ins, a) => {
    const v = a.value as { tensor: unknown; dtype?: DType } | undefined;
    const dims = g.constantValues(ins[0]!);
    return [{ dtype: v?.dtype ?? 'float32', shape: dims ?? unknownDims(ins[0]!) }];
  },
  LayerNormalization: (_g, ins, _a, count) => {
    const x = ins[0]!;
    sameDtype(ins, [0, 1]);
    return [{ dtype: x.dtype, shape: x.shape }, ...Array.from({ length: count - 1 }, () => ({ dtype: x.dtype, shape: null }))];
  },
  RMSNormalization: (_g, ins) => { sameDtype(ins, [0, 1]); return [{ dtype: ins[0]!.dtype, shape: ins[0]!.shape }]; },
  Dropout: (_g, ins, _a, count) => [{ dtype: ins[0]!.dtype, shape: ins[0]!.shape }, ...(count > 1 ? [{ dtype: 'bool' as DType, shape: ins[0]!.shape }] : [])],
  SoftmaxCrossEntropyLoss: (_g, ins, a, count) => {
    const [x, y] = [ins[0]!, ins[1]!];
    if (y.dtype !== 'int64' && y.dtype !== 'int32') throw new Error(`labels ${label(1, y)} must be int32/int64, is ${y.dtype}`);
    if (x.shape && y.shape) {
      sameDim(x.shape[0], y.shape[0], `batch of ${label(1, y)} differs from ${label(0, x)}`);
      if (x.shape.length !== y.shape.length + 1) throw new Error(`${label(1, y)} must have rank ${x.shape.length - 1}`);
    }
    const reduction = (a.reduction as string | undefined) ?? 'mean';
    return [{ dtype: x.dtype, shape: reduction === 'none' ? y.shape : [] }, ...(count > 1 ? [{ dtype: x.dtype, shape: x.shape }] : [])];
  },
  // same operands and loss shape as SoftmaxCrossEntropyLoss, over log-probabilities
  NegativeLogLikelihoodLoss: (g, ins, a) => RULES.SoftmaxCrossEntropyLoss(g, ins, a, 1),
  Range: (_g, ins) => [{ dtype: ins[0]!.dtype, shape: ['?'] }],
};

/** Whether the builder infers this op's outputs (otherwise it guesses the first operand's dtype and no shape). */
export function hasShapeRule(opType: string, domain: string): boolean {
  return (domain === '' || domain === 'ai.onnx') && RULES[opType] !== undefined;
}

export function inferShapes(g: GraphBuilder, opType: string, domain: string, ins: In[], attrs: Attrs, count: number): OutType[] {
  const rule = domain === '' || domain === 'ai.onnx' ? RULES[opType] : undefined;
  if (!rule) return Array.from({ length: count }, () => ({ dtype: ins.find((v) => v)?.dtype ?? 'float32', shape: null }));
  return rule(g, ins, attrs, count);
}
