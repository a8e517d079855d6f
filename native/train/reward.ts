// Reward models (pairwise, from preference pairs) and sequence classifiers (from text + label), full training: a run
// of kind 'reward' through the shared run stages (checkpointed, resumable, cancelable), then the model written in
// transformers' sequence-classification layout (config architectures *ForSequenceClassification, num_labels,
// id2label; model.safetensors with the decoder and `score.weight`, no LM head) in the run folder, recorded as the
// run's artifact. It is not registered as a store model: the store's models are causal LMs.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import { RewardStartInput, type RewardConfig, type UnmappedDataset } from '../api/align.ts';
import type { Dataset } from '../api/schemas.ts';
import { formatValue, mappingWords, plural } from '../api/format.ts';
import { defaultRunName } from '../api/train.ts';
import { datasetDir, readRows } from '../data/files.ts';
import { preferenceStyle } from '../data/preferences.ts';
import { writeFolderAtomic } from '../models/atomic.ts';
import { fillHfFolder, readHfFolder, tokenizerSideFiles } from '../models/checkpoint.ts';
import type { ModelSpec } from '../models/config.ts';
import { initTensors } from '../models/init.ts';
import { buildRewardTrainingGraph, SCORE_WEIGHT, type RewardObjective } from '../models/reward-graph.ts';
import type { Store } from '../store/db.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { atMostEvery } from './at-most-every.ts';
import { listCheckpoints } from './checkpoints.ts';
import { evaluateBatches, type LoopStatus } from './loop.ts';
import { bosCounted, loadPreferenceData, pairPromptRule, pairTurns, PROMPT_LEN_COUNTS_BOS, readPreferencePairs } from './preference-examples.ts';
import { TokenizingTurns, tokenizingMessage } from './tokenize-in-turns.ts';
import { BOS_FOLLOWS_TOKENIZER, bosFollowsTokenizer } from './sft-examples.ts';
import { RewardBatches, rewardWindow, type RewardItem } from './reward-batches.ts';
import { recordArtifact, runDataset, runThreads, runToResume, type TrainEnv } from './run-env.ts';
import { asRun, epochLoop, openTrainer, trainWithCheckpoints } from './run-stages.ts';
import { longerPromptAdvice, longerSeqLenAdvice, requestedModelAndData, requestedSeqLen, trainableSpec, zodInput } from './validate.ts';
import { sizedDefaults } from './defaults.ts';

export type ResolvedRewardConfig = RewardConfig & {
  objective: 'pairwise' | 'classify'; lr: number; seqLen: number; modelPath: string; modelName: string; datasetId: string; datasetHash: string;
  /** Pairwise: maxPromptLen counts the prompt's BOS (PROMPT_LEN_COUNTS_BOS); absent in runs from before it did, which resume and are scored by their rule (pairPromptRule). */
  promptLenCountsBos?: boolean;
  /** The BOS before what the model reads follows the tokenizer (BOS_FOLLOWS_TOKENIZER); absent in runs from before, which resume and are scored by their rule (bosFollowsTokenizer). */
  bosFollowsTokenizer?: boolean;
};

export interface RewardOutcome {
  runId: string;
  status: LoopStatus;
  steps: number;
  lastLoss: number | null;
  objective: 'pairwise' | 'classify';
  labels: string[];
  trainExamples: number;
  validation: { loss: number; accuracy: number } | null;
  /** Training and validation inputs cut (AlignCuts, as DPO's outcome counts them): pairwise, pairs with a side over the sequence length and pairs with a prompt over maxPromptLen; classify, texts over the sequence length. */
  truncatedPairs: number;
  truncatedPrompts: number;
  truncatedTexts: number;
  /** The model's context (its positions): the longest sequence length there is, which the run view's cut warnings weigh. */
  modelContext: number;
  /** The model folder in transformers' sequence-classification layout. */
  modelDir: string | null;
}

export const REWARD_MODEL_DIR = 'reward-model';

/**
 * A cell as the text a classifier reads: surrounding white space dropped, so the score is read at the last word or
 * mark rather than at a trailing space (GLUE's SST-2 ends every sentence with one).
 */
export const classifiedText = (v: unknown): string => String(v ?? '').trim();

