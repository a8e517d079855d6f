// The alignment part of the Studio API: preference tuning (DPO and its variants) as a 'dpo' job, reward models and
// sequence classifiers as a 'reward' job, PPO-RLHF as a 'ppo' job (its rollout table through align.rollouts). DPO
// runs' metrics carry TRL's names (rewards/chosen, rewards/rejected, rewards/accuracies, rewards/margins,
// logps/chosen, logps/rejected; val_ before each for the validation split) beside loss, lr and grad_norm; reward
// runs report accuracy (and margin for pairs); PPO runs the metrics listed in native/train/ppo.ts, one per iteration.
import { z } from 'zod';
import { asSentence, longerPromptAdvice, longerSeqLenAdvice } from './cut-advice.ts';
import { plural } from './format.ts';
import { DPO_LOSSES, settingName } from './labels.ts';
import { ColumnMapping, Job } from './schemas.ts';
import { LoraInput, Optimisation } from './train.ts';

/** Why a DPO loss refuses its label smoothing, as a clause: the CLI writes it after the flag, the setup form as a sentence. */
export const LABEL_SMOOTHING_REFUSALS = {
  robust: 'the robust loss needs a label smoothing above 0 (with 0 it is the sigmoid loss)',
  ipo: 'the IPO loss takes no label smoothing (the sigmoid and robust losses do); leave it at 0',
} as const;

export const DpoStartInput = z
  .object({
    /** Model id or name: the policy starts from it, and it is the frozen reference. */
    model: z.string().min(1),
    /** Dataset id or name, mapped to chosen and rejected (and prompt, unless its rows are whole transcripts). */
    dataset: z.string().min(1),
    method: z.enum(['lora', 'full']).default('lora'),
    lora: LoraInput.default({ r: 8, alpha: 16, dropout: 0.05 }),
    /** β: how far the policy may move from the reference (higher: closer). */
    beta: z.number().positive().default(0.1),
    loss: z.enum(DPO_LOSSES).default('sigmoid'),
    /** ε, the probability that a pair's preference is flipped (sigmoid: conservative DPO; robust needs it > 0). */
    labelSmoothing: z.number().min(0).lt(0.5).default(0),
    /** Longest prompt in tokens, its BOS included (its start is cut beyond, the BOS kept); default half the sequence length. */
    maxPromptLen: z.number().int().min(1).optional(),
    /** Leave out, and list, the rows that make no pair instead of refusing the dataset. */
    skipInvalid: z.boolean().default(false),
    /** LoRA: also write the adapter merged into the base as a new model (registered under outputName). */
    merge: z.boolean().default(true),
    outputName: z.string().trim().min(1).max(200).optional(),
    ...Optimisation,
    batchSize: z.number().int().min(1).max(1024).default(2),
  })
  .refine((v) => v.loss !== 'robust' || v.labelSmoothing > 0, { message: LABEL_SMOOTHING_REFUSALS.robust, path: ['labelSmoothing'] })
  // IPO's squared loss has no smoothing term: a run would record the setting and train without it
  .refine((v) => v.loss !== 'ipo' || v.labelSmoothing === 0, { message: LABEL_SMOOTHING_REFUSALS.ipo, path: ['labelSmoothing'] });
export type DpoStartInput = z.input<typeof DpoStartInput>;
export type DpoConfig = z.output<typeof DpoStartInput>;


/** pairwise: a reward model from preference pairs; classify: a sequence classifier from text + label columns. */
export const REWARD_OBJECTIVES = ['auto', 'pairwise', 'classify'] as const;
/** How each reward-model objective reads in the studio. */
export const REWARD_OBJECTIVE_LABELS: Record<(typeof REWARD_OBJECTIVES)[number], string> = { auto: 'Auto (from the mapping)', pairwise: 'Pairwise (chosen over rejected)', classify: 'Classify (text → label)' };

export const RewardStartInput = z.object({
  /** Model id or name: the decoder the score head sits on. */
  model: z.string().min(1),
  /** Dataset id or name: chosen/rejected (and prompt) for pairs, text and label for classification. */
  dataset: z.string().min(1),
  objective: z.enum(REWARD_OBJECTIVES).default('auto'),
  /** Pairwise: the margin the chosen score must clear, −log σ(r_c − r_r − margin). */
  margin: z.number().default(0),
  /** Pairwise: longest prompt in tokens, its BOS included (its start is cut beyond, the BOS kept); default half the sequence length. */
  maxPromptLen: z.number().int().min(1).optional(),
  skipInvalid: z.boolean().default(false),
  ...Optimisation,
  batchSize: z.number().int().min(1).max(1024).default(8),
});
export type RewardStartInput = z.input<typeof RewardStartInput>;
export type RewardConfig = z.output<typeof RewardStartInput>;

