// The words a training run's metrics and settings are shown in: every name the trainers record has a label,
// split prefixes read as words, a held-out series finds its training twin, and config keys read as words.
import { describe, expect, it } from 'vitest';
import { PPO_METRICS } from '../../native/autograd/ppo-losses.ts';
import { PREFERENCE_METRICS } from '../../native/autograd/preference-losses.ts';
import { PPO_DIAGNOSTICS } from '../../native/api/eval.ts';
import { formatMetric, metricDirection, metricLabel } from '../../renderer/src/pages/evaluate/metrics.ts';
import { configLabel } from '../../renderer/src/pages/runs/configLabels.ts';
import { axisLabelOf, formatTrainingMetric, heldOutOf, isPrimaryMetric, trainingMetricInfo, yAxisOf } from '../../renderer/src/pages/runs/trainingMetrics.ts';

describe('training metric words', () => {
  it('label every metric the trainers record', () => {
    const recorded = ['loss', 'val_loss', 'lr', 'grad_norm', 'tokens_per_second', 'rss_mb', 'accuracy', 'margin', 'final_val_accuracy', 'val_loss_full', 'unigram_loss',
      'score/mean', 'eval/score_mean', ...PPO_METRICS, ...PPO_DIAGNOSTICS, ...PREFERENCE_METRICS, ...PREFERENCE_METRICS.map((m) => `val_${m}`), ...PREFERENCE_METRICS.map((m) => `train_${m}`)];
    for (const name of recorded) {
      expect(trainingMetricInfo(name), name).not.toBeNull();
      expect(trainingMetricInfo(name)!.explain, name).not.toBe('');
    }
  });

  it('spell out a split and find a held-out series its training twin', () => {
    expect(metricLabel('val_rewards/margins')).toBe('Reward margin (validation)');
    expect(metricLabel('train_rewards/chosen')).toBe('Chosen reward (all training pairs)');
    expect(metricLabel('eval/kl')).toBe('Held-out KL');
    expect(heldOutOf('val_loss')).toBe('loss');
    expect(heldOutOf('eval/kl')).toBe('kl');
    expect(heldOutOf('kl')).toBeNull();
    expect(isPrimaryMetric('val_rewards/accuracies')).toBe(true);
    expect(isPrimaryMetric('logps/chosen')).toBe(false);
  });

  it('print a value in its unit and rank only what says how good a run is', () => {
    expect(formatMetric('response_length', 8)).toBe('8.0 tokens');
    expect(formatMetric('time/rollout_s', 1.234)).toBe('1.23 s');
    expect(formatTrainingMetric('lr', 0.0003)).toBe('0.0003');
    expect(metricDirection('lr')).toBe('a setting, not ranked');
    expect(metricDirection('grad_norm')).toBe('a diagnostic, not ranked');
    expect(metricDirection('score/mean')).toBe('↑ higher is better');
    expect(metricDirection('val_loss')).toBe('↓ lower is better');
  });
});

describe('configuration keys', () => {
  it('read as words, a dotted key with its parent', () => {
    expect(configLabel('lora.r')).toBe('LoRA · Rank r');
    expect(configLabel('maxSteps')).toBe('Max steps');
    expect(configLabel('settings.temperature')).toBe('Settings · Temperature');
    expect(configLabel('someNewKey')).toBe('Some new key');
    expect(configLabel('messages.0.role')).toBe('Messages · #1 · Role');
  });

  it('give a share the axis 0 to 1 from its definition, split prefixes included; others end above their values', () => {
    for (const name of ['rewards/accuracies', 'val_rewards/accuracies', 'train_rewards/accuracies', 'accuracy', 'val_accuracy', 'clipfrac', 'clipfrac/value']) {
      expect(yAxisOf(name), name).toMatchObject({ zero: true, ceiling: 1 });
    }
    expect(yAxisOf('tokens_per_second')).toEqual({ yLabel: 'tokens/s', zero: true });
    expect(yAxisOf('rewards/margins')).toEqual({ yLabel: 'Reward margin', zero: false });
    expect(yAxisOf('some/unknown')).toEqual({ yLabel: 'Some unknown', zero: false });
  });

  it('name each chart\'s y axis by what its values are, one word for a metric and its held-out or split partners', () => {
    const cases: [string, string][] = [
      ['loss', 'Loss'], ['val_loss', 'Loss'], ['loss/policy', 'Loss'], ['loss/value', 'Loss'],
      ['lr', 'Learning rate'], ['tokens_per_second', 'tokens/s'], ['rss_mb', 'MB'],
      ['rewards/chosen', 'Reward'], ['rewards/rejected', 'Reward'], ['rewards/margins', 'Reward margin'], ['val_rewards/margins', 'Reward margin'],
      ['rewards/accuracies', 'Accuracy'], ['val_accuracy', 'Accuracy'], ['train_rewards/accuracies', 'Accuracy'],
      ['score/mean', 'Score'], ['eval/score_mean', 'Score'], ['kl', 'KL'], ['eval/kl', 'KL'], ['kl_coef', 'β'],
      ['time/rollout_s', 'seconds'], ['response_length', 'tokens'],
    ];
    for (const [name, words] of cases) expect([name, axisLabelOf(name)]).toEqual([name, words]);
    for (const [name] of cases) expect(yAxisOf(name).yLabel, name).toBe(axisLabelOf(name));
  });
});
