// The 'pretrain' job: start a pretraining run, or resume one ({ resumeRunId }), in a job's child process;
// metrics go through the parent.
import type { WorkerRun } from '../jobs/protocol.ts';
import { openStore } from '../store/db.ts';
import { resumePretrain, runPretrain } from './pretrain.ts';
import type { TrainEnv } from './run-env.ts';

export const run: WorkerRun = async (params, ctx) => {
  const store = openStore(ctx.dataDir);
  try {
    const env: TrainEnv = {
      store, dataDir: ctx.dataDir, signal: ctx.signal,
      log: (level, line) => ctx.log(level, line),
      progress: (f, m, eta) => ctx.progress(f, m, eta),
      onRun: (id) => ctx.setRun(id),
      metric: (runId, step, name, value) => ctx.metric(runId, step, name, value),
    };
    const p = params as { resumeRunId?: string };
    return p.resumeRunId ? await resumePretrain(p.resumeRunId, env) : await runPretrain(params, env);
  } finally {
    store.close();
  }
};
