// The 'ppo' job: start or resume a PPO-RLHF run in a job's child process, as the 'dpo' job does for DPO; a cancelled
// run keeps its last checkpoint and ends 'cancelled'.
import type { WorkerRun } from '../jobs/protocol.ts';
import { unlessCancelled, withJobEnv } from '../jobs/worker-env.ts';
import { resumePpo, startPpo } from './ppo.ts';

export const run: WorkerRun = (params, ctx) =>
  withJobEnv(ctx, async (env) => {
    const p = params as { resumeRunId?: string };
    const outcome = p.resumeRunId ? await resumePpo(p.resumeRunId, env) : await startPpo(params, env);
    return unlessCancelled(outcome, (o) => `cancelled at iteration ${o.steps}; the last checkpoint is kept`);
  });
