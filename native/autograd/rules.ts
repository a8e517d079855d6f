// The gradient table (tinygrad pm_gradient style): one rule per op, returning one gradient per operand, null
// where there is none. Gradients may have the broadcast shape of the result; the driver sums them back to the
// operand's shape, adds up fan-out, and prunes what no requested value needs.
import type { Value } from '../onnx/index.ts';
import type { GradContext } from './context.ts';

export type GradRule = (c: GradContext) => (Value | null)[];

/** Constant reduction axes of a Reduce* node, made non-negative; null means "all axes". */
function reduceAxes(c: GradContext): number[] | null {
  const given = c.x[1] ? c.g.constantValues(c.x[1]) : ((c.node.attrs.axes as number[] | undefined) ?? []);
  if (given === null) throw new Error(`${c.node.opType} (node '${c.node.name}'): the gradient needs constant axes`);
  if (given.length === 0) return null;
  const r = c.rank(c.in(0));
  return given.map((a) => (a < 0 ? a + r : a)).sort((a, b) => a - b);
}

/** dY spread back over the reduced operand's shape. */
function reducedGrad(c: GradContext, d: Value): Value {
  return c.expandLike(d, c.in(0), reduceAxes(c), c.attr('keepdims', 1));
}

/** The result of a Reduce* node with its reduced axes kept, for broadcasting against the operand. */
function keptResult(c: GradContext): Value {
  const axes = reduceAxes(c);
  return c.attr('keepdims', 1) === 0 && axes ? c.op('Unsqueeze', [c.y[0], c.ints(axes)]) : c.y[0];
}

/** Normalisation backward given x̂ (normalised input), dx̂ and 1/σ over `axes`, for LayerNorm / RMSNorm. */
function normGrad(c: GradContext, xhat: Value, dxhat: Value, inv: Value, axes: number[], centred: boolean): Value {
  const proj = c.mul(xhat, c.reduceMean(c.mul(dxhat, xhat), axes));
  const centredDx = centred ? c.sub(dxhat, c.reduceMean(dxhat, axes)) : dxhat;
  return c.mul(inv, c.sub(centredDx, proj));
}

/** 1 / sqrt(mean(v, axes) + ε), kept dims. */
function invRms(c: GradContext, v: Value, axes: number[]): Value {
  return c.op('Reciprocal', [c.op('Sqrt', [c.add(c.reduceMean(v, axes), c.k(c.attr('epsilon', 1e-5)))])]);
}

/**
 * A float32 LayerNormalization's mean and 1/σ as the forward computed them (its optional outputs 1 and 2, which the
 * node is given here if it lacked them): two passes over the input fewer than recomputing them. Other dtypes keep
 * recomputing: the spec stores the statistics in float32 whatever the input's type.
 */
