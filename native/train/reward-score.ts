// Scores from a model in transformers' sequence-classification layout (as `lathe align reward` writes it): each
// text's scores at its last token, and for a labelled dataset split the accuracy beside the majority class's share.
import fs from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../api/schemas.ts';
import { datasetDir, readRows } from '../data/files.ts';
import { CheckpointWeights } from '../models/checkpoint.ts';
import { parseModelConfig } from '../models/config.ts';
import { buildRewardScoreGraph } from '../models/reward-graph.ts';
import { createSession } from '../onnx/index.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { rewardBatches, type RewardItem } from './reward-batches.ts';
import { causalConfigOf, classifiedText } from './reward.ts';

export interface ScoredTexts {
  labels: string[];
  /** Per text, one score per label (one reward for a pairwise reward model). */
  scores: number[][];
}

export async function scoreTexts(modelDir: string, texts: readonly string[], opts: { threads?: number; batchSize?: number } = {}): Promise<ScoredTexts> {
  const config = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const id2label = (config.id2label ?? { 0: 'reward' }) as Record<string, string>;
  const labels = Object.keys(id2label).sort((a, b) => Number(a) - Number(b)).map((k) => id2label[k]);
  const spec = parseModelConfig(causalConfigOf(config), path.join(modelDir, 'config.json'));
  const weights = CheckpointWeights.open(modelDir);
  let graph;
  try {
    graph = buildRewardScoreGraph(spec, weights, labels.length);
  } finally {
    weights.close();
  }
  const tokenizer = TextTokenizer.fromFolder(modelDir);
  const bos = tokenizer.bosTokenId;
  const items: RewardItem[] = texts.map((t) => ({ sequences: [[...(bos !== null ? [bos] : []), ...tokenizer.encode(classifiedText(t), { addSpecialTokens: false })].slice(0, spec.maxPositions)] }));
  const session = await createSession(graph, { intraOpNumThreads: opts.threads, interOpNumThreads: 1 });
  try {
    const scores: number[][] = [];
    for (const b of rewardBatches(items, opts.batchSize ?? 16, 0, tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0)) {
      const out = (await session.run(b.feeds, ['scores'])).scores.data as Float32Array;
      for (let i = 0; i < b.scored; i++) scores.push(Array.from(out.subarray(i * labels.length, (i + 1) * labels.length)));
    }
    return { labels, scores };
  } finally {
    await session.release();
  }
}

/** A classifier's accuracy on a dataset split (its mapping's text and label), and the majority class's share there. */
export async function classifierAccuracy(modelDir: string, dataDir: string, dataset: Dataset, split: 'train' | 'validation' | 'test', opts: { threads?: number } = {}): Promise<{ examples: number; accuracy: number; majorityClass: string; majorityShare: number }> {
  const { text, label } = dataset.mapping;
  if (!text || !label) throw new Error(`dataset ${dataset.name}: map text and label to measure a classifier (mapping: ${JSON.stringify(dataset.mapping)})`);
  const rows = readRows(datasetDir(dataDir, dataset.id), split, 0, Math.max(1, dataset.splits[split] ?? 0)).rows;
  if (rows.length === 0 || (dataset.splits[split] ?? 0) === 0) throw new Error(`dataset ${dataset.name} has no ${split} rows`);
  const { labels, scores } = await scoreTexts(modelDir, rows.map((r) => String(r[text] ?? '')), opts);
  const gold = rows.map((r) => String(r[label] ?? '').trim());
  const predicted = scores.map((s) => labels[s.indexOf(Math.max(...s))]);
  const counts = new Map<string, number>();
  for (const g of gold) counts.set(g, (counts.get(g) ?? 0) + 1);
  const [majorityClass, majorityCount] = [...counts].sort((a, b) => b[1] - a[1])[0];
  return { examples: rows.length, accuracy: predicted.filter((p, i) => p === gold[i]).length / rows.length, majorityClass, majorityShare: majorityCount / rows.length };
}
