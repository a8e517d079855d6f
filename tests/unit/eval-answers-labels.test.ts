// Exact match / token F1 (SQuAD), accuracy / macro-F1 (scikit-learn), entity F1 (seqeval), perplexity and
// bits per byte: published examples of the reference packages where they exist, hand-computed cases otherwise.
import { describe, expect, it } from 'vitest';
import { scoreClassification } from '../../native/eval/classification.ts';
import { entitiesOf, scoreEntities } from '../../native/eval/ner.ts';
import { bitsPerByte, perplexity, sumLosses, utf8Bytes } from '../../native/eval/perplexity.ts';
import { exactMatch, normalizeAnswer, scoreAnswer, scoreAnswers, tokenF1 } from '../../native/eval/qa.ts';

describe('SQuAD answer normalisation, exact match and F1', () => {
  it.each([
    ['The Quick, brown fox!', 'quick brown fox'],
    ['  an   apple  a day ', 'apple day'],
    ['Theater and anthem', 'theater and anthem'], // articles only as whole words
    ["Saint-Étienne's team", 'saintétiennes team'], // ASCII punctuation removed, letters kept
    ['the éa a', 'éa'], // Unicode word boundary: 'a' inside 'éa' is not an article
  ])('normalizes %j to %j', (text, expected) => {
    expect(normalizeAnswer(text)).toBe(expected);
  });

  it('scores exact match and token F1 by hand', () => {
    expect(exactMatch('The Eiffel Tower.', 'eiffel tower')).toBe(1);
    expect(exactMatch('Eiffel', 'eiffel tower')).toBe(0);
    // 'eiffel tower in paris' vs 'the eiffel tower': 2 shared tokens, P 2/4, R 2/2 → F1 2/3.
    expect(tokenF1('Eiffel Tower in Paris', 'the Eiffel Tower')).toBeCloseTo(2 / 3, 12);
    // Repeated tokens are clipped: 'x x y' vs 'x y' → 2 shared, P 2/3, R 1 → F1 0.8.
    expect(tokenF1('x x y', 'x y')).toBeCloseTo(0.8, 12);
    expect(tokenF1('', '')).toBe(1);
    expect(tokenF1('the', 'paris')).toBe(0);
  });

  it('takes the best of several gold answers and averages to percentages', () => {
    expect(scoreAnswer('Denver Broncos', ['Broncos', 'Denver Broncos', 'the Broncos'])).toEqual({ exactMatch: 1, f1: 1 });
    const corpus = scoreAnswers(['Denver Broncos', 'Paris France'], [['Denver Broncos'], ['Paris']]);
    expect(corpus.exactMatch).toBeCloseTo(50, 12);
    expect(corpus.f1).toBeCloseTo(((1 + 2 / 3) / 2) * 100, 12);
  });
});

describe('classification (scikit-learn conventions)', () => {
  it('matches the scikit-learn documentation examples', () => {
    // sklearn.metrics.f1_score docs: y_true=[0,1,2,0,1,2], y_pred=[0,2,1,0,0,1], average='macro' → 0.26666…
    const f1 = scoreClassification(['0', '2', '1', '0', '0', '1'], ['0', '1', '2', '0', '1', '2']);
    expect(f1.macroF1).toBeCloseTo(0.26666666666666666, 12);
    // sklearn.metrics.accuracy_score docs: y_pred=[0,2,1,3], y_true=[0,1,2,3] → 0.5
    expect(scoreClassification(['0', '2', '1', '3'], ['0', '1', '2', '3']).accuracy).toBe(0.5);
  });
  it('scores a label that is never predicted as 0 and honours an explicit label list', () => {
    const s = scoreClassification(['pos', 'pos', 'pos'], ['pos', 'neg', 'pos']);
    expect(s.perLabel.neg).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(s.perLabel.pos.f1).toBeCloseTo(0.8, 12);
    expect(s.macroF1).toBeCloseTo(0.4, 12);
    expect(scoreClassification(['pos', 'pos', 'pos'], ['pos', 'neg', 'pos'], ['pos']).macroF1).toBeCloseTo(0.8, 12);
    expect(() => scoreClassification(['a'], ['a', 'b'])).toThrow(/one gold label per prediction/);
  });
});

