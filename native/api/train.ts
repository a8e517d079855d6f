// The training part of the Studio API: supervised fine-tuning (full or LoRA) and pretraining as jobs, resume,
// cancel, defaults sized to the model and the machine, checkpoints and samples. Spread into `methods` in
// contract.ts. Live metrics arrive as 'run.metric' events (loss, val_loss, lr, grad_norm, tokens_per_second, rss_mb).
import { z } from 'zod';
import { asSentence, longerSeqLenAdvice } from './cut-advice.ts';
import { plural } from './format.ts';
import { DPO_LOSS_LABELS, type DPO_LOSSES } from './labels.ts';
import { Job } from './schemas.ts';

export const SFT_FORMATS = ['auto', 'instruction', 'summary', 'qa', 'chat', 'classification', 'tagging', 'text'] as const;
/** How the Fine-tune page's format picker names each format, short enough for its field. */
export const SFT_FORMAT_LABELS: Record<(typeof SFT_FORMATS)[number], string> = {
  auto: 'Auto (from mapping)',
  instruction: 'Instruction → output',
  summary: 'Input → target',
  qa: 'Question → answer',
  chat: 'Chat messages',
  classification: 'Classification',
  tagging: 'Entity tagging (NER)',
  text: 'Plain text',
};
export type SftFormat = Exclude<(typeof SFT_FORMATS)[number], 'auto'>;

/**
 * The format `auto` picks from a dataset's column mapping (and its columns, for a bare `text` column), or null when
 * it fits none: the engine trains in it (native/train/sft-examples.ts) and the Fine-tune page names it. The pairs
 * come first, so a mapping that names one keeps its format; tagging and classification come before plain text,
 * which a classification mapping's text field would otherwise pick (training on the sentence, ignoring its label).
 */
export function formatForMapping(mapping: Readonly<Record<string, string | undefined>>, columns: readonly string[]): SftFormat | null {
  const has = (...fields: string[]) => fields.every((f) => mapping[f] !== undefined);
  if (has('instruction', 'output')) return 'instruction';
  if (has('messages')) return 'chat';
  if (has('question', 'answer')) return 'qa';
  if (has('input', 'target')) return 'summary';
  if (has('tokens', 'tags')) return 'tagging';
  if (has('text', 'label')) return 'classification';
  if (mapping.text !== undefined || columns.includes('text')) return 'text';
  return null;
}
export const SCHEDULES = ['cosine', 'linear', 'constant'] as const;
/** How a learning-rate schedule reads in the studio (a run's Configuration, the setup form's picker). */
export const SCHEDULE_LABELS: Record<(typeof SCHEDULES)[number], string> = { cosine: 'Cosine decay', linear: 'Linear decay', constant: 'Constant' };

export const TRAIN_METHODS = ['lora', 'full'] as const;
/** How a training method reads, as a run's title names it ('LoRA s260k on …'). */
export const TRAIN_METHOD_LABELS: Record<(typeof TRAIN_METHODS)[number], string> = { lora: 'LoRA', full: 'Full fine-tuning' };

export const LoraInput = z.object({
  r: z.number().int().min(1).max(1024).default(8),
  alpha: z.number().positive().default(16),
  dropout: z.number().min(0).lt(1).default(0.05),
  /** Module names (q_proj, v_proj… for Llama; c_attn, c_proj, c_fc for GPT-2); default PEFT's for the family. */
  targetModules: z.array(z.string().min(1)).min(1).optional(),
});

/** Optimisation settings shared by fine-tuning and pretraining. */
export const Optimisation = {
  lr: z.number().positive().optional(),
  epochs: z.number().positive().default(1),
  /** Stop after this many optimiser steps (overrides epochs when smaller). */
  maxSteps: z.number().int().min(1).nullable().default(null),
  batchSize: z.number().int().min(1).max(1024).default(4),
  gradAccum: z.number().int().min(1).max(1024).default(1),
  seqLen: z.number().int().min(2).max(131072).optional(),
  warmupSteps: z.number().int().min(0).nullable().default(null),
  schedule: z.enum(SCHEDULES).default('cosine'),
  weightDecay: z.number().min(0).default(0),
  clipNorm: z.number().positive().nullable().default(1),
  evalEvery: z.number().int().min(0).default(50),
  /** Validation batches per evaluation (0: the whole validation split). */
  evalBatches: z.number().int().min(0).default(16),
  saveEvery: z.number().int().min(0).default(100),
  /** Checkpoints kept on disk (older ones are deleted). */
  keepCheckpoints: z.number().int().min(1).default(3),
  /** Stop after this many evaluations without a better validation loss (0: never). */
  earlyStoppingPatience: z.number().int().min(0).default(0),
  seed: z.number().int().default(42),
  threads: z.number().int().min(1).max(256).optional(),
  projectId: z.string().nullable().default(null),
  name: z.string().trim().min(1).max(200).optional(),
};

