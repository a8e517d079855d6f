// Losses as graph nodes. Cross-entropy uses ONNX SoftmaxCrossEntropyLoss (log-sum-exp inside, so stable) with
// ignore_index for label masking; its gradient rule lives in rules.ts.
import type { GraphBuilder, Value } from '../onnx/index.ts';

export interface CrossEntropyOptions {
  /** Labels equal to this are masked out of the loss and of the mean's count (default -100, as PyTorch). */
  ignoreIndex?: number;
  reduction?: 'mean' | 'sum';
}

/** Mean cross-entropy of logits [..., V] against int64 labels [...]; returns a scalar. */
export function crossEntropyLoss(g: GraphBuilder, logits: Value, labels: Value, opts: CrossEntropyOptions = {}): Value {
  const v = logits.shape?.[logits.shape.length - 1];
  if (typeof v !== 'number') throw new Error(`crossEntropyLoss: the vocabulary (last) dim of '${logits.name}' must be a number, is ${String(v)}`);
  const flat = g.op('Reshape', [logits, g.ints([-1, v])]);
  const flatLabels = g.op('Reshape', [labels, g.ints([-1])]);
  // the log-probabilities output lets the backward reuse them instead of a second LogSoftmax over (N, V)
  const attrs = { ignore_index: opts.ignoreIndex ?? -100, reduction: opts.reduction ?? 'mean' };
  return g.opN('SoftmaxCrossEntropyLoss', [flat, flatLabels], 2, attrs)[0];
}
