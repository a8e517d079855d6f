// ROUGE-N, ROUGE-L and ROUGE-Lsum as Google's `rouge-score` package computes them (rouge_scorer.py,
// tokenize.py): the same tokenizer, the same LCS tie-breaking for the summary-level union LCS, and
// `score_multi`'s choice of the best reference by F-measure. Scores are in [0, 1], as rouge-score reports them.
import { porterStem } from './porter-stemmer.ts';
import { countItems, fMeasure } from './python-text.ts';

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

/** 'rouge1'…'rouge9' (n-gram overlap), 'rougeL' (LCS over the whole text), 'rougeLsum' (summary-level LCS over newline-separated sentences). */
export type RougeType = `rouge${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}` | 'rougeL' | 'rougeLsum';

export const DEFAULT_ROUGE_TYPES: RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

export interface RougeOptions {
  /** Which scores to compute; default rouge1, rouge2, rougeL, rougeLsum. */
  types?: RougeType[];
  /** rouge-score's `use_stemmer`: Porter-stem (NLTK's default mode) every token longer than 3 characters. Default false. */
  stem?: boolean;
}

const NON_ALPHANUMERIC = /[^a-z0-9]+/g;
const VALID_TOKEN = /^[a-z0-9]+$/;

/**
 * rouge-score's default tokenizer: lowercase, replace every run of characters outside [a-z0-9] with a space,
 * split on whitespace, optionally stem tokens longer than 3 characters, and drop empty tokens. Non-ASCII letters
 * are therefore removed, exactly as in the reference (it was written for English).
 */
export function rougeTokenize(text: string, stem = false): string[] {
  const tokens = text.toLowerCase().replace(NON_ALPHANUMERIC, ' ').split(/\s+/);
  const out: string[] = [];
  for (const token of tokens) {
    const t = stem && token.length > 3 ? porterStem(token) : token;
    if (VALID_TOKEN.test(t)) out.push(t);
  }
  return out;
}

const ZERO: RougeScore = { precision: 0, recall: 0, fmeasure: 0 };

function scoreFromCounts(overlap: number, predictionTotal: number, targetTotal: number): RougeScore {
  const precision = overlap / predictionTotal;
  const recall = overlap / targetTotal;
  return { precision, recall, fmeasure: fMeasure(precision, recall) };
}

function ngramCounts(tokens: string[], n: number): Map<string, number> {
  const grams: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) grams.push(n === 1 ? tokens[i] : tokens.slice(i, i + n).join(' '));
  return countItems(grams);
}

/** ROUGE-N: clipped n-gram overlap; an empty side counts as one n-gram in the denominator, as in rouge-score. */
export function rougeN(target: string[], prediction: string[], n: number): RougeScore {
  const targetGrams = ngramCounts(target, n);
  const predictionGrams = ngramCounts(prediction, n);
  let overlap = 0;
  for (const [gram, count] of targetGrams) overlap += Math.min(count, predictionGrams.get(gram) ?? 0);
  const targetTotal = Math.max(target.length - n + 1, 0);
  const predictionTotal = Math.max(prediction.length - n + 1, 0);
  return scoreFromCounts(overlap, Math.max(predictionTotal, 1), Math.max(targetTotal, 1));
}

/** Length of the longest common subsequence, two rows of the DP table at a time. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let previous = new Int32Array(b.length + 1);
  let current = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      current[j] = ai === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

/** ROUGE-L over whole texts: LCS length against prediction length (precision) and target length (recall). */
export function rougeL(target: string[], prediction: string[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return ZERO;
  return scoreFromCounts(lcsLength(target, prediction), prediction.length, target.length);
}

/**
 * Indices into `ref` of one longest common subsequence, read back from the full table with rouge-score's
 * tie-breaking (`_backtrack_norec`: on a tie, step back in `ref`). The choice matters for the union LCS.
 */
export function lcsIndices(ref: readonly string[], can: readonly string[]): number[] {
  const cols = can.length + 1;
  const table = new Int32Array((ref.length + 1) * cols);
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= can.length; j++) {
      table[i * cols + j] = ref[i - 1] === can[j - 1] ? table[(i - 1) * cols + j - 1] + 1 : Math.max(table[(i - 1) * cols + j], table[i * cols + j - 1]);
    }
  }
  const indices: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      indices.push(i - 1);
      i--;
      j--;
    } else if (table[i * cols + j - 1] > table[(i - 1) * cols + j]) j--;
    else i--;
  }
  return indices.reverse();
}

