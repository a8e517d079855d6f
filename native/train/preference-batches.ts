// Batches of preference pairs, pure functions of (seed, step) like the supervised ones (batches.ts), so a resumed
// run feeds exactly what the uninterrupted run would have. A micro-batch of b pairs is 2b rows (the b chosen
// sequences, then the b rejected ones) plus `ref_logps` (2b): the reference model's summed completion log-probs of
// the same rows, computed once before training (reference-logps.ts).
import { ort } from '../onnx/index.ts';
import { collate, inOrder, ShuffledBatches, type Batch } from './batches.ts';
import type { PreferenceExample } from './preference-examples.ts';

/** A pair with the reference's log-probabilities of its chosen and rejected completions. */
export interface ScoredPair extends PreferenceExample {
  ref: [number, number];
}

/** 2b rows and their reference log-probs; `scored` counts pairs, so evaluations weigh each pair once. */
export function collatePairs(pairs: readonly ScoredPair[], padId: number): Batch {
  const rows = collate([...pairs.map((p) => p.chosen), ...pairs.map((p) => p.rejected)], padId);
  const ref = Float32Array.from([...pairs.map((p) => p.ref[0]), ...pairs.map((p) => p.ref[1])]);
  return { feeds: { ...rows.feeds, ref_logps: new ort.Tensor('float32', ref, [ref.length]) }, tokens: rows.tokens, scored: rows.scored > 0 ? pairs.length : 0 };
}

export class PreferenceBatches extends ShuffledBatches<ScoredPair> {
  constructor(train: readonly ScoredPair[], val: readonly ScoredPair[], batchSize: number, microBatches: number, seed: number, padId: number) {
    super(train, val, batchSize, microBatches, seed, (pairs) => collatePairs(pairs, padId), 'preference pairs');
  }

  /** Every training pair once, in order: for measuring the trained policy on its own training data. */
  allTraining(): Batch[] {
    return inOrder(this.train, this.batchSize, 0, this.collate);
  }
}
