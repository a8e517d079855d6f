// Batches for reward models and classifiers, pure functions of (seed, step) like every trainer's: each item is one
// sequence with a class label (classification) or two, chosen and rejected (pairwise; rows b chosen, then b
// rejected). Right-padded inputs, each row's last real token in `sequence_ends`.
import { fitPrompt } from '../text/fit-prompt.ts';
import { inOrder, int64, ShuffledBatches, type Batch } from './batches.ts';

export interface RewardItem {
  /** One sequence (classification) or chosen and rejected (pairwise), token ids with BOS. */
  sequences: number[][];
  /** The class index (classification). */
  label?: number;
}

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

export class RewardBatches extends ShuffledBatches<RewardItem> {
  constructor(train: readonly RewardItem[], val: readonly RewardItem[], batchSize: number, microBatches: number, seed: number, padId: number) {
    super(train, val, batchSize, microBatches, seed, (items) => collateRewards(items, padId), 'examples');
  }
}

/** `items` in order, `size` at a time (the first `limit` batches, or all when limit is 0). */
export function rewardBatches(items: readonly RewardItem[], size: number, limit: number, padId: number): Batch[] {
  return inOrder(items, size, limit, (batch) => collateRewards(batch, padId));
}

/**
 * What a reward model reads of a sequence longer than `maxLen` (its training sequence length, or its context when
 * scoring): the score is read at the last token, so the end stays — a completion's end, a text's last words — with
 * the leading BOS it was trained to see first (fitPrompt, the rule prompts are cut by). Training (pairs, classified
 * texts) and RewardScorer cut by this one rule, so a model is scored on the kind of window it learned from; keeping
 * the head instead scored a long prompt + completion inside the prompt, where the completion is never seen.
 */
export function rewardWindow(ids: number[], maxLen: number, bos: number | null): number[] {
  return fitPrompt(ids, maxLen, bos).ids;
}
