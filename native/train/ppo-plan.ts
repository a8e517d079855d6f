// A PPO request checked before a run exists (the CLI, the studio before it queues the job, and the trainer before it
// creates the run call it): the policy model, the reward run and the label whose logit rewards, a prompt dataset
// with a prompt (or text) column and held-out prompts, LoRA targets the architecture has; defaults resolved and the
// dataset's content hash recorded with the config.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import { PpoStartInput, type PpoConfig } from '../api/align.ts';
import { withArticle } from '../api/format.ts';
import type { Dataset, Model } from '../api/schemas.ts';
import type { ModelSpec } from '../models/config.ts';
import type { Store } from '../store/db.ts';
import { sizedDefaults } from './defaults.ts';
import { pairPromptRule } from './preference-examples.ts';
import { bosFollowsTokenizer } from './sft-examples.ts';
import { REWARD_MODEL_DIR } from './reward.ts';
import { runDir } from './run-env.ts';
import { loraTargetsFor, requestedModelAndData, trainableSpec, zodInput } from './validate.ts';

/** The settings a PPO run was started with, defaults filled in; stored in runs.config. */
export type ResolvedPpoConfig = PpoConfig & {
  lr: number;
  modelId: string;
  modelName: string;
  modelPath: string;
  /** The reward run's model folder and the label (index) whose score is the reward. */
  rewardModelPath: string;
  rewardLabel: string;
  rewardLabelIndex: number;
  /**
   * The reward run's sequence length: each prompt + completion is scored cut to its last rewardSeqLen tokens, the
   * window the reward model trained and validated on (as `lathe reward score` reads texts). Absent in runs from
   * before it was recorded: those scored at the reward model's context, and resume so.
   */
  rewardSeqLen?: number;
  /**
   * How the reward run read its inputs: 'pairwise' scores a prompt and its completion tokenized apart and joined, the
   * prompt cut to rewardMaxPromptLen (pairwiseRewardIds, as its training pairs); 'classify' the two as one text. Absent
   * in runs from before it was recorded: those scored one text, and resume so.
   */
  rewardObjective?: 'pairwise' | 'classify';
  rewardMaxPromptLen?: number;
  /**
   * Whether the reward run's maxPromptLen counted the prompt's BOS (pairPromptRule: false for a reward run from before
   * it was recorded). Absent in PPO runs from before this was recorded: those scored by the rule that counts it, and
   * resume so.
   */
  rewardPromptLenCountsBos?: boolean;
  /**
   * Whether the reward run's inputs began with a BOS only where the tokenizer adds one (bosFollowsTokenizer: false for
   * a reward run from before it was recorded, whose inputs began with the BOS the tokenizer names). Absent in PPO runs
   * from before this was recorded, whose reward runs are older still: those score by the old rule, and resume so.
   */
  rewardBosFollowsTokenizer?: boolean;
  datasetId: string;
  /** The dataset file's sha256 as imported: which prompts the run learned from. */
  datasetHash: string;
  /** The dataset column the prompts are read from. */
  promptColumn: string;
  loraTargets: string[];
};

const invalid = (message: string, field: string) => new StudioError('invalid_params', message, { field });

/** The labels of a reward run's model (id2label in index order; one 'reward' for a pairwise model). */
function rewardLabels(modelDir: string): string[] {
  const config = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8')) as { id2label?: Record<string, string> };
  const id2label = config.id2label ?? { 0: 'reward' };
  return Object.keys(id2label).sort((a, b) => Number(a) - Number(b)).map((k) => id2label[k]);
}

/**
 * The reward runs that have a model to score with, for a reward run not found or a run of another kind (align ppo's
 * --reward-run, reward score's --run): the newest few, or how to train one.
 */
export function rewardRunsWords(store: Store): string {
  const finished = store.runs.summaries({ kind: 'reward' }).filter((r) => r.status === 'succeeded');
  if (finished.length === 0) return "no reward run has finished yet: train a reward model with 'lathe align reward' (or on the Align page) and give its run id";
  const shown = finished.slice(0, 5).map((r) => `${r.id} (${r.name})`).join(', ');
  return `give the id of a finished reward run: ${shown}${finished.length > 5 ? ` and ${finished.length - 5} more ('lathe runs list' shows them)` : ''}`;
}

