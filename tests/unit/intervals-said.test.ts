// Which interval each metric gets was said by hand in three places: the studio's Evaluate form (twice) and Compare's
// Metrics card said "Wilson’s for accuracy and exact match", leaving out judge agreement, which has Wilson's too.
// One sentence, built from PROPORTION_METRICS, now serves the CLI and the studio.
import { describe, expect, it } from 'vitest';
import { hasRecallAtK, intervalKind, intervalsSaid, isProportion, oneRelevantPerQuery, PROPORTION_METRICS } from '../../native/api/eval.ts';
import { recordedInterval } from '../../native/api/intervals.ts';
import { wilsonInterval } from '../../native/api/wilson.ts';
import { evalMetricLabel } from '../../native/api/labels.ts';

describe('the sentence that says which interval each metric gets', () => {
  it('names every proportion, in the studio’s labels and in the CLI’s metric names', () => {
    expect(intervalsSaid('labels')).toBe('Wilson’s for exact match, accuracy and judge agreement (0/1 per example) and recall@k where each query has one relevant document, bootstrap for the rest');
    expect(intervalsSaid('names')).toBe("Wilson's for exact_match, accuracy and judge_agreement (0/1 per example) and recall@k where each query has one relevant document, bootstrap for the rest");
    for (const m of PROPORTION_METRICS) {
      expect(intervalKind(m)).toBe('Wilson');
      expect(intervalsSaid('labels')).toContain(evalMetricLabel(m).toLowerCase());
      expect(intervalsSaid('names')).toContain(m);
    }
  });

  it('leaves recall@k out where none can be in view (a generation form, a comparison of generation runs)', () => {
    expect(intervalsSaid('labels', false)).toBe('Wilson’s for exact match, accuracy and judge agreement (0/1 per example), bootstrap for the rest');
    expect([hasRecallAtK(['rougeL', 'mrr']), hasRecallAtK(['mrr', 'recall@5'])]).toEqual([false, true]);
  });
});

// recall@5 of 3 queries all found read 1.0000 [1.0000–1.0000]: with one relevant document per query it is 0/1 per query
describe('recall@k as a proportion', () => {
  it('is one where the run had one relevant document per query, and only recall@k', () => {
    expect(oneRelevantPerQuery({ retrieval: { oneRelevantPerQuery: true } })).toBe(true);
    expect([oneRelevantPerQuery({ retrieval: {} }), oneRelevantPerQuery(null), oneRelevantPerQuery({})]).toEqual([false, false, false]);
    expect(['recall@1', 'recall@5', 'recall@10', 'mrr', 'ndcg@10'].map((m) => isProportion(m, true))).toEqual([true, true, true, false, false]);
    expect(isProportion('recall@5')).toBe(false);
    expect([intervalKind('recall@5', true), intervalKind('recall@5')]).toEqual(['Wilson', 'bootstrap']);
  });

  it('reads Wilson’s interval from k of n, and a run of several relevant documents its stored bootstrap', () => {
    const stored = new Map<string, number>([['examples', 3], ['recall@5.ci95_low', 1], ['recall@5.ci95_high', 1]]);
    expect(recordedInterval('recall@5', 1, (n) => stored.get(n), true)).toEqual(wilsonInterval(3, 3));
    expect(wilsonInterval(3, 3).low).toBeCloseTo(0.4385, 4);
    expect(recordedInterval('recall@5', 1, (n) => stored.get(n))).toEqual({ low: 1, high: 1 });
  });
});
