// BLEU against sacrebleu's published test cases, hand-computed tokenizer cases, and NLTK on DialogSum.
import { describe, expect, it } from 'vitest';
import { bleuStatistics, computeBleu, corpusBleu, sentenceBleu, type BleuSmoothing } from '../../native/eval/bleu.ts';
import { tokenize13a, tokenizeIntl, type BleuTokenizerName } from '../../native/eval/bleu-tokenizers.ts';
import { pySplit } from '../../native/eval/python-text.ts';
import { dialogSumTest, nltkUnavailable, runPython } from '../fixtures/eval/python-reference.ts';

// The README example of sacrebleu, used by test/test_bleu.py. Reference streams there are parallel; ours are per hypothesis.
const REF_STREAMS = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];
const HYPS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
const REFS = HYPS.map((_, i) => REF_STREAMS.map((stream) => stream[i]));

// sacrebleu's `raw_corpus_bleu(hyps, refs, smooth_value)`: floor smoothing, no tokenization, effective order.
const raw = (smoothValue = 0.1) => ({ smooth: 'floor' as const, smoothValue, tokenize: 'none' as const, effectiveOrder: true });

describe('sacrebleu published cases (test/test_bleu.py)', () => {
  const corpusCases: [string, string[], Parameters<typeof corpusBleu>[2], number][] = [
    ['default settings', HYPS, {}, 48.530827],
    ['empty hypotheses are kept', ['', '', ''], {}, 0],
    ['tokenize none', HYPS, { tokenize: 'none' }, 49.1919566],
    ['tokenize 13a', HYPS, { tokenize: '13a' }, 48.530827],
    ['tokenize intl', HYPS, { tokenize: 'intl' }, 43.91623493],
    ['smooth none', HYPS, { smooth: 'none' }, 48.530827],
  ];
  it.each(corpusCases)('corpus BLEU, %s', (_name, hyps, options, expected) => {
    expect(Math.abs(corpusBleu(hyps, REFS, options).score - expected)).toBeLessThan(1e-4);
  });

  it.each([
    [['this is a test', 'another test'], ['ref1', 'ref2'], 0],
    [['this is a test'], ['this is a test'], 1],
    [['this is a fest'], ['this is a test'], 0.223606797749979],
    // test_effective_order
    [['test'], ['a test'], 0.3678794411714425],
    [['a test'], ['a test'], 1],
    [['a little test'], ['a test'], 0.03218297948685433],
  ])('raw corpus BLEU of %j against %j is %d', (hyps, refs, expected) => {
    const score = corpusBleu(hyps, refs.map((r) => [r]), raw(0.01)).score / 100; // the test passes smooth_value .01
    expect(Math.abs(score - expected)).toBeLessThan(1e-8);
  });

  it('counts matches and totals per order (test_statistics)', () => {
    const stats = bleuStatistics(['am I am a character sequence'], [['I am a symbol string sequence a a']], { tokenize: 'none' });
    expect(stats.counts).toEqual([4, 2, 1, 0]);
    expect(stats.totals).toEqual([6, 5, 4, 3]);
  });

  it('scores from statistics (test_scoring)', () => {
    const score = computeBleu({ counts: [9, 7, 5, 3], totals: [10, 8, 6, 4], sysLen: 11, refLen: 11 }, { smooth: 'none' }).score / 100;
    expect(Math.abs(score - 0.8375922397)).toBeLessThan(1e-8);
  });

  it('applies the floor offset (test_offset)', () => {
    const hyp = ['am I am a character sequence'];
    const refs = [['I am a symbol string sequence a a']];
    expect(corpusBleu(hyp, refs, raw(0)).score / 100).toBeLessThan(1e-8);
    expect(Math.abs(corpusBleu(hyp, refs, raw()).score / 100 - 0.1555722182)).toBeLessThan(1e-8);
  });

  it.each([
    [[0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0],
    [[0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0],
    [[6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1],
    [[0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01],
  ])('degenerate statistics %j / %j give 0 (test_degenerate_statistics)', (counts, totals, sysLen, refLen, offset) => {
    expect(computeBleu({ counts, totals, sysLen, refLen }, { smooth: 'floor', smoothValue: offset }).score).toBe(0);
  });

  it.each([
    [1, '77.65'],
    [2, '60.50'],
    [3, '53.93'],
    [4, '48.53'],
    [5, '46.14'],
    [6, '43.28'],
  ])('max n-gram order %i gives %s (test_max_ngram_order)', (order, expected) => {
    expect(corpusBleu(HYPS, REFS, { maxNgramOrder: order }).score.toFixed(2)).toBe(expected);
  });
});

describe('sacrebleu published cases (test/test_sentence_bleu.py)', () => {
  const REF = 'producţia de zahăr brut se exprimă în zahăr alb;';
  const SYS = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';
  it.each([
    ['exp', undefined, '13a', 8.493],
    ['none', undefined, '13a', 0],
    ['floor', undefined, '13a', 4.51688],
    ['floor', 0.1, '13a', 4.51688],
    ['floor', 0.5, '13a', 10.1],
    ['add-k', undefined, '13a', 14.882],
    ['add-k', 1, '13a', 14.882],
    ['add-k', 2, '13a', 21.389],
    ['exp', undefined, 'none', 7.347],
    ['exp', undefined, 'intl', 8.493],
  ] as [BleuSmoothing, number | undefined, BleuTokenizerName, number][])('smooth %s value %s tokenize %s → %d', (smooth, smoothValue, tokenize, expected) => {
    expect(Math.abs(sentenceBleu(SYS, [REF], { smooth, smoothValue, tokenize }).score - expected)).toBeLessThan(1e-3);
  });
  it.each(['exp', 'none', 'floor', 'add-k'] as BleuSmoothing[])('no match at all gives 0 with %s smoothing (issue #141)', (smooth) => {
    expect(sentenceBleu('this is a cat', ['okay thanks'], { smooth }).score).toBe(0);
  });
});

describe('BLEU tokenizers (hand-derived from mteval-v13a / v14 rules)', () => {
  it.each([
    ['Hello, world!', 'Hello , world !'],
    ['Pi is 3.14 and 1,000 is big.', 'Pi is 3.14 and 1,000 is big .'],
    ['in 1990.', 'in 1990 .'],
    ['1990-2000 was well-known', '1990 - 2000 was well-known'],
    ["It's (fine) [ok] {x} a/b", "It's ( fine ) [ ok ] { x } a / b"],
    ['&amp; &lt;b&gt; &quot;q&quot;', '& < b > " q "'],
    ['a <skipped> b', 'a b'],
    ['line-\nbreak\nhere', 'linebreak here'],
  ])('13a: %j → %j', (line, expected) => {
    expect(tokenize13a(line)).toBe(expected);
  });
  it.each([
    ['Hello, world!', 'Hello , world !'],
    ['in 1990.', 'in 1990.'],
    ['3.14 costs $5 «ok»', '3.14 costs $ 5 « ok »'],
  ])('intl: %j → %j', (line, expected) => {
    expect(tokenizeIntl(line)).toBe(expected);
  });
  it('picks the closest reference length, the shorter on a tie, and can use the shortest', () => {
    // hypothesis of 4 tokens; references of 3 and 5 tokens are equally close → 3.
    expect(bleuStatistics(['a b c d'], [['a b c', 'a b c d e']], { tokenize: 'none' }).refLen).toBe(3);
    expect(bleuStatistics(['a b c d'], [['a b c d e f', 'a b c d e']], { tokenize: 'none' }).refLen).toBe(5);
    expect(bleuStatistics(['a b c d'], [['a b c d e f', 'a b c d e']], { tokenize: 'none', refLength: 'shortest' }).refLen).toBe(5);
    expect(bleuStatistics(['a b c d'], [['a b', 'a b c d']], { tokenize: 'none', refLength: 'shortest' }).refLen).toBe(2);
  });
});

describe('BLEU against NLTK on DialogSum test summaries', () => {
  const reason = nltkUnavailable();
  const rows = dialogSumTest();
  const skip = reason ?? (rows ? null : '../shared/data/datasets/dialogsum/test.jsonl not found');

  it('corpus BLEU and smoothed sentence BLEU agree with nltk.translate.bleu_score', (ctx) => {
    if (skip || !rows) {
      console.log(`skipped: ${skip}`);
      ctx.skip();
      return;
    }
    // Two systems: a human summary against the other two, and a lead baseline (the dialogue's first turn) against all three.
    const systems = {
      summary1: { hyps: rows.map((r) => r.summary1), refs: rows.map((r) => [r.summary2, r.summary3]) },
      firstTurn: { hyps: rows.map((r) => r.dialogue.split('\n')[0]), refs: rows.map((r) => [r.summary1, r.summary2, r.summary3]) },
    };
    for (const { hyps, refs } of Object.values(systems)) {
      const tokens = (text: string) => pySplit(tokenize13a(text));
      // Sentence-level comparison only where every order has n-grams: NLTK scores a missing order as 0/1, sacrebleu stops.
      const long = hyps.map((h, i) => i).filter((i) => tokens(hyps[i]).length >= 4);
      const nltk = runPython<{ corpus: number; exp: number[]; floor: number[] }>(
        [
          'import json, sys, warnings',
          'warnings.simplefilter("ignore")',
          'from nltk.translate.bleu_score import corpus_bleu, sentence_bleu, SmoothingFunction',
          'd = json.load(sys.stdin); sf = SmoothingFunction()',
          'pairs = [(d["refs"][i], d["hyps"][i]) for i in d["long"]]',
          'print(json.dumps({"corpus": corpus_bleu(d["refs"], d["hyps"]),',
          '  "exp": [sentence_bleu(r, h, smoothing_function=sf.method3) for r, h in pairs],',
          '  "floor": [sentence_bleu(r, h, smoothing_function=sf.method1) for r, h in pairs]}))',
        ].join('\n'),
        { hyps: hyps.map(tokens), refs: refs.map((rs) => rs.map(tokens)), long },
      );
      expect(Math.abs(corpusBleu(hyps, refs, { smooth: 'none' }).score / 100 - nltk.corpus)).toBeLessThan(1e-4);
      expect(Math.abs(corpusBleu(hyps, refs, { smooth: 'exp' }).score / 100 - nltk.corpus)).toBeLessThan(1e-4);
      long.forEach((i, k) => {
        const exp = sentenceBleu(hyps[i], refs[i], { smooth: 'exp', effectiveOrder: false }).score / 100;
        const floor = sentenceBleu(hyps[i], refs[i], { smooth: 'floor', effectiveOrder: false }).score / 100;
        expect(Math.abs(exp - nltk.exp[k]), `exp, row ${i}`).toBeLessThan(1e-4);
        expect(Math.abs(floor - nltk.floor[k]), `floor, row ${i}`).toBeLessThan(1e-4);
      });
    }
  });
});
