// What the trainers' metrics mean, in words: the one place a training metric's name (as native/train records it:
// loop.ts, dpo.ts, ppo.ts, reward.ts, pretrain.ts) gets its label, a one-line meaning, how its value prints and
// whether it leads a run's page or waits under "More metrics". The run page, Compare and metricLabel() read it.
import { TOKENS_PER_SECOND } from '../../../../native/api/labels.ts';
import { formatLoss, formatLr, formatMb, formatRate } from '../finetune/runFormat.ts';

/** 'share': a fraction of pairs, tokens or examples, so it lies in [0, 1] and its axis is exactly that. */
type Format = 'number' | 'share' | 'lr' | 'rate' | 'mb' | 'seconds' | 'tokens';

interface TrainingMetricInfo {
  label: string;
  explain: string;
  /**
   * What the chart's y axis measures, written at its top (the quantity, or the unit where the unit says it: tokens/s);
   * the label when absent. One word for every series a chart may hold: the loss chart's training and validation are "Loss".
   */
  axis?: string;
  format?: Format;
  /** Start the chart's y axis at 0 (a count, a duration); a share's axis is [0, 1] by its format. */
  zero?: boolean;
  /** Among the few charts a run's page leads with; the rest are diagnostics, folded away. */
  primary?: boolean;
}

