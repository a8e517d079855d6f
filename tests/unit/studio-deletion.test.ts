// Deleting a dataset, a project or a document collection through the Studio API: what it touches is said first
// (datasets.usage, projects.usage), nothing else is lost (the runs that read a dataset or searched a collection stay;
// a project's datasets, runs and collections stay, in no project), and work still using the item (a job, a run a live
// process writes, a foreground command's in-use marker) refuses the delete instead of failing later.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { markInUse } from '../../native/store/in-use.ts';
import { collectionUsage } from '../../native/studio/deletion.ts';
import type { Studio } from '../../native/studio/studio.ts';
import { refusal, tempStudios } from './studio-calls.ts';

const studios = tempStudios('lathe-deletion-', 'electron');

async function withDataset(name = 'cls'): Promise<{ studio: Studio; dataDir: string; id: string }> {
  const { studio, dataDir } = studios.open();
  const file = path.join(dataDir, `${name}.tsv`);
  fs.writeFileSync(file, `text\tlabel\n${Array.from({ length: 20 }, (_, i) => `row ${i}\t${i % 2}`).join('\n')}\n`);
  const d = await importDataset({ path: file, name, split: { train: 0.5, validation: 0.25, test: 0.25 } }, { store: studio.store, dataDir });
  return { studio, dataDir, id: d.id };
}

