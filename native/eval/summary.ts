// An evaluation run read back from the store: its aggregates with intervals (in the order the run named its
// metrics), counts and timing, rebuilt from run_metrics, which are the one record of them.
import { StudioError } from '../api/errors.ts';
import { LOWER_IS_BETTER, oneRelevantPerQuery, type EvalSummary, type MetricValue } from '../api/eval.ts';
import { withArticle } from '../api/format.ts';
import { recordedInterval } from '../api/intervals.ts';
import type { Run, RunMetric } from '../api/schemas.ts';
import type { Store } from '../store/db.ts';
import { configView } from './compare.ts';
import { findPredictions } from './predictions.ts';

export function summarizeRun(run: Run, metrics: readonly RunMetric[], predictionsPath: string | null): EvalSummary {
  const last = new Map<string, number>();
  for (const m of [...metrics].sort((a, b) => a.step - b.step)) last.set(m.name, m.value);
  const get = (name: string) => last.get(name) ?? null;
  const values: MetricValue[] = configView(run)
    .metrics.filter((name) => last.has(name))
    .map((name) => ({ name, value: last.get(name)!, ci95: recordedInterval(name, last.get(name)!, get, oneRelevantPerQuery(run.config)), higherIsBetter: !LOWER_IS_BETTER.includes(name) }));
  return {
    run,
    status: run.status,
    examples: get('examples') ?? 0,
    plannedExamples: get('planned_examples'),
    requestedExamples: get('requested_examples'),
    shotsUsedMean: get('shots_used_mean'),
    metrics: values,
    timing: {
      latencyMsMean: get('latency_ms_mean'), latencyMsP50: get('latency_ms_p50'), latencyMsP95: get('latency_ms_p95'),
      tokensPerSecond: get('tokens_per_second'), totalSeconds: get('total_seconds'),
    },
    predictionsPath,
  };
}

export function evaluationSummary(store: Store, dataDir: string, runId: string): EvalSummary {
  const run = store.runs.find(runId, 'id');
  if (run.kind !== 'evaluation') throw new StudioError('invalid_params', `run ${runId} is ${withArticle(run.kind)} run, not an evaluation`, { id: runId, field: 'id' });
  return summarizeRun(run, store.runs.metrics(runId), findPredictions(store, dataDir, runId));
}
