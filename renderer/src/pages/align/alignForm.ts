// The Align form: the method (a reward model, DPO or PPO), every setting as text while it is edited, its default
// (the engine's sizing for the model from train.defaults, else the API schema's own default, read from the schema),
// and the conversion to align.reward's, align.dpo's or align.ppo's input with a message per field that does not parse.
import { DpoStartInput, LABEL_SMOOTHING_REFUSALS, PpoStartInput, REWARD_OBJECTIVE_LABELS, REWARD_OBJECTIVES, RewardStartInput, SCORE_SCALING_LABELS, SCORE_SCALINGS } from '../../../../native/api/align.ts';
import { asSentence } from '../../../../native/api/cut-advice.ts';
import { DPO_LOSS_LABELS, DPO_LOSSES, SETTING_NAMES } from '../../../../native/api/labels.ts';
import type { z } from 'zod';
import type { Defaults } from '../finetune/trainForm.ts';

export type AlignMethod = 'reward' | 'dpo' | 'ppo';
type Kind = 'float' | 'int' | 'optionalInt' | 'optionalFloat' | 'choice';

export interface AlignSetting {
  key: string;
  label: string;
  kind: Kind;
  /** The methods that read it. */
  methods: readonly AlignMethod[];
  advanced: boolean;
  loraOnly?: boolean;
  /** PPO: only with the adaptive KL controller. */
  adaptiveOnly?: boolean;
  options?: readonly string[];
  /** What each option reads as (a run's Configuration names them the same). */
  optionLabels?: Readonly<Record<string, string>>;
  min?: number;
  /** Greater than `min`, not equal to it. */
  above?: boolean;
  below?: number;
  /** At most this (inclusive). */
  max?: number;
  /** Shown in an empty field that lets the engine decide. */
  auto?: string;
  explanation: string;
  /** Sized for the model by the engine (train.defaults); the rest default as the API schema does. */
  sized?: boolean;
}

const BOTH = ['dpo', 'reward'] as const;
const ALL = ['dpo', 'reward', 'ppo'] as const;

