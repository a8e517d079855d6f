// chrF / chrF++ against sacrebleu's published test cases (test/test_chrf.py) and hand-computed cases.
import { describe, expect, it } from 'vitest';
import { chrfFromStatistics, chrfSegmentStatistics, chrfWords, corpusChrf, sentenceChrf } from '../../native/eval/chrf.ts';

// test_chrf.py compares with EPSILON = 1e-4 (its expected values are printed to that precision).
const EPSILON = 1e-4;

describe('sacrebleu published cases (test/test_chrf.py)', () => {
  // test_cases: char_order=6, word_order=0, beta=3, eps_smoothing=True.
  it.each([
    [['abcdefg'], ['hijklmnop'], 0],
    [['a'], ['b'], 0],
    [[''], ['b'], 0],
    [[''], ['ref'], 0],
    [[''], ['reference'], 0],
    [['aa'], ['ab'], 8.3333],
    [['a', 'b'], ['a', 'c'], 8.3333],
    [['a'], ['a'], 16.6667],
    [['a b c'], ['a b c'], 50],
    [['a b c'], ['abc'], 50],
    [
      [' risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .'],
      ['risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .'],
      63.36173,
    ],
    [[' Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. '], ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'], 64.1302698],
    [['Niemand hat die Absicht, eine Mauer zu errichten'], ['Niemand hat die Absicht, eine Mauer zu errichten'], 100],
  ])('eps smoothing: %j vs %j → %d', (hyps, refs, expected) => {
    const score = corpusChrf(hyps, refs.map((r) => [r]), { charOrder: 6, wordOrder: 0, beta: 3, epsSmoothing: true });
    expect(Math.abs(score - expected)).toBeLessThan(EPSILON);
  });

  // test_cases_effective_order: the sacrebleu default (eps_smoothing=False).
  it.each([
    [['a'], ['a'], 100],
    [[''], ['reference'], 0],
    [['a b c'], ['a b c'], 100],
    [['a b c'], ['abc'], 100],
    [[''], ['c'], 0],
    [['a', 'b'], ['a', 'c'], 50],
    [['aa'], ['ab'], 25],
  ])('effective order: %j vs %j → %d', (hyps, refs, expected) => {
    const score = corpusChrf(hyps, refs.map((r) => [r]), { charOrder: 6, wordOrder: 0, beta: 3 });
    expect(Math.abs(score - expected)).toBeLessThan(EPSILON);
  });

  // test_cases_keep_whitespace (whitespace kept inside character n-grams).
  it.each([
    ['Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.', 'Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.', 67.3481606],
    [
      'risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .',
      'risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .',
      65.2414427,
    ],
  ])('keep whitespace: %j → %d', (hyp, ref, expected) => {
    expect(Math.abs(corpusChrf([hyp], [[ref]], { beta: 3, whitespace: true }) - expected)).toBeLessThan(EPSILON);
  });

  // test_sentence_level_chrf: sentence_chrf with eps_smoothing=True and the defaults (order 6, beta 2).
  it.each([
    ['Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.', 'Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.', 39.14078509],
    ['Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.', 'A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.', 31.22557079],
    ['Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.', 'Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.', 57.15704367],
  ])('sentence chrF: %j → %d', (hyp, ref, expected) => {
    expect(Math.abs(sentenceChrf(hyp, [ref], { epsSmoothing: true }) - expected)).toBeLessThan(EPSILON);
  });
});

describe('hand-computed chrF and chrF++', () => {
  it('counts character n-grams without whitespace and combines with beta 2', () => {
    // 'ab' vs 'abc': order 1 P 2/2 R 2/3; order 2 P 1/1 R 1/2; orders 3–6 have no hypothesis n-grams.
    const stats = chrfSegmentStatistics('ab', ['abc']);
    expect(stats.slice(0, 6)).toEqual([2, 3, 2, 1, 2, 1]);
    expect(stats.slice(6, 9)).toEqual([0, 1, 0]);
    const p = (1 + 1) / 2;
    const r = (2 / 3 + 1 / 2) / 2;
    expect(chrfFromStatistics(stats)).toBeCloseTo((100 * (5 * p * r)) / (4 * p + r), 10);
  });
  it('splits one punctuation mark off words for chrF++ (including the reference quirk on brackets)', () => {
    expect(chrfWords('Hello, world! (hi) . x')).toEqual(['Hello', ',', 'world', '!', '(hi', ')', '.', 'x']);
  });
  it('adds word unigrams and bigrams for chrF++ and picks the best reference', () => {
    const plain = corpusChrf(['the cat sat'], [['the cat sat']], { wordOrder: 2 });
    expect(plain).toBeCloseTo(100, 10);
    const best = sentenceChrf('the cat sat', ['a dog ran', 'the cat sat down'], { wordOrder: 2 });
    expect(best).toBeCloseTo(sentenceChrf('the cat sat', ['the cat sat down'], { wordOrder: 2 }), 12);
    expect(best).toBeLessThan(100);
  });
  it('lowercases on request and refuses mismatched inputs', () => {
    expect(corpusChrf(['ABC'], [['abc']], { lowercase: true })).toBeCloseTo(100, 10);
    expect(corpusChrf(['ABC'], [['abc']])).toBe(0);
    expect(() => corpusChrf(['a', 'b'], [['a']])).toThrow(/one list of references per hypothesis/);
  });
});
