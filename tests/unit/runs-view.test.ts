// The Runs pages' pure pieces: a run's address (and that a comparison's is not mistaken for one), which runs
// compare together and which resume, the newest-first order, and the configuration flattened to readable rows.
import { describe, expect, it } from 'vitest';
import { runHash, runIdFromHash } from '../../renderer/src/pages/runs/address.ts';
import { shownRunConfig } from '../../native/api/run-config.ts';
import { configRows, configValueText, flattenConfig } from '../../renderer/src/pages/runs/RunConfig.tsx';
import { isAdvancedConfig } from '../../renderer/src/pages/runs/configLabels.ts';
import { configLabel } from '../../renderer/src/pages/runs/configLabels.ts';
import { runFigures } from '../../renderer/src/pages/runs/runFigures.ts';
import { formatMetric } from '../../renderer/src/pages/evaluate/metrics.ts';
import { compareFamily, isPlayground, isResumable, newestFirst } from '../../renderer/src/pages/runs/runKinds.ts';

describe('run addresses', () => {
  it('round-trip a run id and leave the list and comparisons alone', () => {
    expect(runIdFromHash(runHash('run_ab12'))).toBe('run_ab12');
    expect(runIdFromHash('#/runs')).toBeNull();
    expect(runIdFromHash('#/runs/')).toBeNull();
    expect(runIdFromHash('#/runs/compare/run_a,run_b')).toBeNull();
    expect(runIdFromHash('#/datasets/run_a')).toBeNull();
  });
});

describe('run kinds', () => {
  it('compare evaluations with evaluations and training with training; resume stopped training only', () => {
    expect(compareFamily({ kind: 'evaluation' })).toBe('evaluation');
    expect(compareFamily({ kind: 'pretrain' })).toBe(compareFamily({ kind: 'finetune' }));
    expect(compareFamily({ kind: 'generation' })).toBeNull();
    // alignment runs (DPO, reward models, PPO) are training runs: compared with them, resumed like them
    expect(compareFamily({ kind: 'dpo' })).toBe('training');
    expect(compareFamily({ kind: 'reward' })).toBe('training');
    expect(compareFamily({ kind: 'ppo' })).toBe('training');
    expect(isResumable({ kind: 'dpo', status: 'cancelled' })).toBe(true);
    expect(isResumable({ kind: 'ppo', status: 'interrupted' })).toBe(true);
    expect(isPlayground({ kind: 'generation' })).toBe(true);
    expect(isResumable({ kind: 'finetune', status: 'interrupted' })).toBe(true);
    expect(isResumable({ kind: 'pretrain', status: 'cancelled' })).toBe(true);
    expect(isResumable({ kind: 'finetune', status: 'succeeded' })).toBe(false);
    expect(isResumable({ kind: 'evaluation', status: 'failed' })).toBe(false);
  });

  it('order runs newest first, ties by id', () => {
    const runs = [{ id: 'run_a', createdAt: '2026-01-01' }, { id: 'run_c', createdAt: '2026-03-01' }, { id: 'run_b', createdAt: '2026-03-01' }];
    expect(newestFirst(runs).map((r) => r.id)).toEqual(['run_c', 'run_b', 'run_a']);
  });
});

describe('configuration rows', () => {
  it('flatten nested settings to dotted keys and keep lists of values whole', () => {
    expect(flattenConfig({ method: 'lora', lora: { r: 8, targetModules: ['q_proj', 'v_proj'] }, warmupSteps: null, messages: [{ role: 'user' }] })).toEqual([
      ['method', 'lora'], ['lora.r', 8], ['lora.targetModules', ['q_proj', 'v_proj']], ['warmupSteps', null], ['messages.0.role', 'user'],
    ]);
    expect(flattenConfig({})).toEqual([]);
    expect(flattenConfig({ settings: {} })).toEqual([['settings', {}]]);
  });

  it('say a model or dataset once when the run recorded its name and its id (a CLI fine-tune records both)', () => {
    const names = new Map([['mdl_28b485f116e2', 's260k'], ['ds_95ae7bda5ff8', 'dialogsum-dev']]);
    const config = { model: 's260k', dataset: 'dialogsum-dev', method: 'lora', modelId: 'mdl_28b485f116e2', modelName: 's260k', datasetId: 'ds_95ae7bda5ff8' };
    expect(configRows(config, names)).toEqual([['model', 's260k'], ['dataset', 'dialogsum-dev'], ['method', 'lora'], ['modelName', 's260k']]);
    // an id the studio no longer has (a deleted model) is not the same as the name, so both rows stay
    expect(configRows({ model: 's260k', modelId: 'mdl_gone' }, names)).toEqual([['model', 's260k'], ['modelId', 'mdl_gone']]);
  });

  it('show a recorded flag as yes or no, as the Select page says it, not as true or false', () => {
    expect(configValueText(true)).toBe('yes');
    expect(configValueText(false)).toBe('no');
    expect(configValueText([true, false])).toBe('yes, no');
    expect(configValueText(null)).toBe('—');
    expect(configValueText(['q_proj', 'v_proj'])).toBe('q_proj, v_proj');
    // a learning rate as the run's header and tile write it (formatLr), not as the number's own digits
    expect(configValueText(0.000123456, 'lr')).toBe('0.000123');
    expect(configValueText(1e-7, 'lr')).toBe('0.0000001');
    expect(configValueText(0.000123456, 'beta')).toBe('0.000123456');
    // a chosen option in the words the studio names it by (a run's title says "LoRA", not "lora")
    expect(configValueText('lora', 'method')).toBe('LoRA');
    expect(configValueText('full', 'method')).toBe('Full fine-tuning');
    expect(configValueText('sigmoid', 'loss')).toBe('Sigmoid (standard DPO)');
    expect(configValueText('cosine', 'schedule')).toBe('Cosine decay');
    expect(configValueText('scale', 'scoreScaling')).toBe('Divided by its running spread');
    expect(configValueText('pairwise', 'rewardObjective')).toBe('Pairwise (chosen over rejected)');
    expect(configValueText('instruction', 'format')).toBe('Instruction → output');
    expect(configValueText('something-new', 'method')).toBe('something-new'); // not an option it knows: as recorded
    expect(configLabel('promptLenCountsBos')).toBe('Max prompt length counts the BOS');
    expect(configLabel('rewardSeqLen')).toBe('Reward model’s sequence length');
  });

  it('call an evaluation’s model.name and dataset.name the model’s and dataset’s names, not the run’s', () => {
    expect(configLabel('name')).toBe('Run name');
    expect(configLabel('model.name')).toBe('Model · Name');
    expect(configLabel('dataset.name')).toBe('Dataset · Name');
    expect(configLabel('lora.r')).toBe('LoRA · Rank r');
  });
});