export const ALIGN_SETTINGS: AlignSetting[] = [
  { key: 'beta', label: 'β (KL strength)', kind: 'float', methods: ['dpo'], advanced: false, min: 0, above: true, explanation: 'How tightly the policy stays near the reference model: higher keeps it closer, lower lets it move further.' },
  { key: 'loss', label: 'Loss', kind: 'choice', methods: ['dpo'], advanced: false, options: DPO_LOSSES, optionLabels: DPO_LOSS_LABELS, explanation: 'Sigmoid is standard DPO; Robust (rDPO) tolerates noisy labels and needs a label smoothing above 0; IPO does not saturate.' },
  { key: 'objective', label: 'Objective', kind: 'choice', methods: ['reward'], advanced: false, options: REWARD_OBJECTIVES, optionLabels: REWARD_OBJECTIVE_LABELS, explanation: 'Pairwise scores the chosen answer above the rejected one; Classify learns text → label; Auto picks one from the column mapping.' },
  { key: 'lr', label: 'Learning rate', kind: 'float', methods: BOTH, advanced: false, min: 0, above: true, auto: 'sized by the engine', explanation: 'Peak step size of the optimiser; sized for this model.', sized: true },
  { key: 'maxSteps', label: 'Max steps', kind: 'optionalInt', methods: BOTH, advanced: false, min: 1, auto: 'follow epochs', explanation: 'Stop after this many optimiser steps, whatever the epochs say (empty: follow epochs).' },
  { key: 'epochs', label: 'Epochs', kind: 'float', methods: BOTH, advanced: false, min: 0, above: true, explanation: 'Passes over the training pairs; preference data overfits quickly, so one is usual.' },
  { key: 'batchSize', label: 'Batch size', kind: 'int', methods: BOTH, advanced: false, min: 1, explanation: 'Pairs (or texts) per micro-batch; a pair is two sequences, chosen and rejected.' },
  { key: 'seqLen', label: SETTING_NAMES.seqLen.label, kind: 'int', methods: BOTH, advanced: false, min: 2, auto: 'sized by the engine', explanation: 'Longest prompt + completion in tokens; longer ones are cut (the prompt loses its start).', sized: true },
  { key: 'lora.r', label: 'LoRA rank', kind: 'int', methods: ['dpo', 'ppo'], advanced: false, loraOnly: true, min: 1, explanation: 'Width of the adapter; with LoRA the reference is the base with the adapter off.' },
  { key: 'lora.alpha', label: 'LoRA alpha', kind: 'float', methods: ['dpo', 'ppo'], advanced: true, loraOnly: true, min: 0, above: true, explanation: 'Scale of the adapter’s update (alpha / rank).' },
  { key: 'margin', label: 'Margin', kind: 'float', methods: ['reward'], advanced: false, explanation: 'Pairwise: how far the chosen score must clear the rejected one, −log σ(r_c − r_r − margin).' },
  { key: 'evalEvery', label: 'Evaluate every', kind: 'int', methods: BOTH, advanced: false, min: 0, explanation: 'Measure the validation pairs every N steps (0: never).' },
  { key: 'saveEvery', label: 'Save every', kind: 'int', methods: ALL, advanced: false, min: 0, explanation: 'Write a checkpoint every N steps; Resume continues from the last one.' },
  { key: 'labelSmoothing', label: 'Label smoothing', kind: 'float', methods: ['dpo'], advanced: true, min: 0, below: 0.5, explanation: 'ε, the chance a pair’s preference is wrong (conservative DPO; the Robust loss needs it above 0).' },
  { key: 'maxPromptLen', label: SETTING_NAMES.maxPromptLen.label, kind: 'optionalInt', methods: BOTH, advanced: true, min: 1, auto: 'half the sequence', explanation: 'Longest prompt in tokens, its BOS included; its start is cut beyond, where the question usually is not.' },
  { key: 'gradAccum', label: 'Gradient accumulation', kind: 'int', methods: BOTH, advanced: true, min: 1, explanation: 'Micro-batches averaged per step: a larger effective batch without more memory.' },
  { key: 'evalBatches', label: 'Validation batches', kind: 'int', methods: BOTH, advanced: true, min: 0, explanation: 'Batches per validation measurement (0: all of them).' },
  { key: 'seed', label: 'Seed', kind: 'int', methods: ALL, advanced: true, explanation: 'The same seed gives the same run: data order and initialisation.' },
  { key: 'threads', label: 'Threads', kind: 'optionalInt', methods: ALL, advanced: true, min: 1, auto: 'all cores', explanation: 'CPU threads for training; fewer leaves the machine responsive.' },
  // PPO (TRL's PPOTrainer settings; the KL mode and the reward run are chosen above the settings)
  { key: 'klCoef', label: 'β_KL (KL coefficient)', kind: 'float', methods: ['ppo'], advanced: false, min: 0, explanation: 'Weight of the KL penalty −β·(log π − log π_ref) in each token’s reward; adaptive mode starts here. 0 (fixed): no penalty.' },
  { key: 'klTarget', label: 'KL target', kind: 'float', methods: ['ppo'], advanced: false, adaptiveOnly: true, min: 0, above: true, explanation: 'The KL (nats per rollout) the adaptive controller steers toward, raising β when the policy drifts further.' },
  { key: 'steps', label: 'Iterations', kind: 'int', methods: ['ppo'], advanced: false, min: 1, explanation: 'PPO iterations: each samples a batch of rollouts, scores them and updates the policy on them.' },
  { key: 'ppoLr', label: 'Learning rate', kind: 'optionalFloat', methods: ['ppo'], advanced: false, min: 0, above: true, auto: 'a fifth of fine-tuning’s', explanation: 'Peak step size; empty: a fifth of the fine-tuning rate sized for this model (a larger one collapses the policy).' },
  { key: 'batchSize', label: 'Rollouts per iteration', kind: 'int', methods: ['ppo'], advanced: false, min: 1, explanation: 'Prompts continued, scored and trained on per iteration.' },
  { key: 'miniBatchSize', label: 'Minibatch', kind: 'int', methods: ['ppo'], advanced: false, min: 1, explanation: 'Rollouts per optimiser step; at most the rollouts per iteration.' },
  { key: 'ppoEpochs', label: 'PPO epochs', kind: 'int', methods: ['ppo'], advanced: false, min: 1, explanation: 'Passes over each iteration’s rollouts; more squeezes more from a batch but drifts further from the policy that sampled it.' },
  { key: 'generation.maxNewTokens', label: SETTING_NAMES.maxNewTokens.label, kind: 'int', methods: ['ppo'], advanced: false, min: 1, explanation: 'Length of each completion the policy writes (and the reward model scores).' },
  { key: 'generation.temperature', label: 'Temperature', kind: 'float', methods: ['ppo'], advanced: false, min: 0, above: true, explanation: 'Sampling temperature of the rollouts; 1 samples the policy’s own distribution, as PPO assumes.' },
  { key: 'evalEvery', label: 'Held-out every', kind: 'int', methods: ['ppo'], advanced: false, min: 0, explanation: 'Score rollouts on the validation prompts every N iterations (and at the start and end; 0: only then).' },
  { key: 'evalPrompts', label: 'Held-out prompts', kind: 'int', methods: ['ppo'], advanced: true, min: 1, explanation: 'Validation prompts continued and scored per held-out measurement.' },
  { key: 'generation.topK', label: 'Top-k', kind: 'int', methods: ['ppo'], advanced: true, min: 0, explanation: '0: off. Changes what is sampled, not the log-probabilities PPO trains with (TRL keeps it off).' },
  { key: 'generation.topP', label: 'Top-p', kind: 'float', methods: ['ppo'], advanced: true, min: 0, above: true, max: 1, explanation: '1: off. Like top-k, it changes what is sampled only.' },
  { key: 'ppoMaxPromptLen', label: SETTING_NAMES.maxPromptLen.label, kind: 'int', methods: ['ppo'], advanced: true, min: 1, explanation: 'Longest prompt in tokens, its BOS included (its start is cut beyond, its end kept); with the new tokens it must fit the model’s positions.' },
  { key: 'klHorizon', label: 'KL horizon', kind: 'float', methods: ['ppo'], advanced: true, adaptiveOnly: true, min: 0, above: true, explanation: 'Rollouts over which the adaptive controller closes the gap to the target (Ziegler et al.: 10,000).' },
  { key: 'scoreScaling', label: 'Score scaling', kind: 'choice', methods: ['ppo'], advanced: true, options: SCORE_SCALINGS, optionLabels: SCORE_SCALING_LABELS, explanation: 'Divided by its running spread: β_KL then weighs the KL the same whatever the reward model’s scale; Normalised: its running mean subtracted too; As the reward model gives it: the score unchanged.' },
  { key: 'clipRange', label: 'Clip range', kind: 'float', methods: ['ppo'], advanced: true, min: 0, above: true, explanation: 'ε of the clipped policy ratio: how far one update may move a token’s probability.' },
  { key: 'vfCoef', label: 'Value loss weight', kind: 'float', methods: ['ppo'], advanced: true, min: 0, explanation: 'Weight of the value head’s clipped loss beside the policy loss.' },
  { key: 'lam', label: 'GAE λ', kind: 'float', methods: ['ppo'], advanced: true, min: 0, max: 1, explanation: 'Bias–variance trade of the advantage estimate (γ stays 1, as TRL’s).' },
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
  /** PPO: the reward run whose model scores the rollouts, and whether β_KL adapts toward a target or stays fixed. */
  rewardRunId: string;
  klMode: 'adaptive' | 'fixed';
}

