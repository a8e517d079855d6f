// chrF (Popović, 2015) and chrF++ (Popović, 2017) as sacrebleu 2.x computes them (metrics/chrf.py):
// character n-grams of orders 1..6 with whitespace removed, optionally word n-grams of orders 1..wordOrder,
// per-segment statistics taken from the reference with the best segment F-score, summed over the corpus, and
// an F-beta of the averaged precisions and recalls. Scores are on sacrebleu's 0–100 scale.
import { ASCII_PUNCTUATION, pyRemoveWhitespace, pySplit } from './python-text.ts';

export interface ChrfOptions {
  /** Character n-gram order; default 6. */
  charOrder?: number;
  /** Word n-gram order; default 0 (chrF). 2 gives chrF++. */
  wordOrder?: number;
  /** Weight of recall relative to precision; default 2. */
  beta?: number;
  /** Lowercase both sides first. Default false. */
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams. Default false (whitespace is removed, as in chrF's definition). */
  whitespace?: boolean;
  /**
   * Epsilon smoothing as in the chrF++.py reference script, Moses and NLTK (average F over all orders, an empty
   * order scoring ε). Default false: sacrebleu's default averages precision and recall over the orders that
   * have n-grams on both sides ("effective order"), then takes one F-beta.
   */
  epsSmoothing?: boolean;
}

interface ResolvedChrf {
  charOrder: number;
  wordOrder: number;
  beta: number;
  lowercase: boolean;
  whitespace: boolean;
  epsSmoothing: boolean;
}

function resolve(options: ChrfOptions): ResolvedChrf {
  return {
    charOrder: options.charOrder ?? 6,
    wordOrder: options.wordOrder ?? 0,
    beta: options.beta ?? 2,
    lowercase: options.lowercase ?? false,
    whitespace: options.whitespace ?? false,
    epsSmoothing: options.epsSmoothing ?? false,
  };
}

/** Counts of n-grams of each order 1..maxOrder over units (code points or words), joined with `glue`. */
function ngramsByOrder(units: string[], maxOrder: number, glue: string): Map<string, number>[] {
  const byOrder: Map<string, number>[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= units.length; i++) {
      const gram = n === 1 ? units[i] : units.slice(i, i + n).join(glue);
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
    byOrder.push(counts);
  }
  return byOrder;
}

/**
 * chrF++'s word splitting: whitespace tokens, with one punctuation character split off the end (or else the
 * start) of a longer token. Like the reference, '(hi)' becomes '(hi' and ')'.
 */
export function chrfWords(sentence: string): string[] {
  const words: string[] = [];
  for (const w of pySplit(sentence)) {
    if ([...w].length === 1) words.push(w);
    else if (ASCII_PUNCTUATION.has(w[w.length - 1])) words.push(w.slice(0, -1), w[w.length - 1]);
    else if (ASCII_PUNCTUATION.has(w[0])) words.push(w[0], w.slice(1));
    else words.push(w);
  }
  return words;
}

function segmentNgrams(text: string, o: ResolvedChrf): Map<string, number>[] {
  const chars = Array.from(o.whitespace ? text : pyRemoveWhitespace(text));
  const grams = ngramsByOrder(chars, o.charOrder, '');
  if (o.wordOrder > 0) grams.push(...ngramsByOrder(chrfWords(text), o.wordOrder, ' '));
  return grams;
}

/** [hyp n-grams, ref n-grams, matches] per order; hypothesis n-grams are not counted when the reference has none. */
function matchStatistics(hyp: Map<string, number>[], ref: Map<string, number>[]): number[] {
  const stats: number[] = [];
  for (let k = 0; k < hyp.length; k++) {
    let hypCount = 0;
    let matches = 0;
    for (const [gram, count] of hyp[k]) {
      hypCount += count;
      const inRef = ref[k].get(gram);
      if (inRef !== undefined) matches += Math.min(count, inRef);
    }
    let refCount = 0;
    for (const count of ref[k].values()) refCount += count;
    stats.push(ref[k].size > 0 ? hypCount : 0, refCount, matches);
  }
  return stats;
}

/** The chrF score (0–100) from summed statistics, like sacrebleu's `CHRF._compute_f_score`. */
export function chrfFromStatistics(stats: readonly number[], options: ChrfOptions = {}): number {
  const o = resolve(options);
  const order = o.charOrder + o.wordOrder;
  const eps = 1e-16;
  const factor = o.beta ** 2;
  let epsScore = 0;
  let avgPrecision = 0;
  let avgRecall = 0;
  let effectiveOrder = 0;
  for (let i = 0; i < order; i++) {
    const [nHyp, nRef, nMatch] = [stats[3 * i], stats[3 * i + 1], stats[3 * i + 2]];
    const precision = nHyp > 0 ? nMatch / nHyp : eps;
    const recall = nRef > 0 ? nMatch / nRef : eps;
    const denominator = factor * precision + recall;
    epsScore += denominator > 0 ? ((1 + factor) * precision * recall) / denominator : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrecision += precision;
      avgRecall += recall;
      effectiveOrder++;
    }
  }
  if (o.epsSmoothing) return (100 * epsScore) / order;
  if (effectiveOrder === 0) return 0;
  avgPrecision /= effectiveOrder;
  avgRecall /= effectiveOrder;
  if (avgPrecision + avgRecall === 0) return 0;
  return 100 * (((1 + factor) * avgPrecision * avgRecall) / (factor * avgPrecision + avgRecall));
}

/** Statistics of one segment against its references: those of the reference with the best F-score (first on a tie). */
export function chrfSegmentStatistics(hypothesis: string, references: readonly string[], options: ChrfOptions = {}): number[] {
  const o = resolve(options);
  if (references.length === 0) throw new Error('chrF needs at least one reference per hypothesis.');
  const prepare = (text: string): string => (o.lowercase ? text.toLowerCase() : text);
  const hyp = segmentNgrams(prepare(hypothesis), o);
  let best: number[] = [];
  let bestScore = -1;
  for (const reference of references) {
    const stats = matchStatistics(hyp, segmentNgrams(prepare(reference), o));
    const score = chrfFromStatistics(stats, o);
    if (score > bestScore) {
      bestScore = score;
      best = stats;
    }
  }
  return best;
}

/** Corpus chrF, like `sacrebleu.corpus_chrf`; `references[i]` lists the references of hypothesis i. */
export function corpusChrf(hypotheses: readonly string[], references: readonly (readonly string[])[], options: ChrfOptions = {}): number {
  if (hypotheses.length !== references.length) {
    throw new Error(`chrF needs one list of references per hypothesis: got ${hypotheses.length} hypotheses and ${references.length} reference lists.`);
  }
  const o = resolve(options);
  const totals = new Array<number>(3 * (o.charOrder + o.wordOrder)).fill(0);
  hypotheses.forEach((hypothesis, i) => {
    chrfSegmentStatistics(hypothesis, references[i], o).forEach((value, k) => (totals[k] += value));
  });
  return chrfFromStatistics(totals, o);
}

/** Sentence chrF, like `sacrebleu.sentence_chrf`. */
export function sentenceChrf(hypothesis: string, references: readonly string[], options: ChrfOptions = {}): number {
  return corpusChrf([hypothesis], [references], options);
}
