// Batches as pure functions of (seed, step): the examples of optimiser step s are fixed by the seed and s alone
// (an epoch-by-epoch seeded shuffle for supervised examples, hashed window offsets for a token stream), so a
// resumed run feeds exactly the batches the uninterrupted run would have, with no generator state to carry.
import { ort } from '../onnx/index.ts';
import { Rng } from '../generate/rng.ts';
import { IGNORE_INDEX } from '../models/training-graph.ts';
import type { TokenizedExample } from './sft-examples.ts';
import type { Feeds } from './session.ts';
import { formatValue, plural } from '../api/format.ts';

export interface Batch {
  feeds: Feeds;
  /** Tokens fed (padding excluded) and tokens scored. */
  tokens: number;
  scored: number;
}

export interface BatchSource {
  /** The micro-batches of optimiser step `step` (1-based). */
  trainStep(step: number): Batch[];
  /** Validation batches (the first `limit`, or all when limit is 0). */
  validation(limit: number): Batch[];
  /** Optimiser steps in one pass over the training data. */
  stepsPerEpoch: number;
}

export const int64 = (values: number[], dims: number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);

/** Right-padded (B, T) inputs and shifted labels: input ids[:-1], labels[1:] (the next token of each position). */
export function collate(examples: readonly TokenizedExample[], padId: number): Batch {
  const T = Math.max(1, ...examples.map((e) => e.ids.length - 1));
  const B = examples.length;
  const ids: number[] = [];
  const labels: number[] = [];
  const positions: number[] = [];
  let tokens = 0;
  let scored = 0;
  for (const e of examples) {
    const n = e.ids.length - 1;
    for (let t = 0; t < T; t++) {
      ids.push(t < n ? e.ids[t] : padId);
      const label = t < n ? e.labels[t + 1] : IGNORE_INDEX;
      labels.push(label);
      positions.push(t);
      if (label !== IGNORE_INDEX) scored++;
    }
    tokens += Math.max(0, n);
  }
  const ones = new Array<number>(B * T).fill(1); // causal attention: right padding never reaches a real token
  return { feeds: { input_ids: int64(ids, [B, T]), attention_mask: int64(ones, [B, T]), position_ids: int64(positions, [B, T]), labels: int64(labels, [B, T]) }, tokens, scored };
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
export function shuffled(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Items of a training split taken in a seeded shuffle, epoch by epoch (the order of epoch e fixed by the seed and e), so
 * optimiser step s gets the same `microBatches` × `batchSize` items however the run got there; validation items in
 * order. `collate` makes one micro-batch; `what` names the items in the error for an empty training split.
 */
export class ShuffledBatches<T> implements BatchSource {
  readonly stepsPerEpoch: number;
  private order: { epoch: number; order: number[] } | null = null;

  constructor(
    protected readonly train: readonly T[],
    protected readonly val: readonly T[],
    protected readonly batchSize: number,
    private readonly microBatches: number,
    private readonly seed: number,
    protected readonly collate: (items: readonly T[]) => Batch,
    what: string,
  ) {
    if (train.length === 0) throw new Error(`the training split has no usable ${what}`);
    this.stepsPerEpoch = Math.max(1, Math.ceil(train.length / (batchSize * microBatches)));
  }

  private itemAt(position: number): T {
    const epoch = Math.floor(position / this.train.length);
    if (this.order?.epoch !== epoch) this.order = { epoch, order: shuffled(this.train.length, this.seed * 7919 + epoch) };
    return this.train[this.order.order[position % this.train.length]];
  }

  trainStep(step: number): Batch[] {
    const first = (step - 1) * this.microBatches * this.batchSize;
    return Array.from({ length: this.microBatches }, (_, m) => this.collate(Array.from({ length: this.batchSize }, (_, b) => this.itemAt(first + m * this.batchSize + b))));
  }

  validation(limit: number): Batch[] {
    return inOrder(this.val, this.batchSize, limit, this.collate);
  }
}

/** `items` in order, `size` at a time (the first `limit` batches, or all when limit is 0). */
export function inOrder<T>(items: readonly T[], size: number, limit: number, collate: (items: readonly T[]) => Batch): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < items.length && (limit === 0 || out.length < limit); i += size) out.push(collate(items.slice(i, i + size)));
  return out;
}

/** Supervised examples, next-token labels (collate). */
export class ExampleBatches extends ShuffledBatches<TokenizedExample> {
  constructor(train: readonly TokenizedExample[], val: readonly TokenizedExample[], batchSize: number, microBatches: number, seed: number, padId: number) {
    super(train, val, batchSize, microBatches, seed, (examples) => collate(examples, padId), 'examples');
  }
}

/** Windows of seqLen + 1 tokens from a token stream (pretraining): random offsets for training, tiled for validation. */
export class StreamBatches implements BatchSource {
  readonly stepsPerEpoch: number;

  constructor(
    private readonly train: Int32Array,
    private readonly val: Int32Array,
    private readonly seqLen: number,
    private readonly batchSize: number,
    private readonly microBatches: number,
    private readonly seed: number,
  ) {
    if (train.length < seqLen + 2) throw new Error(`the training text has ${plural(train.length, 'token')}, fewer than one window of ${formatValue(seqLen + 1)}; use a shorter context or more text`);
    if (val.length < seqLen + 2) throw new Error(`the validation text has ${plural(val.length, 'token')}, fewer than one window of ${formatValue(seqLen + 1)}; use a larger validation fraction or a shorter context`);
    this.stepsPerEpoch = Math.max(1, Math.floor(train.length / (seqLen * batchSize * microBatches)));
  }

  private window(tokens: Int32Array, start: number): TokenizedExample {
    const ids = Array.from(tokens.subarray(start, start + this.seqLen + 1));
    return { ids, labels: ids };
  }

  trainStep(step: number): Batch[] {
    const rng = new Rng((this.seed * 2654435761 + step * 40503) >>> 0);
    const span = this.train.length - this.seqLen - 1;
    return Array.from({ length: this.microBatches }, () =>
      collate(Array.from({ length: this.batchSize }, () => this.window(this.train, Math.floor(rng.next() * span))), 0),
    );
  }

  validation(limit: number): Batch[] {
    const out: Batch[] = [];
    const starts: number[] = [];
    for (let s = 0; s + this.seqLen + 1 <= this.val.length; s += this.seqLen) starts.push(s);
    for (let i = 0; i < starts.length && (limit === 0 || out.length < limit); i += this.batchSize) {
      out.push(collate(starts.slice(i, i + this.batchSize).map((s) => this.window(this.val, s)), 0));
    }
    return out;
  }
}
