// The PPO losses of RLHF as graph nodes (Schulman et al. 2017; as TRL's PPOTrainer.loss, trl 0.11
// trl/trainer/ppo_trainer.py), so autograd differentiates them like any other loss. Per scored position t of a
// rollout (labels ≠ ignore index: the response tokens; prompt and padding masked), with the rollout's log-probs
// `old_logps`, values `old_values`, whitened advantages A and returns R computed on the host (ppo-advantages.ts):
//   ratio   = exp(log π(t) − old_logps(t))
//   policy  = masked mean of max(−A·ratio, −A·clip(ratio, 1 − ε, 1 + ε))
//   value   = ½ · masked mean of max((v − R)², (old_values + clip(v − old_values, −ε_v, ε_v) − R)²)
//   loss    = policy + c_v · value
// Reported beside it: the clip fractions of both terms, the approximate KL ½·mean((log π − old)²) and the mean
// entropy of the policy's next-token distribution over the scored positions.
import type { GraphBuilder, Value } from '../onnx/index.ts';
import { tokenLogProbs } from './preference-losses.ts';

export interface PpoLossOptions {
  /** ε of the clipped policy ratio (TRL cliprange, 0.2). */
  clipRange: number;
  /** ε_v of the clipped value (TRL cliprange_value, 0.2). */
  clipRangeValue: number;
  /** c_v, the value loss's weight (TRL vf_coef, 0.1). */
  vfCoef: number;
  ignoreIndex?: number;
}

/** The scalars reported beside the loss at every PPO minibatch step. */
export const PPO_METRICS = ['loss/policy', 'loss/value', 'clipfrac', 'clipfrac/value', 'approx_kl', 'entropy'] as const;
export type PpoMetric = (typeof PPO_METRICS)[number];

/** The per-position host inputs, each (B, T) float32, aligned with `labels`. */
export interface PpoInputs {
  oldLogps: Value;
  oldValues: Value;
  advantages: Value;
  returns: Value;
}

const maxOf = (g: GraphBuilder, a: Value, b: Value): Value => g.op('Where', [g.op('Greater', [a, b]), a, b]);

/** clip(x, lo, hi) from Where and Greater (autograd has no rule for Clip): the gradient is 0 where it clips, as torch.clamp's. */
function clip(g: GraphBuilder, x: Value, lo: number, hi: number): Value {
  const [l, h] = [g.scalar(lo), g.scalar(hi)];
  return g.op('Where', [g.op('Greater', [x, h]), h, g.op('Where', [g.op('Greater', [l, x]), l, x])]);
}

/**
 * The PPO loss of a minibatch: policy `logits` (B, T, V), `labels` (B, T) already shifted, the value head's `values`
 * (B, T) and the rollout's per-position inputs. Returns the scalar loss and PPO_METRICS.
 */
export function ppoLoss(g: GraphBuilder, logits: Value, labels: Value, values: Value, inputs: PpoInputs, opts: PpoLossOptions): { loss: Value; metrics: Record<PpoMetric, Value> } {
  const { clipRange: eps, clipRangeValue: epsV, vfCoef } = opts;
  if (!(eps > 0)) throw new Error(`ppoLoss: clipRange must be > 0, got ${eps}`);
  if (!(epsV > 0)) throw new Error(`ppoLoss: clipRangeValue must be > 0, got ${epsV}`);
  if (!(vfCoef >= 0)) throw new Error(`ppoLoss: vfCoef must be >= 0, got ${vfCoef}`);
  const ignore = opts.ignoreIndex ?? -100;
  const { logps, scored } = tokenLogProbs(g, logits, labels, ignore); // (B, T) each
  const count = g.op('ReduceSum', [scored], { keepdims: 0 });
  const maskedMean = (x: Value) => g.op('Div', [g.op('ReduceSum', [g.op('Mul', [x, scored])], { keepdims: 0 }), count]);

  const logRatio = g.op('Sub', [logps, inputs.oldLogps]);
  const ratio = g.op('Exp', [logRatio]);
  const negA = g.op('Neg', [inputs.advantages]);
  const pg1 = g.op('Mul', [negA, ratio]);
  const pg2 = g.op('Mul', [negA, clip(g, ratio, 1 - eps, 1 + eps)]);
  const policy = maskedMean(maxOf(g, pg1, pg2));

  const vClipped = g.op('Add', [inputs.oldValues, clip(g, g.op('Sub', [values, inputs.oldValues]), -epsV, epsV)]);
  const sq = (x: Value) => g.op('Mul', [x, x]);
  const vf1 = sq(g.op('Sub', [values, inputs.returns]));
  const vf2 = sq(g.op('Sub', [vClipped, inputs.returns]));
  const value = g.op('Mul', [maskedMean(maxOf(g, vf1, vf2)), g.scalar(0.5)]);

  const loss = g.op('Add', [policy, g.op('Mul', [value, g.scalar(vfCoef)])]);
  const fraction = (a: Value, b: Value) => maskedMean(g.op('Cast', [g.op('Greater', [a, b])], { to: 1 }));
  const logsm = g.op('LogSoftmax', [logits], { axis: -1 });
  const entropy = g.op('Neg', [g.op('ReduceSum', [g.op('Mul', [g.op('Exp', [logsm]), logsm]), g.ints([-1])], { keepdims: 0 })]); // (B, T)
  return {
    loss,
    metrics: {
      'loss/policy': policy,
      'loss/value': value,
      clipfrac: fraction(pg2, pg1),
      'clipfrac/value': fraction(vf2, vf1),
      approx_kl: g.op('Mul', [maskedMean(sq(logRatio)), g.scalar(0.5)]),
      entropy: maskedMean(entropy),
    },
  };
}
