// Scores from a model in transformers' sequence-classification layout (as `lathe align reward` writes it): each
// text's scores at its last token (RewardScorer keeps the model loaded for PPO), and for a labelled dataset split the accuracy beside the majority class's share.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import { mappingWords } from '../api/format.ts';
import { SPLITS, type Dataset } from '../api/schemas.ts';
import { datasetDir, readRows } from '../data/files.ts';
import { preferencePairs, preferenceStyle } from '../data/preferences.ts';
import { CheckpointWeights } from '../models/checkpoint.ts';
import { parseModelConfig } from '../models/config.ts';
import { buildRewardScoreGraph } from '../models/reward-graph.ts';
import { createSession, type Session } from '../onnx/index.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { rewardBatches, rewardWindow, type RewardItem } from './reward-batches.ts';
import { steadyEtaSeconds, type WarmMark } from '../jobs/eta.ts';
import { causalConfigOf, classifiedIds, scoredIds } from './reward.ts';
import { pairPromptRule, pairwiseRewardIds, tokenizePair, type PairwiseIdsOptions } from './preference-examples.ts';

export interface ScoredTexts {
  labels: string[];
  /** Per text, one score per label (one reward for a pairwise reward model). */
  scores: number[][];
}

export { scoredIds };

/** How far a scoring has got: texts (or pair sides) scored of all, and seconds left at the pace after the first batch (jobs/eta.ts). */
export type ScoreProgress = (done: number, total: number, etaSeconds: number | null) => void;

/** A reward model or classifier loaded once (its graph in one session) to score texts batch after batch, as PPO does. */
export class RewardScorer {
  private constructor(
    readonly labels: string[],
    private readonly tokenizer: TextTokenizer,
    private readonly maxPositions: number,
    private readonly session: Session,
    private readonly batchSize: number,
  ) {}

  static async load(modelDir: string, opts: { threads?: number; batchSize?: number } = {}): Promise<RewardScorer> {
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
    const session = await createSession(graph, { intraOpNumThreads: opts.threads, interOpNumThreads: 1 });
    return new RewardScorer(labels, TextTokenizer.fromFolder(modelDir), spec.maxPositions, session, opts.batchSize ?? 16);
  }

  /** Per text, one score per label (one reward for a pairwise reward model), read at its last token; `followsTokenizer`: the BOS rule of the run that trained the model (scoredIds). */
  async score(texts: readonly string[], followsTokenizer = true): Promise<number[][]> {
    return this.scoreIds(texts.map((t) => scoredIds(t, this.tokenizer, followsTokenizer)));
  }

  /**
   * Per token sequence (already tokenized as in training), one score per label, read at its last token. A sequence
   * longer than the model's context keeps its end and BOS (rewardWindow, as training cuts): keeping its head read a
   * long prompt + completion's score inside the prompt, blind to the completion.
   */
  async scoreIds(sequences: readonly number[][], onProgress?: ScoreProgress): Promise<number[][]> {
    const items: RewardItem[] = sequences.map((ids) => ({ sequences: [rewardWindow(ids, this.maxPositions, this.tokenizer.bosTokenId)] }));
    const L = this.labels.length;
    const scores: number[][] = [];
    let warm: WarmMark | null = null;
    for (const b of rewardBatches(items, this.batchSize, 0, this.tokenizer.padTokenId ?? this.tokenizer.eosTokenId ?? 0)) {
      const out = (await this.session.run(b.feeds, ['scores'])).scores.data as Float32Array;
      for (let i = 0; i < b.scored; i++) scores.push(Array.from(out.subarray(i * L, (i + 1) * L)));
      const now = performance.now();
      warm ??= { done: scores.length, at: now };
      onProgress?.(scores.length, items.length, steadyEtaSeconds(warm, now, scores.length, items.length));
    }
    return scores;
  }

