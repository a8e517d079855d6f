// Preference losses as graph nodes, so autograd differentiates them like any other loss. A batch holds 2b rows:
// the b chosen sequences, then the b rejected ones (TRL's concatenated forward), each scored only where its label
// is not the ignore index (the completion; prompt and padding masked). The reference model's log-probabilities come
// in as an input: the reference is frozen, so they are computed once per example (no second copy of the weights).
//
// DPO (Rafailov et al. 2023), with TRL's loss variants and logged names (trl/trainer/dpo_trainer.py, dpo_loss):
//   h = (log π(c) − log π_ref(c)) − (log π(r) − log π_ref(r))
//   sigmoid: −(1 − ε)·log σ(βh) − ε·log σ(−βh)      (ε: label smoothing, conservative DPO; ε = 0 is plain DPO)
//   robust:  (−(1 − ε)·log σ(βh) + ε·log σ(−βh)) / (1 − 2ε)      (Chowdhury et al. 2024)
//   ipo:     (h − 1/(2β))²  with log-probabilities averaged over the completion's tokens (Azar et al. 2023)
// Rewards β·(log π − log π_ref) and log-probabilities are reported per batch as TRL logs them.
import type { GraphBuilder, Value } from '../onnx/index.ts';

export const PREFERENCE_LOSSES = ['sigmoid', 'robust', 'ipo'] as const;
export type PreferenceLossKind = (typeof PREFERENCE_LOSSES)[number];

export interface PreferenceLossOptions {
  kind: PreferenceLossKind;
  beta: number;
  /** ε of the sigmoid and robust losses, in [0, 0.5). */
  labelSmoothing: number;
  /** Labels equal to this are not scored (default -100). */
  ignoreIndex?: number;
}

/** TRL's metric names, each a scalar of the batch. */
export const PREFERENCE_METRICS = ['rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins', 'logps/chosen', 'logps/rejected'] as const;

export interface PreferenceLoss {
  loss: Value;
  metrics: Record<(typeof PREFERENCE_METRICS)[number], Value>;
}

/**
 * Per position, log p(label) (0 where the label is the ignore index) and 1/0 for scored/not: two (N, T) values from
 * logits (N, T, V) and labels (N, T) already shifted. NegativeLogLikelihoodLoss without reduction gives 0 at ignored
 * labels, and its pairing with LogSoftmax is differentiated as one (backward.ts).
 */
export function tokenLogProbs(g: GraphBuilder, logits: Value, labels: Value, ignoreIndex = -100): { logps: Value; scored: Value } {
  const v = logits.shape?.[logits.shape.length - 1];
  if (typeof v !== 'number') throw new Error(`tokenLogProbs: the vocabulary (last) dim of '${logits.name}' must be a number, is ${String(v)}`);
  const flat = g.op('Reshape', [logits, g.ints([-1, v])]); // (N·T, V)
  const nll = g.op('NegativeLogLikelihoodLoss', [g.op('LogSoftmax', [flat], { axis: -1 }), g.op('Reshape', [labels, g.ints([-1])])], { ignore_index: ignoreIndex, reduction: 'none' }); // (N·T)
  const logps = g.op('Neg', [g.op('Reshape', [nll, g.op('Shape', [labels])])]); // (N, T)
  const scored = g.op('Cast', [g.op('Not', [g.op('Equal', [labels, g.constant(BigInt64Array.of(BigInt(ignoreIndex)), [], 'int64')])])], { to: 1 });
  return { logps, scored };
}

/** Per row, the sum of log p(label) over the scored positions and the number of scored positions: two (N) values. */
export function sequenceLogProbs(g: GraphBuilder, logits: Value, labels: Value, ignoreIndex = -100): { logps: Value; counts: Value } {
  const t = tokenLogProbs(g, logits, labels, ignoreIndex);
  return { logps: g.op('ReduceSum', [t.logps, g.ints([1])], { keepdims: 0 }), counts: g.op('ReduceSum', [t.scored, g.ints([1])], { keepdims: 0 }) };
}

/** log σ(x) = LogSoftmax([0, x])[1]: stable for any x, from ops autograd has rules for. */
function logSigmoid(g: GraphBuilder, x: Value): Value {
  const col = g.op('Unsqueeze', [x, g.ints([-1])]); // (b, 1)
  const zeros = g.op('ConstantOfShape', [g.op('Shape', [col])], { value: { tensor: Float32Array.of(0), dims: [1], dtype: 'float32' } });
  const both = g.op('Concat', [zeros, col], { axis: -1 }); // (b, 2)
  return g.op('Gather', [g.op('LogSoftmax', [both], { axis: -1 }), g.constant(BigInt64Array.of(1n), [], 'int64')], { axis: 1 }); // (b)
}