/** The classification label of each row, as a string (TSV cells are text, JSON ones may be numbers). */
const labelOf = (row: Record<string, unknown>, column: string): string => String(row[column] ?? '').trim();

/** Why a dataset without text and label mapped trains no classifier; `auto`: nor, lacking chosen and rejected, a pairwise model. */
function unlabelled(dataset: Dataset, auto: boolean): StudioError {
  const fields = auto ? ['chosen', 'rejected', 'text', 'label'] : ['text', 'label'];
  const unmapped: UnmappedDataset = { field: 'dataset', dataset: dataset.name, needs: auto ? 'pairs-or-labels' : 'labels', missing: fields.filter((f) => !dataset.mapping[f]), mapping: dataset.mapping };
  return new StudioError('invalid_params', unlabelledSentence(dataset, auto), unmapped);
}

/** The engine's sentence for unlabelled(), for the CLI: it names the command that maps the columns. */
function unlabelledSentence(dataset: Dataset, auto: boolean): string {
  const mapped = mappingWords(dataset.mapping);
  const maps = mapped ? `it maps ${mapped}` : 'it maps no columns';
  if (auto) {
    return `a reward model learns from preference pairs (chosen and rejected mapped) or from labelled texts (text and label mapped), and dataset ${dataset.name} has neither (${maps}; its columns: ${dataset.columns.join(', ')}); `
      + `choose another dataset, or map its columns with 'lathe dataset map ${dataset.name} --chosen-column C --rejected-column C' (or --text-column C --label-column C)`;
  }
  const missing = ['text', 'label'].filter((f) => !dataset.mapping[f]).join(', ');
  return `dataset ${dataset.name} has no labelled texts: a classifier needs the columns of the text and of its label mapped as text and label (missing: ${missing}; ${maps}); `
    + `choose a dataset of labelled texts, or map its columns with 'lathe dataset map ${dataset.name} --text-column C --label-column C'`;
}

export function planReward(input: unknown, store: Store): { config: ResolvedRewardConfig; dataset: Dataset; spec: ModelSpec } {
  const parsed = zodInput(RewardStartInput, input);
  // the checks every training request gets (a project it names must exist: else the run's insert failed on its key)
  const { model, dataset } = requestedModelAndData(parsed, store);
  const spec = trainableSpec(model);
  const sized = sizedDefaults(spec, 'full');
  const seqLen = requestedSeqLen(parsed.seqLen, sized.seqLen, spec, model);
  const m = dataset.mapping;
  const objective = parsed.objective !== 'auto' ? parsed.objective : m.chosen && m.rejected ? 'pairwise' : 'classify';
  if (objective === 'pairwise') preferenceStyle(m, dataset.name);
  else if (!m.text || !m.label) throw unlabelled(dataset, parsed.objective === 'auto');
  // the margin is the pairwise loss's: a classifier's run would record it and train without it
  if (objective === 'classify' && parsed.margin !== 0) {
    throw new StudioError('invalid_params', `a margin applies to a pairwise reward model (chosen and rejected), and dataset ${dataset.name} trains a classifier (text and label); leave the margin out`, { field: 'margin' });
  }
  // the rule planDpo applies: a prompt that fills the sequence leaves the answer, which the reward model judges, no room
  if (objective === 'pairwise' && parsed.maxPromptLen !== undefined && parsed.maxPromptLen >= seqLen) {
    throw new StudioError('invalid_params', `a longest prompt of ${parsed.maxPromptLen} tokens leaves no room for the answer in a sequence of ${seqLen}; give fewer than ${seqLen}`, { field: 'maxPromptLen' });
  }
  if ((dataset.splits.train ?? 0) < 1 || (dataset.splits.validation ?? 0) < 1) throw new StudioError('invalid_params', `dataset ${dataset.name} needs training and validation rows (has ${dataset.splits.train ?? 0} and ${dataset.splits.validation ?? 0}); import it with a validation split`, { field: 'dataset' });
  const config: ResolvedRewardConfig = { ...parsed, objective, ...(objective === 'pairwise' ? PROMPT_LEN_COUNTS_BOS : {}), ...BOS_FOLLOWS_TOKENIZER, lr: parsed.lr ?? sized.lr, seqLen, modelPath: model.path, modelName: model.name, datasetId: dataset.id, datasetHash: dataset.contentHash };
  return { config, dataset, spec };
}