describe('metric values of training runs', () => {
  it('keep a small learning rate readable and scores at three decimals', () => {
    expect(formatMetric('lr', 0.0000364)).toBe('0.0000364');
    expect(formatMetric('lr', 0)).toBe('0');
    expect(formatMetric('loss', 1.0104)).toBe('1.010');
    expect(formatMetric('rougeL', 0.0004)).toBe('0.000');
  });
});

describe('a run’s config as shown', () => {
  it('leaves a full run’s LoRA-only fields out, and keeps every other config as recorded', () => {
    const recorded = { method: 'full', lr: 5e-4, lora: { r: 8, alpha: 16 }, loraTargets: ['q_proj'], merge: true, seed: 42 };
    expect(shownRunConfig(recorded)).toEqual({ method: 'full', lr: 5e-4, seed: 42 });
    expect(recorded.lora).toEqual({ r: 8, alpha: 16 }); // the record itself is untouched
    const lora = { ...recorded, method: 'lora' };
    expect(shownRunConfig(lora)).toBe(lora);
    expect(shownRunConfig({ metrics: ['rougeL'] })).toEqual({ metrics: ['rougeL'] });
    expect(shownRunConfig(null)).toBeNull();
  });
});

describe('an evaluation run’s figures', () => {
  const recorded: Record<string, number> = {
    examples: 3, planned_examples: 5, latency_ms_mean: 75.9, rouge1: 0.25, 'rouge1.ci95_low': 0.1, 'rouge1.ci95_high': 0.4, total_seconds: 0.309, 'bleu.ci95_low': 2,
  };
  const figures = runFigures(Object.keys(recorded), (name) => recorded[name]);

  it('fold each score’s 95% interval into its figure and the planned count into the examples figure', () => {
    expect(figures.map((f) => [f.label, f.value, f.note])).toEqual([
      ['Examples scored', '3', 'of 5 planned'],
      ['Latency (mean)', '75.9 ms', null],
      ['ROUGE-1', '0.250', '95% CI 0.100–0.400'],
      ['Total time', '0.31 s', null],
      // an interval end without its score is still shown, not lost
      ['bleu.ci95_low', '2.000', null],
    ]);
  });

  it('say nothing of a plan when every planned example was scored', () => {
    expect(runFigures(['examples', 'planned_examples'], () => 3)).toEqual([{ name: 'examples', label: 'Examples scored', value: '3', note: null }]);
  });
});

describe('the plumbing of a run’s config', () => {
  it('folds files, fingerprints, BOS handling and threads under Advanced, and keeps what the run was asked to do', () => {
    expect(isAdvancedConfig('modelPath', '/tmp/lathe-e2e-x/models/mdl_1')).toBe(true);
    expect(isAdvancedConfig('adapterPath', 'C:\\lathe\\runs\\run_1\\adapter')).toBe(true);
    expect(isAdvancedConfig('promptLenCountsBos', true)).toBe(true);
    expect(isAdvancedConfig('bosFollowsTokenizer', true)).toBe(true);
    expect(isAdvancedConfig('rewardPromptLenCountsBos', false)).toBe(true);
    expect(isAdvancedConfig('datasetHash', 'dca20f39')).toBe(true);
    for (const [key, value] of [['method', 'lora'], ['lr', 0.002], ['maxPromptLen', 32], ['dataset', 'story-pairs'], ['lora.r', 8]] as const) expect(isAdvancedConfig(key, value), key).toBe(false);
  });
});
