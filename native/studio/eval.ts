// Studio API handlers for evaluation, comparison and the project scorecard (schemas in native/api/eval.ts).
import { StudioError } from '../api/errors.ts';
import type { evalMethods } from '../api/eval.ts';
import { compareRuns, examplesPage, joinedExamplesForRuns } from '../eval/compare.ts';
import { comparisonToJson, examplesToCsv, metricsToCsv } from '../eval/compare-export.ts';
import { runExamplesPage } from '../eval/predictions.ts';
import { checkAdapter } from '../eval/runner-adapter.ts';
import { expandMetrics } from '../eval/scoring.ts';
import { projectScorecard } from '../eval/scorecard.ts';
import { evaluationSummary } from '../eval/summary.ts';
import type { HandlersFor } from './context.ts';

type EvalHandlers = HandlersFor<typeof evalMethods>;

export const evalHandlers: EvalHandlers = {
  'eval.start': (input, _raw, { store, queue }) => {
    // Refuse at once what can be checked without loading the model; the job reports the rest.
    try {
      expandMetrics(input.metrics);
    } catch (err) {
      throw new StudioError('invalid_params', (err as Error).message, { field: 'metrics' });
    }
    const model = store.models.findDecoder(input.model, 'generate answers for an evaluation');
    if (input.adapterPath !== null) checkAdapter(input.adapterPath, model);
    store.datasets.find(input.dataset);
    if (input.projectId !== null) store.projects.find(input.projectId);
    return queue.enqueue('evaluation', input);
  },
  'eval.get': ({ id }, _raw, { store, dataDir }) => evaluationSummary(store, dataDir, id),
  'eval.examples': ({ id, offset, limit }, _raw, { store, dataDir }) => runExamplesPage(store, dataDir, id, offset, limit),
  'runs.compare': ({ runIds }, _raw, { store, dataDir }) => compareRuns(store, runIds, dataDir),
  'runs.examples': (query, _raw, { store, dataDir }) => examplesPage(store, dataDir, query),
  'runs.export': ({ runIds, format, metric }, _raw, { store, dataDir }) => {
    const comparison = compareRuns(store, runIds, dataDir);
    // Evaluation runs export their joined examples; other runs (training) the metrics table alone.
    const evaluations = comparison.runs.every((r) => r.template !== null);
    const page = evaluations ? joinedExamplesForRuns(store, dataDir, { runIds, metric, sort: 'index' }) : null;
    const content = format === 'json' ? comparisonToJson(comparison, page) : page ? examplesToCsv(page) : metricsToCsv(comparison);
    return { format, filename: `compare-${runIds.join('-')}.${format}`, content };
  },
  'projects.scorecard': ({ id }, _raw, { store }) => projectScorecard(store, id),
};
