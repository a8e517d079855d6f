// Negative numbers in the studio's pages carry the typographic minus, as signed changes always did (formatSigned's
// "−0.105"): a DPO reward, a PPO score, a log-probability, an evaluation metric, a chart's axis tick and a dense
// search score read "−2.31", never "-2.31" beside a "−0.105" change. A value that rounds to zero has no sign.
import { describe, expect, it } from 'vitest';
import { formatSigned, withTrueMinus } from '../../renderer/src/domain/format.ts';
import { formatScore } from '../../renderer/src/pages/align/PpoRunParts.tsx';
import { formatHitScore } from '../../renderer/src/pages/documents/CollectionSearch.tsx';
import { formatMetric } from '../../renderer/src/pages/evaluate/metrics.ts';
import { formatLoss, formatLr } from '../../renderer/src/pages/finetune/runFormat.ts';
import { formatTrainingMetric } from '../../renderer/src/pages/runs/trainingMetrics.ts';
import { linearScale, tickFormat } from '../../renderer/src/ui/charts/scale.ts';

const HYPHEN = /-/;

describe('the minus sign of negative numbers in the UI', () => {
  it('is the typographic minus in every number formatter, as in a signed change', () => {
    expect(formatSigned(-0.105)).toBe('−0.105');
    expect(formatScore(-2.314)).toBe('−2.31');
    expect(formatScore(-0.5)).toBe('−0.500');
    expect(formatLoss(-35.2)).toBe('−35.20'); // a summed log-probability
    expect(formatLoss(-0.004)).toBe('−0.004000');
    expect(formatLoss(-3.65e-5)).toBe('−3.650e−5');
    expect(formatLoss(-0.0004)).toBe('−4.000e−4');
    expect(formatTrainingMetric('logps/chosen', -12.5)).toBe('−12.50');
    expect(formatMetric('margin', -0.25)).toBe('−0.250');
    expect(formatMetric('lr', 3.64e-5)).toBe('0.0000364');
    expect(formatLr(2e-3)).toBe('0.002');
    expect(formatHitScore({ score: -0.0312 } as Parameters<typeof formatHitScore>[0])).toBe('−0.0312');
  });

  it('is the typographic minus on a chart axis below zero', () => {
    const { ticks } = linearScale(-10, 0, 0, 100, 4);
    expect(ticks.map(tickFormat(ticks))).toEqual(['−10.0', '−7.5', '−5.0', '−2.5', '0.0']);
  });

  it('leaves positive numbers alone and drops the sign of a value that rounds to zero', () => {
    expect(formatScore(1.5)).toBe('1.50');
    expect(formatScore(-0.0001)).toBe('0.000');
    expect(withTrueMinus('-0.000')).toBe('0.000');
    expect(withTrueMinus('-1.5e-5')).toBe('−1.5e−5');
    for (const v of [-0.0001, -3e-7, -250, -0.5]) {
      expect(formatScore(v), String(v)).not.toMatch(HYPHEN);
      expect(formatLoss(v), String(v)).not.toMatch(HYPHEN);
      expect(formatMetric('reward', v), String(v)).not.toMatch(HYPHEN);
    }
  });
});