const INFO: Record<string, TrainingMetricInfo> = {
  // every trainer's step loop (native/train/loop.ts)
  loss: { label: 'Training loss', axis: 'Loss', explain: 'What each step minimises (cross-entropy in nats per token for fine-tuning); lower is better.', primary: true },
  lr: { label: 'Learning rate', explain: 'Warm-up, then the schedule’s decay.', format: 'lr', zero: true },
  grad_norm: { label: 'Gradient norm', explain: 'Size of each step’s gradient before clipping; spikes show unstable steps.', zero: true },
  tokens_per_second: { label: 'Throughput', axis: TOKENS_PER_SECOND, explain: 'Training tokens processed per second.', format: 'rate', zero: true },
  rss_mb: { label: 'Memory', axis: 'MB', explain: 'Resident memory of the training process.', format: 'mb', zero: true },
  // pretraining's last word (native/train/pretrain.ts)
  loss_full: { label: 'Loss on the whole split', axis: 'Loss', explain: 'Measured once over every example at the end; lower is better.' },
  unigram_loss: { label: 'Unigram baseline', axis: 'Loss', explain: 'Loss of guessing each token by its frequency alone; the model should end well below it.' },
  // DPO, TRL's names (native/autograd/preference-losses.ts)
  'rewards/margins': { label: 'Reward margin', explain: 'Chosen reward minus rejected reward; grows as the policy learns the preference.', primary: true },
  'rewards/accuracies': { label: 'Preference accuracy', axis: 'Accuracy', explain: 'Share of pairs whose chosen answer out-scores the rejected one.', format: 'share', primary: true },
  'rewards/chosen': { label: 'Chosen reward', axis: 'Reward', explain: 'β × how much likelier the policy makes the chosen answer than the reference does.' },
  'rewards/rejected': { label: 'Rejected reward', axis: 'Reward', explain: 'The same for the rejected answer; it should fall.' },
  'logps/chosen': { label: 'Log-probability, chosen', axis: 'Log-probability', explain: 'The policy’s summed log-probability of the chosen answers.' },
  'logps/rejected': { label: 'Log-probability, rejected', axis: 'Log-probability', explain: 'The policy’s summed log-probability of the rejected answers.' },
  // reward models (native/train/reward.ts)
  accuracy: { label: 'Accuracy', explain: 'Share of examples the reward model ranks or labels correctly.', format: 'share', primary: true },
  margin: { label: 'Score margin', explain: 'Chosen score minus rejected score, averaged over the pairs.', primary: true },
  final_val_accuracy: { label: 'Final validation accuracy', axis: 'Accuracy', explain: 'Accuracy on the whole validation split after training.', format: 'share' },
  // PPO, one value per iteration (native/train/ppo.ts)
  'score/mean': { label: 'Mean score', axis: 'Score', explain: 'The reward model’s mean score of each iteration’s rollouts; higher is better.', primary: true },
  'score/std': { label: 'Score spread', axis: 'Score', explain: 'Standard deviation of the rollouts’ scores.', zero: true },
  'score/running_std': { label: 'Score scale', axis: 'Score', explain: 'Running std of every score so far; scores are divided by it before the KL penalty.', zero: true },
  'eval/score_mean': { label: 'Held-out score', axis: 'Score', explain: 'Mean score of the held-out prompts’ rollouts (same prompts and seed every time).', primary: true },
  'eval/score_std': { label: 'Held-out score spread', axis: 'Score', explain: 'Standard deviation of the held-out rollouts’ scores.', zero: true },
  kl: { label: 'KL from the reference', axis: 'KL', explain: 'Σ log π − log π_ref over each completion, averaged: how far the policy drifted.', primary: true },
  'eval/kl': { label: 'Held-out KL', axis: 'KL', explain: 'KL from the reference on the held-out rollouts.' },
  kl_coef: { label: 'KL coefficient β', axis: 'β', explain: 'The weight of the KL penalty each iteration used.', zero: true },
  approx_kl: { label: 'Update size (approx. KL)', axis: 'KL', explain: 'How far each update moved the policy from the one that sampled the rollouts.', zero: true },
  'loss/policy': { label: 'Policy loss', axis: 'Loss', explain: 'The clipped PPO objective, mean over minibatches.' },
  'loss/value': { label: 'Value loss', axis: 'Loss', explain: 'The value head’s clipped loss, mean over minibatches.', zero: true },
  clipfrac: { label: 'Clip fraction', explain: 'Share of tokens whose probability ratio hit the clip range.', format: 'share' },
  'clipfrac/value': { label: 'Value clip fraction', axis: 'Clip fraction', explain: 'Share of tokens whose value estimate hit the clip range.', format: 'share' },
  entropy: { label: 'Entropy', explain: 'Of the policy’s next-token distribution; a collapse to 0 means it stopped exploring.', zero: true },
  response_length: { label: 'Response length', axis: 'tokens', explain: 'Mean tokens per generated completion.', format: 'tokens', zero: true },
  'time/rollout_s': { label: 'Rollout time', axis: 'seconds', explain: 'Seconds spent generating each iteration’s completions.', format: 'seconds', zero: true },
  'time/score_s': { label: 'Scoring time', axis: 'seconds', explain: 'Seconds the reward model took to score them.', format: 'seconds', zero: true },
  'time/update_s': { label: 'Update time', axis: 'seconds', explain: 'Seconds spent on the PPO epochs.', format: 'seconds', zero: true },
};

/** How a split prefix reads: validation during training (loop.ts), every training pair once at the end (dpo.ts). */
const SPLITS: [prefix: string, suffix: string, explain: string][] = [
  ['val_', 'validation', 'Measured on the validation split every few steps.'],
  ['train_', 'all training pairs', 'Measured once on every training pair after training.'],
];

/** The metric a held-out series is measured beside: val_loss beside loss, eval/kl beside kl. */
export function heldOutOf(name: string): string | null {
  if (name.startsWith('val_')) return name.slice(4);
  if (name === 'eval/score_mean') return 'score/mean';
  if (name === 'eval/score_std') return 'score/std';
  if (name === 'eval/kl') return 'kl';
  return null;
}

