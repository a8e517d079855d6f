// Every rule of the gradient table, finite-difference checked (float64 unless ORT lacks the kernel or the rule only
// exists in float32; float32 cases use the tighter method of autograd-check.ts).
import { describe, expect, it } from 'vitest';
import { GRADIENT_RULES, appendBackward, crossEntropyLoss } from '../../native/autograd/index.ts';
import { GraphBuilder, createSession, ort } from '../../native/onnx/index.ts';
import type { Attrs, Value } from '../../native/onnx/index.ts';
import { type CheckCase, gradCheck, rand } from './autograd-check.ts';

const one = (op: string, attrs: Attrs = {}) => (g: GraphBuilder, ins: Value[]): Value => g.op(op, ins, attrs);
const unary = (op: string, shape: number[], range?: [number, number], dtype?: 'float32'): CheckCase => ({ inputs: [{ name: 'x', shape, range }], build: one(op), dtype });
const binary = (op: string, a: number[], b: number[], rb?: [number, number]): CheckCase => ({ inputs: [{ name: 'a', shape: a }, { name: 'b', shape: b, range: rb }], build: one(op) });
const away = (lo: number): [number, number] => [lo, lo + 1.5];
const int64 = (values: number[]): BigInt64Array => BigInt64Array.from(values.map(BigInt));

