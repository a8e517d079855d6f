// The 'finetune' job: start or resume a fine-tuning run in a job's child process. Metrics go through the
// parent (stored, pushed as 'run.metric' events); a cancelled run keeps its last checkpoint and ends 'cancelled'.
import type { WorkerRun } from '../jobs/protocol.ts';
import { openStore } from '../store/db.ts';
import { resumeFinetune, startFinetune } from './finetune.ts';
import type { TrainEnv } from './run-env.ts';

export const run: WorkerRun = async (params, ctx) => {
  const store = openStore(ctx.dataDir);
  try {
    const env: TrainEnv = {
      store,
      dataDir: ctx.dataDir,
      signal: ctx.signal,
      log: (level, line) => ctx.log(level, line),
      progress: (f, m, eta) => ctx.progress(f, m, eta),
      onRun: (id) => ctx.setRun(id),
      metric: (runId, step, name, value) => ctx.metric(runId, step, name, value),
    };
    const p = params as { resumeRunId?: string };
    const outcome = p.resumeRunId ? await resumeFinetune(p.resumeRunId, env) : await startFinetune(params, env);
    // worker-host reports 'cancelled' for an error thrown once the signal has aborted
    if (outcome.status === 'cancelled') throw new Error(`cancelled at step ${outcome.steps}; the last checkpoint is kept`);
    return outcome;
  } finally {
    store.close();
  }
};
