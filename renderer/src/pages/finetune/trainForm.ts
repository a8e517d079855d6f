// The fine-tune form: every setting as text while it is edited, its default from train.defaults (sized to the
// model and this machine, with the engine's one-line explanation), and the conversion to train.start's input
// with a message per field that does not parse.
import type { z } from 'zod';
import { loraTrainableParameters, SCHEDULES, SFT_FORMATS, type TrainDefaults, type TrainStartInput } from '../../../../native/api/train.ts';
import { SETTING_NAMES } from '../../../../native/api/labels.ts';

export type Defaults = z.infer<typeof TrainDefaults>;
type Kind = 'float' | 'int' | 'optionalInt' | 'schedule' | 'format';

export interface Setting {
  key: string;
  label: string;
  kind: Kind;
  advanced: boolean;
  loraOnly?: boolean;
  min?: number;
  /** Shown in an empty field that means "let the engine decide". */
  auto?: string;
  /** What an empty field does, in words; replaces the engine's "(null: …)" note, which speaks of the API's null. */
  unset?: string;
  /** Used when the engine sends no explanation for this setting. */
  explanation: string;
  /** Used when the engine sends no default. */
  fallback: string;
}

export const SETTINGS: Setting[] = [
  { key: 'lr', label: 'Learning rate', kind: 'float', advanced: false, min: 0, explanation: 'Peak step size of the optimiser; higher learns faster but can make the loss jump.', fallback: '' },
  { key: 'maxSteps', label: 'Max steps', kind: 'optionalInt', advanced: false, min: 1, auto: 'follow epochs', unset: 'not set: train for the chosen number of epochs', explanation: 'Stop after this many optimiser steps, whatever the epochs say.', fallback: '' },
  { key: 'epochs', label: 'Epochs', kind: 'float', advanced: false, min: 0, explanation: 'Passes over the training split; more can overfit a small dataset.', fallback: '1' },
  { key: 'batchSize', label: 'Batch size', kind: 'int', advanced: false, min: 1, explanation: 'Examples per micro-batch; bigger batches need more memory.', fallback: '4' },
  { key: 'seqLen', label: SETTING_NAMES.seqLen.label, kind: 'int', advanced: false, min: 2, explanation: 'Longest example in tokens; longer ones are cut.', fallback: '256' },
  { key: 'lora.r', label: 'LoRA rank', kind: 'int', advanced: false, loraOnly: true, min: 1, explanation: 'Width of the adapter; higher learns more and costs more.', fallback: '8' },
  { key: 'lora.alpha', label: 'LoRA alpha', kind: 'float', advanced: false, loraOnly: true, min: 0, explanation: 'Scale of the adapter’s update (alpha / rank).', fallback: '16' },
  { key: 'evalEvery', label: 'Evaluate every', kind: 'int', advanced: false, min: 0, explanation: 'Measure validation loss every N steps (0: never).', fallback: '50' },
  { key: 'saveEvery', label: 'Save every', kind: 'int', advanced: false, min: 0, explanation: 'Write a checkpoint every N steps; Resume continues from the last one.', fallback: '100' },
  { key: 'schedule', label: 'Schedule', kind: 'schedule', advanced: true, explanation: 'How the learning rate changes over the run.', fallback: 'cosine' },
  { key: 'warmupSteps', label: 'Warm-up steps', kind: 'optionalInt', advanced: true, min: 0, auto: '3% of the run', unset: 'not set: 3% of the run', explanation: 'Steps of linear warm-up before the peak learning rate.', fallback: '' },
  { key: 'gradAccum', label: 'Gradient accumulation', kind: 'int', advanced: true, min: 1, explanation: 'Micro-batches averaged per step: a larger effective batch without more memory.', fallback: '1' },
  { key: 'clipNorm', label: 'Gradient clipping', kind: 'float', advanced: true, min: 0, explanation: 'Largest global gradient norm; lower keeps steps steadier.', fallback: '1' },
  { key: 'weightDecay', label: 'Weight decay', kind: 'float', advanced: true, min: 0, explanation: 'AdamW’s pull of weights towards zero; a mild regulariser.', fallback: '0' },
  { key: 'lora.dropout', label: 'LoRA dropout', kind: 'float', advanced: true, loraOnly: true, min: 0, explanation: 'Dropout on the adapter’s input, against overfitting.', fallback: '0.05' },
  { key: 'evalBatches', label: 'Validation batches', kind: 'int', advanced: true, min: 0, explanation: 'Batches per validation measurement (0: the whole split); more is steadier and slower.', fallback: '16' },
  { key: 'keepCheckpoints', label: 'Checkpoints kept', kind: 'int', advanced: true, min: 1, explanation: 'Older checkpoints are deleted; more keeps more points to go back to.', fallback: '3' },
  { key: 'earlyStoppingPatience', label: 'Early-stopping patience', kind: 'int', advanced: true, min: 0, explanation: 'Stop after N evaluations without a better validation loss (0: never).', fallback: '0' },
  { key: 'seed', label: 'Seed', kind: 'int', advanced: true, explanation: 'The same seed gives the same run: data order, initialisation, dropout.', fallback: '42' },
  { key: 'threads', label: 'Threads', kind: 'optionalInt', advanced: true, min: 1, auto: 'all cores', explanation: 'CPU threads for training; fewer leaves the machine responsive.', fallback: '' },
  { key: 'format', label: 'Task format', kind: 'format', advanced: true, explanation: 'How rows become prompt and completion; auto reads the dataset’s column mapping (text + label: classification, tokens + tags: entity tagging, each trained on the prompt its evaluation asks).', fallback: 'auto' },
];

