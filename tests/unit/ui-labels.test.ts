// How the pages shorten and print values: chart labels keep the part that tells runs apart, durations read in
// ms / s / min, and rates carry one decimal; jobs, default run names and the Scope form's own errors read in words.
import { describe, expect, it } from 'vitest';
import { defaultFinetuneRunName, defaultRunName } from '../../native/api/train.ts';
import { formatDuration, formatRunTime, formatSigned } from '../../renderer/src/domain/format.ts';
import { jobTitle } from '../../renderer/src/domain/jobs.ts';
import { emptyDraft, toProjectInput } from '../../renderer/src/pages/scope/projectDraft.ts';
import { formatMetric } from '../../renderer/src/pages/evaluate/metrics.ts';
import { clip, clipLabels } from '../../renderer/src/ui/charts/scale.ts';

describe('chart labels', () => {
  it('cut in the middle, keeping both ends', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('harbour · questions/all · hybrid', 15)).toBe('harbour… hybrid');
  });

  it('drop the start all labels share, so three runs of one dataset read apart', () => {
    const runs = ['harbour · questions/all · bm25', 'harbour · questions/all · dense', 'harbour · questions/all · hybrid'];
    expect(clipLabels(runs, 20)).toEqual(['…bm25', '…dense', '…hybrid']);
    expect(clipLabels(runs, 40)).toEqual(runs);
    expect(clipLabels(['a very long run name', 'another long name'], 12)).toEqual(['a very… name', 'anothe… name']);
  });
});

describe('durations', () => {
  const at = (ms: number) => formatDuration('2026-01-01T00:00:00.000Z', new Date(Date.parse('2026-01-01T00:00:00.000Z') + ms).toISOString());
  it('read in ms, s, min and h', () => {
    expect(at(0)).toBe('<1 ms');
    expect(at(4)).toBe('4 ms');
    expect(at(19_700)).toBe('19.7 s');
    expect(at(119_700)).toBe('2 min 0 s');
    expect(at(3 * 3600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatDuration(null, null)).toBe('—');
  });

  it('of a finished run: its time spent running when known (a resumed run’s pause left out), else start to end', () => {
    const run = { startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:56.700Z' };
    expect(formatRunTime({ ...run, activeSeconds: 39.2 })).toBe('39.2 s');
    expect(formatRunTime({ ...run, activeSeconds: null })).toBe('56.7 s');
    expect(formatRunTime(run)).toBe('56.7 s');
  });
});

describe('rates', () => {
  it('carry one decimal, like the other timings', () => {
    expect(formatMetric('tokens_per_second', 65.1319)).toBe('65.1');
    expect(formatMetric('tokens_per_second', 518.62)).toBe('518.6');
  });
});

describe('job titles', () => {
  it('say which of merge, quantise and export a deploy job did, with its variants', () => {
    expect(jobTitle({ kind: 'deploy', params: { op: 'merge', runId: 'run_1' } })).toBe('Merge');
    expect(jobTitle({ kind: 'deploy', params: { op: 'quantize', dtypes: ['q4', 'int8'] } })).toBe('Quantise · q4, int8');
    expect(jobTitle({ kind: 'deploy', params: { op: 'export', format: 'gguf', dtypes: ['q4_0'] } })).toBe('Export · GGUF q4_0');
    expect(jobTitle({ kind: 'deploy', params: { op: 'export', format: 'hf', dtypes: ['fp16'] } })).toBe('Export · Hugging Face folder fp16');
    expect(jobTitle({ kind: 'deploy', params: null })).toBe('Merge / quantise / export');
    expect(jobTitle({ kind: 'finetune', params: {} })).toBe('Fine-tuning');
  });
});

describe('default fine-tune run names', () => {
  it('spell the method as the studio does', () => {
    expect(defaultFinetuneRunName('lora', 'stories260K', 'dev')).toBe('LoRA stories260K on dev');
    expect(defaultFinetuneRunName('full', 'stories260K', 'dev')).toBe('Full fine-tune stories260K on dev');
  });

  it('of the other training runs are capitalised and spell LoRA the same way, as the Runs list shows them together', () => {
    expect(defaultRunName.ppo({ method: 'lora', klCoef: 0.2, adaptiveKl: true }, 's260k', 'openings')).toBe('PPO (LoRA, β 0.2 adaptive) s260k on openings');
    expect(defaultRunName.ppo({ method: 'full', klCoef: 0, adaptiveKl: false }, 's260k', 'openings')).toBe('PPO (full, β 0) s260k on openings');
    expect(defaultRunName.dpo({ method: 'lora', loss: 'sigmoid' }, 's260k', 'prefs')).toBe('DPO (LoRA, Sigmoid (standard DPO) loss) s260k on prefs');
    expect(defaultRunName.dpo({ method: 'full', loss: 'robust' }, 's260k', 'prefs')).toBe('DPO (full, Robust (rDPO, noisy labels) loss) s260k on prefs');
    expect(defaultRunName.reward('classify', 's260k', 'reviews')).toBe('Reward model (classify) s260k on reviews');
    expect(defaultRunName.pretrain('tinyshakespeare.txt')).toBe('Pretrain tinyshakespeare.txt');
  });
});

describe('the Scope form', () => {
  it('asks for a name in its own words, and its number check wins over the schema message', () => {
    const empty = toProjectInput(emptyDraft());
    expect(empty).toEqual({ ok: false, errors: { name: 'Give the project a name, e.g. “Support-call summaries”.' } });
    const badTarget = toProjectInput({ ...emptyDraft(), name: 'x', target: 'abc' });
    expect(badTarget.ok === false && badTarget.errors.target).toBe('Enter a number, or leave it empty.');
  });

  it('refuses a metric that does not measure the task under the metric field, as the engine does', () => {
    const misfit = toProjectInput({ ...emptyDraft(), name: 'x', task: 'classification', metric: 'rougeL' });
    expect(misfit.ok === false && misfit.errors.metric).toBe('rougeL does not measure a classification project; use one of accuracy, macro_f1, exact_match.');
    expect(toProjectInput({ ...emptyDraft(), name: 'x', task: 'classification', metric: 'accuracy' }).ok).toBe(true);
  });
});

describe('signed changes', () => {
  it('read +, the typographic minus, or ± for none, as the studio signs every change', () => {
    expect(formatSigned(0.1434)).toBe('+0.143');
    expect(formatSigned(-0.105)).toBe('−0.105');
    expect(formatSigned(0)).toBe('±0.000');
  });

  it('never print −0.000: a change that rounds to nothing reads ±', () => {
    expect(formatSigned(-0.0004)).toBe('±0.000');
    expect(formatSigned(0.0004, (v) => v.toFixed(4))).toBe('+0.0004');
  });

  it('format the magnitude with the metric’s own formatter, units included', () => {
    expect(formatSigned(-12.5, (v) => `${v.toFixed(1)} ms`)).toBe('−12.5 ms');
  });
});