/** Tokens of `ref` in the union of its LCS with each candidate sentence (ROUGE paper, section 3.2). */
export function unionLcs(ref: readonly string[], candidates: readonly (readonly string[])[]): string[] {
  const union = new Set<number>();
  for (const can of candidates) for (const index of lcsIndices(ref, can)) union.add(index);
  return [...union].sort((x, y) => x - y).map((index) => ref[index]);
}

/**
 * Summary-level LCS (ROUGE-Lsum) over tokenised sentences. Hits are counted once per token occurrence on both
 * sides, as ROUGE-1.5.5 and rouge-score do, so a token matched by several sentences is not double-counted.
 */
export function summaryLevelLcs(refSentences: string[][], canSentences: string[][]): RougeScore {
  if (refSentences.length === 0 || canSentences.length === 0) return ZERO;
  const m = refSentences.reduce((sum, s) => sum + s.length, 0);
  const n = canSentences.reduce((sum, s) => sum + s.length, 0);
  if (m === 0 || n === 0) return ZERO;
  const refCounts = countItems(refSentences.flat());
  const canCounts = countItems(canSentences.flat());
  let hits = 0;
  for (const ref of refSentences) {
    for (const token of unionLcs(ref, canSentences)) {
      const inCan = canCounts.get(token) ?? 0;
      const inRef = refCounts.get(token) ?? 0;
      if (inCan > 0 && inRef > 0) {
        hits++;
        canCounts.set(token, inCan - 1);
        refCounts.set(token, inRef - 1);
      }
    }
  }
  return scoreFromCounts(hits, n, m);
}

/** rougeLsum's sentence split: on '\n', dropping empty lines (a line of spaces stays and tokenises to nothing). */
function sentences(text: string, stem: boolean): string[][] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => rougeTokenize(line, stem));
}

function checkTypes(types: readonly string[]): void {
  for (const type of types) {
    if (type !== 'rougeL' && type !== 'rougeLsum' && !/^rouge[1-9]$/.test(type)) {
      throw new Error(`Invalid ROUGE type '${type}': use rouge1…rouge9, rougeL or rougeLsum.`);
    }
  }
}

/** Score one prediction against one target, like `RougeScorer(types, use_stemmer).score(target, prediction)`. */
export function rougeScore(target: string, prediction: string, options: RougeOptions = {}): Record<string, RougeScore> {
  const types = options.types ?? DEFAULT_ROUGE_TYPES;
  const stem = options.stem ?? false;
  checkTypes(types);
  const needsTokens = types.some((t) => t !== 'rougeLsum');
  const targetTokens = needsTokens ? rougeTokenize(target, stem) : [];
  const predictionTokens = needsTokens ? rougeTokenize(prediction, stem) : [];
  const result: Record<string, RougeScore> = {};
  for (const type of types) {
    if (type === 'rougeL') result[type] = rougeL(targetTokens, predictionTokens);
    else if (type === 'rougeLsum') result[type] = summaryLevelLcs(sentences(target, stem), sentences(prediction, stem));
    else result[type] = rougeN(targetTokens, predictionTokens, Number(type.slice(5)));
  }
  return result;
}

/**
 * Score one prediction against several targets, like rouge-score's `score_multi`: for each ROUGE type
 * separately, the target with the highest F-measure wins (the first one on a tie).
 */
export function rougeScoreMulti(targets: readonly string[], prediction: string, options: RougeOptions = {}): Record<string, RougeScore> {
  if (targets.length === 0) throw new Error('rougeScoreMulti needs at least one target.');
  const perTarget = targets.map((target) => rougeScore(target, prediction, options));
  const best: Record<string, RougeScore> = {};
  for (const type of options.types ?? DEFAULT_ROUGE_TYPES) {
    let winner = perTarget[0][type];
    for (const scores of perTarget) if (scores[type].fmeasure > winner.fmeasure) winner = scores[type];
    best[type] = winner;
  }
  return best;
}
