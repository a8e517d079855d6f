// The 'evaluation' job: runEvaluation in a job's child process. Metrics are stored by this process and announced
// through the parent ('run.metric' events); a cancelled run keeps its partial results and the job ends 'cancelled'.
import type { WorkerRun } from '../jobs/protocol.ts';
import { taskOptions, unlessCancelled, withJobEnv } from '../jobs/worker-env.ts';
import type { EvalStartInput } from '../api/eval.ts';
import { runEvaluation } from './runner.ts';
import { plural } from '../api/format.ts';

export const run: WorkerRun = (params, ctx) =>
  withJobEnv(ctx, async (env) => {
    const outcome = await runEvaluation(params as EvalStartInput, {
      ...taskOptions(env),
      onRun: (r) => env.onRun(r.id),
      recordMetric: env.metric,
    });
    unlessCancelled(outcome, (o) => `cancelled after ${o.examples} of ${plural(o.plannedExamples, 'example')}`);
    return { runId: outcome.runId, examples: outcome.examples, metrics: Object.fromEntries(outcome.metrics.map((m) => [m.name, m.value])) };
  });