export function planPpo(input: unknown, store: Store, dataDir: string): { config: ResolvedPpoConfig; model: Model; dataset: Dataset; spec: ModelSpec } {
  const parsed = zodInput(PpoStartInput, input);
  const { model, dataset } = requestedModelAndData(parsed, store);
  const spec = trainableSpec(model);
  const reward = store.runs.get(parsed.rewardRun);
  if (!reward) throw new StudioError('not_found', `no run ${parsed.rewardRun}; ${rewardRunsWords(store)}`, { field: 'rewardRun' });
  if (reward.kind !== 'reward') throw invalid(`run ${reward.id} is ${withArticle(reward.kind)} run, not a reward run; ${rewardRunsWords(store)}`, 'rewardRun');
  const rewardModelPath = path.join(runDir(dataDir, reward.id), REWARD_MODEL_DIR);
  if (!fs.existsSync(path.join(rewardModelPath, 'config.json'))) throw invalid(`reward run ${reward.id} has no model (it is ${reward.status}); let it finish, or resume it`, 'rewardRun');
  const labels = rewardLabels(rewardModelPath);
  const rewardConfig = reward.config as { seqLen?: number; objective?: 'pairwise' | 'classify'; maxPromptLen?: number; promptLenCountsBos?: boolean; bosFollowsTokenizer?: boolean };
  const rewardSeqLen = rewardConfig.seqLen;
  const rewardObjective = rewardConfig.objective;
  // a pairwise reward model's prompts are cut as its run cut them: its maxPromptLen, by its rule of counting the BOS
  const pairRule = rewardObjective === 'pairwise' && rewardSeqLen !== undefined ? pairPromptRule({ ...rewardConfig, seqLen: rewardSeqLen }) : undefined;
  const rewardMaxPromptLen = pairRule?.maxPromptLen;
  const rewardPromptLenCountsBos = pairRule?.promptLenCountsBos;
  const rewardBosFollowsTokenizer = bosFollowsTokenizer(rewardConfig); // PPO scores as the reward run read its inputs
  const rewardLabel = parsed.rewardLabel ?? labels[labels.length - 1];
  const rewardLabelIndex = labels.indexOf(rewardLabel);
  if (rewardLabelIndex < 0) throw invalid(`reward run ${reward.id}'s model has no label '${rewardLabel}' (its labels: ${labels.join(', ')})`, 'rewardLabel');
  // a file of prompts alone matches no task shape at import, so its column is found by name too
  const promptColumn = dataset.mapping.prompt ?? dataset.mapping.text ?? dataset.columns.find((c) => ['prompt', 'query', 'text'].includes(c.toLowerCase()));
  if (!promptColumn) throw invalid(`dataset ${dataset.name} has no prompt, query or text column and maps none (columns: ${dataset.columns.join(', ')}); map the column of prompts as prompt`, 'dataset');
  const train = dataset.splits.train ?? 0;
  const validation = dataset.splits.validation ?? 0;
  if (train < 1 || validation < 1) throw invalid(`dataset ${dataset.name} has ${train} training and ${validation} validation prompt(s); PPO needs both (the validation prompts are the held-out rollouts): import it with a validation split`, 'dataset');
  const loraTargets = loraTargetsFor(spec, parsed.method, { ...parsed.lora, dropout: 0 }); // PPO trains without LoRA dropout
  if (parsed.maxPromptLen + parsed.generation.maxNewTokens > spec.maxPositions) {
    throw invalid(`a prompt of up to ${parsed.maxPromptLen} tokens and ${parsed.generation.maxNewTokens} new ones make ${parsed.maxPromptLen + parsed.generation.maxNewTokens}, more than the model's ${spec.maxPositions} positions; generate fewer new tokens, or cut prompts shorter (the longest prompt, now ${parsed.maxPromptLen})`, 'generation.maxNewTokens');
  }
  // a fifth of the fine-tuning default: at that default (5e-4, full, stories260K) PPO collapsed the policy's entropy
  // from 1.35 to 0.01 within 20 iterations, at 1e-4 it trained with the KL bounded (docs/benchmarks.md)
  const lr = parsed.lr ?? sizedDefaults(spec, parsed.method).lr / 5;
  const config: ResolvedPpoConfig = {
    ...parsed, lr, modelId: model.id, modelName: model.name, modelPath: model.path, rewardModelPath, rewardLabel, rewardLabelIndex, rewardSeqLen, rewardObjective, rewardMaxPromptLen, rewardPromptLenCountsBos, rewardBosFollowsTokenizer,
    datasetId: dataset.id, datasetHash: dataset.contentHash, promptColumn, loraTargets,
  };
  return { config, model, dataset, spec };
}
