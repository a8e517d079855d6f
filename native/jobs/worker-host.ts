// The entry point of every job's child process: waits for 'start', loads the kind's worker module, runs it,
// and reports back. The parent resolves the module from kinds.ts, so kinds registered at run time work too. If the parent goes away (studio crashed or was killed) the IPC channel closes and the
// job aborts, so no orphan keeps writing into the data directory (work that finished before it noticed records its
// own success: recordOrphanedSuccess).
import { pathToFileURL } from 'node:url';
import { StudioError } from '../api/errors.ts';
import { openStore } from '../store/db.ts';
import { diskFullError } from '../store/disk-full.ts';
import { STUDIO_GONE } from './stopped.ts';
import type { FromWorker, ToWorker, WorkerContext, WorkerRun } from './protocol.ts';

const controller = new AbortController();

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

let onStored: (() => void) | null = null;

/**
 * Reports the job done and resolves with whether the parent stored it ('stored' comes back): false when the studio
 * is gone first, whether the message never left or was never read.
 */
function reportDone(result: unknown): Promise<boolean> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve(false);
    onStored = () => resolve(true);
    process.once('disconnect', () => resolve(false));
    void send({ type: 'done', result });
  });
}

/**
 * The work finished but its studio died before storing that (work that runs without yielding never sees the
 * disconnect that aborts it): the model or file it made exists, so the job is recorded succeeded here, where the
 * next studio would otherwise call it interrupted and have it run again, against a name it now takes.
 */
function recordOrphanedSuccess(start: Extract<ToWorker, { type: 'start' }>, result: unknown): void {
  const store = openStore(start.dataDir);
  try {
    store.jobs.recordOrphanedSuccess(start.jobId, result);
  } finally {
    store.close();
  }
}

async function runJob(start: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const ctx: WorkerContext = {
    jobId: start.jobId,
    dataDir: start.dataDir,
    signal: controller.signal,
    progress: (fraction, message, etaSeconds = null) => void send({ type: 'progress', fraction, message, etaSeconds }),
    log: (level, line) => void send({ type: 'log', level, line }),
    setRun: (runId) => void send({ type: 'run', runId }),
    metric: (runId, step, name, value, time) => void send({ type: 'metric', runId, step, name, value, time }),
  };
  try {
    const mod = (await import(pathToFileURL(start.module).href)) as { run: WorkerRun };
    const result = await mod.run(start.params, ctx);
    if (!(await reportDone(result ?? null))) recordOrphanedSuccess(start, result ?? null);
  } catch (err) {
    const e = diskFullError(err, `the ${start.kind} job`, `into ${start.dataDir}`);
    if (controller.signal.aborted) await send({ type: 'cancelled' });
    else if (e instanceof StudioError) await send({ type: 'error', message: e.message, code: e.code, details: e.details });
    else await send({ type: 'error', message: e.message || String(err), details: { stack: e.stack } });
  }
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'start') {
    void runJob(message).finally(() => process.disconnect?.());
  } else if (message.type === 'stored') {
    onStored?.();
  } else if (message.type === 'cancel') {
    controller.abort(message.reason === 'shutdown' ? STUDIO_GONE : undefined);
  }
});

process.on('disconnect', () => {
  // The parent is gone or finished with us: stop work; let cleanup in finally blocks run, then exit.
  controller.abort(STUDIO_GONE);
  setTimeout(() => process.exit(0), 2000).unref();
});
