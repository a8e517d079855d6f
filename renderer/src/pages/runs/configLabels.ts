// How a run's recorded settings read: a label for the keys the trainers record (their config objects in
// native/api/train.ts, align.ts and the pretrain and playground inputs), any other key split into words
// (maxPromptLen → "Max prompt len"), and a dotted key's parent named before it (lora.r → "LoRA · Rank r"); a chosen
// option in the words the studio names it by elsewhere (method 'lora' → "LoRA"); and which rows are plumbing (files,
// fingerprints, BOS handling) that the table folds under Advanced.
import { REWARD_OBJECTIVE_LABELS, SCORE_SCALING_LABELS } from '../../../../native/api/align.ts';
import { DPO_LOSS_LABELS } from '../../../../native/api/labels.ts';
import { SCHEDULE_LABELS, SFT_FORMAT_LABELS, TRAIN_METHOD_LABELS } from '../../../../native/api/train.ts';

const LABELS: Record<string, string> = {
  model: 'Model', modelId: 'Model', modelName: 'Model name', modelPath: 'Model file', dataset: 'Dataset', datasetId: 'Dataset',
  datasetHash: 'Dataset fingerprint', projectId: 'Project', name: 'Run name', outputName: 'Saved as', kind: 'Kind', method: 'Method',
  lora: 'LoRA', r: 'Rank r', alpha: 'Alpha α', dropout: 'Dropout', targetModules: 'Target modules', loraTargets: 'LoRA target modules',
  lr: 'Learning rate', epochs: 'Epochs', maxSteps: 'Max steps', steps: 'Steps', batchSize: 'Batch size', gradAccum: 'Gradient accumulation',
  seqLen: 'Sequence length', warmupSteps: 'Warm-up steps', schedule: 'LR schedule', weightDecay: 'Weight decay', clipNorm: 'Gradient clip norm',
  evalEvery: 'Validate every (steps)', evalBatches: 'Validation batches', saveEvery: 'Checkpoint every (steps)', keepCheckpoints: 'Checkpoints kept',
  earlyStoppingPatience: 'Early-stopping patience', seed: 'Random seed', threads: 'CPU threads', merge: 'Merge adapter into a model',
  validationFraction: 'Validation share', trainOnPrompt: 'Train on the prompt too', mapping: 'Column mapping',
  bosFollowsTokenizer: 'BOS only where the tokenizer adds one', rewardBosFollowsTokenizer: 'Reward model’s BOS only where its tokenizer adds one',
  // DPO and reward models
  beta: 'β (distance from the reference)', loss: 'Loss', labelSmoothing: 'Label smoothing ε', skipInvalid: 'Skip unusable rows',
  maxPromptLen: 'Max prompt length', objective: 'Objective', margin: 'Margin', labels: 'Labels',
  promptLenCountsBos: 'Max prompt length counts the BOS',
  // PPO
  rewardRun: 'Reward model run', rewardLabel: 'Reward label', klCoef: 'KL coefficient β', adaptiveKl: 'Adaptive KL', klTarget: 'KL target',
  klHorizon: 'KL horizon', ppoEpochs: 'PPO epochs', miniBatchSize: 'Minibatch size', clipRange: 'Clip range', clipRangeValue: 'Value clip range',
  vfCoef: 'Value loss weight', gamma: 'Discount γ', lam: 'GAE λ', scoreClip: 'Score clip', scoreScaling: 'Score scaling', evalPrompts: 'Held-out prompts',
  generation: 'Generation', rewardSeqLen: 'Reward model’s sequence length', rewardObjective: 'Reward model’s objective',
  rewardMaxPromptLen: 'Reward model’s max prompt length', rewardPromptLenCountsBos: 'Reward model’s max prompt length counts the BOS',
  // evaluations
  shotsFrom: 'Examples from',
  // pretraining
  corpus: 'Corpus', family: 'Architecture', layers: 'Layers', heads: 'Attention heads', dModel: 'Width (d_model)', context: 'Context length',
  vocab: 'Vocabulary size', parameters: 'Parameters',
  // generation settings (playground runs)
  settings: 'Settings', temperature: 'Temperature', topK: 'Top-k', topP: 'Top-p', maxNewTokens: 'Max new tokens', minNewTokens: 'Min new tokens', prompt: 'Prompt',
};

/** One key's words: its label, else camelCase or snake_case split into a sentence-case phrase. */
function keyLabel(key: string): string {
  if (LABELS[key]) return LABELS[key];
  if (/^\d+$/.test(key)) return `#${Number(key) + 1}`;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Words a key takes inside another: the model's or dataset's own name, not the run's (model.name → "Model · Name"). */
const INNER_LABELS: Record<string, string> = { name: 'Name' };

/** A dotted config key as words: "lora.r" → "LoRA · Rank r". */
export function configLabel(dotted: string): string {
  return dotted.split('.').map((key, i) => (i > 0 && INNER_LABELS[key]) || keyLabel(key)).join(' · ');
}

/** The options a setting's key chooses between, by the key's last part, each in the words the studio names it by. */
const VALUE_LABELS: Record<string, Readonly<Record<string, string>>> = {
  method: TRAIN_METHOD_LABELS, schedule: SCHEDULE_LABELS, format: SFT_FORMAT_LABELS, loss: DPO_LOSS_LABELS,
  objective: REWARD_OBJECTIVE_LABELS, rewardObjective: REWARD_OBJECTIVE_LABELS, scoreScaling: SCORE_SCALING_LABELS,
};

/** A chosen option in words ('lora' under method → "LoRA"), or null when the key has no options or the value is not one. */
export function configValueLabel(dotted: string, value: unknown): string | null {
  const labels = VALUE_LABELS[dotted.split('.').at(-1)!];
  return typeof value === 'string' && labels && Object.hasOwn(labels, value) ? labels[value] : null;
}

/** Settings that say how the engine did its work rather than what the run was asked to do. */
const PLUMBING = new Set(['modelPath', 'datasetHash', 'bosFollowsTokenizer', 'rewardBosFollowsTokenizer', 'promptLenCountsBos', 'rewardPromptLenCountsBos', 'threads']);

/** Whether a row belongs under Advanced: a plumbing setting or a file's path (absolute, POSIX or Windows). */
export function isAdvancedConfig(dotted: string, value: unknown): boolean {
  return PLUMBING.has(dotted.split('.').at(-1)!) || (typeof value === 'string' && /^(\/|[A-Za-z]:[\\/])/.test(value));
}