const POSITIVE = new Set(['lr', 'epochs', 'lora.alpha', 'clipNorm']);

export interface FinetuneForm {
  modelId: string;
  datasetId: string;
  method: 'lora' | 'full';
  /** Values the user typed, by setting key; the rest come from the defaults. */
  values: Record<string, string>;
  targetModules: string[] | null;
  trainOnPrompt: boolean;
  merge: boolean;
  name: string;
  outputName: string;
}

/**
 * The dataset a new run starts on: the first with rows to train on (two training rows, or one beside a validation
 * split, as the engine asks), else the first. A project's test-only set (a published test split) cannot be
 * fine-tuned on, and starting the form on it only led to a refusal.
 */
export function defaultTrainingDataset<D extends { splits: Partial<Record<'train' | 'validation' | 'test', number>> }>(datasets: readonly D[]): D | undefined {
  const trainable = (d: D) => (d.splits.train ?? 0) >= 2 || ((d.splits.train ?? 0) >= 1 && (d.splits.validation ?? 0) >= 1);
  return datasets.find(trainable) ?? datasets[0];
}

export const emptyForm = (): FinetuneForm => ({ modelId: '', datasetId: '', method: 'lora', values: {}, targetModules: null, trainOnPrompt: false, merge: true, name: '', outputName: '' });

export function defaultText(defaults: Defaults | undefined, s: Setting): string {
  const hp = defaults?.hyperparameters.find((h) => h.name === s.key);
  if (!hp) return s.fallback;
  return hp.value === null || hp.value === undefined ? '' : String(hp.value);
}

/** The engine's notes on an unset value, "(null: follow epochs)" or "; null means 3% of the run": API words, not the form's. */
const NULL_NOTE = /\s*\(null:[^)]*\)|;\s*null means [^;]*$/;

/**
 * A setting's help: the engine's explanation (the form's own where the engine sends none) as one sentence, with what
 * an empty field does in words before its full stop, as every help text on every page ends.
 */