describe('deleting a dataset', () => {
  it('names the runs that read it, which stay with their scores after it is gone', async () => {
    const { studio, dataDir, id } = await withDataset();
    const runs = studio.store.runs;
    const trained = runs.create({ kind: 'finetune', name: 'ft', config: { datasetId: id } });
    const scored = runs.create({ kind: 'evaluation', name: 'eval', config: { dataset: { id, name: 'cls' }, split: 'test' } });
    const shots = runs.create({ kind: 'evaluation', name: 'few-shot', config: { dataset: { id: 'ds_other' }, template: { shotsFrom: { id, name: 'cls' } } } });
    runs.create({ kind: 'evaluation', name: 'elsewhere', config: { dataset: { id: 'ds_other' } } });
    runs.create({ kind: 'generation', name: 'no config' });
    runs.addMetric({ runId: scored.id, step: 0, name: 'accuracy', value: 0.5 });

    const usage = await studio.call('datasets.usage', { id });
    expect(usage.runs.map((r) => r.id)).toEqual([trained.id, scored.id, shots.id]);
    expect(usage.busy).toBeNull();

    expect(await studio.call('datasets.delete', { id })).toEqual({ deleted: true, kept: { runs: 3 } });
    expect(fs.existsSync(path.join(dataDir, 'datasets', id))).toBe(false);
    expect(studio.store.runs.get(scored.id)?.config).toEqual({ dataset: { id, name: 'cls' }, split: 'test' });
    expect((await studio.call('runs.metrics', { id: scored.id })).map((m) => m.value)).toEqual([0.5]);
    expect((await refusal(studio.call('datasets.usage', { id }))).code).toBe('not_found');
    expect(await studio.call('datasets.delete', { id })).toEqual({ deleted: false, kept: { runs: 0 } });
  });

  it('is refused while a job reads it (named by name or id, or resuming a run on it), saying which and what to do', async () => {
    const { studio, id } = await withDataset();
    const job = studio.store.jobs.create('evaluation', { dataset: 'cls', model: 'm', projectId: null });
    const busy = (await studio.call('datasets.usage', { id })).busy;
    expect(busy).toBe(`job ${job.id} (evaluation) is queued on it; cancel it or let it finish, then delete the dataset`);
    const refused = await refusal(studio.call('datasets.delete', { id }));
    expect([refused.code, refused.message]).toEqual(['conflict', `dataset cls (${id}) cannot be deleted now: ${busy}`]);
    expect(studio.store.datasets.get(id)).toBeDefined();
    studio.store.jobs.update(job.id, { state: 'cancelled' });

    const run = studio.store.runs.create({ kind: 'finetune', name: 'ft', status: 'failed', config: { datasetId: id } });
    const resume = studio.store.jobs.create('finetune', { resumeRunId: run.id });
    expect((await studio.call('datasets.usage', { id })).busy).toMatch(new RegExp(`^job ${resume.id} \\(finetune\\) is queued on it`));
    studio.store.jobs.update(resume.id, { state: 'failed' });
    expect((await studio.call('datasets.delete', { id })).deleted).toBe(true);
  });

  it('leaves a training run that read it unable to resume, and says why', async () => {
    const { studio, id } = await withDataset();
    const run = studio.store.runs.create({ kind: 'finetune', name: 'ft', config: { datasetId: id } });
    studio.store.runs.setStatus(run.id, 'running');
    studio.store.runs.setStatus(run.id, 'interrupted');
    await studio.call('datasets.delete', { id });
    const refused = await refusal(studio.call('train.resume', { runId: run.id }));
    expect([refused.code, refused.message]).toEqual(['conflict', `run ${run.id} cannot resume: the dataset it trained on (${id}) has been deleted; start a new run on another dataset`]);
    expect(await studio.call('jobs.list', {})).toEqual([]);
  });

  it('says before a click why such a run cannot resume (train.resumable), in the words train.resume refuses with', async () => {
    const { studio, dataDir, id } = await withDataset();
    const modelDir = path.join(dataDir, 'models', 'tiny');
    fs.mkdirSync(modelDir, { recursive: true });
    fs.writeFileSync(path.join(modelDir, 'config.json'), '{}');
    const model = studio.store.models.create({ name: 'tiny', architecture: 'LlamaForCausalLM', path: modelDir, config: {}, parameterCount: 1, source: 'test' });
    const run = studio.store.runs.create({ kind: 'finetune', name: 'ft', status: 'failed', config: { datasetId: id, modelId: model.id, modelName: 'tiny', modelPath: modelDir } });
    expect(await studio.call('train.resumable', { runId: run.id })).toEqual({ resumable: true, reason: null });

    await studio.call('datasets.delete', { id });
    const asked = await studio.call('train.resumable', { runId: run.id });
    const refused = await refusal(studio.call('train.resume', { runId: run.id }));
    expect(asked).toEqual({ resumable: false, reason: `cannot resume: the dataset it trained on (${id}) has been deleted; start a new run on another dataset` });
    expect([refused.code, refused.message]).toEqual(['conflict', `run ${run.id} ${asked.reason}`]);

    // its base model deleted (row and folder): the same answer from both, naming the model
    const other = await withDataset('other');
    const onOther = other.studio.store.runs.create({ kind: 'dpo', name: 'dpo', status: 'cancelled', config: { datasetId: other.id, modelName: 'tiny', modelPath: modelDir } });
    fs.rmSync(modelDir, { recursive: true });
    const noModel = await other.studio.call('train.resumable', { runId: onOther.id });
    expect(noModel).toEqual({ resumable: false, reason: `cannot resume: the model it trains from (tiny, ${modelDir}) has been deleted; start a new run from another model` });
    expect((await refusal(other.studio.call('train.resume', { runId: onOther.id }))).message).toBe(`run ${onOther.id} ${noModel.reason}`);

    const finished = other.studio.store.runs.create({ kind: 'finetune', name: 'done', status: 'succeeded', config: { datasetId: other.id } });
    expect(await other.studio.call('train.resumable', { runId: finished.id })).toEqual({ resumable: false, reason: 'already finished' });
    const scored = other.studio.store.runs.create({ kind: 'evaluation', name: 'eval', config: {} });
    expect((await other.studio.call('train.resumable', { runId: scored.id })).resumable).toBe(false);
  });
});