  get textTokenizer(): TextTokenizer {
    return this.tokenizer;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Texts' scores; `maxLen`: each cut to its last maxLen tokens (classifiedIds), the window of the run that trained the
 * model; `followsTokenizer`: that run's BOS rule (bosFollowsTokenizer of its config; default true).
 */
export async function scoreTexts(modelDir: string, texts: readonly string[], opts: { threads?: number; batchSize?: number; maxLen?: number; followsTokenizer?: boolean } = {}): Promise<ScoredTexts> {
  const scorer = await RewardScorer.load(modelDir, opts);
  try {
    const { maxLen, followsTokenizer } = opts;
    const scores = maxLen === undefined ? await scorer.score(texts, followsTokenizer) : await scorer.scoreIds(texts.map((t) => classifiedIds(t, scorer.textTokenizer, maxLen, followsTokenizer)));
    return { labels: scorer.labels, scores };
  } finally {
    await scorer.release();
  }
}

/**
 * Completions as a pairwise reward model read its training pairs: each text tokenized apart from its prompt and joined
 * to it, the prompt cut to the run's maxPromptLen and the whole to its seqLen (pairwiseRewardIds, as tokenizePair built
 * the pairs and PPO scores its rollouts). `prompts[i]` is the prompt of `texts[i]`. Tokenized as one string, the
 * tokens at the join can differ from the ones the model trained on.
 */
export function completionIds(prompts: readonly string[], texts: readonly string[], tokenizer: TextTokenizer, opts: PairwiseIdsOptions): number[][] {
  if (prompts.length !== texts.length) throw new Error(`completionIds: ${prompts.length} prompts for ${texts.length} texts`);
  return texts.map((t, i) => pairwiseRewardIds(prompts[i], t, tokenizer, opts));
}

/** A pairwise reward run's config as recorded (pairPromptRule reads it: defaults, and the rules of runs from before promptLenCountsBos or bosFollowsTokenizer). */
export interface PairwiseRunConfig {
  seqLen: number;
  maxPromptLen?: number;
  promptLenCountsBos?: boolean;
  bosFollowsTokenizer?: boolean;
}

/**
 * Completions' scores by a pairwise reward model, each read after its prompt as the run trained (completionIds), by
 * the rule its config records (pairPromptRule).
 */
export async function scoreCompletions(modelDir: string, prompts: readonly string[], texts: readonly string[], run: PairwiseRunConfig, opts: { threads?: number; batchSize?: number } = {}): Promise<ScoredTexts> {
  const scorer = await RewardScorer.load(modelDir, opts);
  try {
    const ids = completionIds(prompts, texts, scorer.textTokenizer, pairPromptRule(run));
    return { labels: scorer.labels, scores: await scorer.scoreIds(ids) };
  } finally {
    await scorer.release();
  }
}

/** Refuse an empty split, naming the splits that do have rows (an import with --split 0.95,0.05,0 has no test). */
export function requireSplitRows(dataset: Dataset, split: 'train' | 'validation' | 'test'): void {
  if ((dataset.splits[split] ?? 0) > 0) return;
  const filled = SPLITS.filter((s) => (dataset.splits[s] ?? 0) > 0);
  const counts = filled.map((s) => `${s} (${dataset.splits[s]!.toLocaleString('en-US')})`).join(', ');
  const where = filled.length ? `its rows are in ${counts}; pass --split ${filled.at(-1)}` : 'it has no rows at all';
  throw new Error(`dataset ${dataset.name} has no ${split} rows: ${where}`);
}

/**
 * Whether `dataset`'s `split` can measure a reward run of `objective`, checked before any work or word of progress
 * (`lathe reward score` said "scoring the validation split…" and then refused the mapping): a classifier needs text and
 * label mapped, a pairwise reward model chosen and rejected (preferenceStyle); either needs rows in the split.
 */
export function checkScoringDataset(dataset: Dataset, split: 'train' | 'validation' | 'test', objective: 'pairwise' | 'classify'): void {
  if (objective === 'pairwise') preferenceStyle(dataset.mapping, dataset.name);
  else {
    const missing = (['text', 'label'] as const).filter((f) => !dataset.mapping[f]);
    if (missing.length) {
      const mapped = mappingWords(dataset.mapping);
      throw new StudioError('invalid_params', `dataset ${dataset.name} cannot measure a classifier: it needs its text and label columns mapped (missing: ${missing.join(', ')}; ${mapped ? `it maps ${mapped}` : 'it maps no columns'}); choose a dataset of labelled texts, or map its columns with 'lathe dataset map ${dataset.name} --text-column C --label-column C'`, { field: 'dataset' });
    }
  }
  requireSplitRows(dataset, split);
}

/**
 * A classifier's accuracy on a dataset split (its mapping's text and label), and the majority class's share there.
 * Each text is read as the run trained and validated on it (classifiedIds: cut to its last `seqLen` tokens, the
 * run's own), so the run's final validation and this measure of the same split agree: cut only to the model's
 * context, texts longer than the run's window were scored on words it never saw in one piece (0.7113 against the
 * run's 0.7103 on SST-2 at --seq-len 64), by its BOS rule (`followsTokenizer`: bosFollowsTokenizer of its config; default true).
 */
export async function classifierAccuracy(modelDir: string, dataDir: string, dataset: Dataset, split: 'train' | 'validation' | 'test', opts: { seqLen: number; followsTokenizer?: boolean; threads?: number; onProgress?: ScoreProgress }): Promise<{ examples: number; accuracy: number; majorityClass: string; majorityShare: number }> {
  checkScoringDataset(dataset, split, 'classify');
  const { text, label } = dataset.mapping as { text: string; label: string };
  const rows = readRows(datasetDir(dataDir, dataset.id), split, 0, dataset.splits[split]).rows;
  const scorer = await RewardScorer.load(modelDir, { threads: opts.threads });
  let scores: number[][];
  try {
    scores = await scorer.scoreIds(rows.map((r) => classifiedIds(r[text], scorer.textTokenizer, opts.seqLen, opts.followsTokenizer)), opts.onProgress);
  } finally {
    await scorer.release();
  }
  const { labels } = scorer;
  const gold = rows.map((r) => String(r[label] ?? '').trim());
  const predicted = scores.map((s) => labels[s.indexOf(Math.max(...s))]);
  const counts = new Map<string, number>();
  for (const g of gold) counts.set(g, (counts.get(g) ?? 0) + 1);
  const [majorityClass, majorityCount] = [...counts].sort((a, b) => b[1] - a[1])[0];
  return { examples: rows.length, accuracy: predicted.filter((p, i) => p === gold[i]).length / rows.length, majorityClass, majorityShare: majorityCount / rows.length };
}

/**
 * A pairwise reward model's accuracy on a preference split: the share of pairs whose chosen side scores higher (chance
 * 0.5), and the mean margin r_chosen − r_rejected. Pairs are tokenized exactly as the run trained on them, by the rule
 * its config `run` records (pairPromptRule); rows that make no pair are counted and left out.
 */
export async function pairwiseAccuracy(modelDir: string, dataDir: string, dataset: Dataset, split: 'train' | 'validation' | 'test', run: PairwiseRunConfig, opts: { threads?: number; onProgress?: ScoreProgress } = {}): Promise<{ pairs: number; accuracy: number; meanMargin: number; skipped: number }> {
  checkScoringDataset(dataset, split, 'pairwise');
  const style = preferenceStyle(dataset.mapping, dataset.name);
  const { rows, indices } = readRows(datasetDir(dataDir, dataset.id), split, 0, dataset.splits[split]);
  const located = rows.map((values, i) => ({ values, where: `dataset ${dataset.name} record ${indices[i] + 1}` }));
  const { pairs, skipped } = preferencePairs(located, dataset.mapping, style, { skipInvalid: true });
  if (pairs.length === 0) throw new Error(`dataset ${dataset.name}: no row of the ${split} split makes a pair (${skipped.length} left out)`);
  const scorer = await RewardScorer.load(modelDir, { threads: opts.threads });
  try {
    const tok = { ...pairPromptRule(run), endId: null, keepEnd: true };
    const examples = pairs.map((p) => tokenizePair(p, scorer.textTokenizer, tok).example);
    // both sides of every pair in one pass (the chosen sides, then the rejected ones), so progress counts all of them
    const n = examples.length;
    const scores = await scorer.scoreIds([...examples.map((e) => e.chosen.ids), ...examples.map((e) => e.rejected.ids)], opts.onProgress);
    const [chosen, rejected] = [scores.slice(0, n), scores.slice(n)];
    const margins = chosen.map((c, i) => c[0] - rejected[i][0]);
    return { pairs: pairs.length, accuracy: margins.filter((m) => m > 0).length / pairs.length, meanMargin: margins.reduce((a, b) => a + b, 0) / pairs.length, skipped: skipped.length };
  } finally {
    await scorer.release();
  }
}