describe('entity-level NER scores (seqeval default mode)', () => {
  it('reads entities like get_entities (seqeval README)', () => {
    expect(entitiesOf(['B-PER', 'I-PER', 'O', 'B-LOC'])).toEqual([
      { type: 'PER', start: 0, end: 1 },
      { type: 'LOC', start: 3, end: 3 },
    ]);
  });
  it('treats a stray I- as the start of a new entity, and a type change as a boundary', () => {
    expect(entitiesOf(['O', 'I-PER', 'I-PER'])).toEqual([{ type: 'PER', start: 1, end: 2 }]);
    expect(entitiesOf(['B-PER', 'I-LOC'])).toEqual([
      { type: 'PER', start: 0, end: 0 },
      { type: 'LOC', start: 1, end: 1 },
    ]);
    expect(entitiesOf(['B-PER', 'B-PER'])).toEqual([
      { type: 'PER', start: 0, end: 0 },
      { type: 'PER', start: 1, end: 1 },
    ]);
  });
  it('matches the seqeval README example (f1 0.50; MISC 0, PER 1)', () => {
    const gold = [
      ['O', 'O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O'],
      ['B-PER', 'I-PER', 'O'],
    ];
    const pred = [
      ['O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'I-MISC', 'O'],
      ['B-PER', 'I-PER', 'O'],
    ];
    const s = scoreEntities(pred, gold);
    expect([s.precision, s.recall, s.f1, s.support]).toEqual([0.5, 0.5, 0.5, 2]);
    expect(s.perType.MISC).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(s.perType.PER).toEqual({ precision: 1, recall: 1, f1: 1, support: 1 });
  });
  it('never joins entities across sentences and checks lengths', () => {
    const s = scoreEntities([['B-LOC'], ['I-LOC']], [['B-LOC'], ['B-LOC']]);
    // Sentence 2's stray I-LOC is its own entity at (1, 0, 0), matching the gold B-LOC there.
    expect(s.f1).toBe(1);
    expect(() => scoreEntities([['O']], [['O', 'O']])).toThrow(/Sentence 1/);
  });
});

describe('perplexity and bits per byte', () => {
  it('aggregates sums before taking ratios', () => {
    // Two batches: 10 tokens at 2 nats each and 30 tokens at 1 nat each → mean 50/40 nats.
    const total = sumLosses([
      { nll: 20, tokens: 10, bytes: 40 },
      { nll: 30, tokens: 30, bytes: 60 },
    ]);
    expect(total).toEqual({ nll: 50, tokens: 40, bytes: 100 });
    expect(perplexity(total)).toBeCloseTo(Math.exp(1.25), 12);
    expect(bitsPerByte(total)).toBeCloseTo(50 / Math.LN2 / 100, 12);
  });
  it('gives the vocabulary size for a uniform model and 8 bits per byte for a uniform byte model', () => {
    const vocab = 512;
    expect(perplexity({ nll: 100 * Math.log(vocab), tokens: 100 })).toBeCloseTo(vocab, 8);
    expect(bitsPerByte({ nll: 64 * Math.log(256), bytes: 64 })).toBeCloseTo(8, 12);
  });
  it('counts UTF-8 bytes and rejects empty inputs', () => {
    expect(utf8Bytes('héllo')).toBe(6);
    expect(() => perplexity({ nll: 0, tokens: 0 })).toThrow(/at least one scored token/);
    expect(() => bitsPerByte({ nll: 1, bytes: 0 })).toThrow(/at least one byte/);
    expect(() => sumLosses([{ nll: -1, tokens: 1, bytes: 1 }])).toThrow(/non-negative/);
  });
});
