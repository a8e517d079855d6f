// What PPO-RLHF computes on the host between rollouts and updates, as TRL's PPOTrainer (trl 0.11,
// trl/trainer/ppo_trainer.py: compute_rewards, compute_advantages, whiten): per response token the reward
// −β·(log π − log π_ref), with the reward model's score added at the last token; generalised advantage estimation
// (γ, λ) over each response from the value head's estimates; returns = advantages + values; advantages whitened over
// every response token of the batch. Plain arrays, float64, one row per rollout (its response tokens only).

export interface RolloutTokens {
  /** Per response token: log π of the token under the policy that generated it. */
  logps: number[];
  /** log π_ref of the same tokens under the frozen reference. */
  refLogps: number[];
  /** The value head's estimate at the position that predicts each token. */
  values: number[];
  /** The reward model's score of the whole text (prompt + response). */
  score: number;
}

export interface Advantages {
  /** Per row and token: −β·(log π − log π_ref), plus the score at the last token. */
  rewards: number[][];
  /** Per row and token, whitened over the batch. */
  advantages: number[][];
  returns: number[][];
  /** Per row: Σ (log π − log π_ref) over its tokens (a sample estimate of KL(π ‖ π_ref)). */
  kl: number[];
}

/** −β·(log π − log π_ref) per token, the score added at the last one. */
export function tokenRewards(r: RolloutTokens, klCoef: number): number[] {
  if (r.logps.length === 0) throw new Error('a rollout has no response tokens');
  const out = r.logps.map((lp, t) => -klCoef * (lp - r.refLogps[t]));
  out[out.length - 1] += r.score;
  return out;
}

/** GAE: δ_t = r_t + γ·V_{t+1} − V_t (V after the last token is 0), A_t = δ_t + γλ·A_{t+1}; returns A + V. */
export function gae(rewards: readonly number[], values: readonly number[], gamma: number, lam: number): { advantages: number[]; returns: number[] } {
  const n = rewards.length;
  const advantages = new Array<number>(n);
  let last = 0;
  for (let t = n - 1; t >= 0; t--) {
    const next = t + 1 < n ? values[t + 1] : 0;
    const delta = rewards[t] + gamma * next - values[t];
    last = delta + gamma * lam * last;
    advantages[t] = last;
  }
  return { advantages, returns: advantages.map((a, t) => a + values[t]) };
}

/** (x − mean) / sqrt(var + 1e-8) over every element of every row, var unbiased (torch.var's default, as TRL's whiten). */
export function whiten(rows: readonly number[][]): number[][] {
  const all = rows.flat();
  const mean = all.reduce((s, x) => s + x, 0) / all.length;
  const variance = all.length > 1 ? all.reduce((s, x) => s + (x - mean) ** 2, 0) / (all.length - 1) : 0;
  const scale = 1 / Math.sqrt(variance + 1e-8);
  return rows.map((row) => row.map((x) => (x - mean) * scale));
}

export function computeAdvantages(batch: readonly RolloutTokens[], opts: { klCoef: number; gamma: number; lam: number }): Advantages {
  const rewards = batch.map((r) => tokenRewards(r, opts.klCoef));
  const estimates = batch.map((r, i) => gae(rewards[i], r.values, opts.gamma, opts.lam));
  return {
    rewards,
    advantages: whiten(estimates.map((e) => e.advantages)),
    returns: estimates.map((e) => e.returns),
    kl: batch.map((r) => r.logps.reduce((s, lp, t) => s + lp - r.refLogps[t], 0)),
  };
}

/**
 * The KL coefficient β between iterations: fixed, or adaptive (Ziegler et al. 2019; TRL's AdaptiveKLController):
 * β ← β·(1 + clip(KL/target − 1, −0.2, 0.2)·n/horizon) after each batch of n rollouts with mean KL `KL`.
 */
export function nextKlCoef(coef: number, kl: number, rollouts: number, adaptive: { target: number; horizon: number } | null): number {
  if (!adaptive) return coef;
  const error = Math.min(0.2, Math.max(-0.2, kl / adaptive.target - 1));
  return coef * (1 + (error * rollouts) / adaptive.horizon);
}
