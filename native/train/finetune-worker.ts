// The 'finetune' job: start or resume a fine-tuning run in a job's child process. The worker stores its metrics
// itself (so a studio killed mid-job loses none) and the parent announces them as 'run.metric' events; a cancelled
// run keeps its last checkpoint and ends 'cancelled'.
import type { WorkerRun } from '../jobs/protocol.ts';
import { unlessCancelled, withJobEnv } from '../jobs/worker-env.ts';
import { resumeFinetune, startFinetune } from './finetune.ts';

export const run: WorkerRun = (params, ctx) =>
  withJobEnv(ctx, async (env) => {
    const p = params as { resumeRunId?: string };
    const outcome = p.resumeRunId ? await resumeFinetune(p.resumeRunId, env) : await startFinetune(params, env);
    return unlessCancelled(outcome, (o) => `cancelled at step ${o.steps}; the last checkpoint is kept`);
  });
