// Exact match and token-level F1 for extractive QA, as SQuAD's official evaluation scripts compute them
// (evaluate-v1.1.py / evaluate-v2.0.py): normalise both answers, compare, and keep the best score over the
// gold answers. Per-example scores are in [0, 1]; corpus scores are percentages (0–100), as the scripts print.
import { ASCII_PUNCTUATION, countItems, overlapCount, pySplit } from './python-text.ts';

// Python's `\b(a|an|the)\b` on str patterns is Unicode-aware; JavaScript's `\b` is ASCII-only, so the word
// boundary is spelled out with Unicode letters, digits and underscore (Python's `\w`).
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/**
 * SQuAD's `normalize_answer`: lowercase, delete ASCII punctuation (string.punctuation), replace the articles
 * a/an/the (whole words) with a space, and collapse whitespace.
 */
export function normalizeAnswer(text: string): string {
  let lowered = '';
  for (const ch of text.toLowerCase()) if (!ASCII_PUNCTUATION.has(ch)) lowered += ch;
  return pySplit(lowered.replace(ARTICLES, ' ')).join(' ');
}

/** 1 when the normalised prediction equals the normalised gold answer, else 0. */
export function exactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

/**
 * Token F1 between normalised answers (bag of tokens). When either side normalises to no tokens the score is
 * 1 if both are empty, else 0 — evaluate-v2.0's rule for unanswerable questions; v1.1 gave 0 when both were
 * empty, which never happens with SQuAD 1.1's non-empty gold answers.
 */
export function tokenF1(prediction: string, gold: string): number {
  const predTokens = pySplit(normalizeAnswer(prediction));
  const goldTokens = pySplit(normalizeAnswer(gold));
  if (predTokens.length === 0 || goldTokens.length === 0) return predTokens.length === goldTokens.length ? 1 : 0;
  const same = overlapCount(countItems(predTokens), countItems(goldTokens));
  if (same === 0) return 0;
  const precision = same / predTokens.length;
  const recall = same / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

export interface QaScore {
  exactMatch: number;
  f1: number;
}

/** Best exact match and best F1 over the gold answers (taken separately, as SQuAD's `metric_max_over_ground_truths`). */
export function scoreAnswer(prediction: string, golds: readonly string[]): QaScore {
  if (golds.length === 0) throw new Error('scoreAnswer needs at least one gold answer.');
  return {
    exactMatch: Math.max(...golds.map((g) => exactMatch(prediction, g))),
    f1: Math.max(...golds.map((g) => tokenF1(prediction, g))),
  };
}

/** Corpus exact match and F1 as percentages (0–100), the means of the per-example best scores. */
export function scoreAnswers(predictions: readonly string[], golds: readonly (readonly string[])[]): QaScore {
  if (predictions.length !== golds.length) {
    throw new Error(`Need one list of gold answers per prediction: got ${predictions.length} predictions and ${golds.length} gold lists.`);
  }
  if (predictions.length === 0) return { exactMatch: 0, f1: 0 };
  let em = 0;
  let f1 = 0;
  predictions.forEach((prediction, i) => {
    const s = scoreAnswer(prediction, golds[i]);
    em += s.exactMatch;
    f1 += s.f1;
  });
  return { exactMatch: (100 * em) / predictions.length, f1: (100 * f1) / predictions.length };
}
