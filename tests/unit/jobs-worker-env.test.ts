// A job's metrics are written by the job's own process, not by the studio it reports to: the fault trials found
// that a studio killed mid-job lost the metrics in flight while the worker went on to checkpoint (a resumed run
// then lacked those steps' losses) or to end its evaluation 'succeeded' with no scores at all.
import { describe, expect, it } from 'vitest';
import type { WorkerContext } from '../../native/jobs/protocol.ts';
import { withJobEnv } from '../../native/jobs/worker-env.ts';
import { tempStores } from './temp-stores.ts';

const stores = tempStores('lathe-worker-env-');

describe('withJobEnv', () => {
  it('stores each metric itself, then announces it to the parent', async () => {
    const dataDir = stores.tempDir();
    const runId = stores.open(dataDir).runs.create({ kind: 'finetune', name: 'r' }).id;
    const announced: unknown[][] = [];
    const ctx: WorkerContext = {
      jobId: 'job_x',
      dataDir,
      signal: new AbortController().signal,
      progress: () => {},
      log: () => {},
      setRun: () => {},
      metric: (...args) => void announced.push(args), // a parent that never stores it (dead, say)
    };
    await withJobEnv(ctx, async (env) => env.metric(runId, 3, 'loss', 1.25));
    const stored = stores.open(dataDir).runs.metrics(runId, 'loss');
    expect(stored.map((m) => [m.step, m.value])).toEqual([[3, 1.25]]);
    expect(announced).toEqual([[runId, 3, 'loss', 1.25, stored[0].time]]);
  });
});
