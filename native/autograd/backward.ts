// Reverse-mode driver: walks the forward nodes between the requested values and the loss in reverse order,
// applies the gradient table, sums broadcast gradients back to each operand's shape and fan-out gradients
// together, and prunes the gradient nodes nobody needs (frozen weights, inputs).
import type { GraphBuilder, Node, Shape, Value } from '../onnx/index.ts';
import { arrayOf, isFloat } from '../onnx/index.ts';
import { GradContext } from './context.ts';
import { GRADIENT_RULES, labelScatter } from './rules.ts';

export interface BackwardOptions {
  /** A value holding dLoss (default: the constant 1). Lets a caller scale the loss, e.g. for accumulation. */
  lossGrad?: Value;
}

/** The nodes on a path from any of `wrt` to `loss` through float values, in forward order. */
function pathNodes(g: GraphBuilder, loss: string, wrt: ReadonlySet<string>): Node[] {
  const upstream = g.nodesFor([loss]);
  const reached = new Set(wrt);
  const onPath: Node[] = [];
  for (const n of upstream) {
    if (!n.inputs.some((i) => reached.has(i))) continue;
    onPath.push(n);
    for (const o of n.outputs) if (isFloat(g.value(o).dtype)) reached.add(o);
  }
  return onPath;
}

/** Static axes to sum so that a gradient of shape `grad` matches an operand of shape `target`; null if unknown. */
function staticSumAxes(grad: Shape, target: Shape): number[] | null {
  const pad = grad.length - target.length;
  if (pad < 0) return null;
  const axes: number[] = [];
  for (let i = 0; i < grad.length; i++) {
    const t = i < pad ? 1 : target[i - pad];
    const d = grad[i];
    if (t === d) continue;
    if (t === 1 && d !== '?') axes.push(i);
    else return null;
  }
  return axes;
}

/** Sum a gradient over broadcast axes so it has the operand's shape (ReduceSum + Reshape). */
function unbroadcast(g: GraphBuilder, grad: Value, target: Value, node: Node): Value {
  const name = (op: string): { name: string } => ({ name: g.fresh(`grad_${node.name}_unbroadcast_${op}`) });
  if (grad.shape && target.shape) {
    const axes = staticSumAxes(grad.shape, target.shape);
    if (axes && axes.length === 0 && grad.shape.length === target.shape.length) return grad;
    if (axes) {
      const summed = axes.length ? g.op('ReduceSum', [grad, g.ints(axes)], { keepdims: 1 }, name('ReduceSum')) : grad;
      return g.op('Reshape', [summed, g.op('Shape', [target], {}, name('Shape'))], {}, name('Reshape'));
    }
  }
  if (!target.shape) throw new Error(`${node.opType} (node '${node.name}'): cannot reduce a gradient to '${target.name}' of unknown rank`);
  // Dynamic shapes: sum the axes where the operand (left-padded with 1s) is 1 and the gradient is not.
  const r = g.op('Size', [g.op('Shape', [grad], {}, name('Shape'))], {}, name('Size'));
  const pads = g.op('Sub', [r, g.ints([target.shape.length])], {}, name('Sub'));
  const one = g.ints([1]);
  const padded = g.op('Concat', [g.op('Expand', [one, pads], {}, name('Expand')), g.op('Shape', [target], {}, name('Shape'))], { axis: 0 }, name('Concat'));
  const mask = g.op('And', [g.op('Equal', [padded, one], {}, name('Equal')), g.op('Not', [g.op('Equal', [g.op('Shape', [grad], {}, name('Shape')), one], {}, name('Equal'))], {}, name('Not'))], {}, name('And'));
  const axes = g.op('Reshape', [g.op('NonZero', [mask], {}, name('NonZero')), g.ints([-1])], {}, name('Reshape'));
  const summed = g.op('ReduceSum', [grad, axes], { keepdims: 1, noop_with_empty_axes: 1 }, name('ReduceSum'));
  return g.op('Reshape', [summed, g.op('Shape', [target], {}, name('Shape'))], {}, name('Reshape'));
}

/**
 * LogSoftmax over the class axis feeding only a NegativeLogLikelihoodLoss (the loss crossEntropyLoss builds):
 * differentiate the pair at once, d logits = exp(logp) · s − s at the labels, three passes over (N, C) instead of a
 * dense d logp and the LogSoftmax backward (five). Returns the LogSoftmax input and its gradient, or null.
 */
