// BLEU (Papineni et al., 2002) as sacrebleu 2.x computes it (metrics/bleu.py): per-segment clipped n-gram
// counts against the element-wise maximum over the segment's references, the closest reference length for the
// brevity penalty (ties go to the shorter reference), sums over the corpus, then smoothing and the geometric
// mean. Scores are on sacrebleu's 0–100 scale.
import { bleuTokenizer, type BleuTokenizerName } from './bleu-tokenizers.ts';
import { pyRstrip, pySplit } from './python-text.ts';

/**
 * Smoothing for zero n-gram matches (Chen & Cherry, 2014):
 * - 'exp' (default): method 3, NIST's — the k-th zero precision becomes 1 / (2^k · total).
 * - 'floor': method 1 — a zero precision becomes smoothValue / total (default smoothValue 0.1).
 * - 'add-k': method 2 — add smoothValue to matches and totals of orders ≥ 2 (default smoothValue 1).
 * - 'none': no smoothing; any zero precision makes BLEU 0.
 */
export type BleuSmoothing = 'exp' | 'floor' | 'add-k' | 'none';
export const BLEU_SMOOTHINGS: readonly BleuSmoothing[] = ['exp', 'floor', 'add-k', 'none'];
const SMOOTH_DEFAULTS: Record<BleuSmoothing, number> = { exp: 0, floor: 0.1, 'add-k': 1, none: 0 };

export interface BleuOptions {
  /** Word tokenizer applied to hypotheses and references: '13a' (default), 'intl' or 'none' (already tokenized). */
  tokenize?: BleuTokenizerName;
  /** Smoothing method; default 'exp' (sacrebleu's default for corpus and sentence BLEU). */
  smooth?: BleuSmoothing;
  /** Value for 'floor' (default 0.1) and 'add-k' (default 1); ignored by the others. */
  smoothValue?: number;
  /** Lowercase hypotheses and references before tokenizing. Default false. */
  lowercase?: boolean;
  /** Highest n-gram order; default 4. */
  maxNgramOrder?: number;
  /**
   * Average only over the orders that have at least one hypothesis n-gram (sacrebleu's `effective_order`), so
   * short segments are not zeroed by missing 4-grams. Default false for corpus BLEU, true for sentence BLEU.
   */
  effectiveOrder?: boolean;
  /**
   * Reference length for the brevity penalty: 'closest' (default, sacrebleu and mteval: the reference whose
   * length is closest to the hypothesis, the shorter on a tie) or 'shortest' (the shortest reference, as in
   * the original IBM script and NLTK's `shortest` option).
   */
  refLength?: 'closest' | 'shortest';
}

export interface BleuStatistics {
  /** Matched (clipped) n-grams per order, 1-based order at index order-1. */
  counts: number[];
  /** Hypothesis n-grams per order. */
  totals: number[];
  sysLen: number;
  refLen: number;
}

export interface BleuResult extends BleuStatistics {
  /** BLEU on the 0–100 scale. */
  score: number;
  /** Smoothed n-gram precisions on the 0–100 scale (0 past the last order with any hypothesis n-gram). */
  precisions: number[];
  /** Brevity penalty in [0, 1]. */
  bp: number;
  /** sysLen / refLen (0 when refLen is 0). */
  ratio: number;
}

/** All n-grams of orders 1..maxOrder, keyed by their space-joined tokens, with their counts. */
function wordNgrams(tokens: string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const gram = n === 1 ? tokens[i] : tokens.slice(i, i + n).join(' ');
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
  }
  return counts;
}

function referenceLength(hypLen: number, refLens: number[], mode: 'closest' | 'shortest'): number {
  if (mode === 'shortest') return Math.min(...refLens);
  let closestDiff = -1;
  let closestLen = -1;
  for (const refLen of refLens) {
    const diff = Math.abs(hypLen - refLen);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = refLen;
    } else if (diff === closestDiff && refLen < closestLen) closestLen = refLen;
  }
  return closestLen;
}

/**
 * Sufficient statistics of a corpus: `references[i]` lists the references of hypothesis i (any number ≥ 1;
 * sacrebleu's parallel reference streams are the transpose of this). Empty strings count as (empty)
 * references, as in sacrebleu 2.x.
 */