export async function startReward(input: unknown, env: TrainEnv): Promise<RewardOutcome> {
  const { config, dataset } = planReward(input, env.store); // before the run exists: bad input leaves none behind
  if (config.objective === 'pairwise') readPreferencePairs(env.dataDir, dataset, { skipInvalid: config.skipInvalid, skipAdvice: env.skipAdvice }); // and so does a row that makes no pair
  const run = env.store.runs.create({ kind: 'reward', name: config.name ?? defaultRunName.reward(config.objective, config.modelName, dataset.name), projectId: config.projectId, config, owner: env.owner });
  return continueReward(run.id, config, env);
}

export async function resumeReward(runId: string, env: TrainEnv): Promise<RewardOutcome> {
  const run = runToResume(env.store, runId, 'reward', 'lathe align reward --resume');
  return continueReward(runId, run.config as ResolvedRewardConfig, env);
}

type Cuts = Pick<RewardOutcome, 'truncatedPairs' | 'truncatedPrompts' | 'truncatedTexts'>;

/**
 * Training and validation items, the label names (classification), and how many inputs were cut; null when the run's
 * signal stopped it. A classifier's texts and a pairwise model's pairs are tokenized in turns (tokenize-in-turns.ts),
 * with progress said, and a cancel (a Ctrl-C, train.cancel) heard between batches, as fine-tuning's tokenizing stops:
 * SST-2's 60k sentences took 15 s that `lathe align reward` spent silent after its 'run RUN' line, and a Ctrl-C heard
 * in them still waited for the last one.
 */
async function loadItems(env: TrainEnv, dataset: Dataset, config: ResolvedRewardConfig, tokenizer: TextTokenizer, context: number): Promise<{ train: RewardItem[]; val: RewardItem[]; labels: string[]; cuts: Cuts } | null> {
  if (config.objective === 'pairwise') {
    // each side at most seqLen tokens, its end kept: the score is read at the last token (rewardWindow)
    const rule = pairPromptRule(config); // a run from before maxPromptLen counted the BOS resumes by its own rule
    const { maxPromptLen } = rule;
    const data = await loadPreferenceData(env.dataDir, dataset, tokenizer, { ...rule, endId: null, keepEnd: true, skipInvalid: config.skipInvalid, skipAdvice: env.skipAdvice }, pairTurns(env));
    if (!data) return null;
    if (data.truncatedPrompts) env.log('warn', `${plural(data.truncatedPrompts, 'pair')} ${data.truncatedPrompts === 1 ? 'has' : 'have'} a prompt longer than ${maxPromptLen} tokens, cut to its last ${maxPromptLen} (${bosCounted(rule)}), where the question is; ${longerPromptAdvice(maxPromptLen, config.seqLen - 1, { seqLen: config.seqLen, context }, 'log')}`);
    if (data.truncated) env.log('warn', `${formatValue(data.truncated)} pairs have a side longer than ${config.seqLen} tokens, cut to its last ${config.seqLen} (BOS kept), where the score is read; ${longerSeqLenAdvice(config.seqLen, context, 'log')}`);
    const item = (e: (typeof data.train)[number]): RewardItem => ({ sequences: [e.chosen.ids, e.rejected.ids] });
    return { train: data.train.map(item), val: data.val.map(item), labels: ['reward'], cuts: { truncatedPairs: data.truncated, truncatedPrompts: data.truncatedPrompts, truncatedTexts: 0 } };
  }
  const read = (split: 'train' | 'validation') => readRows(datasetDir(env.dataDir, dataset.id), split, 0, Math.max(1, dataset.splits[split] ?? 0)).rows;
  const [train, val] = [read('train'), read('validation')];
  const labels = [...new Set(train.map((r) => labelOf(r, dataset.mapping.label)))].sort();
  if (labels.length < 2) throw new StudioError('invalid_params', `dataset ${dataset.name}: column '${dataset.mapping.label}' holds ${labels.length} label(s) in the training split; a classifier needs at least 2`, { field: 'dataset' });
  const followsTokenizer = bosFollowsTokenizer(config); // a run from before it was recorded resumes with the texts it trained on
  const item = (row: Record<string, unknown>): RewardItem => {
    const label = labels.indexOf(labelOf(row, dataset.mapping.label));
    if (label < 0) throw new StudioError('invalid_params', `dataset ${dataset.name}: label '${labelOf(row, dataset.mapping.label)}' of a validation row never occurs in training (labels: ${labels.join(', ')})`, { field: 'dataset' });
    const whole = scoredIds(String(row[dataset.mapping.text] ?? ''), tokenizer, followsTokenizer);
    if (whole.length > config.seqLen) cut++;
    return { sequences: [rewardWindow(whole, config.seqLen, tokenizer.bosTokenId)], label };
  };
  let cut = 0;
  const turns = new TokenizingTurns(train.length + val.length, env.signal, (done, total) => env.progress(0, tokenizingMessage('texts', done, total), null));
  const trainItems = await turns.map(train, item);
  const valItems = trainItems && (await turns.map(val, item));
  if (!trainItems || !valItems) return null;
  const items = { train: trainItems, val: valItems, labels };
  // said as for pairs: the cut text keeps its end, where the score is read, and a longer window keeps more of it
  if (cut) env.log('warn', `${formatValue(cut)} of ${plural(train.length + val.length, 'text')} ${cut === 1 ? 'is' : 'are'} longer than ${config.seqLen} tokens, cut to ${cut === 1 ? 'its' : 'their'} last ${config.seqLen} (BOS kept), where the score is read; ${longerSeqLenAdvice(config.seqLen, context, 'log')}`);
  return { ...items, cuts: { truncatedPairs: 0, truncatedPrompts: 0, truncatedTexts: cut } };
}