export function explanationOf(defaults: Defaults | undefined, s: Setting): string {
  // an empty explanation from the engine says nothing: the form's own, rather than a lone full stop
  const text = defaults?.hyperparameters.find((h) => h.name === s.key)?.explanation || s.explanation;
  const plain = text.replace(NULL_NOTE, '').trim().replace(/\.$/, '');
  return s.unset ? `${plain} (${s.unset}).` : `${plain}.`;
}

export const valueOf = (form: FinetuneForm, defaults: Defaults | undefined, s: Setting): string => form.values[s.key] ?? defaultText(defaults, s);

/** A message per setting whose text does not parse or is out of range. */
export function problems(form: FinetuneForm, defaults: Defaults | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of SETTINGS) {
    if (s.loraOnly && form.method !== 'lora') continue;
    const text = valueOf(form, defaults, s).trim();
    if (s.kind === 'schedule' || s.kind === 'format') continue;
    if (text === '' && (s.kind === 'optionalInt' || s.key === 'lr')) continue;
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) out[s.key] = 'Enter a number.';
    else if ((s.kind === 'int' || s.kind === 'optionalInt') && !Number.isInteger(n)) out[s.key] = 'Enter a whole number.';
    else if (POSITIVE.has(s.key) && n <= 0) out[s.key] = 'Must be above 0.';
    else if (s.min !== undefined && n < s.min) out[s.key] = `At least ${s.min}.`;
    // the engine refuses it too (requestedSeqLen); said here, at the field, before Start
    else if (s.key === 'seqLen' && defaults && n > defaults.context) out[s.key] = `At most ${defaults.context}, the model's context.`;
    else if (s.key === 'lora.dropout' && n >= 1) out[s.key] = 'Must be below 1.';
  }
  if (form.method === 'lora' && form.targetModules?.length === 0) out.targetModules = 'Pick at least one module.';
  if (!form.modelId) out.modelId = 'Choose a model.';
  if (!form.datasetId) out.datasetId = 'Choose a dataset.';
  return out;
}

export function toTrainInput(form: FinetuneForm, defaults: Defaults | undefined, model: string, dataset: string, projectId: string | null): TrainStartInput {
  const text = (key: string) => valueOf(form, defaults, SETTINGS.find((s) => s.key === key)!).trim();
  const num = (key: string) => Number(text(key));
  const optional = (key: string) => (text(key) === '' ? null : num(key));
  return {
    model,
    dataset,
    method: form.method,
    lora: { r: num('lora.r'), alpha: num('lora.alpha'), dropout: num('lora.dropout'), ...(form.targetModules ? { targetModules: form.targetModules } : {}) },
    format: text('format') as (typeof SFT_FORMATS)[number],
    trainOnPrompt: form.trainOnPrompt,
    merge: form.merge,
    ...(text('lr') === '' ? {} : { lr: num('lr') }),
    epochs: num('epochs'),
    maxSteps: optional('maxSteps'),
    batchSize: num('batchSize'),
    gradAccum: num('gradAccum'),
    seqLen: num('seqLen'),
    warmupSteps: optional('warmupSteps'),
    schedule: text('schedule') as (typeof SCHEDULES)[number],
    weightDecay: num('weightDecay'),
    clipNorm: num('clipNorm'),
    evalEvery: num('evalEvery'),
    evalBatches: num('evalBatches'),
    saveEvery: num('saveEvery'),
    keepCheckpoints: num('keepCheckpoints'),
    earlyStoppingPatience: num('earlyStoppingPatience'),
    seed: num('seed'),
    ...(optional('threads') === null ? {} : { threads: num('threads') }),
    projectId,
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
    ...(form.outputName.trim() ? { outputName: form.outputName.trim() } : {}),
  };
}

/** Trainable LoRA parameters at rank r on these targets (null: the defaults), by the rule the Select page's card uses. */
export function loraTrainable(defaults: Defaults, r: number, targets: string[] | null): number {
  return loraTrainableParameters(defaults.loraPerRank, Number.isFinite(r) && r > 0 ? r : 8, targets ?? defaults.loraTargets.default);
}
