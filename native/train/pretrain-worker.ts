// The 'pretrain' job: start a pretraining run, or resume one ({ resumeRunId }), in a job's child process; the
// worker stores its metrics and the parent announces them. A cancelled run keeps its last checkpoint and ends
// 'cancelled', job and run.
import type { WorkerRun } from '../jobs/protocol.ts';
import { unlessCancelled, withJobEnv } from '../jobs/worker-env.ts';
import { resumePretrain, runPretrain } from './pretrain.ts';

export const run: WorkerRun = (params, ctx) =>
  withJobEnv(ctx, async (env) => {
    const p = params as { resumeRunId?: string };
    const outcome = p.resumeRunId ? await resumePretrain(p.resumeRunId, env) : await runPretrain(params, env);
    return unlessCancelled(outcome, (o) => `cancelled at step ${o.steps}; the last checkpoint is kept`);
  });