describe('deleting a project', () => {
  it('says what it holds, and keeps its datasets, runs and collections in no project', async () => {
    const { studio, id } = await withDataset();
    const project = await studio.call('projects.create', { name: 'p', task: 'classification' });
    await studio.call('datasets.setProject', { id, projectId: project.id });
    studio.store.runs.create({ kind: 'evaluation', name: 'eval', projectId: project.id, config: { dataset: { id } } });
    studio.store.runs.create({ kind: 'finetune', name: 'ft', projectId: project.id });
    studio.store.collections.create({ name: 'docs', projectId: project.id, tokenizerModel: null, embedModel: null, chunkTokens: 200, overlapTokens: 20 }, null);

    expect(await studio.call('projects.usage', { id: project.id })).toEqual({ datasets: 1, runs: 2, collections: 1, busy: null });
    expect(await studio.call('projects.delete', { id: project.id })).toEqual({ deleted: true, kept: { datasets: 1, runs: 2, collections: 1 } });
    expect(await studio.call('projects.list', {})).toEqual([]);
    expect((await studio.call('datasets.list', { projectId: null })).map((d) => d.id)).toEqual([id]);
    expect(await studio.call('runs.summaries', { projectId: null })).toHaveLength(2);
    expect(studio.store.collections.list(null).map((c) => c.name)).toEqual(['docs']);
    expect(await studio.call('projects.delete', { id: project.id })).toEqual({ deleted: false, kept: { datasets: 0, runs: 0, collections: 0 } });
  });

  it('is refused while a job works in it: the job would record its run into a project that is gone', async () => {
    const { studio } = studios.open();
    const project = await studio.call('projects.create', { name: 'p', task: 'classification' });
    const job = studio.store.jobs.create('evaluation', { dataset: 'cls', projectId: project.id });
    const refused = await refusal(studio.call('projects.delete', { id: project.id }));
    expect([refused.code, refused.message]).toEqual(['conflict', `project p (${project.id}) cannot be deleted now: job ${job.id} (evaluation) is queued in it; cancel it or let it finish, then delete the project`]);
    expect((await studio.call('projects.usage', { id: project.id })).busy).toMatch(/^job /);
    studio.store.jobs.update(job.id, { state: 'succeeded' });
    expect((await studio.call('projects.delete', { id: project.id })).deleted).toBe(true);
  });

  it('is refused while a lathe process records a run in it', async () => {
    const { studio } = studios.open();
    const project = await studio.call('projects.create', { name: 'p', task: 'classification' });
    const run = studio.store.runs.create({ kind: 'evaluation', name: 'cli eval', projectId: project.id, owner: { pid: process.pid, started: null } });
    studio.store.runs.setStatus(run.id, 'running', { pid: process.pid, started: null });
    expect((await studio.call('projects.usage', { id: project.id })).busy).toMatch(new RegExp(`^run ${run.id} \\(evaluation\\) is being recorded in it`));
    studio.store.runs.setStatus(run.id, 'succeeded');
    expect((await studio.call('projects.usage', { id: project.id })).busy).toBeNull();
  });
});

