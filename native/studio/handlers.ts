// One function per Studio API method, on top of the store, the job queue and the dataset files. The
// mapped type makes a missing or misspelt method a compile error.
import { createRequire } from 'node:module';
import type { methods } from '../api/contract.ts';
import { alignMethods } from '../api/align.ts';
import { deployMethods } from '../api/deploy.ts';
import { evalMethods } from '../api/eval.ts';
import { modelMethods } from '../api/models.ts';
import { ragMethods } from '../api/rag.ts';
import { trainMethods } from '../api/train.ts';
import { StudioError } from '../api/errors.ts';
import type { ProjectInput } from '../api/schemas.ts';
import { datasetDir, readRows } from '../data/files.ts';
import { precheckImport } from '../data/import.ts';
import { promptLabelsOf } from '../eval/runner-data.ts';
import type { HandlersFor } from './context.ts';
import { insideHandlers } from './inside.ts';
import { runHandlers } from './runs.ts';
import { deletionHandlers } from './deletion.ts';
import { lazyHandlers } from './lazy-handlers.ts';
import { serveApiHandlers } from './serve-api.ts';
import { projectJourney } from './journey.ts';

type Handlers = HandlersFor<typeof methods>;

/** The model group's methods whose names start with `prefix`: models.ts answers 'models.', generate.ts 'generate.'. */
const modelMethodsOf = <P extends string>(prefix: P) => Object.fromEntries(Object.entries(modelMethods).filter(([name]) => name.startsWith(prefix))) as
  Pick<typeof modelMethods, Extract<keyof typeof modelMethods, `${P}${string}`>>;

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/**
 * Keep only the fields the caller sent: zod fills defaults even inside a partial schema, and a patch
 * of { name } must not reset the description to ''.
 */
function sentFields(parsed: Partial<ProjectInput>, raw: unknown): Partial<ProjectInput> {
  const sent = (raw ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(parsed) as (keyof ProjectInput)[]) {
    if (!(key in sent)) continue;
    if (key === 'constraints') {
      const sentC = (sent.constraints ?? {}) as Record<string, unknown>;
      out.constraints = Object.fromEntries(Object.entries(parsed.constraints ?? {}).filter(([k]) => k in sentC));
    } else out[key] = parsed[key];
  }
  return out as Partial<ProjectInput>;
}

export const handlers: Handlers = {
  'system.info': (_p, _raw, ctx) => ({ version, dataDir: ctx.dataDir, mode: ctx.mode }),

  'projects.list': (_p, _raw, { store }) => store.projects.list(),
  'projects.get': ({ id }, _raw, { store }) => store.projects.find(id, 'id'),
  'projects.create': (input, _raw, { store }) => store.projects.create(input),
  'projects.update': ({ id, patch }, raw, { store }) => {
    store.projects.find(id, 'id');
    return store.projects.update(id, sentFields(patch, (raw as { patch?: unknown }).patch))!;
  },
  'projects.journey': ({ id }, _raw, { store }) => projectJourney(store, id),

  'datasets.list': ({ projectId }, _raw, { store }) => store.datasets.list(projectId),
  'datasets.get': ({ id }, _raw, { store }) => store.datasets.find(id, 'id'),
  'datasets.import': (input, _raw, { store, queue }) => {
    // Refuse at once what can be refused without reading the file (missing file, unknown format, bad split).
    return queue.enqueue('dataset-import', precheckImport(input, store).resolved);
  },
  'datasets.rows': ({ id, split, offset, limit }, _raw, { store, dataDir }) => {
    const dataset = store.datasets.find(id, 'id');
    const { rows, total } = readRows(datasetDir(dataDir, dataset.id), split, offset, limit);
    return { columns: dataset.columns, rows, total };
  },
  'datasets.promptLabels': ({ id }, _raw, { store, dataDir }) => promptLabelsOf(dataDir, store.datasets.find(id, 'id')),
  'datasets.setMapping': ({ id, mapping }, _raw, { store }) => {
    const dataset = store.datasets.find(id, 'id');
    for (const [field, column] of Object.entries(mapping)) {
      if (!dataset.columns.includes(column)) {
        const columns = dataset.columns.join(', ');
        const message = `'${field}' is mapped to column '${column}', which dataset ${dataset.name} does not have (columns: ${columns})`;
        throw new StudioError('invalid_params', message, { field: 'mapping' });
      }
    }
    return store.datasets.setMapping(dataset.id, mapping)!;
  },
  'datasets.setProject': ({ id, projectId }, _raw, { store }) => {
    const dataset = store.datasets.find(id, 'id');
    if (projectId !== null) store.projects.find(projectId, 'projectId');
    return store.datasets.setProject(dataset.id, projectId)!;
  },

  'jobs.list': ({ limit, runId }, _raw, { store }) => store.jobs.list(limit, runId),
  'jobs.get': ({ id }, _raw, { store }) => store.jobs.find(id, 'id'),
  'jobs.cancel': ({ id }, _raw, { queue }) => queue.cancel(id),
  'jobs.logs': ({ id, tail }, _raw, { store }) => {
    store.jobs.find(id, 'id');
    return store.jobs.logs(id, tail);
  },

  'runs.list': ({ projectId, kind, tag }, _raw, { store }) => store.runs.list({ projectId, kind, tag }),
  'runs.summaries': ({ projectId, kind, tag }, _raw, { store }) => store.runs.summaries({ projectId, kind, tag }),
  'runs.get': ({ id }, _raw, { store }) => store.runs.find(id, 'id'),
  'runs.metrics': ({ id, name, maxPoints }, _raw, { store }) => {
    store.runs.find(id, 'id');
    return store.runs.metrics(id, name, maxPoints);
  },
  ...deletionHandlers,
  ...runHandlers,
  // the groups that load onnxruntime and the engine: imported at their first call (lazy-handlers.ts)
  ...lazyHandlers(evalMethods, async () => (await import('./eval.ts')).evalHandlers),
  ...lazyHandlers(trainMethods, async () => (await import('./train.ts')).trainHandlers),
  ...lazyHandlers(alignMethods, async () => (await import('./align.ts')).alignHandlers),
  ...lazyHandlers(ragMethods, async () => (await import('./rag.ts')).ragHandlers),
  ...lazyHandlers(modelMethodsOf('models.'), async () => (await import('./models.ts')).modelHandlers),
  // tokenizers and chat templates (@huggingface/tokenizers, jinja)
  ...lazyHandlers(modelMethodsOf('generate.'), async () => (await import('./generate.ts')).generateHandlers),
  ...insideHandlers,
  ...lazyHandlers(deployMethods, async () => (await import('./deploy.ts')).deployHandlers),
  ...serveApiHandlers,
};