/** A dataset as alignment reads it: pairs (prompt / chosen / rejected) or labelled texts (text / label). */
export const ALIGN_DATA_KINDS = ['pairs', 'labels'] as const;

export const AlignPreviewInput = z.object({
  /** Dataset id or name. */
  dataset: z.string().min(1),
  /** How to read it; default: pairs when chosen and rejected are mapped, else labels. */
  kind: z.enum(ALIGN_DATA_KINDS).optional(),
  /** Rows shown (the first of the training split, then validation); every row up to `ALIGN_PREVIEW_CHECKED` is checked. */
  limit: z.number().int().min(1).max(50).default(5),
});

/** Rows checked per preview: the training and validation splits up to this many rows. */
export const ALIGN_PREVIEW_CHECKED = 20_000;

const PreviewSplit = z.enum(['train', 'validation']);
/** row: the record's number in the imported file, in file order (the trainer names bad rows the same way). */
const PreviewRow = { row: z.number().int().min(1), split: PreviewSplit };

/**
 * The details of a start refused because the dataset's mapping cannot feed the method (its message is the engine's
 * sentence, which names the CLI's 'lathe dataset map … --text-column C'): what the run needs ('pairs': chosen and
 * rejected; 'labels': text and label; 'pairs-or-labels': a reward model on Auto, either), the fields the mapping lacks
 * and what it maps, for the studio to word its own sentence pointing at its mapping button.
 */
export const UnmappedDataset = z.object({
  field: z.literal('dataset'),
  dataset: z.string(),
  needs: z.enum(['pairs', 'labels', 'pairs-or-labels']),
  missing: z.array(z.string()),
  mapping: ColumnMapping,
});
export type UnmappedDataset = z.infer<typeof UnmappedDataset>;

export const AlignPreview = z.object({
  dataset: z.string(),
  kind: z.enum(ALIGN_DATA_KINDS),
  mapping: ColumnMapping,
  /** Pairs: a prompt column, or whole HH-RLHF transcripts split at the last assistant turn. */
  style: z.enum(['columns', 'transcript']).nullable(),
  /** Why the mapping cannot feed this kind of training (a field missing), or null when it can: the engine's sentence, for the CLI. */
  unusable: z.string().nullable(),
  /** The mapping fields this kind of training needs and the mapping lacks (chosen, rejected; text, label), empty when it can. */
  missing: z.array(z.string()),
  /** Rows in the training and validation splits, and how many of them were checked. */
  total: z.number().int(),
  checked: z.number().int(),
  valid: z.number().int(),
  pairs: z.array(z.object({ ...PreviewRow, prompt: z.array(z.object({ role: z.string(), content: z.string() })), chosen: z.string(), rejected: z.string() })),
  texts: z.array(z.object({ ...PreviewRow, text: z.string(), label: z.string() })),
  /** Labels: each label of the training split and its count. */
  labels: z.array(z.object({ label: z.string(), count: z.number().int() })),
  /** Rows that make no example, first ones first (at most 50), and how many there are in all. */
  problems: z.array(z.object({ ...PreviewRow, field: z.string(), column: z.string().nullable(), reason: z.string() })),
  problemCount: z.number().int(),
});
export type AlignPreview = z.infer<typeof AlignPreview>;

/** The playground's sampling settings, as PPO's rollouts use them (defaults: the policy's own distribution, as TRL's). */
export const RolloutGeneration = z.object({
  maxNewTokens: z.number().int().min(1).max(4096).default(32),
  minNewTokens: z.number().int().min(0).default(0),
  temperature: z.number().positive().default(1),
  /** 0: off. Top-k, top-p and temperature change what is sampled but not the log-probs PPO trains with (TRL's defaults keep them off). */
  topK: z.number().int().min(0).default(0),
  topP: z.number().gt(0).max(1).default(1),
});

/** How PPO feeds the reward model's score into the reward: divided by its running std, also centred, or as it is. */
export const SCORE_SCALINGS = ['scale', 'norm', 'none'] as const;
/** How each PPO score scaling reads in the studio. */
export const SCORE_SCALING_LABELS: Record<(typeof SCORE_SCALINGS)[number], string> = { scale: 'Divided by its running spread', norm: 'Normalised (mean and spread)', none: 'As the reward model gives it' };

