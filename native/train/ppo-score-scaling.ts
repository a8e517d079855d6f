// The reward model's scores as PPO's rewards use them, as TRL's PPOTrainer shapes them (trl 0.11, ppo_trainer.py step():
// use_score_scaling, use_score_norm, score_clip; RunningMoments in trl/core.py): a running mean and variance of every
// score seen so far, updated with each batch before it is used (Chan et al.'s parallel combination), then
//   'scale': score / (running std + ε)          (TRL use_score_scaling)
//   'norm':  (score − running mean) / (std + ε)  (TRL use_score_scaling + use_score_norm)
//   'none':  the score as it is
// and, given a clip c, clipped to [−c, c] (TRL score_clip). Why it matters: the per-token reward is the score minus
// β·(log π − log π_ref), so β is a price in units of the score; a reward model whose scores spread by 0.5 pays for
// a nat of KL four times dearer than one whose scores spread by 2. Dividing by the running std makes β mean the same
// whatever the reward model's scale. The moments are part of the run's state: a resumed run continues them.

export type ScoreScaling = 'none' | 'scale' | 'norm';

/** TRL's RunningMoments: count starts at 1e-24 (so the first batch's moments take over), var and std at 1. */
export interface ScoreMoments {
  mean: number;
  /** The population variance of every score seen. */
  var: number;
  /** The sample standard deviation (var · n / (n − 1), square-rooted): the scale scores are divided by. */
  std: number;
  count: number;
}

export const INITIAL_MOMENTS: ScoreMoments = { mean: 0, var: 1, std: 1, count: 1e-24 };

/** float32's machine epsilon, as torch.finfo(float32).eps that TRL adds to the std. */
const EPS = 2 ** -23;

/** The moments after a batch of scores (TRL RunningMoments.update). */
export function updateMoments(m: ScoreMoments, xs: readonly number[]): ScoreMoments {
  if (xs.length === 0) return m;
  const n = xs.length;
  const xsMean = xs.reduce((s, x) => s + x, 0) / n;
  const xsVar = xs.reduce((s, x) => s + (x - xsMean) ** 2, 0) / n; // unbiased=False
  const delta = xsMean - m.mean;
  const total = m.count + n;
  const oldSum = m.var * m.count + (delta * delta * m.count * n) / total;
  const variance = (oldSum + xsVar * n) / total;
  return { mean: m.mean + (delta * n) / total, var: variance, std: Math.sqrt((variance * total) / (total - 1)), count: total };
}

/** A batch's scores as rewards: the moments updated with them first (unless 'none'), then scaled and clipped. */
export function shapeScores(scores: readonly number[], moments: ScoreMoments, opts: { scaling: ScoreScaling; clip: number | null }): { rewards: number[]; moments: ScoreMoments } {
  const next = opts.scaling === 'none' ? moments : updateMoments(moments, scores);
  const scale = next.std + EPS;
  const shaped = scores.map((s) => (opts.scaling === 'none' ? s : opts.scaling === 'norm' ? (s - next.mean) / scale : s / scale));
  const clip = opts.clip;
  return { rewards: clip === null ? shaped : shaped.map((s) => Math.min(clip, Math.max(-clip, s))), moments: next };
}