const CASES: Record<string, CheckCase[]> = {
  Identity: [unary('Identity', [3, 4])],
  Add: [binary('Add', [2, 3, 4], [4]), binary('Add', [2, 1, 4], [3, 1])],
  Sub: [binary('Sub', [2, 3], [2, 1]), binary('Sub', [3], [2, 3])],
  Mul: [binary('Mul', [2, 3, 4], [3, 1]), binary('Mul', [4], [])],
  Div: [binary('Div', [2, 3], [3], away(0.5)), binary('Div', [1, 3], [2, 1], away(0.5))],
  Neg: [unary('Neg', [5])],
  Pow: [{ inputs: [{ name: 'a', shape: [2, 3], range: away(0.5) }, { name: 'b', shape: [3] }], build: one('Pow') },
    { inputs: [{ name: 'a', shape: [4], range: away(0.5) }], build: (g, [a]) => g.op('Pow', [a, g.scalar(3, 'float64')]) }],
  Sqrt: [unary('Sqrt', [2, 3], away(0.3))],
  Reciprocal: [unary('Reciprocal', [2, 3], away(0.5))],
  Exp: [unary('Exp', [2, 3])],
  Log: [unary('Log', [2, 3], away(0.3))],
  Sin: [unary('Sin', [2, 3])],
  Cos: [unary('Cos', [2, 3])],
  Tanh: [unary('Tanh', [2, 3])],
  Sigmoid: [unary('Sigmoid', [2, 3])],
  // kept away from the kink at 0, where the derivative does not exist
  Relu: [{ inputs: [{ name: 'x', shape: [6], data: Float64Array.from([-1.2, -0.4, 0.3, 0.9, -0.7, 1.5]) }], build: one('Relu') }],
  // ORT has no float64 Erf kernel (so none for the exact Gelu either): float32, checked by the Richardson method of
  // autograd-check.ts to 1e-4, over a range that covers erf's curved part and its tails
  Erf: [unary('Erf', [4, 6], [-2.5, 2.5], 'float32')],
  Gelu: [
    unary('Gelu', [4, 6], [-3, 3], 'float32'),
    { ...unary('Gelu', [4, 6], [-3, 3], 'float32'), build: one('Gelu', { approximate: 'tanh' }) },
    // the tanh form has a float64 kernel (ORT's function body rounds √(2/π) to float32: a 3e-8 relative change of
    // the function, smooth, so within the float64 tolerance)
    { ...unary('Gelu', [4, 6], [-3, 3]), build: one('Gelu', { approximate: 'tanh' }) },
  ],
  Softmax: [{ ...unary('Softmax', [2, 3, 4]), build: one('Softmax', { axis: -1 }) }, { ...unary('Softmax', [2, 3, 4]), build: one('Softmax', { axis: 1 }) }],
  LogSoftmax: [{ ...unary('LogSoftmax', [3, 5]), build: one('LogSoftmax', { axis: -1 }) }],
  MatMul: [binary('MatMul', [2, 3, 4], [4, 5]), binary('MatMul', [3, 4], [2, 4, 5]), binary('MatMul', [4], [2, 4, 3]), binary('MatMul', [2, 3, 4], [4])],
  Gemm: [
    { inputs: [{ name: 'a', shape: [3, 4] }, { name: 'b', shape: [4, 5] }, { name: 'c', shape: [5] }], build: one('Gemm', { alpha: 0.5, beta: 2 }) },
    { inputs: [{ name: 'a', shape: [4, 3] }, { name: 'b', shape: [5, 4] }, { name: 'c', shape: [3, 1] }], build: one('Gemm', { transA: 1, transB: 1 }) },
    { inputs: [{ name: 'a', shape: [4, 3] }, { name: 'b', shape: [4, 5] }], build: one('Gemm', { transA: 1 }) },
    // attributes given in the explicit float form, as LoRA's scaled Gemm may write them
    { inputs: [{ name: 'a', shape: [3, 4] }, { name: 'b', shape: [5, 4] }, { name: 'c', shape: [5] }], build: one('Gemm', { alpha: { float: 2 }, beta: { float: 0.5 }, transB: 1 }) },
  ],
  ReduceSum: [
    { inputs: [{ name: 'x', shape: [2, 3, 4] }], build: (g, [x]) => g.op('ReduceSum', [x, g.ints([1])], { keepdims: 0 }) },
    { inputs: [{ name: 'x', shape: [2, 3, 4] }], build: (g, [x]) => g.op('ReduceSum', [x, g.ints([-1, 0])], { keepdims: 1 }) },
    { inputs: [{ name: 'x', shape: [2, 3] }], build: (g, [x]) => g.op('ReduceSum', [x], { keepdims: 0 }) },
  ],
  ReduceMean: [{ inputs: [{ name: 'x', shape: [2, 3, 4] }], build: (g, [x]) => g.op('ReduceMean', [x, g.ints([-1])], { keepdims: 0 }) }],
  ReduceMax: [{ inputs: [{ name: 'x', shape: [3, 4] }], build: (g, [x]) => g.op('ReduceMax', [x, g.ints([1])], { keepdims: 0 }) }],
  // ScatterND/Gather both have float64 kernels; indices repeat so the scatter must add
  Gather: [
    { inputs: [{ name: 'w', shape: [5, 3] }, { name: 'i', shape: [2, 3], dtype: 'int64', data: int64([0, 2, 2, 4, 0, 1]) }], build: one('Gather') },
    { inputs: [{ name: 'w', shape: [2, 4, 3] }, { name: 'i', shape: [3], dtype: 'int64', data: int64([3, 1, 3]) }], build: one('Gather', { axis: 1 }) },
  ],
  Reshape: [{ inputs: [{ name: 'x', shape: [2, 6] }], build: (g, [x]) => g.op('Reshape', [x, g.ints([3, -1])]) }],
  Squeeze: [{ inputs: [{ name: 'x', shape: [2, 1, 3] }], build: (g, [x]) => g.op('Squeeze', [x, g.ints([1])]) }],
  Unsqueeze: [{ inputs: [{ name: 'x', shape: [2, 3] }], build: (g, [x]) => g.op('Unsqueeze', [x, g.ints([0, 3])]) }],
  Flatten: [{ ...unary('Flatten', [2, 3, 2]), build: one('Flatten', { axis: 2 }) }],
  Transpose: [{ ...unary('Transpose', [2, 3, 4]), build: one('Transpose', { perm: [2, 0, 1] }) }],
  Expand: [{ inputs: [{ name: 'x', shape: [3, 1] }], build: (g, [x]) => g.op('Expand', [x, g.ints([2, 3, 4])]) }],
  Where: [{
    inputs: [{ name: 'c', shape: [2, 3], dtype: 'bool', data: Uint8Array.from([1, 0, 1, 1, 0, 0]) }, { name: 'a', shape: [3] }, { name: 'b', shape: [2, 3] }],
    build: one('Where'),
  }],
  // the float32 round trip costs precision, hence the tolerance
  Cast: [{ inputs: [{ name: 'x', shape: [2, 3] }], build: (g, [x]) => g.op('Cast', [g.op('Mul', [g.op('Cast', [x], { to: 1 }), g.scalar(3)])], { to: 11 }), eps: 1e-3, tol: 1e-3 }],
  Concat: [{ inputs: [{ name: 'a', shape: [2, 3] }, { name: 'b', shape: [2, 1] }, { name: 'c', shape: [2, 2] }], build: one('Concat', { axis: -1 }) }],
  Split: [
    { inputs: [{ name: 'x', shape: [2, 6] }], build: (g, [x]) => g.op('Mul', g.opN('Split', [x, g.ints([2, 4])], 2, { axis: 1 }).map((v, i) => (i === 0 ? g.op('Concat', [v, v], { axis: 1 }) : v))) },
    // only one of three outputs reaches the loss: the others get zero gradients
    { inputs: [{ name: 'x', shape: [6, 2] }], build: (g, [x]) => g.opN('Split', [x], 3, { axis: 0 })[1] },
  ],
  Slice: [
    { inputs: [{ name: 'x', shape: [4, 5] }], build: (g, [x]) => g.op('Slice', [x, g.ints([1, -1]), g.ints([3, -5]), g.ints([0, 1]), g.ints([1, -2])]) },
    { inputs: [{ name: 'x', shape: [3, 6] }], build: (g, [x]) => g.op('Slice', [x, g.ints([2]), g.ints([100]), g.ints([-1])]) },
  ],
  LayerNormalization: [{
    inputs: [{ name: 'x', shape: [2, 3, 4] }, { name: 'w', shape: [4] }, { name: 'b', shape: [4] }],
    build: one('LayerNormalization', { axis: -1, epsilon: 1e-5 }),
  }, {
    inputs: [{ name: 'x', shape: [2, 3, 4] }, { name: 'w', shape: [3, 4] }],
    build: (g, [x, w]) => g.op('LayerNormalization', [x, w, null], { axis: 1 }),
  },
  // float32: the backward reuses the mean and 1/σ the forward saved (outputs 1 and 2, added to the node)
  {
    inputs: [{ name: 'x', shape: [2, 3, 4] }, { name: 'w', shape: [4] }, { name: 'b', shape: [4] }],
    build: one('LayerNormalization', { axis: -1, epsilon: 1e-5 }), dtype: 'float32',
  }, {
    // without a bias: ORT 1.30 segfaulted on a float32 one serialised with a trailing '' input (serialize.ts)
    inputs: [{ name: 'x', shape: [2, 3, 4] }, { name: 'w', shape: [3, 4] }],
    build: (g, [x, w]) => g.op('LayerNormalization', [x, w, null], { axis: 1 }), dtype: 'float32',
  }, {
    // rows far from zero mean and wider than 4: the saved mean and 1/σ carry the centring the gradient depends on
    inputs: [{ name: 'x', shape: [3, 16], range: [2, 5] }, { name: 'w', shape: [16], range: [0.5, 1.5] }, { name: 'b', shape: [16] }],
    build: one('LayerNormalization', { axis: -1, epsilon: 1e-5 }), dtype: 'float32',
  }],
  // RMSNormalization-23 runs in float64 too (measured: ORT 1.30 expands its function body, within 2e-13 of a float64
  // evaluation), and in float32 as Llama uses it
  RMSNormalization: [
    { inputs: [{ name: 'x', shape: [2, 3, 4] }, { name: 'w', shape: [4] }], build: one('RMSNormalization', { axis: -1, epsilon: 1e-5 }) },
    { inputs: [{ name: 'x', shape: [2, 3, 4] }, { name: 'w', shape: [3, 4] }], build: one('RMSNormalization', { axis: 1, epsilon: 1e-5 }) },
    { inputs: [{ name: 'x', shape: [2, 3, 4] }, { name: 'w', shape: [4] }], build: one('RMSNormalization', { axis: -1, epsilon: 1e-5 }), dtype: 'float32' },
    { inputs: [{ name: 'x', shape: [3, 16], range: [-3, 3] }, { name: 'w', shape: [16], range: [0.5, 1.5] }], build: one('RMSNormalization', { axis: -1, epsilon: 1e-6 }), dtype: 'float32' },
  ],
  SoftmaxCrossEntropyLoss: [
    { inputs: [{ name: 's', shape: [4, 5] }, { name: 'l', shape: [4], dtype: 'int64', data: int64([1, -100, 4, 0]) }], build: one('SoftmaxCrossEntropyLoss', { ignore_index: -100 }) },
    { inputs: [{ name: 's', shape: [2, 3, 4] }, { name: 'l', shape: [2, 4], dtype: 'int64', data: int64([0, 2, 1, 1, 2, 2, 0, 1]) }], build: one('SoftmaxCrossEntropyLoss', { reduction: 'sum' }) },
    { inputs: [{ name: 's', shape: [3, 4] }, { name: 'l', shape: [3], dtype: 'int64', data: int64([3, 0, 3]) }], build: (g, ins) => g.opN('SoftmaxCrossEntropyLoss', ins, 2, { reduction: 'none' })[0] },
    // mean without an ignored class, and the log-probabilities output shared with the backward
    { inputs: [{ name: 's', shape: [3, 4] }, { name: 'l', shape: [3], dtype: 'int64', data: int64([1, 0, 3]) }], build: (g, ins) => g.opN('SoftmaxCrossEntropyLoss', ins, 2)[0] },
    { inputs: [{ name: 's', shape: [2, 4, 3] }, { name: 'l', shape: [2, 3], dtype: 'int64', data: int64([3, -1, 0, 2, 2, -1]) }], build: (g, ins) => g.opN('SoftmaxCrossEntropyLoss', ins, 2, { reduction: 'none', ignore_index: -1 })[0] },
  ],
  NegativeLogLikelihoodLoss: [
    { inputs: [{ name: 'lp', shape: [4, 5] }, { name: 'l', shape: [4], dtype: 'int64', data: int64([1, -100, 4, 0]) }], build: one('NegativeLogLikelihoodLoss', { ignore_index: -100 }) },
    { inputs: [{ name: 'lp', shape: [2, 3, 4] }, { name: 'l', shape: [2, 4], dtype: 'int64', data: int64([0, 2, 1, 1, 2, 2, 0, 1]) }], build: one('NegativeLogLikelihoodLoss', { reduction: 'none' }) },
    // LogSoftmax over the class axis into NegativeLogLikelihoodLoss: the driver's fused backward (backward.ts)
    { inputs: [{ name: 's', shape: [4, 5] }, { name: 'l', shape: [4], dtype: 'int64', data: int64([1, -100, 4, 0]) }],
      build: (g, [s, l]) => g.op('NegativeLogLikelihoodLoss', [g.op('LogSoftmax', [s], { axis: -1 }), l], { ignore_index: -100 }) },
    { inputs: [{ name: 's', shape: [2, 3, 4] }, { name: 'l', shape: [2, 4], dtype: 'int64', data: int64([0, 2, 1, -1, 2, 2, 0, 1]) }],
      build: (g, [s, l]) => g.op('NegativeLogLikelihoodLoss', [g.op('LogSoftmax', [s], { axis: 1 }), l], { reduction: 'sum', ignore_index: -1 }) },
    { inputs: [{ name: 's', shape: [2, 3, 5] }, { name: 'l', shape: [2, 3], dtype: 'int64', data: int64([4, 0, -100, 1, 3, 2]) }], build: (g, [s, l]) => crossEntropyLoss(g, s, l) },
  ],
};