/** The metric's words and format, a split prefix spelled out; null for a name no trainer records. */
export function trainingMetricInfo(name: string): TrainingMetricInfo | null {
  if (name === 'val_loss') return { label: 'Validation loss', axis: INFO.loss.axis, explain: 'The loss on held-out examples, measured every few steps; lower is better.' };
  if (name === 'val_loss_full') return INFO.loss_full;
  if (INFO[name]) return INFO[name];
  for (const [prefix, suffix, explain] of SPLITS) {
    const base = name.startsWith(prefix) ? INFO[name.slice(prefix.length)] : undefined;
    if (base) return { ...base, label: `${base.label} (${suffix})`, axis: base.axis ?? base.label, explain: `${base.explain} ${explain}` };
  }
  return null;
}

/** What the loss of a run counted in `unit` is: PPO's (by iteration) is its own objective, not a cross-entropy. */
export function lossExplainBy(unit: 'step' | 'iteration'): string {
  return unit === 'iteration'
    ? 'PPO’s loss: the clipped policy objective plus the value head’s loss (weighted by its coefficient), averaged over each iteration’s updates; lower is better.'
    : INFO.loss.explain;
}

/** The human name of a metric: its label, else the raw name made readable (its own words, slashes as " · "). */
export function trainingMetricLabel(name: string): string {
  return trainingMetricInfo(name)?.label ?? name.replace(/[_/]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

/** Whether a run's page shows the metric among its first charts (a held-out series goes where its partner goes). */
export function isPrimaryMetric(name: string): boolean {
  return trainingMetricInfo(heldOutOf(name) ?? name)?.primary ?? false;
}

export function formatTrainingMetric(name: string, value: number): string {
  switch (trainingMetricInfo(name)?.format ?? 'number') {
    case 'share': return value.toFixed(3);
    case 'lr': return formatLr(value);
    case 'rate': return formatRate(value);
    case 'mb': return formatMb(value);
    case 'seconds': return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} s`;
    case 'tokens': return `${value.toFixed(1)} tokens`;
    case 'number': return formatLoss(value);
  }
}

/**
 * Where a metric's y axis starts and ends, and how its ticks read when the metric has its own notation: TrainingChart's
 * zero, ceiling and axisFormat props, spread onto it.
 */
export interface YAxis { yLabel: string; zero: boolean; ceiling?: number; axisFormat?(value: number): string }

/** The words at the top of a metric's y axis (trainingMetricInfo's axis, else its label). */
export function axisLabelOf(name: string): string {
  const info = trainingMetricInfo(name);
  return info?.axis ?? info?.label ?? trainingMetricLabel(name);
}

/**
 * A share is bounded, so its axis is 0 to 1 whatever the values (nice ticks would widen a run at 1.0 to 1.5);
 * other metrics start at 0 when their definition says so and end a little above their largest value.
 */
export function yAxisOf(name: string): YAxis {
  const info = trainingMetricInfo(name);
  const yLabel = axisLabelOf(name);
  if (info?.format === 'share') return { yLabel, zero: true, ceiling: 1 };
  // A learning rate's ticks read as its tile does (2.0e−3), not 0.002 beside it.
  if (info?.format === 'lr') return { yLabel, zero: info.zero ?? false, axisFormat: formatLr };
  return { yLabel, zero: info?.zero ?? false };
}

/**
 * The losses whose charts offer a linear / log switch: they fall by an order of magnitude in the first steps, which
 * flattens the rest of a linear curve, and they stay above 0 (PPO's value loss is a squared error). Not PPO's policy
 * loss, which goes below 0. A loss chart whose values dip to 0 or below (robust DPO's, PPO's total) stays linear: its
 * switch shows Log as not choosable, and a note under the title says why (TrainingChart's yAxis, logUnavailable).
 */
const LOG_SCALE_LOSSES: ReadonlySet<string> = new Set(['loss', 'val_loss', 'loss/value']);

/**
 * The kind of chart whose linear / log switch a metric's chart offers (TrainingChart's scaleKind), or undefined for
 * none. One kind for every loss, so the choice made on one loss chart holds on all of them.
 */
export function scaleKindOf(name: string): string | undefined {
  return LOG_SCALE_LOSSES.has(name) ? 'loss' : undefined;
}