/** The two halves (chosen, rejected) of a (2b) vector. */
function halves(g: GraphBuilder, x: Value): [Value, Value] {
  const pair = g.op('Reshape', [x, g.ints([2, -1])]); // (2, b)
  const half = (i: number) => g.op('Gather', [pair, g.constant(BigInt64Array.of(BigInt(i)), [], 'int64')], { axis: 0 }); // (b)
  return [half(0), half(1)];
}

const mean = (g: GraphBuilder, x: Value): Value => g.op('ReduceMean', [x], { keepdims: 0 });

/**
 * The preference loss of a batch of 2b rows: policy `logits` (2b, T, V), `labels` (2b, T), `refLogps` (2b) summed over
 * the same labels by the reference model. Returns the mean loss and TRL's metrics.
 */
export function preferenceLoss(g: GraphBuilder, logits: Value, labels: Value, refLogps: Value, opts: PreferenceLossOptions): PreferenceLoss {
  const { kind, beta, labelSmoothing: eps } = opts;
  if (!(beta > 0)) throw new Error(`preferenceLoss: beta must be > 0, got ${beta}`);
  if (!(eps >= 0 && eps < 0.5)) throw new Error(`preferenceLoss: label smoothing must be in [0, 0.5), got ${eps}`);
  const seq = sequenceLogProbs(g, logits, labels, opts.ignoreIndex ?? -100);
  // IPO compares average log-probabilities (TRL divides by the completion's length for it)
  const perToken = (x: Value) => (kind === 'ipo' ? g.op('Div', [x, seq.counts]) : x);
  const [policyC, policyR] = halves(g, perToken(seq.logps));
  const [refC, refR] = halves(g, perToken(refLogps));
  const ratioC = g.op('Sub', [policyC, refC]);
  const ratioR = g.op('Sub', [policyR, refR]);
  const h = g.op('Sub', [ratioC, ratioR]); // (b)
  const k = (v: number) => g.scalar(v);
  let losses: Value;
  if (kind === 'ipo') {
    const d = g.op('Sub', [h, k(1 / (2 * beta))]);
    losses = g.op('Mul', [d, d]);
  } else {
    const bh = g.op('Mul', [h, k(beta)]);
    const up = logSigmoid(g, bh);
    const down = logSigmoid(g, g.op('Neg', [bh]));
    const smoothed = g.op('Sub', [g.op('Neg', [g.op('Mul', [up, k(1 - eps)])]), g.op('Mul', [down, k(eps)])]);
    losses = kind === 'sigmoid' ? smoothed : g.op('Div', [g.op('Add', [g.op('Neg', [g.op('Mul', [up, k(1 - eps)])]), g.op('Mul', [down, k(eps)])]), k(1 - 2 * eps)]);
  }
  const rewardC = g.op('Mul', [ratioC, k(beta)]);
  const rewardR = g.op('Mul', [ratioR, k(beta)]);
  const wins = g.op('Cast', [g.op('Greater', [rewardC, rewardR])], { to: 1 });
  return {
    loss: mean(g, losses),
    metrics: {
      'rewards/chosen': mean(g, rewardC),
      'rewards/rejected': mean(g, rewardR),
      'rewards/accuracies': mean(g, wins),
      'rewards/margins': mean(g, g.op('Sub', [rewardC, rewardR])),
      'logps/chosen': mean(g, policyC),
      'logps/rejected': mean(g, policyR),
    },
  };
}

/**
 * The pairwise reward-model loss of 2b scores (b chosen, then b rejected): mean −log σ(r_c − r_r − margin), as
 * TRL's RewardTrainer, and the share of pairs ranked right (r_c > r_r).
 */
export function pairwiseRewardLoss(g: GraphBuilder, rewards: Value, margin: number): { loss: Value; accuracy: Value; margin: Value } {
  const [c, r] = halves(g, rewards);
  const diff = g.op('Sub', [c, r]);
  const loss = g.op('Neg', [mean(g, logSigmoid(g, g.op('Sub', [diff, g.scalar(margin)])))]);
  return { loss, accuracy: mean(g, g.op('Cast', [g.op('Greater', [c, r])], { to: 1 })), margin: mean(g, diff) };
}
