// What the job workers that record into the store share: their own connection to it (a child process opens
// its own; closed whatever happens; metrics are written through it), the job's reporting channels under the
// names the trainers and runners use, and the rule that ends a job 'cancelled' when its work stopped on a cancel.
import type { Store } from '../store/db.ts';
import { openStore } from '../store/db.ts';
import type { WorkerContext } from './protocol.ts';

export interface JobEnv {
  store: Store;
  dataDir: string;
  signal: AbortSignal;
  log(level: 'info' | 'warn' | 'error', line: string): void;
  progress(fraction: number, message: string, etaSeconds: number | null): void;
  /** Attach the job to its run, so the run's metrics land there and the run ends with the job. */
  onRun(runId: string): void;
  metric(runId: string, step: number, name: string, value: number): void;
}

/** Run a job's work with a store connection of its own, reporting through the job's context. */
export async function withJobEnv<T>(ctx: WorkerContext, work: (env: JobEnv) => Promise<T>): Promise<T> {
  const store = openStore(ctx.dataDir);
  try {
    return await work({
      store,
      dataDir: ctx.dataDir,
      signal: ctx.signal,
      log: (level, line) => ctx.log(level, line),
      progress: (fraction, message, etaSeconds) => ctx.progress(fraction, message, etaSeconds),
      onRun: (runId) => ctx.setRun(runId),
      // stored here, not by the parent: a metric sent to a studio that has just died would be lost, while the
      // run's status and checkpoints, which this process writes, would say the step was done
      metric: (runId, step, name, value) => {
        const m = store.runs.addMetric({ runId, step, name, value });
        ctx.metric(runId, step, name, value, m.time);
      },
    });
  } finally {
    store.close();
  }
}

/** What a store task (dataset import, evaluation) takes from its job: the store, the data folder, the cancel signal,
 *  and progress and log lines reported as the job's. */
export function taskOptions(env: JobEnv) {
  return {
    store: env.store,
    dataDir: env.dataDir,
    signal: env.signal,
    onProgress: (p: { fraction: number; message: string; etaSeconds: number | null }) => env.progress(p.fraction, p.message, p.etaSeconds),
    log: env.log,
  };
}

/**
 * A run that stopped on cancel (partial results kept) must end its job 'cancelled', not 'succeeded':
 * worker-host reports 'cancelled' for an error thrown once the signal has aborted, so this throws `why`.
 */
export function unlessCancelled<T extends { status: string }>(outcome: T, why: (outcome: T) => string): T {
  if (outcome.status === 'cancelled') throw new Error(why(outcome));
  return outcome;
}