export const PpoStartInput = z
  .object({
    /** Model id or name: the policy starts from it, and it is the frozen reference. */
    model: z.string().min(1),
    /** The reward run (`lathe align reward`) whose model scores each prompt + completion, cut to that run's sequence length (the window it trained on). */
    rewardRun: z.string().min(1),
    /** A classifier's label whose logit is the reward (default its last label, e.g. SST-2's '1', positive); pairwise models have one score. */
    rewardLabel: z.string().min(1).optional(),
    /** Dataset id or name of prompts: its `prompt` column, else its `text` column; the validation split is held out. */
    dataset: z.string().min(1),
    method: z.enum(['lora', 'full']).default('lora'),
    /** PPO trains without dropout (a rollout's log-probs must be the policy's), so dropout must stay 0. */
    lora: LoraInput.default({ r: 8, alpha: 16, dropout: 0 }),
    /** PPO iterations: each generates `batchSize` rollouts, scores them and updates on them `ppoEpochs` times. */
    steps: z.number().int().min(1).default(100),
    /** Rollouts per iteration. */
    batchSize: z.number().int().min(1).max(1024).default(16),
    /** Rollouts per optimiser step (batchSize / miniBatchSize steps per PPO epoch). */
    miniBatchSize: z.number().int().min(1).max(1024).default(4),
    ppoEpochs: z.number().int().min(1).max(100).default(4),
    lr: z.number().positive().optional(),
    /** β_KL at the start (TRL init_kl_coef 0.2); 0 with adaptiveKl off: no KL penalty. */
    klCoef: z.number().min(0).default(0.2),
    /** Adapt β_KL toward klTarget (Ziegler et al.'s controller); off: β_KL stays klCoef. */
    adaptiveKl: z.boolean().default(true),
    klTarget: z.number().positive().default(6),
    klHorizon: z.number().positive().default(10000),
    gamma: z.number().min(0).max(1).default(1),
    lam: z.number().min(0).max(1).default(0.95),
    clipRange: z.number().positive().default(0.2),
    clipRangeValue: z.number().positive().default(0.2),
    vfCoef: z.number().min(0).default(0.1),
    /**
     * How the reward model's score enters the reward (native/train/ppo-score-scaling.ts, TRL's use_score_scaling /
     * use_score_norm): 'scale' divides it by the running standard deviation of the scores seen so far, so β_KL is a
     * price in the same units whatever the reward model's scale; 'norm' also subtracts the running mean; 'none' as is.
     */
    scoreScaling: z.enum(SCORE_SCALINGS).default('scale'),
    /** Clip the (scaled) score to ±scoreClip (TRL's score_clip); null: no clipping. */
    scoreClip: z.number().positive().nullable().default(null),
    /** Longest prompt in tokens, its BOS included (its start is cut beyond, the BOS and the end, the cue to answer, kept). */
    maxPromptLen: z.number().int().min(1).default(64),
    generation: RolloutGeneration.default({ maxNewTokens: 32, minNewTokens: 0, temperature: 1, topK: 0, topP: 1 }),
    /** Score held-out rollouts (validation prompts, a fixed seed) every K iterations, at the start and at the end; 0: start and end only. */
    evalEvery: z.number().int().min(0).default(10),
    /** Held-out prompts scored per evaluation (the first ones of the validation split). */
    evalPrompts: z.number().int().min(1).max(1024).default(16),
    saveEvery: z.number().int().min(0).default(10),
    keepCheckpoints: z.number().int().min(1).default(3),
    weightDecay: z.number().min(0).default(0),
    clipNorm: z.number().positive().nullable().default(1),
    seed: z.number().int().default(42),
    threads: z.number().int().min(1).max(256).optional(),
    projectId: z.string().nullable().default(null),
    name: z.string().trim().min(1).max(200).optional(),
    /** LoRA: also write the adapter merged into the base as a new model (registered under outputName). */
    merge: z.boolean().default(true),
    outputName: z.string().trim().min(1).max(200).optional(),
  })
  .refine((v) => v.method !== 'lora' || v.lora.dropout === 0, { message: 'PPO trains without dropout: a rollout\'s log-probabilities must be the policy\'s; give LoRA dropout 0', path: ['lora', 'dropout'] })
  .refine((v) => v.miniBatchSize <= v.batchSize, { message: 'the minibatch cannot hold more rollouts than the batch', path: ['miniBatchSize'] })
  // only 0 is this rule's: a negative coefficient is out of range, and saying so twice confused
  .refine((v) => v.adaptiveKl === false || v.klCoef !== 0, { message: 'the adaptive KL controller scales β_KL, so it cannot start at 0; for no KL penalty, keep β_KL fixed at 0 (--fixed-kl; Fixed β in the studio)', path: ['klCoef'] })
  .refine((v) => v.generation.minNewTokens <= v.generation.maxNewTokens, { message: 'the minimum of new tokens is above the maximum (max new tokens); give one no larger', path: ['generation', 'minNewTokens'] });
