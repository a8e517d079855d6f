// The Align page's form: its defaults (the engine's sized learning rate and length, else the schema's, the reward
// model's larger batch), the messages for values that do not parse, and what it sends — checked against the API's own
// schemas, so a form that drifts from align.dpo / align.reward / align.ppo fails here rather than in the studio.
import { describe, expect, it } from 'vitest';
import { DpoStartInput, PpoStartInput, RewardStartInput } from '../../native/api/align.ts';
import type { Defaults } from '../../renderer/src/pages/finetune/trainForm.ts';
import { ALIGN_SETTINGS, alignProblems, emptyAlignForm, previewKind, settingsFor, toDpoInput, toPpoInput, toRewardInput, valueOf, type AlignForm } from '../../renderer/src/pages/align/alignForm.ts';

const defaults = {
  hyperparameters: [{ name: 'lr', value: 2e-3, explanation: '' }, { name: 'seqLen', value: 256, explanation: '' }, { name: 'batchSize', value: 4, explanation: '' }],
} as unknown as Defaults;
const setting = (key: string) => ALIGN_SETTINGS.find((s) => s.key === key)!;
const form = (patch: Partial<AlignForm> = {}): AlignForm => ({ ...emptyAlignForm(), modelId: 'm', datasetId: 'd', ...patch });

