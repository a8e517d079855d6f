// Which interval each metric gets was said by hand in three places: the studio's Evaluate form (twice) and Compare's
// Metrics card said "Wilson’s for accuracy and exact match", leaving out judge agreement, which has Wilson's too.
// One sentence, built from PROPORTION_METRICS, now serves the CLI and the studio.
import { describe, expect, it } from 'vitest';
import { intervalKind, intervalsSaid, PROPORTION_METRICS } from '../../native/api/eval.ts';
import { evalMetricLabel } from '../../native/api/labels.ts';

describe('the sentence that says which interval each metric gets', () => {
  it('names every proportion, in the studio’s labels and in the CLI’s metric names', () => {
    expect(intervalsSaid('labels')).toBe('Wilson’s for exact match, accuracy and judge agreement (0/1 per example), bootstrap for the rest');
    expect(intervalsSaid('names')).toBe("Wilson's for exact_match, accuracy and judge_agreement (0/1 per example), bootstrap for the rest");
    for (const m of PROPORTION_METRICS) {
      expect(intervalKind(m)).toBe('Wilson');
      expect(intervalsSaid('labels')).toContain(evalMetricLabel(m).toLowerCase());
      expect(intervalsSaid('names')).toContain(m);
    }
  });
});
