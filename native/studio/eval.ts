// Studio API handlers for evaluation, comparison and the project scorecard (schemas in native/api/eval.ts).
import type { z } from 'zod';
import { StudioError } from '../api/errors.ts';
import type { evalMethods } from '../api/eval.ts';
import { compareRuns, examplesPage, joinedExamplesForRuns } from '../eval/compare.ts';
import { comparisonToJson, examplesToCsv, metricsToCsv } from '../eval/compare-export.ts';
import { runExamples } from '../eval/predictions.ts';
import { checkAdapter } from '../eval/runner-adapter.ts';
import { findDataset } from '../eval/runner-data.ts';
import { expandMetrics } from '../eval/scoring.ts';
import { projectScorecard } from '../eval/scorecard.ts';
import { evaluationSummary } from '../eval/summary.ts';
import type { HandlerContext } from './handlers.ts';

type EvalMethod = keyof typeof evalMethods;
type EvalHandlers = { [M in EvalMethod]: (params: z.output<(typeof evalMethods)[M]['params']>, raw: unknown, ctx: HandlerContext) => z.infer<(typeof evalMethods)[M]['result']> | Promise<z.infer<(typeof evalMethods)[M]['result']>> };

export const evalHandlers: EvalHandlers = {
  'eval.start': (input, _raw, { store, queue }) => {
    // Refuse at once what can be checked without loading the model; the job reports the rest.
    try {
      expandMetrics(input.metrics);
    } catch (err) {
      throw new StudioError('invalid_params', (err as Error).message, { field: 'metrics' });
    }
    const models = store.models.list();
    const model = models.find((m) => m.id === input.model) ?? models.find((m) => m.name === input.model);
    if (!model) {
      throw new StudioError('not_found', `no model named '${input.model}' (models: ${models.map((m) => m.name).join(', ') || 'none yet'})`, { field: 'model' });
    }
    if (input.adapterPath !== null) checkAdapter(input.adapterPath, model);
    findDataset(store, input.dataset);
    if (input.projectId !== null && !store.projects.get(input.projectId)) throw new StudioError('not_found', `project ${input.projectId} does not exist`, { field: 'projectId' });
    return queue.enqueue('evaluation', input);
  },
  'eval.get': ({ id }, _raw, { store, dataDir }) => evaluationSummary(store, dataDir, id),
  'eval.examples': ({ id, offset, limit }, _raw, { store, dataDir }) => {
    const all = runExamples(store, dataDir, id);
    return { total: all.length, rows: all.slice(offset, offset + limit) };
  },
  'runs.compare': ({ runIds }, _raw, { store }) => compareRuns(store, runIds),
  'runs.examples': (query, _raw, { store, dataDir }) => examplesPage(store, dataDir, query),
  'runs.export': ({ runIds, format, metric }, _raw, { store, dataDir }) => {
    const comparison = compareRuns(store, runIds);
    // Evaluation runs export their joined examples; other runs (training) the metrics table alone.
    const evaluations = comparison.runs.every((r) => r.template !== null);
    const page = evaluations ? joinedExamplesForRuns(store, dataDir, { runIds, metric, sort: 'index' }) : null;
    const content = format === 'json' ? comparisonToJson(comparison, page) : page ? examplesToCsv(page) : metricsToCsv(comparison);
    return { format, filename: `compare-${runIds.join('-')}.${format}`, content };
  },
  'projects.scorecard': ({ id }, _raw, { store }) => projectScorecard(store, id),
};
