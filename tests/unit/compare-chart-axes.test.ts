// What Compare's charts write on their axes. Its evaluation bars named no axis (the training charts name theirs); its
// curves of a PPO run (iterations) beside a fine-tune (steps) drew both over one axis that said "step".
import { describe, expect, it } from 'vitest';
import { EVAL_METRICS } from '../../native/api/eval.ts';
import { METRIC_LABELS } from '../../native/api/labels.ts';
import { TRAINING_RUN_KINDS, stepUnitOf } from '../../native/api/run-kinds.ts';
import { groupByStepUnit, UNIT_WORDS } from '../../renderer/src/pages/compare/curveUnits.ts';
import { isFraction, metricAxisLabel } from '../../renderer/src/pages/evaluate/metrics.ts';
import { axisLabelOf } from '../../renderer/src/pages/runs/trainingMetrics.ts';

describe('an evaluation metric’s value axis', () => {
  it('names the measure as the metric table does, with a score’s 0–1 scale and a latency’s unit', () => {
    const cases: [name: string, words: string][] = [
      ['rougeL', 'ROUGE-L (0–1)'],
      ['exact_match', 'Exact match (0–1)'],
      ['judge', 'LLM judge (0–1)'],
      ['recall@5', 'Recall@5 (0–1)'],
      ['perplexity', 'Perplexity'],
      ['bits_per_byte', 'Bits per byte'],
      ['latency_ms_p95', 'Latency (p95), ms'],
      ['tokens_per_second', 'Tokens/s'],
    ];
    for (const [name, words] of cases) expect([name, metricAxisLabel(name)]).toEqual([name, words]);
  });

  it('starts with the metric’s own label for every evaluation metric, a scale only on a fraction', () => {
    for (const name of EVAL_METRICS) {
      const words = metricAxisLabel(name);
      expect(words.startsWith(METRIC_LABELS[name]), name).toBe(true);
      expect(words.endsWith('(0–1)'), name).toBe(isFraction(name));
    }
  });

  it('takes a training metric’s axis word from the training metrics’ table', () => {
    for (const name of ['loss', 'val_loss', 'score/mean', 'lr', 'rewards/accuracies']) expect(metricAxisLabel(name), name).toBe(axisLabelOf(name));
  });
});

describe('Compare’s curves, one chart per unit', () => {
  it('keeps runs that count one unit on one chart, named by that unit', () => {
    expect(groupByStepUnit(['finetune', 'dpo', 'pretrain'])).toEqual([{ unit: 'step', indices: [0, 1, 2] }]);
    expect(groupByStepUnit(['ppo', 'ppo'])).toEqual([{ unit: 'iteration', indices: [0, 1] }]);
  });

  it('puts PPO runs and step-counting runs on charts of their own, the baseline’s unit first', () => {
    expect(groupByStepUnit(['finetune', 'ppo', 'reward', 'ppo'])).toEqual([{ unit: 'step', indices: [0, 2] }, { unit: 'iteration', indices: [1, 3] }]);
    expect(groupByStepUnit(['ppo', 'finetune'])).toEqual([{ unit: 'iteration', indices: [0] }, { unit: 'step', indices: [1] }]);
  });

  it('waits while a run’s kind is unknown, and has no chart for no runs', () => {
    expect(groupByStepUnit(['finetune', null])).toBeNull();
    expect(groupByStepUnit([])).toEqual([]);
  });

  it('follows stepUnitOf for every training kind, and words every unit it gives', () => {
    for (const kind of TRAINING_RUN_KINDS) {
      expect(groupByStepUnit([kind])?.[0].unit, kind).toBe(stepUnitOf(kind));
      expect(UNIT_WORDS[stepUnitOf(kind)].many, kind).toMatch(/\S/);
    }
  });
});
