// The 'dpo' job: start or resume a DPO run in a job's child process, as the 'finetune' job does for fine-tuning;
// a cancelled run keeps its last checkpoint and ends 'cancelled'.
import type { WorkerRun } from '../jobs/protocol.ts';
import { unlessCancelled, withJobEnv } from '../jobs/worker-env.ts';
import { resumeDpo, startDpo } from './dpo.ts';

export const run: WorkerRun = (params, ctx) =>
  withJobEnv(ctx, async (env) => {
    const p = params as { resumeRunId?: string };
    const outcome = p.resumeRunId ? await resumeDpo(p.resumeRunId, env) : await startDpo(params, env);
    return unlessCancelled(outcome, (o) => `cancelled at step ${o.steps}; the last checkpoint is kept`);
  });
