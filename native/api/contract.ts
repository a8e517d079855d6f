// The Studio API contract: every method's name, argument schema and result schema, and every event, once.
// Electron's IPC (electron/ipc.ts), the HTTP server of `lathe serve` (native/serve) and the renderer's client
// are all typed and validated from this map.
import { z } from 'zod';
import {
  Artifact, Dataset, DatasetImportInput, ColumnMapping, Job, Project, ProjectInput, ProjectPatch, Run, RunMetric, RunSummary, RunNote, RunTag, RunTags,
} from './schemas.ts';
import { evalMethods } from './eval.ts';
import { trainMethods } from './train.ts';
import { alignMethods } from './align.ts';
import { modelEvents, modelMethods } from './models.ts';
import { insideMethods } from './inside.ts';
import { journeyMethods } from './journey.ts';
import { ragMethods } from './rag.ts';
import { deployMethods } from './deploy.ts';
import { serveApiMethods } from './serve-api.ts';

const Id = z.object({ id: z.string().min(1) });
/** Which runs runs.list and runs.summaries return (oldest first): a project's (null: none), a kind, a tag. */
const RunFilter = z.object({ projectId: z.string().nullable().optional(), kind: z.string().optional(), tag: RunTag.optional() });

export const methods = {
  'system.info': { params: z.object({}), result: z.object({ version: z.string(), dataDir: z.string(), mode: z.enum(['electron', 'serve', 'cli']) }) },

  'projects.list': { params: z.object({}), result: z.array(Project) },
  'projects.get': { params: Id, result: Project },
  'projects.create': { params: ProjectInput, result: Project },
  'projects.update': { params: z.object({ id: z.string(), patch: ProjectPatch }), result: Project },
  /**
   * What deleting the project would touch, asked before a confirmation: its datasets, runs and document collections
   * (they stay, in no project), and `busy`, why it cannot be deleted now (work still running in it), else null.
   */
  'projects.usage': { params: Id, result: z.object({ datasets: z.number().int(), runs: z.number().int(), collections: z.number().int(), busy: z.string().nullable() }) },
  /** Refused (conflict) while work runs in the project; its datasets, runs and collections stay, in no project (`kept`). */
  'projects.delete': { params: Id, result: z.object({ deleted: z.boolean(), kept: z.object({ datasets: z.number().int(), runs: z.number().int(), collections: z.number().int() }) }) },

  'datasets.list': { params: z.object({ projectId: z.string().nullable().optional() }), result: z.array(Dataset) },
  'datasets.get': { params: Id, result: Dataset },
  /** Starts an import job; progress arrives as job events. */
  'datasets.import': { params: DatasetImportInput, result: Job },
  'datasets.rows': {
    params: z.object({
      id: z.string(),
      split: z.enum(['train', 'validation', 'test', 'all']).default('all'),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(20),
    }),
    result: z.object({ columns: z.array(z.string()), rows: z.array(z.record(z.string(), z.unknown())), total: z.number().int() }),
  },
  /** The labels the default classification prompt names ("Answer with one of: …"): [] without a label column or past 20 labels. */
  'datasets.promptLabels': { params: Id, result: z.array(z.string()) },
  'datasets.setMapping': { params: z.object({ id: z.string(), mapping: ColumnMapping }), result: Dataset },
  /** Move a dataset into a project (one imported without --project, say), or out of any (`null`). */
  'datasets.setProject': { params: z.object({ id: z.string().min(1), projectId: z.string().min(1).nullable() }), result: Dataset },
  /**
   * What deleting the dataset would touch, asked before a confirmation: the runs that read it (they stay, with their
   * scores, and show the dataset as deleted), and `busy`, why it cannot be deleted now (a job reading it), else null.
   */
  'datasets.usage': { params: Id, result: z.object({ runs: z.array(RunSummary), busy: z.string().nullable() }) },
  /** Refused (conflict) while a job or a lathe process reads it; the runs that read it stay (`kept`). */
  'datasets.delete': { params: Id, result: z.object({ deleted: z.boolean(), kept: z.object({ runs: z.number().int() }) }) },

  /** The newest jobs; with runId, only the jobs that drove that run (one per attempt: a resume adds one). */
  'jobs.list': { params: z.object({ limit: z.number().int().min(1).max(500).default(50), runId: z.string().min(1).optional() }), result: z.array(Job) },
  'jobs.get': { params: Id, result: Job },
  'jobs.cancel': { params: Id, result: Job },
  'jobs.logs': { params: z.object({ id: z.string(), tail: z.number().int().min(1).max(5000).default(200) }), result: z.array(z.object({ time: z.string(), level: z.string(), line: z.string() })) },

  /** Oldest first; `tag` keeps the runs that carry it. */
  'runs.list': { params: RunFilter, result: z.array(Run) },
  /** runs.list without each run's config: 2,000 runs are 0.6 MB instead of 2.2. */
  'runs.summaries': { params: RunFilter, result: z.array(RunSummary) },
  'runs.get': { params: Id, result: Run },
  /**
   * By name, then step. `maxPoints` thins each longer series to at most that many points for a chart (its ends and
   * each bucket's min and max kept, so a spike or the best step survives); without it, every recorded point.
   */
  'runs.metrics': { params: z.object({ id: z.string(), name: z.string().optional(), maxPoints: z.number().int().min(4).max(100_000).optional() }), result: z.array(RunMetric) },
  /** The files a run produced (adapter, model, predictions, generation output), each with its size and sha256. */
  'runs.artifacts': { params: Id, result: z.array(Artifact) },
  /** A playground generation's prompt and the text it generated (its recorded output.json); null until it finishes. */
  'runs.generationOutput': {
    params: Id,
    result: z.object({ prompt: z.string(), text: z.string(), finishReason: z.string(), contextFull: z.number().int().nullable(), generatedTokens: z.number().int() }).nullable(),
  },
  /** What a person writes on a run: `tags` replaces the whole list (repeats dropped), `note` the whole text. */
  'runs.update': {
    params: z.object({ id: z.string().min(1), tags: RunTags.optional(), note: RunNote.optional() })
      .refine((p) => p.tags !== undefined || p.note !== undefined, { message: 'give tags or note (or both) to change', path: ['tags'] }),
    result: Run,
  },
  /** Remove a run with its metrics, artifacts' records and its runs/<id>/ folder; refused while it is running. */
  'runs.delete': { params: Id, result: z.object({ deleted: z.boolean() }) },
  ...evalMethods,
  ...trainMethods,
  ...alignMethods,
  ...modelMethods,
  ...insideMethods,
  ...journeyMethods,
  ...ragMethods,
  ...deployMethods,
  ...serveApiMethods,
} as const;

export type MethodName = keyof typeof methods;
export type Params<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type Result<M extends MethodName> = z.infer<(typeof methods)[M]['result']>;

/** Events pushed from the engine to listeners (IPC `studio:event` in Electron, server-sent events in serve mode). */
export const events = {
  'job.updated': Job,
  'job.log': z.object({ jobId: z.string(), time: z.string(), level: z.string(), line: z.string() }),
  'run.metric': RunMetric,
  ...modelEvents,
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
export type StudioEvent = { [E in EventName]: { type: E; payload: EventPayload<E> } }[EventName];

/** What the renderer sees, whatever the transport. Every method returns a Promise. */
export interface StudioClient {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  /** Subscribe to all events; returns an unsubscribe function. */
  listen(listener: (event: StudioEvent) => void): () => void;
}

/** An error returned over the API: a message meant for the user, and where it applies (file, line, field). */
export const ApiError = z.object({
  code: z.enum(['invalid_params', 'not_found', 'conflict', 'unauthorized', 'internal', 'unknown_method']),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiError>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
