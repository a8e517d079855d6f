// How the training commands (`lathe train`, `lathe pretrain`, `lathe align dpo|ppo|reward`) run a run in the
// foreground: metrics straight to the store, progress on stderr, Ctrl-C stops after the current step (the run
// checkpoints there), and the outcome printed, with exit code 130 when it was cancelled.
import { isDiskFull } from '../store/disk-full.ts';
import { openStore } from '../store/db.ts';
import { currentOwner } from '../store/process-owner.ts';
import type { TrainEnv } from '../train/run-env.ts';
import { UserError, type CliContext } from './command.ts';

/** A TrainEnv that writes metrics straight to the store and progress to stderr. */
export function foregroundEnv(ctx: CliContext, what: string): { env: TrainEnv; close(): void } {
  const store = openStore(ctx.dataDir);
  const controller = new AbortController();
  const onSigint = () => {
    ctx.info('stopping after this step (Ctrl-C again to kill)…');
    controller.abort();
    process.removeListener('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  let last = 0;
  const env: TrainEnv = {
    store,
    dataDir: ctx.dataDir,
    signal: controller.signal,
    log: (level, line) => ctx.info(`${level === 'info' ? '' : `${level}: `}${line}`),
    progress: (fraction, message, eta) => {
      const now = Date.now();
      if (now - last < 1000 && fraction < 1) return;
      last = now;
      ctx.info(`${what}: ${message}${eta !== null ? `, about ${eta}s left` : ''}`);
    },
    onRun: (id) => ctx.info(`run ${id}`),
    metric: (runId, step, name, value) => void store.runs.addMetric({ runId, step, name, value }),
    owner: currentOwner(), // no job owns a foreground run: if this process dies, the next store open ends it
  };
  return { env, close: () => { process.removeListener('SIGINT', onSigint); store.close(); } };
}

/**
 * `work` given a foreground env (progress reported as `what`), closed however it ends. The exit code is `work`'s;
 * an engine error becomes a UserError with exit code 1, while a UserError or a full disk goes on as it is (the CLI
 * says what to free).
 */
export async function runInForeground(ctx: CliContext, what: string, work: (env: TrainEnv) => Promise<number>): Promise<number> {
  const { env, close } = foregroundEnv(ctx, what);
  try {
    return await work(env);
  } catch (err) {
    if (err instanceof UserError || isDiskFull(err)) throw err;
    throw new UserError((err as Error).message, 1);
  } finally {
    close();
  }
}

/** The outcome printed (as JSON with --json), and the exit code: 130 when the run was cancelled, else 0. */
export function printOutcome<T extends { status: string }>(ctx: CliContext, outcome: T, describe: (o: T) => string): number {
  ctx.print(outcome, () => describe(outcome));
  return outcome.status === 'cancelled' ? 130 : 0;
}
