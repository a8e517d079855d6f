// The 'evaluation' job: runEvaluation in a job's child process. Metrics go through the parent (which stores
// them and pushes 'run.metric' events); a cancelled run keeps its partial results and the job ends 'cancelled'.
import type { WorkerRun } from '../jobs/protocol.ts';
import { openStore } from '../store/db.ts';
import type { EvalStartInput } from '../api/eval.ts';
import { runEvaluation } from './runner.ts';

export const run: WorkerRun = async (params, ctx) => {
  const store = openStore(ctx.dataDir);
  try {
    const outcome = await runEvaluation(params as EvalStartInput, {
      store,
      dataDir: ctx.dataDir,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress(p.fraction, p.message, p.etaSeconds),
      log: (level, line) => ctx.log(level, line),
      onRun: (r) => ctx.setRun(r.id),
      recordMetric: (runId, step, name, value) => ctx.metric(runId, step, name, value),
    });
    // worker-host reports 'cancelled' for an error thrown once the signal has aborted.
    if (outcome.status === 'cancelled') throw new Error(`cancelled after ${outcome.examples} of ${outcome.plannedExamples} examples`);
    return { runId: outcome.runId, examples: outcome.examples, metrics: Object.fromEntries(outcome.metrics.map((m) => [m.name, m.value])) };
  } finally {
    store.close();
  }
};
