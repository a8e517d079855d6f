// The journey of a project, derived from a real (temporary) store as work is done: each step's state, its
// summary, its effect on the project's metric and the guidance, from a bare project to a met target.
import { describe, expect, it } from 'vitest';
import { journeyProgressText, type Journey } from '../../native/api/journey.ts';
import type { Dataset } from '../../native/api/schemas.ts';
import type { Store } from '../../native/store/db.ts';
import { projectJourney } from '../../native/studio/journey.ts';
import { Studio } from '../../native/studio/studio.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-journey-');
const tick = () => new Promise((r) => setTimeout(r, 5)); // finish times order the evaluations

function dataset(id: string, projectId: string): Dataset {
  return {
    id, projectId, name: 'dialogsum-test', sourcePath: '/x/test.jsonl', format: 'jsonl', compressed: false,
    columns: ['dialogue', 'summary'], rowCount: 1500, contentHash: 'ab'.repeat(32), mapping: { input: 'dialogue', target: 'summary' },
    splits: { train: 1200, validation: 150, test: 150 }, splitSeed: 42, skippedRows: [], createdAt: new Date().toISOString(),
  };
}

const states = (j: Journey) => Object.fromEntries(j.steps.map((s) => [s.id, s.state]));
const step = (j: Journey, id: string) => j.steps.find((s) => s.id === id)!;

async function evaluation(store: Store, projectId: string, model: { id: string; name: string }, value: number, extra: Record<string, unknown> = {}) {
  const run = store.runs.create({ kind: 'evaluation', name: `eval ${value}`, projectId, config: { model, adapterPath: null, template: { label: 'zero-shot' }, ...extra } });
  store.runs.setStatus(run.id, 'running');
  store.runs.addMetric({ runId: run.id, step: 0, name: 'rougeL', value });
  await tick();
  store.runs.setStatus(run.id, 'succeeded');
  return run;
}

