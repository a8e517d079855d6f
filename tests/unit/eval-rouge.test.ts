// ROUGE against rouge-score's published test cases, hand-computed cases, and NLTK's Porter stemmer.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregateRouge, bootstrapIntervals, percentileOfSorted } from '../../native/eval/bootstrap.ts';
import { porterStem } from '../../native/eval/porter-stemmer.ts';
import { lcsIndices, rougeScore, rougeScoreMulti, rougeTokenize, summaryLevelLcs, unionLcs } from '../../native/eval/rouge.ts';
import { dialogSumTest, nltkUnavailable, pythonModuleUnavailable, runPython, sharedData } from '../fixtures/eval/python-reference.ts';

const testdata = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/eval/rouge-score-testdata.json'), 'utf8')) as {
  targets: string[];
  predictions: string[];
  targetMulti0: string;
  predictionMulti0: string;
};

type Prf = [precision: number, recall: number, fmeasure: number];

function expectPrf(score: { precision: number; recall: number; fmeasure: number }, [p, r, f]: Prf, digits = 6): void {
  expect(score.precision).toBeCloseTo(p, digits);
  expect(score.recall).toBeCloseTo(r, digits);
  expect(score.fmeasure).toBeCloseTo(f, digits);
}

describe('rouge-score published cases (rouge/rouge_scorer_test.py)', () => {
  // [type, target, prediction, precision, recall, F], from testRouge1, testRouge2, testRougeLConsecutive,
  // testRougeLNonConsecutive, testRougeLsum and testRougeEmpty.
  const cases: [string, string, string, ...Prf][] = [
    ['rouge1', 'testing one two', 'testing', 1, 1 / 3, 1 / 2],
    ['rouge2', 'testing one two', 'testing one', 1, 1 / 2, 2 / 3],
    ['rougeL', 'testing one two', 'testing one', 1, 2 / 3, 4 / 5],
    ['rougeL', 'testing one two', 'testing two', 1, 2 / 3, 4 / 5],
    ['rougeLsum', 'w1 w2 w3 w4 w5', 'w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5', 0.4, 0.8, 0.4 * 0.8 * 2 / 1.2],
    ['rougeLsum', 'w1 w2 w3 w4 w5', '', 0, 0, 0],
    ['rougeLsum', '', 'w1', 0, 0, 0],
    ['rougeLsum', 'w1 w2 w3 w4 w5', '/', 0, 0, 0],
    ['rouge1', 'testing one two', '', 0, 0, 0],
    ['rouge2', 'testing one two', '', 0, 0, 0],
    ['rougeL', 'testing one two', '', 0, 0, 0],
  ];
  it.each(cases)('%s(%j, %j)', (type, target, prediction, p, r, f) => {
    expectPrf(rougeScore(target, prediction, { types: [type as 'rouge1'] })[type], [p, r, f]);
  });

  // testRouge{1,2,L}AgainstRouge155(WithStemming): ROUGE-1.5.5's numbers, printed to 5 decimals.
  const against155: [string, boolean, number, Prf][] = [
    ['rouge1', false, 0, [0.6875, 0.40741, 0.51163]],
    ['rouge1', false, 1, [0.65385, 0.40476, 0.5]],
    ['rouge1', true, 0, [0.6875, 0.40741, 0.51163]],
    ['rouge1', true, 1, [0.69231, 0.42857, 0.52941]],
    ['rouge2', false, 0, [0.53333, 0.30769, 0.39024]],
    ['rouge2', false, 1, [0.48, 0.29268, 0.36364]],
    ['rouge2', true, 0, [0.53333, 0.30769, 0.39024]],
    ['rouge2', true, 1, [0.48, 0.29268, 0.36364]],
    ['rougeL', false, 0, [0.6875, 0.40741, 0.51163]],
    ['rougeL', false, 1, [0.65385, 0.40476, 0.5]],
  ];
  it.each(against155)('%s stem=%s on testdata line %i matches ROUGE-1.5.5', (type, stem, line, prf) => {
    const score = rougeScore(testdata.targets[line], testdata.predictions[line], { types: [type as 'rouge1'], stem })[type];
    expectPrf(score, prf, 5);
  });

  it('rougeLsum with stemming on pyrouge_files/*_multi.0.txt matches ROUGE-1.5.5 (testRougeLSumAgainstRouge155WithStemming)', () => {
    const score = rougeScore(testdata.targetMulti0, testdata.predictionMulti0, { types: ['rougeLsum'], stem: true }).rougeLsum;
    expectPrf(score, [0.66667, 0.36538, 0.47205], 5);
  });

  it('reads back one LCS with the reference tie-breaking (testLcsTable)', () => {
    const ref = ['1', '2', '3', '4', '5'];
    expect(lcsIndices(ref, ['2', '5', '3', '4'])).toEqual([1, 2, 3]);
    expect(lcsIndices(ref, ['8', '9'])).toEqual([]);
  });

  it('takes the union LCS over candidate sentences (testUnionLcs, testSummaryLevelLcs)', () => {
    const ref = ['1', '2', '3', '4', '5'];
    const c1 = ['1', '2', '6', '7', '8'];
    const c2 = ['1', '3', '8', '9', '5'];
    expect(unionLcs(ref, [c1, c2])).toEqual(['1', '2', '3', '5']);
    const score = summaryLevelLcs([ref], [c1, c2]);
    expect(score.recall).toBe(0.8);
    expect(score.precision).toBe(0.4);
    expect(summaryLevelLcs([['reference']], [[]]).recall).toBe(0);
  });

  it('rejects invalid ROUGE types (testInvalidRougeTypes)', () => {
    for (const type of ['rougen', 'rouge0', 'rouge10']) {
      expect(() => rougeScore('testing one two', 'testing', { types: [type as 'rouge1'] })).toThrow(/Invalid ROUGE type/);
    }
  });
});