/**
 * A text as a reward model reads it: BOS (where the tokenizer adds one: bosHead), then the text's tokens, as it was
 * trained. A text that writes BOS itself (a PPO prompt rendered by a chat template that writes it) gets no second one.
 * `followsTokenizer`: the reward run's rule (bosFollowsTokenizer; false for runs from before it was recorded: the BOS
 * the tokenizer names, always).
 */
export function scoredIds(text: string, tokenizer: TextTokenizer, followsTokenizer = true): number[] {
  const t = classifiedText(text);
  return [...tokenizer.bosHead(t, followsTokenizer), ...tokenizer.encode(t, { addSpecialTokens: false })];
}

/**
 * A classifier's text as it reads it (scoredIds), cut to its last `maxLen` tokens as RewardScorer cuts (rewardWindow):
 * training (loadItems, which also counts the texts cut) and `lathe reward score` at the run's seqLen read the same window.
 */
export function classifiedIds(cell: unknown, tokenizer: TextTokenizer, maxLen: number, followsTokenizer = true): number[] {
  return rewardWindow(scoredIds(String(cell ?? ''), tokenizer, followsTokenizer), maxLen, tokenizer.bosTokenId);
}

async function continueReward(runId: string, config: ResolvedRewardConfig, env: TrainEnv): Promise<RewardOutcome> {
  return asRun(runId, env, async (dir) => {
    const dataset = runDataset(env.store, runId, config);
    const folder = readHfFolder(config.modelPath);
    const spec = folder.spec;
    const tokenizer = TextTokenizer.fromFolder(config.modelPath);
    const data = await loadItems(env, dataset, config, tokenizer, spec.maxPositions);
    if (!data) {
      // cancelled while tokenizing: no trainer was opened and no checkpoint written (a resume starts from the model, or its last checkpoint)
      return { runId, status: 'cancelled', steps: listCheckpoints(dir).at(-1)?.step ?? 0, lastLoss: null, objective: config.objective, labels: [], trainExamples: 0, validation: null, truncatedPairs: 0, truncatedPrompts: 0, truncatedTexts: 0, modelContext: spec.maxPositions, modelDir: null };
    }
    env.log('info', `${config.objective}: ${formatValue(data.train.length)} training and ${formatValue(data.val.length)} validation examples${config.objective === 'classify' ? `, labels ${data.labels.join(', ')}` : ''}`);
    const objective: RewardObjective = config.objective === 'pairwise' ? { kind: 'pairwise', margin: config.margin } : { kind: 'classify', numLabels: data.labels.length };
    const numLabels = data.labels.length;
    // transformers initialises the score head from N(0, initializer_range = 0.02)
    const init = (await initTensors([{ name: SCORE_WEIGHT, shape: [numLabels, spec.hiddenSize], rule: { kind: 'normal', std: 0.02 } }], config.seed)).get(SCORE_WEIGHT)!;
    const opened = await openTrainer(dir, runId, env, {
      spec,
      full: true,
      weightsFile: 'model.safetensors',
      modelDir: async () => config.modelPath,
      method: async () => ({ kind: 'full' }),
      build: (s, weights) => buildRewardTrainingGraph(s, weights, objective, init),
      options: { optimizer: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: config.weightDecay }, clipNorm: config.clipNorm, microBatches: config.gradAccum, threads: runThreads(config.threads, env) },
    }, config.seed);
    const padId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
    const batches = new RewardBatches(data.train, data.val, config.batchSize, config.gradAccum, config.seed, padId);
    const result = await trainWithCheckpoints(opened, batches, epochLoop(config, batches.stepsPerEpoch, 0.03, null), env, runId, dir, { weightsFile: 'model.safetensors', json: { 'config.json': folder.config }, keep: config.keepCheckpoints });
    let validation: RewardOutcome['validation'] = null;
    let modelDir: string | null = null;
    if (result.status !== 'cancelled') {
      // the whole split, after the last step's line: said, so the wait that follows is not a silent one (as DPO says it)
      const measuring = `measuring the trained model on the whole validation split (${plural(data.val.length, config.objective === 'pairwise' ? 'pair' : 'example')})`;
      env.progress(1, measuring, null);
      const v = await evaluateBatches(opened.runner, batches.validation(0), null, 'the validation split', atMostEvery(1000, (n: number, of: number) => env.progress(1, `${measuring}: batch ${formatValue(n)} of ${formatValue(of)}`, null)));
      validation = { loss: v.loss, accuracy: v.metrics.accuracy };
      env.metric(runId, result.state.step, 'final_val_accuracy', v.metrics.accuracy);
      modelDir = path.join(dir, REWARD_MODEL_DIR);
      await writeSequenceClassifier(modelDir, folder, opened.runner.weights(), data.labels, padId);
      recordArtifact(env.store, runId, 'reward-model', path.join(modelDir, 'model.safetensors'));
    }
    await opened.runner.release();
    return { runId, status: result.status, steps: result.state.step, lastLoss: result.lastLoss, objective: config.objective, labels: data.labels, trainExamples: data.train.length, validation, ...data.cuts, modelContext: spec.maxPositions, modelDir };
  });
}