export const TrainStartInput = z.object({
  /** Model id or name. */
  model: z.string().min(1),
  /** Dataset id or name; its column mapping picks the task format. */
  dataset: z.string().min(1),
  method: z.enum(['lora', 'full']).default('lora'),
  lora: LoraInput.default({ r: 8, alpha: 16, dropout: 0.05 }),
  format: z.enum(SFT_FORMATS).default('auto'),
  /** Score the prompt tokens too (default: loss on the completion only). */
  trainOnPrompt: z.boolean().default(false),
  /** LoRA: also write the adapter merged into the base as a new model (registered under outputName). */
  merge: z.boolean().default(true),
  outputName: z.string().trim().min(1).max(200).optional(),
  ...Optimisation,
});
export type TrainStartInput = z.input<typeof TrainStartInput>;

/** A fine-tune run's name when the user gives none: the trainer writes it and the form shows it as the placeholder,
 *  so both spell the method the way the rest of the studio does ("LoRA", not the API's "lora"). */
export function defaultFinetuneRunName(method: 'lora' | 'full', model: string, dataset: string): string {
  return `${method === 'lora' ? 'LoRA' : 'Full fine-tune'} ${model} on ${dataset}`;
}

/** The method inside an alignment run's default name, spelled as the fine-tune's: "LoRA", not "lora". */
const runNameMethod = (method: 'lora' | 'full'): string => (method === 'lora' ? 'LoRA' : 'full');

/** Default names of the other training runs, capitalised and spelled like the fine-tune's, since the Runs list shows
 *  them side by side ("PPO (lora, …)", "reward (…)" and "pretrain …" read as if from another app). */
export const defaultRunName = {
  ppo: (c: { method: 'lora' | 'full'; klCoef: number; adaptiveKl: boolean }, model: string, dataset: string): string =>
    `PPO (${runNameMethod(c.method)}, β ${c.adaptiveKl ? `${c.klCoef} adaptive` : c.klCoef}) ${model} on ${dataset}`,
  // the loss as the setup form's picker names it ("Sigmoid (standard DPO)"), not TRL's loss_type ("sigmoid")
  dpo: (c: { method: 'lora' | 'full'; loss: (typeof DPO_LOSSES)[number] }, model: string, dataset: string): string => `DPO (${runNameMethod(c.method)}, ${DPO_LOSS_LABELS[c.loss]} loss) ${model} on ${dataset}`,
  reward: (objective: string, model: string, dataset: string): string => `Reward model (${objective}) ${model} on ${dataset}`,
  pretrain: (corpusFile: string): string => `Pretrain ${corpusFile}`,
};
export type TrainConfig = z.output<typeof TrainStartInput>;

export const PretrainInput = z.object({
  /** A plain-text corpus file. */
  corpus: z.string().min(1),
  family: z.enum(['gpt2', 'llama']).default('gpt2'),
  layers: z.number().int().min(1).max(96).default(4),
  heads: z.number().int().min(1).max(128).default(4),
  dModel: z.number().int().min(8).max(16384).default(128),
  context: z.number().int().min(8).max(32768).default(128),
  vocab: z.number().int().min(260).max(262144).default(512),
  /** Fraction of the corpus (its end) held out for validation. */
  validationFraction: z.number().gt(0).lt(1).default(0.1),
  steps: z.number().int().min(1).default(500),
  outputName: z.string().trim().min(1).max(200).optional(),
  ...Optimisation,
});
export type PretrainInput = z.input<typeof PretrainInput>;
export type PretrainConfig = z.output<typeof PretrainInput>;

/**
 * Trainable LoRA parameters: rank × the sum over the adapted modules of (in + out) features. `perRank` holds that
 * sum per target module name (the engine's loraParametersPerRank, sent with models.get and train.defaults), so the
 * Select and Fine-tune pages count with one rule for any rank and targets.
 */
