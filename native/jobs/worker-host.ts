// The entry point of every job's child process: waits for 'start', loads the kind's worker module, runs it,
// and reports back. The parent resolves the module from kinds.ts, so kinds registered at run time work too. If the parent goes away (studio crashed or was killed) the IPC channel closes and the
// job aborts, so no orphan keeps writing into the data directory.
import { pathToFileURL } from 'node:url';
import { StudioError } from '../api/errors.ts';
import { diskFullError } from '../store/disk-full.ts';
import type { FromWorker, ToWorker, WorkerContext, WorkerRun } from './protocol.ts';

const controller = new AbortController();

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
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
    await send({ type: 'done', result: result ?? null });
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
  } else if (message.type === 'cancel') {
    controller.abort();
  }
});

process.on('disconnect', () => {
  // The parent is gone or finished with us: stop work; let cleanup in finally blocks run, then exit.
  controller.abort();
  setTimeout(() => process.exit(0), 2000).unref();
});