describe('rouge-score tokenizer (rouge/tokenize_test.py and tokenize.py)', () => {
  it('lowercases and splits on non-alphanumerics', () => {
    expect(rougeTokenize('one Two three')).toEqual(['one', 'two', 'three']);
    expect(rougeTokenize('one\n Two \nthree')).toEqual(['one', 'two', 'three']);
    expect(rougeTokenize("Don't stop-believing, café 2024!")).toEqual(['don', 't', 'stop', 'believing', 'caf', '2024']);
  });
  it('stems only tokens longer than three characters', () => {
    expect(rougeTokenize('ties tied flies running cats', true)).toEqual(['tie', 'tie', 'fli', 'run', 'cat']);
    // 'was' and 'has' are 3 characters, so they are not stemmed to 'wa' and 'ha'.
    expect(rougeTokenize('was has gases', true)).toEqual(['was', 'has', 'gase']);
  });
});

describe('BootstrapAggregator (rouge/scoring_test.py)', () => {
  const rows = [
    [1, 1 / 3, 1 / 2],
    [0, 0, 0],
    [1, 1, 1],
  ];
  it('gives the expected percentiles on three examples (testConsistentPercentiles)', () => {
    const [p, r, f] = bootstrapIntervals(rows, { confidence: 0.9, seed: 123 });
    for (const [interval, expected] of [
      [p, [1 / 3, 2 / 3, 1]],
      [r, [1 / 9, 4 / 9, 7 / 9]],
      [f, [1 / 6, 3 / 6, 5 / 6]],
    ] as const) {
      expect(interval.low).toBeCloseTo(expected[0], 8);
      expect(interval.mid).toBeCloseTo(expected[1], 8);
      expect(interval.high).toBeCloseTo(expected[2], 8);
    }
  });
  it('collapses to the median with confidence 0 (testLargeConfidence)', () => {
    const [p, r, f] = bootstrapIntervals(rows, { confidence: 0, seed: 123 });
    for (const [interval, expected] of [
      [p, 2 / 3],
      [r, 4 / 9],
      [f, 3 / 6],
    ] as const) {
      expect([interval.low, interval.mid, interval.high].map((x) => x - expected).every((d) => Math.abs(d) < 1e-8)).toBe(true);
    }
  });
  it('is reproducible for a seed and brackets the mean', () => {
    const perExample = ['a b c', 'a b', 'c d e f', 'a', 'b c d'].map((p) => rougeScore('a b c d', p, { types: ['rouge1'] }));
    const once = aggregateRouge(perExample, { seed: 7 });
    expect(aggregateRouge(perExample, { seed: 7 })).toEqual(once);
    const meanF = perExample.reduce((s, x) => s + x.rouge1.fmeasure, 0) / perExample.length;
    expect(once.rouge1.fmeasure.low).toBeLessThanOrEqual(meanF);
    expect(once.rouge1.fmeasure.high).toBeGreaterThanOrEqual(meanF);
  });
  it("agrees in distribution with rouge-score's numpy resampling on DialogSum", (ctx) => {
    const rows = dialogSumTest();
    const reason = pythonModuleUnavailable('numpy') ?? (rows ? null : '../shared/data/datasets/dialogsum/test.jsonl not found');
    if (reason || !rows) {
      console.log(`skipped: ${reason}`);
      ctx.skip();
      return;
    }
    const scores = rows.map((r) => rougeScoreMulti([r.summary1, r.summary2, r.summary3], r.dialogue.split('\n')[0], { types: ['rouge1'], stem: true }).rouge1);
    const ours = bootstrapIntervals(scores.map((s) => [s.precision, s.recall, s.fmeasure]), { seed: 123 });
    // BootstrapAggregator._bootstrap_resample, step for step, with numpy's generator.
    const numpy = runPython<number[][]>(
      [
        'import json, sys',
        'import numpy as np',
        'm = np.array(json.load(sys.stdin)); np.random.seed(123)',
        'means = np.zeros((1000, m.shape[1]))',
        'for i in range(1000): means[i, :] = np.mean(m[np.random.choice(np.arange(m.shape[0]), size=m.shape[0]), :], axis=0)',
        'print(json.dumps(np.percentile(means, [2.5, 50, 97.5], axis=0).T.tolist()))',
      ].join('\n'),
      scores.map((s) => [s.precision, s.recall, s.fmeasure]),
    );
    // Different random streams, so bounds differ by sampling error (up to ~2e-3 across seeds here); both seeds are
    // fixed, so the check is deterministic. A wrong percentile or resampling rule is off by far more.
    ours.forEach((interval, k) => {
      expect(Math.abs(interval.low - numpy[k][0])).toBeLessThan(3e-3);
      expect(Math.abs(interval.mid - numpy[k][1])).toBeLessThan(3e-3);
      expect(Math.abs(interval.high - numpy[k][2])).toBeLessThan(3e-3);
    });
  });
  it('interpolates percentiles linearly, like numpy', () => {
    expect(percentileOfSorted([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentileOfSorted([0, 10], 2.5)).toBeCloseTo(0.25, 12);
  });
});

describe('hand-computed ROUGE', () => {
  it('clips repeated n-grams and picks the best reference per type', () => {
    // target 'the cat the cat' vs prediction 'the the the': unigram overlap min(2,3) = 2 → P 2/3, R 2/4.
    expectPrf(rougeScore('the cat the cat', 'the the the', { types: ['rouge1'] }).rouge1, [2 / 3, 1 / 2, (2 * (2 / 3) * 0.5) / (2 / 3 + 0.5)]);
    const best = rougeScoreMulti(['a b c d', 'x y'], 'x y z', { types: ['rouge1', 'rouge2'] });
    expectPrf(best.rouge1, [2 / 3, 1, 0.8]);
    expectPrf(best.rouge2, [1 / 2, 1, 2 / 3]);
  });
  it('counts each token once in ROUGE-Lsum', () => {
    // Both candidate sentences match 'a' in the one reference sentence, but the candidate has 'a' twice and
    // the reference once, so there is one hit: P = 1/4, R = 1/2.
    expectPrf(rougeScore('a b', 'a c\na d', { types: ['rougeLsum'] }).rougeLsum, [1 / 4, 1 / 2, 1 / 3]);
  });
});

describe('Porter stemmer against NLTK', () => {
  it('agrees with nltk PorterStemmer() on every distinct word of Tiny Shakespeare', (ctx) => {
    const reason = nltkUnavailable();
    const corpus = path.join(sharedData, 'corpora/tinyshakespeare.txt');
    if (reason || !fs.existsSync(corpus)) {
      console.log(`skipped: ${reason ?? `${corpus} not found`}`);
      ctx.skip();
      return;
    }
    const words = [...new Set(fs.readFileSync(corpus, 'utf8').toLowerCase().match(/[a-z]+/g) ?? [])];
    expect(words.length).toBeGreaterThan(2000);
    const nltk = runPython<string[]>('import json,sys\nfrom nltk.stem.porter import PorterStemmer\ns=PorterStemmer()\nprint(json.dumps([s.stem(w) for w in json.load(sys.stdin)]))', words);
    const mismatches = words.map((w, i) => [w, porterStem(w), nltk[i]]).filter(([, ours, theirs]) => ours !== theirs);
    expect(mismatches.slice(0, 20)).toEqual([]);
  });

  it('handles the NLTK extensions (hand-checked against the algorithm description)', () => {
    const cases: [string, string][] = [
      ['dies', 'die'],
      ['died', 'die'],
      ['spied', 'spi'],
      ['dying', 'die'],
      ['skies', 'sky'],
      ['happy', 'happi'],
      ['enjoy', 'enjoy'],
      ['generically', 'gener'],
      ['geology', 'geolog'],
      ['hopefulli', 'hope'],
      ['caresses', 'caress'],
      ['relational', 'relat'],
      ['controlling', 'control'],
      ['is', 'is'],
    ];
    for (const [word, stem] of cases) expect(porterStem(word), word).toBe(stem);
  });
});
