// The 'pretrain' job: runPretrain in a job's child process, metrics through the parent.
import type { WorkerRun } from '../jobs/protocol.ts';
import { openStore } from '../store/db.ts';
import { runPretrain } from './pretrain.ts';

export const run: WorkerRun = async (params, ctx) => {
  const store = openStore(ctx.dataDir);
  try {
    return await runPretrain(params, {
      store, dataDir: ctx.dataDir, signal: ctx.signal,
      log: (level, line) => ctx.log(level, line),
      progress: (f, m, eta) => ctx.progress(f, m, eta),
      onRun: (id) => ctx.setRun(id),
      metric: (runId, step, name, value) => ctx.metric(runId, step, name, value),
    });
  } finally {
    store.close();
  }
};
