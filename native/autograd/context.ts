// What a gradient rule sees: the forward node's operands and results, the incoming gradients, and short
// helpers that append standard ONNX ops to the graph.
import type { Attr, DType, GraphBuilder, Node, Value } from '../onnx/index.ts';
import { arrayOf } from '../onnx/index.ts';

export class GradContext {
  /** Forward operands (null for omitted optional inputs). */
  readonly x: (Value | null)[];
  /** Forward results. */
  readonly y: Value[];
  constructor(
    readonly g: GraphBuilder,
    readonly node: Node,
    private readonly dys: (Value | null)[],
  ) {
    this.x = node.inputs.map((n) => (n ? g.value(n) : null));
    this.y = node.outputs.map((n) => g.value(n));
  }

  /** Gradient of the first output (the common case). */
  get d(): Value { return this.dy(0); }

  /** Gradient of output `i`; zeros when that output does not reach the loss. */
  dy(i: number): Value {
    return this.dys[i] ?? this.zerosLike(this.y[i]);
  }

  /** Operand `i`, which must be present. */
  in(i: number): Value {
    const v = this.x[i];
    if (!v) throw new Error(`${this.node.opType} (node '${this.node.name}'): operand ${i} is omitted but its value is needed`);
    return v;
  }

  attr(name: string, fallback: number): number;
  attr(name: string, fallback: string): string;
  attr(name: string, fallback: number[]): number[];
  attr(name: string, fallback: Attr): Attr {
    const value = this.node.attrs[name] ?? fallback;
    // `{ float: x }` only forces the serialised type; rules do arithmetic on the number itself
    return typeof value === 'object' && value !== null && 'float' in value ? value.float : value;
  }

  /** The float dtype of this node's gradient math. */
  get dtype(): DType { return this.y[0].dtype; }

  op(type: string, ins: readonly (Value | null)[], attrs: Record<string, Attr | undefined> = {}): Value {
    return this.g.op(type, ins, attrs, { name: this.g.fresh(`grad_${this.node.name}_${type}`) });
  }

  add(a: Value, b: Value): Value { return this.op('Add', [a, b]); }
  sub(a: Value, b: Value): Value { return this.op('Sub', [a, b]); }
  mul(a: Value, b: Value): Value { return this.op('Mul', [a, b]); }
  div(a: Value, b: Value): Value { return this.op('Div', [a, b]); }
  neg(a: Value): Value { return this.op('Neg', [a]); }
  /** A scalar constant in this node's dtype. */
  k(v: number, dtype: DType = this.dtype): Value { return this.g.constant(arrayOf(dtype, [v]), [], dtype); }
  ints(v: readonly number[]): Value { return this.g.ints(v); }
  shape(v: Value): Value { return this.op('Shape', [v]); }
  zerosLike(v: Value): Value {
    const value = { tensor: arrayOf(v.dtype, [0]), dims: [1], dtype: v.dtype };
    return this.g.op('ConstantOfShape', [this.shape(v)], { value }, { name: this.g.fresh(`grad_${this.node.name}_zeros`), types: [{ dtype: v.dtype, shape: v.shape }] });
  }
  reduceSum(v: Value, axes: readonly number[], keepdims = 1): Value { return this.op('ReduceSum', [v, this.ints(axes)], { keepdims }); }
  reduceMean(v: Value, axes: readonly number[], keepdims = 1): Value { return this.op('ReduceMean', [v, this.ints(axes)], { keepdims }); }

  /** Rank of an operand, which rules that permute or name axes need. */
  rank(v: Value): number {
    if (!v.shape) throw new Error(`${this.node.opType} (node '${this.node.name}'): the gradient needs the rank of '${v.name}', which is unknown; declare it with opts.types`);
    return v.shape.length;
  }

  /** Swap the last two axes. */
  mT(v: Value): Value {
    const r = this.rank(v);
    const perm = [...Array(r).keys()];
    [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
    return this.op('Transpose', [v], { perm });
  }

  /** Axes ≥ `axis` of `v` (LayerNormalization-style normalised axes). */
  tailAxes(v: Value, axis: number): number[] {
    const r = this.rank(v);
    const a = axis < 0 ? axis + r : axis;
    return Array.from({ length: r - a }, (_, i) => a + i);
  }

  /** An op whose result is known to have the shape of `like` (which runtime shape tensors hide from inference). */
  opLike(like: Value, type: string, ins: readonly (Value | null)[], attrs: Record<string, Attr | undefined> = {}): Value {
    return this.g.op(type, ins, attrs, { name: this.g.fresh(`grad_${this.node.name}_${type}`), types: [{ dtype: ins[0]!.dtype, shape: like.shape }] });
  }

  /** `d` reshaped to the shape of `like`. */
  reshapeLike(d: Value, like: Value): Value { return this.opLike(like, 'Reshape', [d, this.shape(like)]); }

  /** Spread a reduced gradient back over the shape of `like` (undoing a keepdims=0 reduction over `axes`). */
  expandLike(d: Value, like: Value, axes: readonly number[] | null, keepdims: number): Value {
    const kept = keepdims === 0 && axes && axes.length ? this.op('Unsqueeze', [d, this.ints(axes)]) : d;
    return this.opLike(like, 'Expand', [kept, this.shape(like)]);
  }
}