describe('gradient rules (finite differences)', () => {
  it('fuses LogSoftmax into the NegativeLogLikelihoodLoss backward: no dense d log-probabilities', () => {
    const g = new GraphBuilder();
    const loss = crossEntropyLoss(g, g.input('s', 'float32', [6, 7]), g.input('l', 'int64', [6]));
    const start = g.nodes.length;
    appendBackward(g, loss, [g.value('s')]);
    const ops = g.nodes.slice(start).map((n) => n.opType);
    expect(ops.filter((o) => o === 'ScatterElements')).toHaveLength(1);
    expect(ops).not.toContain('ConstantOfShape');
    expect(ops).not.toContain('Sub'); // the LogSoftmax backward's dy − softmax·Σdy
  });
  it("reuses a float32 LayerNormalization's saved mean and 1/σ instead of recomputing them", () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2, 3, 8]);
    const w = g.input('w', 'float32', [8]);
    const y = g.op('LayerNormalization', [x, w, g.input('b', 'float32', [8])], { axis: -1 });
    const loss = g.op('ReduceSum', [g.op('Mul', [y, y])], { keepdims: 0 });
    const start = g.nodes.length;
    appendBackward(g, loss, [x, w]);
    const ln = g.producer(y.name)!;
    expect(ln.outputs).toHaveLength(3);
    expect(g.value(ln.outputs[1]).shape).toEqual([2, 3, 1]);
    const backward = g.nodes.slice(start);
    expect(backward.some((n) => n.inputs.includes(ln.outputs[1])) && backward.some((n) => n.inputs.includes(ln.outputs[2]))).toBe(true);
    expect(backward.some((n) => n.opType === 'ReduceMean' && n.inputs[0] === x.name)).toBe(false);
  });
  it('has a check for every rule in the table', () => {
    const missing = Object.keys(GRADIENT_RULES).filter((op) => !(op in CASES) && op !== 'Dropout');
    expect(missing, 'rules without a gradient check').toEqual([]);
  });
  for (const [op, cases] of Object.entries(CASES)) {
    it(op, async () => {
      for (const c of cases) await gradCheck(c);
    });
  }

  // Dropout draws a fresh mask each run, so central differences cannot see one function: check instead that
  // the backward reuses the forward's mask, dx = dy ⊙ mask / (1 − ratio), with dy = R from the loss Σ y ⊙ R.
  it('Dropout', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [4, 8]);
    const [y, mask] = g.opN('Dropout', [x, g.scalar(0.25), g.constant(Uint8Array.of(1), [], 'bool')], 2, { seed: 7 });
    const r = Float32Array.from({ length: 32 }, () => rand());
    const loss = g.op('ReduceSum', [g.op('Mul', [y, g.constant(r, [4, 8])])], { keepdims: 0 });
    const grads = appendBackward(g, loss, [x]);
    g.output(grads.get('x')!, 'dx');
    g.output(mask, 'mask');
    const s = await createSession(g, { intraOpNumThreads: 1 });
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from({ length: 32 }, () => rand()), [4, 8]) });
    const m = out.mask.data as Uint8Array;
    const dx = out.dx.data as Float32Array;
    expect(m.some((v) => !v) && m.some((v) => v)).toBe(true);
    for (let i = 0; i < 32; i++) expect(dx[i]).toBeCloseTo(m[i] ? r[i] / 0.75 : 0, 5);
    await s.release();
  });
});
