// Deleting a dataset, a project, a model or a document collection, and saying first what that touches. Nothing else
// goes with them: the runs that read a dataset stay, with their scores, and show it as deleted; a project's datasets,
// runs and collections stay, in no project (the Datasets, Runs and Documents pages list those apart); the runs that
// used a model stay, and so do the models made from it (a quantised or merged model is a copy in its own folder); a
// collection's documents, chunks and vectors go (the files they were read from stay), the evaluation runs that
// searched it stay. Refused while work still uses the item: a job reading a deleted dataset, model or collection
// would fail half-way, and one recording runs into a deleted project would fail at its first write (runs.project_id
// must name a project).
import fs from 'node:fs';
import type { methods } from '../api/contract.ts';
import { StudioError } from '../api/errors.ts';
import type { Collection } from '../api/rag.ts';
import { isFinishedState, type Dataset, type Model, type Project, type RunSummary } from '../api/schemas.ts';
import { datasetDir } from '../data/files.ts';
import type { Store } from '../store/db.ts';
import { busyUnder, liveUseOf } from '../store/in-use.ts';
import type { HandlersFor } from './context.ts';

type DeletionMethods = Pick<typeof methods, 'datasets.usage' | 'datasets.delete' | 'projects.usage' | 'projects.delete'>;

/** The runs that read `dataset`, and why it cannot be deleted now (a job or a lathe process reading it), else null. */
export function datasetUsage(store: Store, dataset: Dataset): { runs: RunSummary[]; busy: string | null } {
  const runs = store.runs.usingDataset(dataset.id);
  const named = (v: unknown) => v === dataset.id || v === dataset.name; // a job's params name it as the person did
  const job = store.jobs.open().find((j) => {
    const p = (j.params ?? {}) as { dataset?: unknown; shotsFrom?: unknown; resumeRunId?: unknown };
    return named(p.dataset) || named(p.shotsFrom) || runs.some((r) => r.id === p.resumeRunId);
  });
  if (job) return { runs, busy: `job ${job.id} (${job.kind}) is ${job.state} on it; cancel it or let it finish, then delete the dataset` };
  const live = runs.find((r) => !isFinishedState(r.status) && store.runs.hasLiveOwner(r.id));
  if (live) return { runs, busy: `run ${live.id} (${live.kind}) is reading it in a 'lathe' process; stop that process or let it finish, then delete the dataset` };
  return { runs, busy: null };
}

/** How much project `project` holds, and why it cannot be deleted now (work still recording into it), else null. */
export function projectUsage(store: Store, project: Project): { datasets: number; runs: number; collections: number; busy: string | null } {
  const counts = { datasets: store.datasets.list(project.id).length, runs: store.runs.summaries({ projectId: project.id }).length, collections: store.collections.list(project.id).length };
  const job = store.jobs.open().find((j) => (j.params as { projectId?: unknown } | null)?.projectId === project.id);
  if (job) return { ...counts, busy: `job ${job.id} (${job.kind}) is ${job.state} in it; cancel it or let it finish, then delete the project` };
  const live = store.runs.liveOwned(project.id)[0];
  if (live) return { ...counts, busy: `run ${live.id} (${live.kind}) is being recorded in it by a 'lathe' process or the playground; stop it or let it finish, then delete the project` };
  return { ...counts, busy: null };
}

/**
 * Why model `model` cannot be deleted now (a job or a live process using it), else null. A job names it as the
 * person did (params model, judge; modelId once resolved), through the run it resumes, or through the collection it
 * embeds documents into; a `lathe` process in the foreground or the playground through the open run it writes; a
 * foreground command that writes no run (generate, quantize, merge, export, serve-api) through its marker
 * (store/in-use.ts). The CLI's `lathe model delete` asks through models.delete, so both refuse alike.
 */
