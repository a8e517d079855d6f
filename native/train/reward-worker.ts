// The 'reward' job: start or resume a reward-model (or classifier) run in a job's child process, as the 'finetune'
// job does for fine-tuning; a cancelled run keeps its last checkpoint and ends 'cancelled'.
import { SKIP_UNPAIRED_LABEL } from '../api/labels.ts';
import type { WorkerRun } from '../jobs/protocol.ts';
import { unlessCancelled, withJobEnv } from '../jobs/worker-env.ts';
import { resumeReward, startReward } from './reward.ts';

export const run: WorkerRun = (params, ctx) =>
  withJobEnv(ctx, async (env) => {
    const p = params as { resumeRunId?: string };
    // the studio's runs are started from its alignment form: the refusal of a row that makes no pair names its checkbox
    const studioEnv = { ...env, skipAdvice: `tick “${SKIP_UNPAIRED_LABEL}”` };
    const outcome = p.resumeRunId ? await resumeReward(p.resumeRunId, studioEnv) : await startReward(params, studioEnv);
    return unlessCancelled(outcome, (o) => `cancelled at step ${o.steps}; the last checkpoint is kept`);
  });