function fusedCrossEntropy(g: GraphBuilder, node: Node, dys: (Value | null)[], onPath: readonly Node[]): { input: string; grad: Value } | null {
  if (node.opType !== 'NegativeLogLikelihoodLoss' || node.domain !== '' || node.inputs[2] || !dys[0]) return null;
  const soft = g.producer(node.inputs[0]);
  const logp = g.value(node.inputs[0]);
  if (soft?.opType !== 'LogSoftmax' || soft.domain !== '' || !logp.shape) return null;
  const rank = logp.shape.length;
  const axis = Number(soft.attrs.axis ?? -1);
  if ((axis < 0 ? axis + rank : axis) !== 1) return null;
  if (onPath.some((n) => n !== node && n.inputs.includes(logp.name))) return null;
  const c = new GradContext(g, node, dys);
  const { scale, at, minus } = labelScatter(c, c.in(1), dys[0]);
  return { input: soft.inputs[0], grad: c.op('ScatterElements', [c.mul(c.op('Exp', [logp]), scale), at, minus], { axis: 1, reduction: 'add' }) };
}

/**
 * Append the backward graph of `loss` (a scalar) with respect to `wrt` and return each gradient by name.
 * Only nodes on a path from a requested value to the loss are differentiated. A requested value that does not
 * reach the loss gets zeros.
 */
export function appendBackward(g: GraphBuilder, loss: Value, wrt: readonly Value[], opts: BackwardOptions = {}): Map<string, Value> {
  if (loss.shape && loss.shape.length !== 0 && !loss.shape.every((d) => d === 1)) {
    throw new Error(`autograd: the loss '${loss.name}' must be a scalar, has shape [${loss.shape.join(', ')}]`);
  }
  const start = g.nodes.length;
  const wanted = new Set(wrt.map((v) => v.name));
  const nodes = pathNodes(g, loss.name, wanted);
  const pending = new Map<string, Value[]>();
  pending.set(loss.name, [opts.lossGrad ?? g.constant(arrayOf(loss.dtype, [1]), loss.shape ? loss.shape.map(Number) : [], loss.dtype)]);
  const total = (name: string): Value | null => {
    const parts = pending.get(name);
    if (!parts?.length) return null;
    const sum = parts.length === 1 ? parts[0] : g.op('Sum', parts, {}, { name: g.fresh(`grad_sum_${name}`) });
    pending.set(name, [sum]);
    return sum;
  };
  for (const node of [...nodes].reverse()) {
    const dys = node.outputs.map(total);
    if (dys.every((d) => d === null)) continue;
    const fused = fusedCrossEntropy(g, node, dys, nodes);
    if (fused) {
      pending.set(fused.input, [...(pending.get(fused.input) ?? []), fused.grad]);
      continue;
    }
    const rule = GRADIENT_RULES[node.opType];
    if (!rule || node.domain !== '') {
      throw new Error(`autograd: no gradient rule for ${node.domain ? `${node.domain}.` : ''}${node.opType} (node '${node.name}'); add one to native/autograd/rules.ts`);
    }
    const grads = rule(new GradContext(g, node, dys));
    if (grads.length !== node.inputs.length && !(grads.length > node.inputs.length && grads.slice(node.inputs.length).every((x) => x === null))) {
      throw new Error(`autograd: the ${node.opType} rule returned ${grads.length} gradients for ${node.inputs.length} operands (node '${node.name}')`);
    }
    node.inputs.forEach((name, i) => {
      const grad = grads[i];
      if (!name || !grad || !isFloat(g.value(name).dtype)) return;
      const fitted = unbroadcast(g, grad, g.value(name), node);
      pending.set(name, [...(pending.get(name) ?? []), fitted]);
    });
  }
  const result = new Map<string, Value>();
  for (const v of wrt) {
    const grad = total(v.name);
    const named = grad ?? g.op('ConstantOfShape', [g.op('Shape', [v])], { value: { tensor: arrayOf(v.dtype, [0]), dims: [1], dtype: v.dtype } });
    result.set(v.name, named);
  }
  g.prune([...result.values()].map((v) => v.name), start);
  return result;
}