describe('projects.journey', () => {
  it('moves on step by step as the store fills, the scorecard deciding after the first evaluation', async () => {
    const store = open(tempDir());
    const p = store.projects.create({ name: 'Summaries', task: 'summarization' });
    let j = projectJourney(store, p.id);
    expect(states(j)).toEqual({ scope: 'next', data: 'todo', select: 'todo', prompt: 'todo', finetune: 'optional', evaluate: 'todo', integrate: 'todo' });
    expect(j.next).toMatchObject({ step: 'scope', action: { route: '#/scope' } });
    // The Projects list counts what the strip shows: six steps to do and fine-tune / align marked optional.
    expect(journeyProgressText(j.steps)).toBe('0/6 steps + 1 optional');
    expect(step(j, 'scope').summary).toBe('No success metric yet: choose one (a target is optional)');

    store.projects.update(p.id, { metric: 'rougeL', target: 0.35 });
    j = projectJourney(store, p.id);
    expect(step(j, 'scope')).toMatchObject({ state: 'done', summary: 'Summarisation · ROUGE-L ≥ 0.35' });
    expect(j.next).toMatchObject({ step: 'data', title: 'Next: bring the data', action: { route: '#/datasets' } });

    // An import for this project is running: data is in progress and stays the guidance.
    const job = store.jobs.create('dataset-import', { path: '/x/test.jsonl', projectId: p.id });
    store.jobs.update(job.id, { state: 'running' });
    j = projectJourney(store, p.id);
    expect(step(j, 'data').state).toBe('in-progress');
    expect(j.next.step).toBe('data');
    store.jobs.update(job.id, { state: 'succeeded' });
    // A dataset whose columns nothing maps feeds no step yet: the Datasets page asks for its mapping, and so does the strip.
    store.datasets.insert({ ...dataset('ds_0', p.id), name: 'unmapped', columns: ['a', 'b'], mapping: {} });
    j = projectJourney(store, p.id);
    expect(step(j, 'data')).toMatchObject({ state: 'next', summary: 'unmapped: map its columns to the task’s fields' });
    expect(j.next).toMatchObject({ step: 'data', title: 'Next: map the data’s columns', action: { label: 'Map its columns', route: '#/datasets' } });
    store.datasets.delete('ds_0');
    store.datasets.insert(dataset('ds_1', p.id));
    j = projectJourney(store, p.id);
    expect(step(j, 'data')).toMatchObject({ state: 'done', summary: 'dialogsum-test, 1,500 rows' });
    expect(j.next.step).toBe('select');

    const model = store.models.create({ name: 'stories260K', architecture: 'llama', path: 'models/x', config: {}, parameterCount: 260_000, source: 'llama2.c' });
    j = projectJourney(store, p.id);
    expect(step(j, 'select')).toMatchObject({ state: 'done', summary: 'stories260K is available; not used here yet' });
    expect(j.next).toMatchObject({ step: 'prompt', action: { route: '#/adapt/prompt' } });

    const gen = store.runs.create({ kind: 'generation', name: 'g', projectId: p.id, config: { modelId: model.id, modelName: model.name, prompt: 'Hi' } });
    store.runs.setStatus(gen.id, 'running');
    expect(step(projectJourney(store, p.id), 'prompt').state).toBe('in-progress');
    store.runs.setStatus(gen.id, 'succeeded');
    j = projectJourney(store, p.id);
    expect(step(j, 'prompt')).toMatchObject({ state: 'done', summary: '1 prompt tried', effect: null });
    expect(step(j, 'select').summary).toBe('Used: stories260K');
    expect(j.next).toMatchObject({ step: 'evaluate', action: { route: '#/adapt/evaluate' } });

    // A baseline and a better layout: prompting raised the metric from the first to the best.
    await evaluation(store, p.id, model, 0.1);
    await evaluation(store, p.id, model, 0.2);
    j = projectJourney(store, p.id);
    expect(states(j)).toEqual({ scope: 'done', data: 'done', select: 'done', prompt: 'done', finetune: 'next', evaluate: 'done', integrate: 'todo' });
    expect(step(j, 'prompt').effect).toEqual({ metric: 'rougeL', higherIsBetter: true, before: 0.1, after: 0.2 });
    expect(step(j, 'evaluate')).toMatchObject({ summary: '2 evaluations; best 0.200', effect: { before: null, after: 0.2 } });
    expect(j.next).toMatchObject({ step: 'finetune', title: 'Next: close the gap to the target' });
    expect(j.next.text).toContain('The best evaluation, 0.200, is 0.150 short of 0.350');
    // Fine-tune is now the next step, so it counts, as does integrate (to do on the strip).
    expect(journeyProgressText(j.steps)).toBe('5/7 steps');

    // A fine-tune that is not evaluated yet asks for its evaluation; one that is shows what it did.
    const ft = store.runs.create({ kind: 'finetune', name: 'lora stories260K on dialogsum-test', projectId: p.id, config: {} });
    store.runs.setStatus(ft.id, 'running');
    expect(step(projectJourney(store, p.id), 'finetune').state).toBe('in-progress');
    store.runs.setStatus(ft.id, 'succeeded');
    const tuned = store.models.create({ name: 'stories260K-lora', architecture: 'llama', path: 'models/y', config: {}, parameterCount: 260_000, source: `finetune-merge:${ft.id}` });
    j = projectJourney(store, p.id);
    expect(step(j, 'finetune')).toMatchObject({ state: 'done', summary: 'lora stories260K on dialogsum-test' });
    expect(j.next).toMatchObject({ step: 'evaluate', title: 'Next: evaluate the fine-tuned model' });
    await evaluation(store, p.id, tuned, 0.4);
    j = projectJourney(store, p.id);
    expect(step(j, 'finetune').effect).toEqual({ metric: 'rougeL', higherIsBetter: true, before: 0.2, after: 0.4 });
    expect(step(j, 'prompt').effect?.after).toBe(0.2); // the fine-tuned model's score is not the prompt's
    expect(j.next).toMatchObject({ step: 'integrate', title: 'Next: integrate the model', action: { route: '#/integrate' } });
    expect(step(j, 'integrate').state).toBe('next');

    // A model quantised from one the project used makes Integrate done; one from an unrelated model does not.
    store.models.create({ name: 'other-q4', architecture: 'llama', path: 'models/o', config: {}, parameterCount: 1, source: 'quantize:mdl_unrelated:q4' });
    expect(step(projectJourney(store, p.id), 'integrate').state).toBe('next');
    store.models.create({ name: 'stories260K-lora-q4', architecture: 'llama', path: 'models/z', config: {}, parameterCount: 260_000, source: `quantize:${tuned.id}:q4` });
    j = projectJourney(store, p.id);
    expect(step(j, 'integrate')).toMatchObject({ state: 'done', summary: 'stories260K-lora-q4' });
    expect(j.next).toMatchObject({ step: null, title: 'The target is met', action: { route: '#/integrate' } });
  });

  it('takes the target as optional: a metric alone completes scope, and a best score with no target claims no verdict', async () => {
    const store = open(tempDir());
    const p = store.projects.create({ name: 'Summaries', task: 'summarization', metric: 'rougeL' });
    let j = projectJourney(store, p.id);
    expect(step(j, 'scope')).toMatchObject({ state: 'done', summary: 'Summarisation · ROUGE-L (no target)' });
    expect(j.next).toMatchObject({ step: 'data', title: 'Next: bring the data' });

    store.datasets.insert(dataset('ds_1', p.id));
    const model = store.models.create({ name: 's260k', architecture: 'llama', path: 'models/x', config: {}, parameterCount: 260_000, source: 'llama2.c' });
    await evaluation(store, p.id, model, 0.2);
    j = projectJourney(store, p.id);
    expect(states(j)).toEqual({ scope: 'done', data: 'done', select: 'done', prompt: 'done', finetune: 'optional', evaluate: 'done', integrate: 'next' });
    expect(j.next).toMatchObject({ step: 'integrate', title: 'Next: integrate the model', action: { route: '#/integrate' } });
    expect(j.next.text).toContain('The best evaluation scores 0.200 ROUGE-L and the project sets no target');
    expect(j.next.text).not.toContain('reaches the target');
    expect(step(j, 'finetune').summary).toBe('Only when prompting is not good enough');

    store.models.create({ name: 's260k-q4', architecture: 'llama', path: 'models/z', config: {}, parameterCount: 260_000, source: `quantize:${model.id}:q4` });
    j = projectJourney(store, p.id);
    expect(j.next).toMatchObject({ step: null, title: 'A deployable model is made' });
  });

  it('judges by held-out rows only: a score on the train split neither passes the target nor counts as an effect', async () => {
    const store = open(tempDir());
    const p = store.projects.create({ name: 'Summaries', task: 'summarization', metric: 'rougeL', target: 0.35 });
    store.datasets.insert(dataset('ds_1', p.id));
    const model = store.models.create({ name: 's260k', architecture: 'llama', path: 'models/x', config: {}, parameterCount: 260_000, source: 'llama2.c' });
    await evaluation(store, p.id, model, 0.9, { split: 'train' });
    let j = projectJourney(store, p.id);
    expect(step(j, 'evaluate')).toMatchObject({ state: 'next', summary: '1 evaluation, none of ROUGE-L on held-out rows' });
    expect(j.next).toMatchObject({ step: 'evaluate', title: 'Next: evaluate on held-out rows', action: { route: '#/adapt/evaluate' } });
    expect(j.next.text).toContain('1 evaluation on the train split or all rows is not counted');
    expect(step(j, 'prompt').effect).toBeNull();
    await evaluation(store, p.id, model, 0.2, { split: 'test' });
    j = projectJourney(store, p.id);
    expect(step(j, 'evaluate')).toMatchObject({ state: 'done', summary: '2 evaluations; best 0.200' });
    expect(j.next).toMatchObject({ step: 'finetune', title: 'Next: close the gap to the target' });
  });

  it('claims no verdict while no evaluation measured the project\'s metric, and sends the user to evaluate with it', async () => {
    const store = open(tempDir());
    const p = store.projects.create({ name: 'Summaries', task: 'summarization', metric: 'bleu', target: 0.2 });
    store.datasets.insert(dataset('ds_1', p.id));
    const model = store.models.create({ name: 's260k', architecture: 'llama', path: 'models/x', config: {}, parameterCount: 260_000, source: 'llama2.c' });
    await evaluation(store, p.id, model, 0.9); // measures rougeL only
    store.models.create({ name: 's260k-q4', architecture: 'llama', path: 'models/z', config: {}, parameterCount: 260_000, source: `quantize:${model.id}:q4` });
    const j = projectJourney(store, p.id);
    expect(step(j, 'evaluate')).toMatchObject({ state: 'next', summary: '1 evaluation, none measuring BLEU' });
    expect(j.next).toMatchObject({ step: 'evaluate', title: 'Next: evaluate with BLEU', action: { route: '#/adapt/evaluate' } });
    expect(j.next.title).not.toBe('The target is met');
  });

  it('counts a DPO run as fine-tune / align, and an evaluation of its model as a tuned one', async () => {
    const store = open(tempDir());
    const p = store.projects.create({ name: 'Kind stories', task: 'generation', metric: 'rougeL', target: 0.9 });
    store.datasets.insert(dataset('ds_1', p.id));
    const base = store.models.create({ name: 's260k', architecture: 'llama', path: 'models/x', config: {}, parameterCount: 260_000, source: 'llama2.c' });
    await evaluation(store, p.id, base, 0.2);
    const dpo = store.runs.create({ kind: 'dpo', name: 'DPO (sigmoid, lora) s260k on prefs', projectId: p.id, config: {} });
    store.runs.setStatus(dpo.id, 'running');
    expect(step(projectJourney(store, p.id), 'finetune').state).toBe('in-progress');
    store.runs.setStatus(dpo.id, 'succeeded');
    const aligned = store.models.create({ name: 's260k-dpo', architecture: 'llama', path: 'models/y', config: {}, parameterCount: 260_000, source: `dpo-merge:${dpo.id}` });
    expect(step(projectJourney(store, p.id), 'finetune')).toMatchObject({ state: 'done', summary: 'DPO (sigmoid, lora) s260k on prefs' });
    await evaluation(store, p.id, aligned, 0.3);
    expect(step(projectJourney(store, p.id), 'finetune').effect).toEqual({ metric: 'rougeL', higherIsBetter: true, before: 0.2, after: 0.3 });
  });

  it('counts fine-tuning done when the project evaluated a fine-tuned model whose training run was filed under no project', async () => {
    // The README's CLI walk once trained without --project and evaluated the merged model with it: the journey
    // then called fine-tuning the next step ('Prompting alone falls short') beside the tuned model's own score.
    const store = open(tempDir());
    const p = store.projects.create({ name: 'Summaries', task: 'summarization', metric: 'rougeL', target: 0.35 });
    store.datasets.insert(dataset('ds_1', p.id));
    const base = store.models.create({ name: 's260k', architecture: 'llama', path: 'models/x', config: {}, parameterCount: 260_000, source: 'llama2.c' });
    await evaluation(store, p.id, base, 0.08);
    const ft = store.runs.create({ kind: 'finetune', name: 'LoRA s260k on dialogsum-dev', projectId: null, config: {} });
    store.runs.setStatus(ft.id, 'running');
    store.runs.setStatus(ft.id, 'succeeded');
    const tuned = store.models.create({ name: 's260k-dialogsum', architecture: 'llama', path: 'models/y', config: {}, parameterCount: 260_000, source: `finetune-merge:${ft.id}` });
    await evaluation(store, p.id, tuned, 0.07);
    const j = projectJourney(store, p.id);
    expect(step(j, 'finetune')).toMatchObject({ state: 'done', summary: 'Evaluated s260k-dialogsum (fine-tuned)' });
    expect(step(j, 'finetune').effect).toEqual({ metric: 'rougeL', higherIsBetter: true, before: 0.08, after: 0.07 });
    expect(j.next).toMatchObject({ step: 'finetune', title: 'Next: close the gap to the target' });
  });

  it('keeps to its own project, counts only succeeded evaluations, and reads lower-is-better metrics', async () => {
    const store = open(tempDir());
    const p = store.projects.create({ name: 'Stories', task: 'generation', metric: 'perplexity', target: 5 });
    const other = store.projects.create({ name: 'Other', task: 'generation', metric: 'perplexity', target: 5 });
    store.datasets.insert({ ...dataset('ds_other', other.id), name: 'other-test' });
    const model = store.models.create({ name: 'm', architecture: 'llama', path: 'x', config: {}, parameterCount: 1, source: 'llama2.c' });
    const failed = store.runs.create({ kind: 'evaluation', name: 'f', projectId: p.id, config: { model } });
    store.runs.setStatus(failed.id, 'failed');
    let j = projectJourney(store, p.id);
    expect(step(j, 'data').state).toBe('next');
    expect(step(j, 'evaluate').state).toBe('todo');
    store.datasets.insert(dataset('ds_1', p.id));
    // A perplexity run has no template: it does not count as prompting, but it is an evaluation.
    const run = store.runs.create({ kind: 'evaluation', name: 'ppl', projectId: p.id, config: { model, template: null } });
    store.runs.addMetric({ runId: run.id, step: 0, name: 'perplexity', value: 4 });
    store.runs.setStatus(run.id, 'succeeded');
    j = projectJourney(store, p.id);
    expect(step(j, 'scope').summary).toBe('Text generation · Perplexity ≤ 5');
    expect(step(j, 'evaluate')).toMatchObject({ state: 'done', effect: { higherIsBetter: false, after: 4 } });
    expect(j.next.step).toBe('prompt');
  });

  it('answers through the Studio API, its result checked against the contract, and names a missing project', async () => {
    const studio = new Studio({ dataDir: tempDir(), mode: 'serve' });
    try {
      const p = await studio.call('projects.create', { name: 'Q&A', task: 'qa', metric: 'f1', target: 0.6 });
      const j = await studio.call('projects.journey', { id: p.id });
      expect(j.next).toMatchObject({ step: 'data', action: { label: 'Import a dataset', route: '#/datasets' } });
      expect(j.steps.map((s) => s.id)).toEqual(['scope', 'data', 'select', 'prompt', 'finetune', 'evaluate', 'integrate']);
      await expect(studio.call('projects.journey', { id: 'proj_nope' })).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/project proj_nope does not exist/) });
    } finally {
      await studio.close();
    }
  });
});