describe('the Align form', () => {
  it('fills defaults from the engine where it sizes them and from the schema elsewhere', () => {
    const dpo = form();
    expect(valueOf(dpo, defaults, setting('lr'))).toBe('0.002');
    expect(valueOf(dpo, defaults, setting('seqLen'))).toBe('256');
    expect(valueOf(dpo, defaults, setting('batchSize'))).toBe(String(DpoStartInput.parse({ model: 'm', dataset: 'd' }).batchSize));
    expect(valueOf(form({ method: 'reward' }), defaults, setting('batchSize'))).toBe(String(RewardStartInput.parse({ model: 'm', dataset: 'd' }).batchSize));
    expect(valueOf(dpo, defaults, setting('beta'))).toBe(String(DpoStartInput.parse({ model: 'm', dataset: 'd' }).beta));
    // before the engine has sized them, the sized fields are left to it rather than refused
    expect(valueOf(dpo, undefined, setting('seqLen'))).toBe('');
    expect(alignProblems(dpo, undefined)).toEqual({});
    expect(toDpoInput(dpo, undefined, 'm', 'd', null)).not.toHaveProperty('seqLen');
    expect(settingsFor(dpo).map((s) => s.key)).toContain('lora.r');
    expect(settingsFor(form({ tuning: 'full' })).map((s) => s.key)).not.toContain('lora.r');
    expect(settingsFor(form({ method: 'reward' })).map((s) => s.key)).toEqual(expect.arrayContaining(['objective', 'margin']));
  });

  it('sends what align.dpo and align.reward accept', () => {
    const dpo = toDpoInput(form({ values: { maxSteps: '40', threads: '1', beta: '0.3' }, skipInvalid: true, name: ' mine ' }), defaults, 'm', 'd', 'proj_1');
    expect(DpoStartInput.parse(dpo)).toMatchObject({ model: 'm', dataset: 'd', method: 'lora', lora: { r: 8, alpha: 16 }, beta: 0.3, loss: 'sigmoid', lr: 2e-3, maxSteps: 40, seqLen: 256, threads: 1, skipInvalid: true, projectId: 'proj_1', name: 'mine' });
    expect(toDpoInput(form({ tuning: 'full' }), defaults, 'm', 'd', null)).not.toHaveProperty('lora');
    const reward = toRewardInput(form({ method: 'reward', values: { objective: 'classify', margin: '0.5' } }), defaults, 'm', 'd', null);
    expect(RewardStartInput.parse(reward)).toMatchObject({ objective: 'classify', margin: 0.5, batchSize: 8, maxSteps: null });
  });

  it('names each value that does not parse, and the robust loss without label smoothing', () => {
    expect(alignProblems(form(), defaults)).toEqual({});
    expect(alignProblems(form({ values: { beta: '0', batchSize: '1.5', seqLen: 'x', labelSmoothing: '0.5' } }), defaults)).toEqual({
      beta: 'Must be above 0.', batchSize: 'Enter a whole number.', seqLen: 'Enter a number.', labelSmoothing: 'Must be below 0.5.',
    });
    // the API's own words (one source), written as a sentence on the field: capitalised, with a full stop
    expect(alignProblems(form({ values: { loss: 'robust' } }), defaults).labelSmoothing).toBe('The robust loss needs a label smoothing above 0 (with 0 it is the sigmoid loss).');
    expect(DpoStartInput.safeParse({ model: 'm', dataset: 'd', loss: 'robust' }).error?.issues[0].message).toBe('the robust loss needs a label smoothing above 0 (with 0 it is the sigmoid loss)');
    // what the API refuses as well, marked on the field before Start
    expect(alignProblems(form({ values: { loss: 'ipo', labelSmoothing: '0.1' } }), defaults).labelSmoothing).toBe('The IPO loss takes no label smoothing (the sigmoid and robust losses do); leave it at 0.');
    expect(alignProblems(form({ values: { loss: 'ipo' } }), defaults)).toEqual({});
    expect(alignProblems(form({ method: 'reward', values: { objective: 'classify', margin: '0.5' } }), defaults).margin).toMatch(/margin applies to a pairwise reward model/);
    expect(alignProblems(form({ method: 'reward', values: { objective: 'pairwise', margin: '0.5' } }), defaults)).toEqual({});
    expect(alignProblems(form({ values: { loss: 'robust', labelSmoothing: '0.1' } }), defaults)).toEqual({});
  });

  it('previews pairs for DPO and pairwise rewards, labels for a classifier, and lets the mapping decide on auto', () => {
    expect(previewKind(form(), defaults)).toBe('pairs');
    expect(previewKind(form({ method: 'reward' }), defaults)).toBeUndefined();
    expect(previewKind(form({ method: 'reward', values: { objective: 'classify' } }), defaults)).toBe('labels');
    expect(previewKind(form({ method: 'reward', values: { objective: 'pairwise' } }), defaults)).toBe('pairs');
  });

  it('sends PPO what align.ppo accepts: its own defaults untouched, the KL mode, the engine left to size the learning rate', () => {
    const ppo = form({ method: 'ppo', rewardRunId: 'run_r' });
    const schema = PpoStartInput.parse({ model: 'm', rewardRun: 'run_r', dataset: 'd' });
    // a form left alone sends exactly the schema's defaults (and no lr: the engine's is a fifth of fine-tuning's)
    const sent = PpoStartInput.parse(toPpoInput(ppo, defaults, 'm', 'd', null));
    expect(sent).toEqual(schema);
    expect(valueOf(ppo, defaults, settingsFor(ppo).find((s) => s.key === 'ppoLr')!)).toBe('');
    expect(valueOf(ppo, defaults, settingsFor(ppo).find((s) => s.key === 'batchSize')!)).toBe(String(schema.batchSize));
    expect(alignProblems(ppo, defaults)).toEqual({});
    // fixed β: no target or horizon to show or send; 0 is allowed (no penalty), but not with the adaptive controller
    const fixed = form({ method: 'ppo', rewardRunId: 'run_r', klMode: 'fixed', values: { klCoef: '0', ppoLr: '1e-4', 'generation.maxNewTokens': '8', steps: '3' } });
    expect(settingsFor(fixed).map((s) => s.key)).not.toContain('klTarget');
    expect(alignProblems(fixed, defaults)).toEqual({});
    expect(PpoStartInput.parse(toPpoInput(fixed, defaults, 'm', 'd', 'proj_1'))).toMatchObject({ adaptiveKl: false, klCoef: 0, lr: 1e-4, steps: 3, generation: { maxNewTokens: 8 }, projectId: 'proj_1' });
    expect(alignProblems(form({ method: 'ppo', values: { klCoef: '0' } }), defaults)).toHaveProperty('klCoef');
    expect(alignProblems(form({ method: 'ppo', values: { miniBatchSize: '32' } }), defaults)).toEqual({ miniBatchSize: 'At most the rollouts per iteration.' });
    expect(alignProblems(form({ method: 'ppo', values: { 'generation.topP': '1.5' } }), defaults)).toEqual({ 'generation.topP': 'At most 1.' });
    expect(toPpoInput(form({ method: 'ppo', tuning: 'full' }), defaults, 'm', 'd', null)).not.toHaveProperty('lora');
  });
});
