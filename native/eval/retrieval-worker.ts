// The 'retrieval-eval' job: runRetrievalEvaluation in a job's child process, one evaluation run per search mode.
// Metrics are stored by this process and announced through the parent; a cancelled job keeps its partial runs.
import type { RetrievalEvalInput } from '../api/rag.ts';
import type { WorkerRun } from '../jobs/protocol.ts';
import { taskOptions, unlessCancelled, withJobEnv } from '../jobs/worker-env.ts';
import { runRetrievalEvaluation } from './retrieval-run.ts';

export const run: WorkerRun = (params, ctx) =>
  withJobEnv(ctx, async (env) => {
    const outcome = await runRetrievalEvaluation(params as RetrievalEvalInput, {
      ...taskOptions(env),
      onRun: (r) => env.onRun(r.id),
      recordMetric: env.metric,
    });
    unlessCancelled(outcome, (o) => `cancelled after ${o.runs.length} of the modes (the last one partly)`);
    return { runs: outcome.runs, queries: outcome.queries, unmatched: outcome.unmatched };
  });
