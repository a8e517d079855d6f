// PPO's score scaling (native/train/ppo-score-scaling.ts, TRL's use_score_scaling / use_score_norm / score_clip):
// the running moments after any sequence of batches equal the mean and variance of every score seen (a two-pass
// computation over them all), the first batch's moments take over from the initial ones, and scores are divided by
// the running sample std (minus the running mean with 'norm'), clipped when asked, left alone with 'none'.
import { describe, expect, it } from 'vitest';
import { INITIAL_MOMENTS, shapeScores, updateMoments, type ScoreMoments } from '../../native/train/ppo-score-scaling.ts';

const EPS = 2 ** -23;
const twoPass = (xs: number[]) => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
  return { mean, var: variance, std: Math.sqrt((variance * xs.length) / (xs.length - 1)) };
};

describe('score scaling', () => {
  it('the first batch replaces the initial moments: mean 2, population var 1, sample std √2 for scores 1 and 3', () => {
    const m = updateMoments(INITIAL_MOMENTS, [1, 3]);
    expect(m.mean).toBeCloseTo(2, 12);
    expect(m.var).toBeCloseTo(1, 12);
    expect(m.std).toBeCloseTo(Math.SQRT2, 12);
    expect(m.count).toBeCloseTo(2, 12);
  });

  it('running moments over batches of different sizes equal the two-pass moments of every score seen', () => {
    const batches = [[0.3, -0.7, 1.2, 0.1], [-0.4, -0.2], [2.5, 0.9, -1.1, 0.0, 0.4, 0.6, -0.3], [1.7]];
    let m: ScoreMoments = INITIAL_MOMENTS;
    const seen: number[] = [];
    for (const batch of batches) {
      m = updateMoments(m, batch);
      seen.push(...batch);
      const want = twoPass(seen);
      expect(m.mean).toBeCloseTo(want.mean, 12);
      expect(m.var).toBeCloseTo(want.var, 12);
      expect(m.std).toBeCloseTo(want.std, 12);
      expect(m.count).toBeCloseTo(seen.length, 9);
    }
  });

  it("'scale' divides by the running std including the batch itself; 'norm' also subtracts the running mean", () => {
    const prior = updateMoments(INITIAL_MOMENTS, [0.5, -0.5, 1.5, -1.5]);
    const scores = [0.2, -0.6, 0.9];
    const scaled = shapeScores(scores, prior, { scaling: 'scale', clip: null });
    const after = twoPass([0.5, -0.5, 1.5, -1.5, ...scores]);
    expect(scaled.moments.std).toBeCloseTo(after.std, 12);
    scaled.rewards.forEach((r, i) => expect(r).toBeCloseTo(scores[i] / (after.std + EPS), 12));
    const normed = shapeScores(scores, prior, { scaling: 'norm', clip: null });
    normed.rewards.forEach((r, i) => expect(r).toBeCloseTo((scores[i] - after.mean) / (after.std + EPS), 12));
    // a small reward model's scores grow: a spread of 0.5 (sample std 0.29) becomes one of 1.73
    const small = shapeScores([0.25, -0.25, 0.25, -0.25], INITIAL_MOMENTS, { scaling: 'scale', clip: null });
    expect(Math.max(...small.rewards) - Math.min(...small.rewards)).toBeCloseTo(0.5 / Math.sqrt((0.0625 * 4) / 3), 5);
  });

  it("'none' leaves scores and moments alone; a clip bounds the shaped score on both sides", () => {
    const prior = updateMoments(INITIAL_MOMENTS, [1, 2, 3]);
    const none = shapeScores([5, -7], prior, { scaling: 'none', clip: null });
    expect(none.rewards).toEqual([5, -7]);
    expect(none.moments).toBe(prior);
    expect(shapeScores([5, -7, 0.5], prior, { scaling: 'none', clip: 1 }).rewards).toEqual([1, -1, 0.5]);
    const clipped = shapeScores([10, -10, 0], prior, { scaling: 'scale', clip: 1 }); // scaled to ±1.55 before the clip
    expect(clipped.rewards).toEqual([1, -1, 0]);
  });

  it('an empty batch changes nothing', () => {
    const prior = updateMoments(INITIAL_MOMENTS, [1, 2]);
    expect(updateMoments(prior, [])).toBe(prior);
  });
});