export const emptyAlignForm = (): AlignForm => ({ method: 'dpo', modelId: '', datasetId: '', tuning: 'lora', values: {}, skipInvalid: false, merge: true, name: '', rewardRunId: '', klMode: 'adaptive' });

export function settingsFor(form: AlignForm): AlignSetting[] {
  const shown = ALIGN_SETTINGS.filter((s) => s.methods.includes(form.method) && (!s.loraOnly || form.tuning === 'lora') && (!s.adaptiveOnly || form.klMode === 'adaptive'));
  // PPO's own settings (the KL first) before those it shares with the other methods
  return form.method === 'ppo' ? [...shown.filter((s) => s.methods.length === 1), ...shown.filter((s) => s.methods.length > 1)] : shown;
}

/** The API's own defaults for each method, so the form never restates them. */
const SCHEMA_DEFAULTS = {
  dpo: DpoStartInput.parse({ model: '-', dataset: '-' }),
  reward: RewardStartInput.parse({ model: '-', dataset: '-' }),
  ppo: PpoStartInput.parse({ model: '-', rewardRun: '-', dataset: '-' }),
};
/** Form keys that name a different API field (the same name means another thing, or another default, for DPO). */
const PPO_FIELD: Record<string, string> = { ppoLr: 'lr', ppoMaxPromptLen: 'maxPromptLen' };

