// The Align form: the method (DPO or a reward model; PPO is shown but starts nothing until the engine offers it),
// every setting as text while it is edited, its default (the engine's sizing for the model from train.defaults,
// else the API schema's own default, read from the schema), and the conversion to align.dpo's or align.reward's input with a message per
// field that does not parse.
import { DPO_LOSSES, DpoStartInput, REWARD_OBJECTIVES, RewardStartInput } from '../../../../native/api/align.ts';
import type { z } from 'zod';
import type { Defaults } from '../finetune/trainForm.ts';

export type AlignMethod = 'reward' | 'dpo' | 'ppo';
type Kind = 'float' | 'int' | 'optionalInt' | 'choice';

export interface AlignSetting {
  key: string;
  label: string;
  kind: Kind;
  /** The methods that read it. */
  methods: readonly AlignMethod[];
  advanced: boolean;
  loraOnly?: boolean;
  options?: readonly string[];
  min?: number;
  /** Greater than `min`, not equal to it. */
  above?: boolean;
  below?: number;
  /** Shown in an empty field that lets the engine decide. */
  auto?: string;
  explanation: string;
  /** Sized for the model by the engine (train.defaults); the rest default as the API schema does. */
  sized?: boolean;
}

const BOTH = ['dpo', 'reward'] as const;

export const ALIGN_SETTINGS: AlignSetting[] = [
  { key: 'beta', label: 'β (KL strength)', kind: 'float', methods: ['dpo'], advanced: false, min: 0, above: true, explanation: 'How tightly the policy stays near the reference model: higher keeps it closer, lower lets it move further.' },
  { key: 'loss', label: 'Loss', kind: 'choice', methods: ['dpo'], advanced: false, options: DPO_LOSSES, explanation: 'sigmoid: DPO; robust: rDPO for noisy labels (needs label smoothing); ipo: IPO, which does not saturate.' },
  { key: 'objective', label: 'Objective', kind: 'choice', methods: ['reward'], advanced: false, options: REWARD_OBJECTIVES, explanation: 'pairwise: score chosen above rejected; classify: learn text → label; auto: from the column mapping.' },
  { key: 'lr', label: 'Learning rate', kind: 'float', methods: BOTH, advanced: false, min: 0, above: true, auto: 'sized by the engine', explanation: 'Peak step size of the optimiser; sized for this model.', sized: true },
  { key: 'maxSteps', label: 'Max steps', kind: 'optionalInt', methods: BOTH, advanced: false, min: 1, auto: 'follow epochs', explanation: 'Stop after this many optimiser steps, whatever the epochs say (empty: follow epochs).' },
  { key: 'epochs', label: 'Epochs', kind: 'float', methods: BOTH, advanced: false, min: 0, above: true, explanation: 'Passes over the training pairs; preference data overfits quickly, so one is usual.' },
  { key: 'batchSize', label: 'Batch size', kind: 'int', methods: BOTH, advanced: false, min: 1, explanation: 'Pairs (or texts) per micro-batch; a pair is two sequences, chosen and rejected.' },
  { key: 'seqLen', label: 'Sequence length', kind: 'int', methods: BOTH, advanced: false, min: 2, auto: 'sized by the engine', explanation: 'Longest prompt + completion in tokens; longer ones are cut (the prompt loses its start).', sized: true },
  { key: 'lora.r', label: 'LoRA rank', kind: 'int', methods: ['dpo'], advanced: false, loraOnly: true, min: 1, explanation: 'Width of the adapter; with LoRA the reference is the base with the adapter off.' },
  { key: 'lora.alpha', label: 'LoRA alpha', kind: 'float', methods: ['dpo'], advanced: true, loraOnly: true, min: 0, above: true, explanation: 'Scale of the adapter’s update (alpha / rank).' },
  { key: 'margin', label: 'Margin', kind: 'float', methods: ['reward'], advanced: false, explanation: 'Pairwise: how far the chosen score must clear the rejected one, −log σ(r_c − r_r − margin).' },
  { key: 'evalEvery', label: 'Evaluate every', kind: 'int', methods: BOTH, advanced: false, min: 0, explanation: 'Measure the validation pairs every N steps (0: never).' },
  { key: 'saveEvery', label: 'Save every', kind: 'int', methods: BOTH, advanced: false, min: 0, explanation: 'Write a checkpoint every N steps; Resume continues from the last one.' },
  { key: 'labelSmoothing', label: 'Label smoothing', kind: 'float', methods: ['dpo'], advanced: true, min: 0, below: 0.5, explanation: 'ε, the chance a pair’s preference is wrong (conservative DPO; robust needs it above 0).' },
  { key: 'maxPromptLen', label: 'Max prompt length', kind: 'optionalInt', methods: BOTH, advanced: true, min: 1, auto: 'half the sequence', explanation: 'Longest prompt in tokens; its start is cut beyond, where the question usually is not.' },
  { key: 'gradAccum', label: 'Gradient accumulation', kind: 'int', methods: BOTH, advanced: true, min: 1, explanation: 'Micro-batches averaged per step: a larger effective batch without more memory.' },
  { key: 'evalBatches', label: 'Validation batches', kind: 'int', methods: BOTH, advanced: true, min: 0, explanation: 'Batches per validation measurement (0: all of them).' },
  { key: 'seed', label: 'Seed', kind: 'int', methods: BOTH, advanced: true, explanation: 'The same seed gives the same run: data order and initialisation.' },
  { key: 'threads', label: 'Threads', kind: 'optionalInt', methods: BOTH, advanced: true, min: 1, auto: 'all cores', explanation: 'CPU threads for training; fewer leaves the machine responsive.' },
];