function savedNormStats(c: GradContext, axes: number[]): { mean: Value; invStd: Value } | null {
  const x = c.in(0);
  if (x.dtype !== 'float32' || !x.shape || Number(c.node.attrs.stash_type ?? 1) !== 1) return null;
  const statShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outs = c.y.length >= 3 ? c.y : c.g.extendOutputs(c.node, 3, Array.from({ length: 3 - c.y.length }, () => ({ dtype: 'float32' as const, shape: statShape })));
  return { mean: outs[1], invStd: outs[2] };
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export const GRADIENT_RULES: Record<string, GradRule> = {
  Identity: (c) => [c.d],
  Add: (c) => [c.d, c.d],
  Sub: (c) => [c.d, c.neg(c.d)],
  Mul: (c) => [c.mul(c.d, c.in(1)), c.mul(c.d, c.in(0))],
  Div: (c) => [c.div(c.d, c.in(1)), c.neg(c.div(c.mul(c.d, c.y[0]), c.in(1)))],
  Neg: (c) => [c.neg(c.d)],
  // d/da a^b = b·a^(b-1); d/db a^b = a^b·ln a (only built when the exponent needs a gradient)
  Pow: (c) => {
    const b = c.in(1).dtype === c.dtype ? c.in(1) : c.op('Cast', [c.in(1)], { to: dtypeCode(c) });
    return [c.mul(c.d, c.mul(b, c.op('Pow', [c.in(0), c.sub(b, c.k(1))]))), c.mul(c.d, c.mul(c.y[0], c.op('Log', [c.in(0)])))];
  },
  Sqrt: (c) => [c.div(c.d, c.mul(c.k(2), c.y[0]))],
  Reciprocal: (c) => [c.neg(c.mul(c.d, c.mul(c.y[0], c.y[0])))],
  Exp: (c) => [c.mul(c.d, c.y[0])],
  Log: (c) => [c.div(c.d, c.in(0))],
  Sin: (c) => [c.mul(c.d, c.op('Cos', [c.in(0)]))],
  Cos: (c) => [c.neg(c.mul(c.d, c.op('Sin', [c.in(0)])))],
  Tanh: (c) => [c.mul(c.d, c.sub(c.k(1), c.mul(c.y[0], c.y[0])))],
  Sigmoid: (c) => [c.mul(c.d, c.mul(c.y[0], c.sub(c.k(1), c.y[0])))],
  Relu: (c) => [c.op('Where', [c.op('Greater', [c.in(0), c.k(0)]), c.d, c.k(0)])],
  // d erf(x) = 2/√π · exp(−x²)
  Erf: (c) => [c.mul(c.d, c.mul(c.k(2 / Math.sqrt(Math.PI)), c.op('Exp', [c.neg(c.mul(c.in(0), c.in(0)))])))],
  // exact: Φ(x) + x·φ(x). tanh: gelu = x·σ(z), z = 2√(2/π)(x + 0.044715x³) (as 0.5(1 + tanh(z/2)) = σ(z)), so
  // gelu' = σ + x·σ(1−σ)·z', z' = 2√(2/π)(1 + 3·0.044715x²): 13 passes over (B, T, 4C) instead of 17
  Gelu: (c) => {
    const x = c.in(0);
    const x2 = c.mul(x, x);
    if (c.attr('approximate', 'none') === 'tanh') {
      const [k1, k3] = [2 * SQRT_2_OVER_PI, 2 * SQRT_2_OVER_PI * 0.044715];
      // y = x·s with s = σ(z), z = k1·x + k3·x³: dy/dx = s + x·s(1 − s)·z' = s + y·(1 − s)·z', reusing the forward's y
      const s = c.op('Sigmoid', [c.mul(x, c.add(c.mul(x2, c.k(k3)), c.k(k1)))]);
      const dz = c.add(c.mul(x2, c.k(3 * k3)), c.k(k1));
      return [c.mul(c.d, c.add(s, c.mul(c.mul(c.y[0], c.sub(c.k(1), s)), dz)))];
    }
    const cdf = c.mul(c.k(0.5), c.add(c.k(1), c.op('Erf', [c.mul(x, c.k(Math.SQRT1_2))])));
    const pdf = c.mul(c.k(1 / Math.sqrt(2 * Math.PI)), c.op('Exp', [c.mul(c.k(-0.5), x2)]));
    return [c.mul(c.d, c.add(cdf, c.mul(x, pdf)))];
  },
  // dx = y ⊙ (dy − Σ dy⊙y)
  Softmax: (c) => {
    const axis = c.attr('axis', -1);
    return [c.mul(c.y[0], c.sub(c.d, c.reduceSum(c.mul(c.d, c.y[0]), [axis])))];
  },
  // dx = dy − softmax ⊙ Σ dy
  LogSoftmax: (c) => [c.sub(c.d, c.mul(c.op('Exp', [c.y[0]]), c.reduceSum(c.d, [c.attr('axis', -1)])))],
  MatMul: (c) => {
    const [a, b] = [c.in(0), c.in(1)];
    const [ra, rb] = [c.rank(a), c.rank(b)];
    const a2 = ra === 1 ? c.op('Unsqueeze', [a, c.ints([0])]) : a;
    const b2 = rb === 1 ? c.op('Unsqueeze', [b, c.ints([1])]) : b;
    let d = c.d;
    if (ra === 1) d = c.op('Unsqueeze', [d, c.ints([-2])]);
    if (rb === 1) d = c.op('Unsqueeze', [d, c.ints([-1])]);
    const da = c.op('MatMul', [d, c.mT(b2)]);
    const [k, n] = [a.shape![ra - 1], b.shape![rb - 1]];
    // a batched activation times a 2-D weight: fold the batch into rows, one Gemm instead of a batched MatMul + sum
    if (ra > 2 && rb === 2 && typeof k === 'number' && typeof n === 'number') {
      const rows = (v: Value, cols: number): Value => c.op('Reshape', [v, c.ints([-1, cols])]);
      return [da, c.op('Gemm', [rows(a, k), rows(d, n)], { transA: 1 })];
    }
    const db = c.op('MatMul', [c.mT(a2), d]);
    return [da, rb === 1 ? c.op('Squeeze', [db, c.ints([-1])]) : db];
  },
  // Y = α·op(A)·op(B) + β·C; each gradient is itself one Gemm with the transposes arranged
  Gemm: (c) => {
    const [a, b] = [c.in(0), c.in(1)];
    const [ta, tb, alpha] = [c.attr('transA', 0), c.attr('transB', 0), { float: c.attr('alpha', 1) }];
    const gemm = (p: Value, q: Value, transA: number, transB: number): Value => c.op('Gemm', [p, q], { alpha, transA, transB });
    const da = ta ? gemm(b, c.d, tb, 1) : gemm(c.d, b, 0, 1 - tb);
    const db = tb ? gemm(c.d, a, 1, ta) : gemm(a, c.d, 1 - ta, 0);
    return [da, db, c.x[2] ? c.mul(c.d, c.k(c.attr('beta', 1))) : null];
  },
  ReduceSum: (c) => [reducedGrad(c, c.d), null],
  ReduceMean: (c) => {
    const count = c.op('Cast', [c.div(c.op('Size', [c.in(0)]), c.op('Size', [c.y[0]]))], { to: dtypeCode(c) });
    return [reducedGrad(c, c.div(c.d, count)), null];
  },
  // the gradient goes to the maxima, shared equally between ties
  ReduceMax: (c) => {
    const hit = c.op('Cast', [c.op('Equal', [c.in(0), keptResult(c)])], { to: dtypeCode(c) });
    const ties = c.op('ReduceSum', [hit, c.ints(reduceAxes(c) ?? [])], { keepdims: 1 });
    const d = c.attr('keepdims', 1) === 0 && reduceAxes(c) ? c.op('Unsqueeze', [c.d, c.ints(reduceAxes(c)!)]) : c.d;
    return [c.div(c.mul(hit, d), ties), null];
  },
  // embedding-style lookup: scatter-add dY into zeros shaped like the table (axis moved to the front and back)
  Gather: (c) => {
    const [data, idx] = [c.in(0), c.in(1)];
    const r = c.rank(data);
    const axis = ((c.attr('axis', 0) % r) + r) % r;
    const q = c.rank(idx);
    const toFront = [axis, ...[...Array(r).keys()].filter((i) => i !== axis)];
    const fromFront = toFront.map((_, i) => toFront.indexOf(i));
    const dFront = axis === 0 ? c.d : c.op('Transpose', [c.d], { perm: [...Array(q).keys()].map((i) => axis + i).concat([...Array(axis).keys()], [...Array(r - axis - 1).keys()].map((i) => axis + q + i)) });
    const table = axis === 0 ? data : c.op('Transpose', [data], { perm: toFront });
    const i64 = idx.dtype === 'int64' ? idx : c.op('Cast', [idx], { to: 7 });
    const scattered = c.op('ScatterND', [c.zerosLike(table), c.op('Unsqueeze', [i64, c.ints([-1])]), dFront], { reduction: 'add' });
    return [axis === 0 ? scattered : c.op('Transpose', [scattered], { perm: fromFront }), null];
  },
  Reshape: (c) => [c.reshapeLike(c.d, c.in(0)), null],
  Squeeze: (c) => [c.reshapeLike(c.d, c.in(0)), null],
  Unsqueeze: (c) => [c.reshapeLike(c.d, c.in(0)), null],
  Flatten: (c) => [c.reshapeLike(c.d, c.in(0))],
  Transpose: (c) => {
    const r = c.rank(c.in(0));
    const perm = c.attr('perm', [...Array(r).keys()].reverse());
    return [c.op('Transpose', [c.d], { perm: perm.map((_, i) => perm.indexOf(i)) })];
  },
  // Expand and Where only broadcast; the driver sums their gradients back to each operand's shape
  Expand: (c) => [c.d, null],
  Where: (c) => [null, c.op('Where', [c.in(0), c.d, c.k(0)]), c.op('Where', [c.in(0), c.k(0), c.d])],
  Cast: (c) => [isFloatValue(c.in(0)) ? c.op('Cast', [c.d], { to: codeOf(c.in(0)) }) : null],
  Concat: (c) => {
    const axis = c.attr('axis', 0);
    const sizes = c.x.map((v) => c.op('Slice', [c.shape(v!), c.ints([axis]), c.ints([axis === -1 ? Number.MAX_SAFE_INTEGER : axis + 1])]));
    const types = c.x.map((v) => ({ dtype: v!.dtype, shape: v!.shape }));
    return c.g.opN('Split', [c.d, c.op('Concat', sizes, { axis: 0 })], c.x.length, { axis }, { name: c.g.fresh(`grad_${c.node.name}_Split`), types });
  },
  Split: (c) => [c.op('Concat', c.y.map((_, i) => c.dy(i)), { axis: c.attr('axis', 0) }), null],
  // scatter dY into the positions the slice read: slice an index grid the same way, then ScatterND on the flat tensor
  Slice: (c) => {
    const x = c.in(0);
    const size = c.op('Size', [x]);
    const grid = c.op('Reshape', [c.op('Range', [c.k(0, 'int64'), size, c.k(1, 'int64')]), c.shape(x)]);
    const picked = c.op('Slice', [grid, ...c.x.slice(1)]);
    const flatIdx = c.op('Unsqueeze', [c.op('Reshape', [picked, c.ints([-1])]), c.ints([-1])]);
    const flatZeros = c.op('Reshape', [c.zerosLike(x), c.ints([-1])]);
    const scattered = c.op('ScatterND', [flatZeros, flatIdx, c.op('Reshape', [c.d, c.ints([-1])])]);
    return [c.reshapeLike(scattered, x), null, null, null, null];
  },
  // Dropout must declare its mask output (opN(..., 2)): the backward reuses it
  Dropout: (c) => {
    const mask = c.y[1];
    if (!mask) throw new Error(`Dropout (node '${c.node.name}'): declare the mask output (g.opN('Dropout', …, 2)) so the backward can reuse it`);
    const ratio = c.x[1] ? (c.x[1].dtype === c.dtype ? c.x[1] : c.op('Cast', [c.x[1]], { to: dtypeCode(c) })) : c.k(0.5);
    const training = c.x[2] && c.g.constantValues(c.x[2])?.[0] !== 0;
    if (!training) return [c.d, null, null];
    return [c.div(c.op('Where', [mask, c.d, c.k(0)]), c.sub(c.k(1), ratio)), null, null];
  },
  LayerNormalization: (c) => {
    const [x, scale] = [c.in(0), c.in(1)];
    const axes = c.tailAxes(x, c.attr('axis', -1));
    const saved = savedNormStats(c, axes);
    const centred = c.sub(x, saved ? saved.mean : c.reduceMean(x, axes));
    const inv = saved ? saved.invStd : invRms(c, c.mul(centred, centred), axes);
    const xhat = c.mul(centred, inv);
    return [normGrad(c, xhat, c.mul(c.d, scale), inv, axes, true), c.mul(c.d, xhat), c.x[2] ? c.d : null];
  },
  RMSNormalization: (c) => {
    const [x, scale] = [c.in(0), c.in(1)];
    const axes = c.tailAxes(x, c.attr('axis', -1));
    const inv = invRms(c, c.mul(x, x), axes);
    const xhat = c.mul(x, inv);
    return [normGrad(c, xhat, c.mul(c.d, scale), inv, axes, false), c.mul(c.d, xhat)];
  },
  // scores [N, C, …], labels [N, …]: dscores = softmax · s − onehot · s, s = valid · dL / (#valid for 'mean'). Over
  // (N, C) only three passes: exp of the saved log-probabilities, the scaling, and a scatter-add of −s at each label
  // (labels that are ignored point at class 0 with a zero update), instead of building a float one-hot
  SoftmaxCrossEntropyLoss: (c) => {
    if (c.x[2]) throw new Error(`SoftmaxCrossEntropyLoss (node '${c.node.name}'): class weights have no gradient rule yet`);
    const logp = c.y[1] ?? c.op('LogSoftmax', [c.in(0)], { axis: 1 });
    const { scale, at, minus } = labelScatter(c, c.in(1), c.d);
    return [c.op('ScatterElements', [c.mul(c.op('Exp', [logp]), scale), at, minus], { axis: 1, reduction: 'add' }), null, null];
  },
  // input: log-probabilities [N, C, …]: d input = −s at each label, 0 elsewhere (the driver fuses LogSoftmax → this
  // node into the SoftmaxCrossEntropyLoss backward, see backward.ts)
  NegativeLogLikelihoodLoss: (c) => {
    if (c.x[2]) throw new Error(`NegativeLogLikelihoodLoss (node '${c.node.name}'): class weights have no gradient rule yet`);
    const { at, minus } = labelScatter(c, c.in(1), c.d);
    return [c.op('ScatterElements', [c.zerosLike(c.in(0)), at, minus], { axis: 1, reduction: 'add' }), null, null];
  },
};

/**
 * The per-label pieces of a cross-entropy gradient (SoftmaxCrossEntropyLoss / NegativeLogLikelihoodLoss semantics,
 * from the node of `c`): s = valid · dL / count (a scalar or [N, 1, …]), the label positions [N, 1, …] (ignored labels
 * moved to class 0) and −s spread over them, for a ScatterElements(axis 1, add).
 */
export function labelScatter(c: GradContext, labels: Value, dLoss: Value): { scale: Value; at: Value; minus: Value } {
  const ignore = c.node.attrs.ignore_index as number | undefined;
  const l64 = labels.dtype === 'int64' ? labels : c.op('Cast', [labels], { to: 7 });
  const keep = ignore === undefined ? null : c.op('Not', [c.op('Equal', [l64, c.k(ignore, 'int64')])]);
  const valid = keep ? c.op('Cast', [keep], { to: dtypeCode(c) }) : c.k(1);
  const reduction = c.attr('reduction', 'mean');
  const count = reduction === 'mean' ? c.op('Max', [c.op('ReduceSum', [c.op('Expand', [valid, c.shape(l64)])], { keepdims: 0 }), c.k(1)]) : c.k(1);
  const dl = reduction === 'none' ? c.op('Unsqueeze', [dLoss, c.ints([1])]) : dLoss;
  const scale = c.div(c.mul(dl, keep ? c.op('Unsqueeze', [valid, c.ints([1])]) : c.k(1)), count);
  const at = c.op('Unsqueeze', [keep ? c.op('Where', [keep, l64, c.k(0, 'int64')]) : l64, c.ints([1])]);
  return { scale, at, minus: c.op('Expand', [c.neg(scale), c.shape(at)]) };
}

const CODES: Record<string, number> = { float32: 1, float16: 10, float64: 11, bfloat16: 16 };
const dtypeCode = (c: GradContext): number => CODES[c.dtype];
const codeOf = (v: Value): number => CODES[v.dtype];
const isFloatValue = (v: Value): boolean => v.dtype in CODES;