describe('deleting a document collection', () => {
  /** A collection with two documents of two chunks each, every chunk with a vector. */
  function withCollection(studio: Studio, name = 'harbour') {
    const store = studio.store;
    const col = store.collections.create({ name, projectId: null, tokenizerModel: null, embedModel: '/models/bert', chunkTokens: 32, overlapTokens: 4 }, 2);
    const chunk = (seq: number, text: string) => ({ seq, text, page: null, section: null, charStart: 0, charEnd: text.length, tokenCount: 2 });
    store.collections.addDocuments(col.id, ['a.txt', 'b.txt'].map((doc, i) => ({
      name: doc, sourcePath: `/docs/${doc}`, format: 'txt' as const, contentHash: String(i).repeat(64), charCount: 10, pageCount: null,
      chunks: [chunk(0, 'ferry runs'), chunk(1, 'hourly')], vectors: [new Float32Array([1, 0]), new Float32Array([0, 1])],
    })));
    return store.collections.get(col.id)!;
  }
  const rows = (studio: Studio, table: string, id: string) => (studio.store.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE collection_id = ?`).get(id) as { n: number }).n;

  it('takes its documents, chunks and vectors; the evaluation runs that searched it stay, with their scores', async () => {
    const { studio } = studios.open();
    const col = withCollection(studio);
    const other = withCollection(studio, 'other');
    const scored = studio.store.runs.create({ kind: 'evaluation', name: 'bm25', status: 'succeeded', config: { retrieval: { collection: { id: col.id, name: col.name }, mode: 'bm25' } } });
    studio.store.runs.addMetric({ runId: scored.id, step: 0, name: 'mrr', value: 0.5 });
    studio.store.runs.create({ kind: 'evaluation', name: 'elsewhere', status: 'succeeded', config: { retrieval: { collection: { id: other.id } } } });
    expect([rows(studio, 'documents', col.id), rows(studio, 'chunks', col.id), rows(studio, 'chunk_vectors', col.id)]).toEqual([2, 4, 4]);
    // a search first, so the studio keeps an index of it to let go of
    expect((await studio.call('collections.search', { collection: 'harbour', query: 'ferry', mode: 'bm25', k: 1 }))[0].text).toBe('ferry runs');

    expect(await studio.call('collections.delete', { id: 'harbour' })).toEqual({ deleted: true, kept: { runs: 1 } });
    expect([rows(studio, 'documents', col.id), rows(studio, 'chunks', col.id), rows(studio, 'chunk_vectors', col.id)]).toEqual([0, 0, 0]);
    expect((await studio.call('collections.list', {})).map((c) => c.name)).toEqual(['other']);
    expect(rows(studio, 'chunks', other.id)).toBe(4);
    expect((await studio.call('runs.metrics', { id: scored.id })).map((m) => m.value)).toEqual([0.5]);
    expect((await refusal(studio.call('collections.search', { collection: col.id, query: 'ferry', mode: 'bm25', k: 1 }))).code).toBe('not_found');
    expect((await refusal(studio.call('collections.delete', { id: col.id }))).code).toBe('not_found');
  });

  it('is refused while a job imports into it or a lathe process evaluates it, saying which and what to do', async () => {
    const { studio } = studios.open();
    const col = withCollection(studio);
    const job = studio.store.jobs.create('docs-import', { collection: col.id, paths: ['/docs'] });
    const refused = await refusal(studio.call('collections.delete', { id: col.id }));
    expect([refused.code, refused.message]).toEqual(['conflict', `collection harbour (${col.id}) cannot be deleted now: job ${job.id} (docs-import) is queued on it; cancel it or let it finish, then delete the collection`]);
    studio.store.jobs.update(job.id, { state: 'cancelled' });
    const named = studio.store.jobs.create('retrieval-eval', { collection: 'harbour', dataset: 'qa' }); // as the person named it
    expect((await refusal(studio.call('collections.delete', { id: col.id }))).message).toContain(`job ${named.id} (retrieval-eval) is queued on it`);
    studio.store.jobs.update(named.id, { state: 'failed' });

    const owner = { pid: process.pid, started: null };
    const run = studio.store.runs.create({ kind: 'evaluation', name: 'cli eval', config: { retrieval: { collection: { id: col.id, name: col.name } } }, owner });
    studio.store.runs.setStatus(run.id, 'running', owner);
    expect((await refusal(studio.call('collections.delete', { id: col.id }))).message).toBe(`collection harbour (${col.id}) cannot be deleted now: run ${run.id} (evaluation) is searching it in a 'lathe' process; stop that process or let it finish, then delete the collection`);
    studio.store.runs.setStatus(run.id, 'succeeded');
    expect(await studio.call('collections.delete', { id: col.id })).toEqual({ deleted: true, kept: { runs: 1 } });
  });

  it('is refused while a foreground lathe command marks it in use (by id or by name), naming the command and pid, as for a model', async () => {
    const { studio, dataDir } = studios.open();
    const col = withCollection(studio);
    for (const key of [col.id, col.name]) {
      const mark = markInUse(dataDir, "'lathe docs add'", { collections: [key] });
      try {
        const usage = collectionUsage(studio.store, col);
        expect(usage.busy).toMatch(new RegExp(`^'lathe docs add' \\(process ${process.pid}, since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\) is using it; stop that command \\(Ctrl-C in its terminal, or kill ${process.pid}\\) or let it finish, then delete the collection$`));
        const refused = await refusal(studio.call('collections.delete', { id: col.id }));
        expect([refused.code, refused.message]).toEqual(['conflict', `collection harbour (${col.id}) cannot be deleted now: ${usage.busy}`]);
      } finally {
        mark.release();
      }
    }
    // a marker naming models only (as older lathe versions wrote them) or another collection leaves it free
    const other = markInUse(dataDir, "'lathe generate'", { models: [col.name], collections: ['col_other'] });
    try {
      expect(await studio.call('collections.delete', { id: col.id })).toEqual({ deleted: true, kept: { runs: 0 } });
    } finally {
      other.release();
    }
  });
});