export function modelBusy(store: Store, model: Model): string | null {
  const named = (v: unknown) => v === model.id || v === model.name;
  const job = store.jobs.open().find((j) => {
    const p = (j.params ?? {}) as { model?: unknown; modelId?: unknown; judge?: unknown; resumeRunId?: unknown; collection?: unknown };
    if (named(p.model) || named(p.modelId) || named(p.judge)) return true;
    const resumed = typeof p.resumeRunId === 'string' ? store.runs.get(p.resumeRunId)?.config as { modelId?: unknown; model?: { id?: unknown } } | undefined : undefined;
    if (resumed && (named(resumed.modelId) || named(resumed.model?.id))) return true;
    return typeof p.collection === 'string' && store.collections.get(p.collection)?.embedModelId === model.id;
  });
  if (job) return `job ${job.id} (${job.kind}) is ${job.state} with it; cancel it or let it finish, then delete the model`;
  const live = store.runs.liveOwnedUsingModel(model.id)[0];
  if (live) return `run ${live.id} (${live.kind}) is using it in a 'lathe' process or the playground; stop it or let it finish, then delete the model`;
  const use = liveUseOf(store.dataDir, 'models', model);
  if (use) return busyUnder(use, 'model');
  return null;
}

/**
 * The runs that searched collection `collection`, and why it cannot be deleted now, else null: a job that names it
 * (a 'docs-import' adding documents, a 'retrieval-eval' searching it: by id once the studio resolved it, or as the
 * person named it), a `lathe docs eval` in the foreground writing a run that searches it, or a foreground command
 * that records no run (docs add, docs search, ask) through its marker (store/in-use.ts).
 */
export function collectionUsage(store: Store, collection: Collection): { runs: RunSummary[]; busy: string | null } {
  const runs = store.runs.usingCollection(collection.id);
  const named = (v: unknown) => v === collection.id || v === collection.name;
  const job = store.jobs.open().find((j) => named((j.params as { collection?: unknown } | null)?.collection));
  if (job) return { runs, busy: `job ${job.id} (${job.kind}) is ${job.state} on it; cancel it or let it finish, then delete the collection` };
  const live = runs.find((r) => !isFinishedState(r.status) && store.runs.hasLiveOwner(r.id));
  if (live) return { runs, busy: `run ${live.id} (${live.kind}) is searching it in a 'lathe' process; stop that process or let it finish, then delete the collection` };
  const use = liveUseOf(store.dataDir, 'collections', collection);
  if (use) return { runs, busy: busyUnder(use, 'collection') };
  return { runs, busy: null };
}

/**
 * Delete collection `collection` with its documents, chunks and vectors (the schema cascades), unless work uses it:
 * the studio's collections.delete and `lathe docs delete`. `releaseIndex` lets go of what the caller keeps of it in
 * memory (the studio's search index) first.
 */
export async function deleteCollection(store: Store, collection: Collection, releaseIndex: (collectionId: string) => Promise<void> = async () => undefined): Promise<{ deleted: boolean; kept: { runs: number } }> {
  const { runs, busy } = collectionUsage(store, collection);
  if (busy) throw new StudioError('conflict', `collection ${collection.name} (${collection.id}) cannot be deleted now: ${busy}`, { field: 'id' });
  await releaseIndex(collection.id);
  return { deleted: store.collections.delete(collection.id), kept: { runs: runs.length } };
}

export const deletionHandlers: HandlersFor<DeletionMethods> = {
  'datasets.usage': ({ id }, _raw, { store }) => datasetUsage(store, store.datasets.find(id, 'id')),
  'datasets.delete': ({ id }, _raw, { store, dataDir }) => {
    const dataset = store.datasets.get(id);
    if (!dataset) return { deleted: false, kept: { runs: 0 } };
    const { runs, busy } = datasetUsage(store, dataset);
    if (busy) throw new StudioError('conflict', `dataset ${dataset.name} (${dataset.id}) cannot be deleted now: ${busy}`, { field: 'id' });
    // Row first, then files: a crash in between leaves an orphan folder (swept later), never a row without rows.
    const deleted = store.datasets.delete(dataset.id);
    if (deleted) fs.rmSync(datasetDir(dataDir, dataset.id), { recursive: true, force: true });
    return { deleted, kept: { runs: runs.length } };
  },
  'projects.usage': ({ id }, _raw, { store }) => projectUsage(store, store.projects.find(id, 'id')),
  'projects.delete': ({ id }, _raw, { store }) => {
    const project = store.projects.get(id);
    if (!project) return { deleted: false, kept: { datasets: 0, runs: 0, collections: 0 } };
    const { busy, ...kept } = projectUsage(store, project);
    if (busy) throw new StudioError('conflict', `project ${project.name} (${project.id}) cannot be deleted now: ${busy}`, { field: 'id' });
    // The schema's ON DELETE SET NULL moves its datasets, runs and collections out of it, in the same statement.
    return { deleted: store.projects.delete(project.id), kept };
  },
};