function schemaDefault(method: AlignMethod, key: string): string {
  const field = method === 'ppo' ? PPO_FIELD[key] ?? key : key;
  const value = field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], SCHEMA_DEFAULTS[method]);
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
    if (text === '' && (s.kind === 'optionalInt' || s.kind === 'optionalFloat' || s.sized)) continue;
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) out[s.key] = 'Enter a number.';
    else if ((s.kind === 'int' || s.kind === 'optionalInt') && !Number.isInteger(n)) out[s.key] = 'Enter a whole number.';
    else if (s.min !== undefined && s.above && n <= s.min) out[s.key] = `Must be above ${s.min}.`;
    else if (s.min !== undefined && n < s.min) out[s.key] = `At least ${s.min}.`;
    else if (s.below !== undefined && n >= s.below) out[s.key] = `Must be below ${s.below}.`;
    else if (s.max !== undefined && n > s.max) out[s.key] = `At most ${s.max}.`;
  }
  if (form.method === 'dpo' && valueOf(form, defaults, ALIGN_SETTINGS.find((s) => s.key === 'loss')!) === 'robust' && !(Number(valueOf(form, defaults, ALIGN_SETTINGS.find((s) => s.key === 'labelSmoothing')!)) > 0)) {
    out.labelSmoothing = asSentence(LABEL_SMOOTHING_REFUSALS.robust);
  }
  // the API refuses these too; caught here, they are marked before Start rather than after it
  if (!out.labelSmoothing && form.method === 'dpo' && valueOf(form, defaults, ALIGN_SETTINGS.find((s) => s.key === 'loss')!) === 'ipo' && Number(valueOf(form, defaults, ALIGN_SETTINGS.find((s) => s.key === 'labelSmoothing')!)) !== 0) {
    out.labelSmoothing = asSentence(LABEL_SMOOTHING_REFUSALS.ipo);
  }
  if (!out.margin && form.method === 'reward' && valueOf(form, defaults, ALIGN_SETTINGS.find((s) => s.key === 'objective')!) === 'classify' && Number(valueOf(form, defaults, ALIGN_SETTINGS.find((s) => s.key === 'margin')!)) !== 0) {
    out.margin = 'A margin applies to a pairwise reward model (chosen and rejected); a classifier trains without it. Leave it at 0.';
  }
  if (form.method === 'ppo') {
    const { num } = reader(form, defaults);
    if (!out.miniBatchSize && !out.batchSize && num('miniBatchSize') > num('batchSize')) out.miniBatchSize = 'At most the rollouts per iteration.';
    if (!out.klCoef && form.klMode === 'adaptive' && !(num('klCoef') > 0)) out.klCoef = 'The adaptive controller scales β, so it needs a start above 0 (choose Fixed for no penalty).';
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

export function toPpoInput(form: AlignForm, defaults: Defaults | undefined, model: string, dataset: string, projectId: string | null): z.input<typeof PpoStartInput> {
  const { text, num, optional } = reader(form, defaults);
  return {
    model,
    rewardRun: form.rewardRunId,
    dataset,
    method: form.tuning,
    ...(form.tuning === 'lora' ? { lora: { r: num('lora.r'), alpha: num('lora.alpha'), dropout: 0 } } : {}),
    steps: num('steps'),
    batchSize: num('batchSize'),
    miniBatchSize: num('miniBatchSize'),
    ppoEpochs: num('ppoEpochs'),
    ...(optional('ppoLr') === null ? {} : { lr: num('ppoLr') }),
    adaptiveKl: form.klMode === 'adaptive',
    klCoef: num('klCoef'),
    ...(form.klMode === 'adaptive' ? { klTarget: num('klTarget'), klHorizon: num('klHorizon') } : {}),
    lam: num('lam'),
    scoreScaling: text('scoreScaling') as (typeof SCORE_SCALINGS)[number],
    clipRange: num('clipRange'),
    vfCoef: num('vfCoef'),
    maxPromptLen: num('ppoMaxPromptLen'),
    generation: { maxNewTokens: num('generation.maxNewTokens'), temperature: num('generation.temperature'), topK: num('generation.topK'), topP: num('generation.topP') },
    evalEvery: num('evalEvery'),
    evalPrompts: num('evalPrompts'),
    saveEvery: num('saveEvery'),
    seed: num('seed'),
    ...(optional('threads') === null ? {} : { threads: num('threads') }),
    merge: form.merge,
    projectId,
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
  };
}

/** What align.preview should read the dataset as: pairs for DPO and pairwise rewards, labels for a classifier. */
export function previewKind(form: AlignForm, defaults: Defaults | undefined): 'pairs' | 'labels' | undefined {
  if (form.method !== 'reward') return 'pairs';
  const objective = valueOf(form, defaults, ALIGN_SETTINGS.find((s) => s.key === 'objective')!);
  return objective === 'classify' ? 'labels' : objective === 'pairwise' ? 'pairs' : undefined;
}
