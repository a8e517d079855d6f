// Batches for reward models and classifiers, pure functions of (seed, step) like every trainer's: each item is one
// sequence with a class label (classification) or two, chosen and rejected (pairwise; rows b chosen, then b
// rejected). Right-padded inputs, each row's last real token in `sequence_ends`.
import { ort } from '../onnx/index.ts';
import { shuffled, type Batch, type BatchSource } from './batches.ts';

export interface RewardItem {
  /** One sequence (classification) or chosen and rejected (pairwise), token ids with BOS. */
  sequences: number[][];
  /** The class index (classification). */
  label?: number;
}

const int64 = (values: number[], dims: number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);

export function collateRewards(items: readonly RewardItem[], padId: number): Batch {
  const rows = items[0].sequences.length === 2 ? [...items.map((i) => i.sequences[0]), ...items.map((i) => i.sequences[1])] : items.map((i) => i.sequences[0]);
  const T = Math.max(1, ...rows.map((r) => r.length));
  const ids: number[] = [];
  const positions: number[] = [];
  for (const r of rows) for (let t = 0; t < T; t++) {
    ids.push(t < r.length ? r[t] : padId);
    positions.push(t);
  }
  const feeds: Batch['feeds'] = {
    input_ids: int64(ids, [rows.length, T]),
    attention_mask: int64(new Array<number>(ids.length).fill(1), [rows.length, T]), // causal: right padding never reaches a real token
    position_ids: int64(positions, [rows.length, T]),
    sequence_ends: int64(rows.map((r) => r.length - 1), [rows.length]),
  };
  if (items[0].label !== undefined) feeds.class_labels = int64(items.map((i) => i.label!), [items.length]);
  return { feeds, tokens: rows.reduce((s, r) => s + r.length, 0), scored: items.length };
}

export class RewardBatches implements BatchSource {
  readonly stepsPerEpoch: number;
  private order: { epoch: number; order: number[] } | null = null;

  constructor(
    private readonly train: readonly RewardItem[],
    private readonly val: readonly RewardItem[],
    private readonly batchSize: number,
    private readonly microBatches: number,
    private readonly seed: number,
    private readonly padId: number,
  ) {
    if (train.length === 0) throw new Error('the training split has no usable examples');
    this.stepsPerEpoch = Math.max(1, Math.ceil(train.length / (batchSize * microBatches)));
  }

  private itemAt(position: number): RewardItem {
    const epoch = Math.floor(position / this.train.length);
    if (this.order?.epoch !== epoch) this.order = { epoch, order: shuffled(this.train.length, this.seed * 7919 + epoch) };
    return this.train[this.order.order[position % this.train.length]];
  }

  trainStep(step: number): Batch[] {
    const first = (step - 1) * this.microBatches * this.batchSize;
    return Array.from({ length: this.microBatches }, (_, m) => collateRewards(Array.from({ length: this.batchSize }, (_, b) => this.itemAt(first + m * this.batchSize + b)), this.padId));
  }

  validation(limit: number): Batch[] {
    return rewardBatches(this.val, this.batchSize, limit, this.padId);
  }
}

/** `items` in order, `size` at a time (the first `limit` batches, or all when limit is 0). */
export function rewardBatches(items: readonly RewardItem[], size: number, limit: number, padId: number): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < items.length && (limit === 0 || out.length < limit); i += size) out.push(collateRewards(items.slice(i, i + size), padId));
  return out;
}