/** The *ForSequenceClassification architecture of a causal LM's config, as transformers names it. */
export const classifierArchitecture = (causal: string): string => (causal === 'GPT2LMHeadModel' ? 'GPT2ForSequenceClassification' : causal.replace(/ForCausalLM$/, 'ForSequenceClassification'));

/** The causal LM config a sequence-classification config was made from (for the decoder's spec). */
export function causalConfigOf(config: Record<string, unknown>): Record<string, unknown> {
  const arch = (config.architectures as string[] | undefined)?.[0] ?? '';
  const causal = arch === 'GPT2ForSequenceClassification' ? 'GPT2LMHeadModel' : arch.replace(/ForSequenceClassification$/, 'ForCausalLM');
  return { ...config, architectures: [causal] };
}

async function writeSequenceClassifier(dir: string, folder: ReturnType<typeof readHfFolder>, weights: Map<string, { shape: number[]; data: Float32Array }>, labels: string[], padId: number): Promise<void> {
  if (fs.existsSync(dir)) fs.rmSync(dir, { recursive: true });
  const arch = (folder.config.architectures as string[] | undefined)?.[0] ?? folder.spec.architecture;
  const config = {
    ...folder.config,
    architectures: [classifierArchitecture(arch)],
    num_labels: labels.length,
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
    pad_token_id: padId,
  };
  const tensors = new Map([...weights].filter(([name]) => name !== 'lm_head.weight'));
  // PPO scores with the tokenizer it reads from this folder (TextTokenizer.fromFolder, chat_template.jinja included):
  // the base's, which the model trained with, whole
  await writeFolderAtomic(dir, (tmp) => fillHfFolder(tmp, { config, tensors, tokenizer: folder.tokenizer ?? undefined, tokenizerConfig: folder.tokenizerConfig ?? undefined, extraFiles: tokenizerSideFiles(folder.dir) }));
}