export function loraTrainableParameters(perRank: Record<string, number>, r: number, targets: readonly string[]): number {
  return r * targets.reduce((sum, t) => sum + (perRank[t] ?? 0), 0);
}

/** Per target module: the LoRA parameters it adds at rank 1, summed over layers. */
export const LoraPerRank = z.record(z.string(), z.number().int());

export const Hyperparameter = z.object({ name: z.string(), value: z.unknown(), explanation: z.string() });

export const TrainDefaults = z.object({
  model: z.string(),
  architecture: z.string(),
  /** The model's context in tokens (max_position_embeddings): the longest sequence length a run may ask for. */
  context: z.number().int(),
  parameters: z.object({ total: z.number().int(), trainableFull: z.number().int(), trainableLora: z.number().int() }),
  memoryBytes: z.object({ full: z.number(), lora: z.number() }),
  machine: z.object({ cpus: z.number().int(), memoryBytes: z.number() }),
  recommendedMethod: z.enum(['lora', 'full']),
  hyperparameters: z.array(Hyperparameter),
  loraTargets: z.object({ available: z.array(z.string()), default: z.array(z.string()) }),
  loraPerRank: LoraPerRank,
});

export const CheckpointInfo = z.object({ step: z.number().int(), iteration: z.number().int().nullable(), path: z.string(), bytes: z.number().int(), createdAt: z.string(), valLoss: z.number().nullable() });
/**
 * A held-out prompt continued greedily by the base model (`before`) and the tuned one (`after`), beside the example's
 * own completion. `beforeCut` / `afterCut`: the continuation stopped at the token limit, not at an end token (so it
 * may end mid-word); absent in runs from before this was recorded.
 */
export const TrainSample = z.object({ prompt: z.string(), reference: z.string().nullable(), before: z.string().nullable(), after: z.string(), beforeCut: z.boolean().optional(), afterCut: z.boolean().optional() });

/**
 * A finished fine-tune's training examples cut to the sequence length as its run view's warning (title, then what
 * the cut lost and what to change, as the run's log says it: longerSeqLenAdvice), or null when none was cut.
 * `seqLen`: the run's (its config); an outcome from before the model's context was recorded lacks modelContext.
 */
export function finetuneCutWarning(result: { truncatedExamples?: number; modelContext?: number } | null, seqLen?: number): { title: string; detail: string } | null {
  const n = result?.truncatedExamples;
  if (!n) return null;
  return {
    title: `${plural(n, 'example')} ${n === 1 ? 'was' : 'were'} cut to ${seqLen ?? '?'} tokens`,
    detail: `A long prompt lost its middle; a completion longer than half the window lost its end, which was not learned. ${asSentence(longerSeqLenAdvice(seqLen, result.modelContext, 'studio'))}`,
  };
}

const RunId = z.object({ runId: z.string().min(1) });

export const trainMethods = {
  /** Start a fine-tuning job ('finetune'); the job's run id arrives with job events. */
  'train.start': { params: TrainStartInput, result: Job },
  /** Continue an interrupted, failed or cancelled run from its last checkpoint. */
  'train.resume': { params: RunId, result: Job },
  /**
   * Whether train.resume would take the run now, asked before offering Resume: `reason` is the refusal it would give,
   * said of the run ("cannot resume: the dataset it trained on (ds_…) has been deleted; start a new run on another
   * dataset", "already finished", "is running; …"; train.resume's error is "run <id> " and it), else null.
   */
  'train.resumable': { params: RunId, result: z.object({ resumable: z.boolean(), reason: z.string().nullable() }) },
  /** Stop a running training run within one step; its last checkpoint is kept. */
  'train.cancel': { params: RunId, result: Job },
  /** Defaults sized to the model and this machine, each with a one-line explanation. */
  'train.defaults': { params: z.object({ model: z.string().min(1), method: z.enum(['lora', 'full']).optional() }), result: TrainDefaults },
  'train.checkpoints': { params: RunId, result: z.array(CheckpointInfo) },
  /** Greedy outputs on held-out prompts before and after training. */
  'train.samples': { params: RunId, result: z.array(TrainSample) },
  /** Start a pretraining job ('pretrain'): tokenizer, initialisation and training from scratch. */
  'train.pretrain': { params: PretrainInput, result: Job },
} as const;
