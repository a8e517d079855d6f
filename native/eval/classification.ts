// Accuracy and macro-averaged F1 for classification, with scikit-learn's conventions
// (`accuracy_score`, `f1_score(average='macro')`): labels are the union of gold and predicted labels unless
// given, and a label whose precision or recall is undefined (no predictions / no gold examples) scores 0 —
// sklearn's `zero_division` default.

export interface ClassificationScore {
  /** Fraction of exact label matches, in [0, 1]. */
  accuracy: number;
  /** Unweighted mean of per-label F1, in [0, 1]. */
  macroF1: number;
  /** Per-label precision, recall, F1 and support (number of gold examples). */
  perLabel: Record<string, { precision: number; recall: number; f1: number; support: number }>;
}

/**
 * Score predicted labels against gold labels. `labels` restricts and orders the labels averaged over (like
 * sklearn's `labels=`); by default every label seen on either side is used.
 */
export function scoreClassification(predictions: readonly string[], golds: readonly string[], labels?: readonly string[]): ClassificationScore {
  if (predictions.length !== golds.length) {
    throw new Error(`Need one gold label per prediction: got ${predictions.length} predictions and ${golds.length} gold labels.`);
  }
  const n = predictions.length;
  const truePositives = new Map<string, number>();
  const predicted = new Map<string, number>();
  const support = new Map<string, number>();
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const p = predictions[i];
    const g = golds[i];
    predicted.set(p, (predicted.get(p) ?? 0) + 1);
    support.set(g, (support.get(g) ?? 0) + 1);
    if (p === g) {
      correct++;
      truePositives.set(g, (truePositives.get(g) ?? 0) + 1);
    }
  }
  const labelSet = labels ?? [...new Set([...golds, ...predictions])].sort();
  const perLabel: ClassificationScore['perLabel'] = {};
  let f1Sum = 0;
  for (const label of labelSet) {
    const tp = truePositives.get(label) ?? 0;
    const nPred = predicted.get(label) ?? 0;
    const nGold = support.get(label) ?? 0;
    const precision = nPred > 0 ? tp / nPred : 0;
    const recall = nGold > 0 ? tp / nGold : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perLabel[label] = { precision, recall, f1, support: nGold };
    f1Sum += f1;
  }
  return {
    accuracy: n > 0 ? correct / n : 0,
    macroF1: labelSet.length > 0 ? f1Sum / labelSet.length : 0,
    perLabel,
  };
}
