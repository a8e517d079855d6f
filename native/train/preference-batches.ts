// Batches of preference pairs, pure functions of (seed, step) like the supervised ones (batches.ts), so a resumed
// run feeds exactly what the uninterrupted run would have. A micro-batch of b pairs is 2b rows (the b chosen
// sequences, then the b rejected ones) plus `ref_logps` (2b): the reference model's summed completion log-probs of
// the same rows, computed once before training (reference-logps.ts).
import { ort } from '../onnx/index.ts';
import { collate, shuffled, type Batch, type BatchSource } from './batches.ts';
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

export class PreferenceBatches implements BatchSource {
  readonly stepsPerEpoch: number;
  private order: { epoch: number; order: number[] } | null = null;

  constructor(
    private readonly train: readonly ScoredPair[],
    private readonly val: readonly ScoredPair[],
    private readonly batchSize: number,
    private readonly microBatches: number,
    private readonly seed: number,
    private readonly padId: number,
  ) {
    if (train.length === 0) throw new Error('the training split has no usable preference pairs');
    this.stepsPerEpoch = Math.max(1, Math.ceil(train.length / (batchSize * microBatches)));
  }

  private pairAt(position: number): ScoredPair {
    const epoch = Math.floor(position / this.train.length);
    if (this.order?.epoch !== epoch) this.order = { epoch, order: shuffled(this.train.length, this.seed * 7919 + epoch) };
    return this.train[this.order.order[position % this.train.length]];
  }

  trainStep(step: number): Batch[] {
    const first = (step - 1) * this.microBatches * this.batchSize;
    return Array.from({ length: this.microBatches }, (_, m) => collatePairs(Array.from({ length: this.batchSize }, (_, b) => this.pairAt(first + m * this.batchSize + b)), this.padId));
  }

  validation(limit: number): Batch[] {
    return inBatches(this.val, this.batchSize, limit, this.padId);
  }

  /** Every training pair once, in order: for measuring the trained policy on its own training data. */
  allTraining(): Batch[] {
    return inBatches(this.train, this.batchSize, 0, this.padId);
  }
}

function inBatches(pairs: readonly ScoredPair[], size: number, limit: number, padId: number): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < pairs.length && (limit === 0 || out.length < limit); i += size) out.push(collatePairs(pairs.slice(i, i + size), padId));
  return out;
}
