// A PPO run's before / after samples: the held-out prompts (the first validation prompts, continued with the same
// sampling seed at every evaluation, so two evaluations differ by the policy alone) as the policy before training
// (iteration 0) and a later iteration wrote them, scored by the reward model. Paired by prompt text, in the order of
// iteration 0; the means are over the pairs.
import type { HeldoutSamples, RolloutRow, RolloutTable } from '../api/align.ts';

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/**
 * Each held-out prompt of `before` beside the same prompt's rollout in `after` (matched by text, the k-th repeat of a
 * prompt with the k-th); `steps` are the iterations that have held-out rollouts, listed as they are.
 */
export function pairHeldout(steps: readonly number[], before: RolloutTable | null, after: RolloutTable | null): HeldoutSamples {
  const first = before?.heldout ?? [];
  const later = new Map<string, RolloutRow[]>();
  for (const row of after?.heldout ?? []) later.set(row.prompt, [...(later.get(row.prompt) ?? []), row]);
  const pairs = first.map((b) => {
    const a = later.get(b.prompt)?.shift() ?? null;
    return { prompt: b.prompt, before: b, after: a, change: a ? a.score - b.score : null };
  });
  const matched = pairs.filter((p) => p.after !== null);
  return {
    steps: [...steps],
    beforeStep: before?.heldout ? before.step : null,
    afterStep: after?.heldout ? after.step : null,
    pairs,
    meanBefore: mean(first.map((r) => r.score)),
    meanAfter: mean(matched.map((p) => p.after!.score)),
    klAfter: mean(matched.map((p) => p.after!.kl)),
  };
}