export type PpoStartInput = z.input<typeof PpoStartInput>;
export type PpoConfig = z.output<typeof PpoStartInput>;

/** One rollout as the table shows it. */
export const RolloutRow = z.object({ prompt: z.string(), completion: z.string(), score: z.number(), kl: z.number(), tokens: z.number().int() });
export type RolloutRow = z.infer<typeof RolloutRow>;

/** A PPO iteration's rollouts: the training batch, and the held-out ones when that iteration evaluated. */
export const RolloutTable = z.object({ step: z.number().int(), klCoef: z.number(), train: z.array(RolloutRow), heldout: z.array(RolloutRow).nullable() });
export type RolloutTable = z.infer<typeof RolloutTable>;

/** One held-out prompt's completions at iteration 0 and at a later iteration, and the score's change. */
export const HeldoutPair = z.object({
  prompt: z.string(),
  before: RolloutRow,
  /** null while no later iteration has scored the held-out prompts. */
  after: RolloutRow.nullable(),
  /** after.score − before.score (null without an after). */
  change: z.number().nullable(),
});
export type HeldoutPair = z.infer<typeof HeldoutPair>;

/** A PPO run's held-out prompts before training and at a later iteration (shaped by native/train/ppo-samples.ts). */
export const HeldoutSamples = z.object({
  /** The iterations that scored the held-out prompts, ascending (0, the policy before training, first). */
  steps: z.array(z.number().int()),
  beforeStep: z.number().int().nullable(),
  afterStep: z.number().int().nullable(),
  pairs: z.array(HeldoutPair),
  /** Mean score over the pairs, before and after (null when there is no such side), and the mean KL after. */
  meanBefore: z.number().nullable(),
  meanAfter: z.number().nullable(),
  klAfter: z.number().nullable(),
});
export type HeldoutSamples = z.infer<typeof HeldoutSamples>;

/**
 * What an alignment run's outcome says it cut: DPO's and pairwise reward runs' truncatedPairs (a side over the
 * sequence length) and truncatedPrompts (a prompt over maxPromptLen), PPO's truncatedPrompts, classifier runs'
 * truncatedTexts (a text over the sequence length); modelContext, the model's context (its positions), past which no
 * sequence length fits.
 */
export interface AlignCuts {
  truncatedPairs?: number;
  truncatedPrompts?: number;
  truncatedTexts?: number;
  modelContext?: number;
}

/**
 * A DPO or pairwise reward run's longest prompt (BOS included): its maxPromptLen, by default half its sequence length.
 * The one rule: the trainers apply it (native/train/preference-examples.ts re-exports it), the run views read it.
 */
export const pairPromptLen = (config: { seqLen: number; maxPromptLen?: number }): number => config.maxPromptLen ?? Math.floor(config.seqLen / 2);

/**
 * What of a run's config (runs.config) its cut warnings weigh: the sequence length (DPO, reward), the longest prompt
 * (DPO's is stored resolved, a reward run's only when given) and PPO's new tokens, which share the context with it.
 */
export interface AlignCutConfig {
  seqLen?: number;
  maxPromptLen?: number;
  generation?: { maxNewTokens?: number };
}

/**
 * What keeps more of the prompts cut to the longest prompt length, as a sentence: the run's log's advice
 * (longerPromptAdvice) where the outcome records the model's context and the config the lengths it weighs; an
 * outcome or config from before those were recorded keeps the older, general advice.
 */