export interface AlignForm {
  method: AlignMethod;
  modelId: string;
  datasetId: string;
  /** DPO: LoRA (the reference is the base, adapter off) or full (a frozen copy is the reference). */
  tuning: 'lora' | 'full';
  values: Record<string, string>;
  skipInvalid: boolean;
  merge: boolean;
  name: string;
}

export const emptyAlignForm = (): AlignForm => ({ method: 'dpo', modelId: '', datasetId: '', tuning: 'lora', values: {}, skipInvalid: false, merge: true, name: '' });

export const settingsFor = (form: AlignForm): AlignSetting[] => ALIGN_SETTINGS.filter((s) => s.methods.includes(form.method) && (!s.loraOnly || form.tuning === 'lora'));

/** The API's own defaults for each method, so the form never restates them. */
const SCHEMA_DEFAULTS = { dpo: DpoStartInput.parse({ model: '-', dataset: '-' }), reward: RewardStartInput.parse({ model: '-', dataset: '-' }) };

function schemaDefault(method: AlignMethod, key: string): string {
  const value = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], SCHEMA_DEFAULTS[method === 'reward' ? 'reward' : 'dpo']);
  return value === null || value === undefined ? '' : String(value);
}

/** The default a field shows: the engine's sized value where it sizes one, else the schema's ('' where the engine decides). */
export function defaultOf(form: AlignForm, defaults: Defaults | undefined, s: AlignSetting): string {
  if (s.sized) {
    const hp = defaults?.hyperparameters.find((h) => h.name === s.key);
    if (hp && hp.value !== null && hp.value !== undefined) return String(hp.value);
  }
  return schemaDefault(form.method, s.key);
}

export const valueOf = (form: AlignForm, defaults: Defaults | undefined, s: AlignSetting): string => form.values[s.key] ?? defaultOf(form, defaults, s);

/** A message per shown setting whose text does not parse or is out of range. */
export function alignProblems(form: AlignForm, defaults: Defaults | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of settingsFor(form)) {
    if (s.kind === 'choice') continue;
    const text = valueOf(form, defaults, s).trim();
    if (text === '' && (s.kind === 'optionalInt' || s.sized)) continue;
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) out[s.key] = 'Enter a number.';
    else if ((s.kind === 'int' || s.kind === 'optionalInt') && !Number.isInteger(n)) out[s.key] = 'Enter a whole number.';
    else if (s.min !== undefined && s.above && n <= s.min) out[s.key] = `Must be above ${s.min}.`;
    else if (s.min !== undefined && n < s.min) out[s.key] = `At least ${s.min}.`;
    else if (s.below !== undefined && n >= s.below) out[s.key] = `Must be below ${s.below}.`;
  }
  if (form.method === 'dpo' && valueOf(form, defaults, ALIGN_SETTINGS.find((s) => s.key === 'loss')!) === 'robust' && !(Number(valueOf(form, defaults, ALIGN_SETTINGS.find((s) => s.key === 'labelSmoothing')!)) > 0)) {
    out.labelSmoothing = 'The robust loss needs a label smoothing above 0 (with 0 it is the sigmoid loss).';
  }
  return out;
}

function reader(form: AlignForm, defaults: Defaults | undefined) {
  const text = (key: string) => valueOf(form, defaults, ALIGN_SETTINGS.find((s) => s.key === key)!).trim();
  const num = (key: string) => Number(text(key));
  const optional = (key: string) => (text(key) === '' ? null : num(key));
  return { text, num, optional };
}

/** The settings both methods share, as the API names them. */
function common(form: AlignForm, defaults: Defaults | undefined, projectId: string | null) {
  const { text, num, optional } = reader(form, defaults);
  return {
    ...(text('lr') === '' ? {} : { lr: num('lr') }),
    epochs: num('epochs'),
    maxSteps: optional('maxSteps'),
    batchSize: num('batchSize'),
    gradAccum: num('gradAccum'),
    ...(optional('seqLen') === null ? {} : { seqLen: num('seqLen') }),
    ...(optional('maxPromptLen') === null ? {} : { maxPromptLen: num('maxPromptLen') }),
    evalEvery: num('evalEvery'),
    evalBatches: num('evalBatches'),
    saveEvery: num('saveEvery'),
    seed: num('seed'),
    ...(optional('threads') === null ? {} : { threads: num('threads') }),
    skipInvalid: form.skipInvalid,
    projectId,
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
  };
}

export function toDpoInput(form: AlignForm, defaults: Defaults | undefined, model: string, dataset: string, projectId: string | null): z.input<typeof DpoStartInput> {
  const { text, num } = reader(form, defaults);
  return {
    model,
    dataset,
    method: form.tuning,
    ...(form.tuning === 'lora' ? { lora: { r: num('lora.r'), alpha: num('lora.alpha') } } : {}),
    beta: num('beta'),
    loss: text('loss') as (typeof DPO_LOSSES)[number],
    labelSmoothing: num('labelSmoothing'),
    merge: form.merge,
    ...common(form, defaults, projectId),
  };
}

export function toRewardInput(form: AlignForm, defaults: Defaults | undefined, model: string, dataset: string, projectId: string | null): z.input<typeof RewardStartInput> {
  const { text, num } = reader(form, defaults);
  return { model, dataset, objective: text('objective') as (typeof REWARD_OBJECTIVES)[number], margin: num('margin'), ...common(form, defaults, projectId) };
}

/** What align.preview should read the dataset as: pairs for DPO and pairwise rewards, labels for a classifier. */
export function previewKind(form: AlignForm, defaults: Defaults | undefined): 'pairs' | 'labels' | undefined {
  if (form.method !== 'reward') return 'pairs';
  const objective = valueOf(form, defaults, ALIGN_SETTINGS.find((s) => s.key === 'objective')!);
  return objective === 'classify' ? 'labels' : objective === 'pairwise' ? 'pairs' : undefined;
}