export function bleuStatistics(hypotheses: readonly string[], references: readonly (readonly string[])[], options: BleuOptions = {}): BleuStatistics {
  if (hypotheses.length !== references.length) {
    throw new Error(`BLEU needs one list of references per hypothesis: got ${hypotheses.length} hypotheses and ${references.length} reference lists.`);
  }
  const maxOrder = options.maxNgramOrder ?? 4;
  const tokenizer = bleuTokenizer(options.tokenize ?? '13a');
  const prepare = (text: string): string[] => pySplit(tokenizer(pyRstrip(options.lowercase ? text.toLowerCase() : text)));
  const counts = new Array<number>(maxOrder).fill(0);
  const totals = new Array<number>(maxOrder).fill(0);
  let sysLen = 0;
  let refLen = 0;
  hypotheses.forEach((hypothesis, i) => {
    const refs = references[i];
    if (refs.length === 0) throw new Error(`Hypothesis ${i + 1} has no reference.`);
    const refNgrams = new Map<string, number>();
    const refLens: number[] = [];
    for (const ref of refs) {
      const tokens = prepare(ref);
      refLens.push(tokens.length);
      for (const [gram, count] of wordNgrams(tokens, maxOrder)) refNgrams.set(gram, Math.max(refNgrams.get(gram) ?? 0, count));
    }
    const hypTokens = prepare(hypothesis);
    sysLen += hypTokens.length;
    refLen += referenceLength(hypTokens.length, refLens, options.refLength ?? 'closest');
    for (const [gram, count] of wordNgrams(hypTokens, maxOrder)) {
      const order = gram.split(' ').length;
      totals[order - 1] += count;
      const inRefs = refNgrams.get(gram);
      if (inRefs !== undefined) counts[order - 1] += Math.min(count, inRefs);
    }
  });
  return { counts, totals, sysLen, refLen };
}

/** sacrebleu's `my_log`: log, with log(0) as a very large negative number instead of -Infinity. */
function safeLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/** BLEU from its sufficient statistics, like sacrebleu's `BLEU.compute_bleu`. */
export function computeBleu(stats: BleuStatistics, options: BleuOptions = {}): BleuResult {
  const smooth = options.smooth ?? 'exp';
  if (!(smooth in SMOOTH_DEFAULTS)) throw new Error(`Unknown BLEU smoothing '${smooth}': use one of ${BLEU_SMOOTHINGS.join(', ')}.`);
  const smoothValue = options.smoothValue ?? SMOOTH_DEFAULTS[smooth];
  const maxOrder = stats.counts.length;
  const { sysLen, refLen } = stats;
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  const ratio = refLen ? sysLen / refLen : 0;
  const base = { counts: [...stats.counts], totals: [...stats.totals], sysLen, refLen, bp, ratio };
  // No match at any order: BLEU is 0 whatever the smoothing (sacrebleu issue #141).
  if (!stats.counts.some((c) => c !== 0)) return { ...base, score: 0, precisions };
  let mtevalFactor = 1;
  let order = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    let correct = stats.counts[n - 1];
    let total = stats.totals[n - 1];
    if (smooth === 'add-k' && n > 1) {
      correct += smoothValue;
      total += smoothValue;
    }
    if (total === 0) break;
    if (options.effectiveOrder) order = n;
    if (correct === 0) {
      if (smooth === 'exp') {
        mtevalFactor *= 2;
        precisions[n - 1] = 100 / (mtevalFactor * total);
      } else if (smooth === 'floor') precisions[n - 1] = (100 * smoothValue) / total;
    } else precisions[n - 1] = (100 * correct) / total;
  }
  let logSum = 0;
  for (let n = 0; n < order; n++) logSum += safeLog(precisions[n]);
  return { ...base, score: bp * Math.exp(logSum / order), precisions };
}

/** Corpus BLEU, like `sacrebleu.corpus_bleu` (defaults: 13a, exp smoothing, no effective order). */
export function corpusBleu(hypotheses: readonly string[], references: readonly (readonly string[])[], options: BleuOptions = {}): BleuResult {
  return computeBleu(bleuStatistics(hypotheses, references, options), options);
}

/**
 * Sentence BLEU, like `sacrebleu.sentence_bleu`: one hypothesis against its references, with effective order
 * on by default (sacrebleu's sentence default) and exp smoothing.
 */
export function sentenceBleu(hypothesis: string, references: readonly string[], options: BleuOptions = {}): BleuResult {
  const withDefaults = { ...options, effectiveOrder: options.effectiveOrder ?? true };
  return corpusBleu([hypothesis], [references], withDefaults);
}