function promptCutAdvice(kind: string, context: number | undefined, config: AlignCutConfig): string {
  if (context !== undefined) {
    const maxNewTokens = config.generation?.maxNewTokens;
    if (kind === 'ppo' && config.maxPromptLen !== undefined && maxNewTokens !== undefined) return asSentence(longerPromptAdvice(config.maxPromptLen, context - maxNewTokens, 'maxNewTokens', 'studio'));
    if (kind !== 'ppo' && config.seqLen !== undefined) return asSentence(longerPromptAdvice(pairPromptLen({ seqLen: config.seqLen, maxPromptLen: config.maxPromptLen }), config.seqLen - 1, { seqLen: config.seqLen, context }, 'studio'));
  }
  // PPO has no sequence length: a prompt and the new tokens share the model's context
  const room = kind === 'ppo' ? `the model's context allows beside the new tokens (${settingName('maxNewTokens', 'studio')})` : 'the sequence length allows';
  return `Raise the longest prompt (${settingName('maxPromptLen', 'studio')}) if ${room}.`;
}

/**
 * A finished DPO, reward or PPO run's cut inputs as warnings for its run view (title, then what the cut means and
 * what to change, in the words of the run's log: cut-advice.ts), none when nothing was cut. `config`: the run's
 * (AlignCutConfig); at the model's context nothing longer fits, and the warning says so instead of advising a longer
 * one. Outcomes written before a count existed lack it and warn of nothing.
 */
export function alignCutWarnings(kind: string, cuts: AlignCuts | null, config: AlignCutConfig = {}): { title: string; detail: string }[] {
  if (!cuts) return [];
  const out: { title: string; detail: string }[] = [];
  const longerSeqLen = asSentence(longerSeqLenAdvice(config.seqLen, cuts.modelContext, 'studio'));
  // a reward model reads a cut side's end, where its score is read (rewardWindow); DPO keeps a completion's start
  if (kind === 'dpo' && cuts.truncatedPairs) out.push({ title: `${plural(cuts.truncatedPairs, 'pair')} cut to the sequence length`, detail: `Their endings were not compared. ${longerSeqLen}` });
  if (kind === 'reward' && cuts.truncatedPairs) out.push({ title: `${plural(cuts.truncatedPairs, 'pair')} cut to the sequence length`, detail: `Each cut side kept its end, where the score is read, and its BOS; the model never read the start. ${longerSeqLen}` });
  if (kind === 'reward' && cuts.truncatedTexts) out.push({ title: `${plural(cuts.truncatedTexts, 'text')} cut to the sequence length`, detail: `Each kept its end, where the score is read, and its BOS; the model never read the start. ${longerSeqLen}` });
  if (cuts.truncatedPrompts) {
    const what = kind === 'ppo' ? plural(cuts.truncatedPrompts, 'prompt') : `${plural(cuts.truncatedPrompts, 'pair')} with the prompt`;
    const cue = kind === 'ppo' ? 'the cue to answer' : 'the question';
    const reader = kind === 'reward' ? 'the model' : 'the policy';
    out.push({ title: `${what} cut to the longest prompt length`, detail: `Each kept its end, where ${cue} is, and its BOS; ${reader} never read the start. ${promptCutAdvice(kind, cuts.modelContext, config)}` });
  }
  return out;
}

export const alignMethods = {
  /** What DPO or a reward model would read from a dataset: the first pairs (or labelled texts) and the rows that make none. */
  'align.preview': { params: AlignPreviewInput, result: AlignPreview },
  /** Start a DPO job ('dpo'); resume and cancel it with train.resume / train.cancel like any training run. */
  'align.dpo': { params: DpoStartInput, result: Job },
  /** Start a reward-model or classifier job ('reward'); resume and cancel it with train.resume / train.cancel. */
  'align.reward': { params: RewardStartInput, result: Job },
  /** Start a PPO-RLHF job ('ppo'); resume and cancel it with train.resume / train.cancel. */
  'align.ppo': { params: PpoStartInput, result: Job },
  /** A PPO run's rollout table: the steps that have one, and the table of `step` (default the latest; null when none yet). */
  'align.rollouts': { params: z.object({ runId: z.string().min(1), step: z.number().int().min(0).optional() }), result: z.object({ steps: z.array(z.number().int()), table: RolloutTable.nullable() }) },
  /**
   * A PPO run's before / after samples: each held-out prompt's completion and score at iteration 0 beside those at
   * `step` (default the latest iteration that scored the held-out prompts).
   */
  'align.samples': { params: z.object({ runId: z.string().min(1), step: z.number().int().min(1).optional() }), result: HeldoutSamples },
} as const;
