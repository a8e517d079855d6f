// A job worker for tests/integration/jobs.test.ts: behaves as asked, to exercise the queue's handling of
// success, metrics, a process that dies, and a job that ignores cancellation.
import type { WorkerRun } from '../../../native/jobs/protocol.ts';

export const run: WorkerRun = async (params, ctx) => {
  const { mode } = params as { mode: 'ok' | 'crash' | 'stubborn' | 'slow' };
  ctx.log('info', `worker started in mode ${mode}`);
  ctx.log('info', `GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES ?? ''}`);
  if (mode === 'ok') {
    ctx.progress(0.5, 'half way', 1);
    return { answer: 42 };
  }
  if (mode === 'crash') {
    ctx.log('warn', 'about to fall over');
    await new Promise((r) => setTimeout(r, 50)); // let the log line reach the parent
    process.exit(3);
  }
  if (mode === 'slow') {
    // Stops promptly when asked.
    while (!ctx.signal.aborted) await new Promise((r) => setTimeout(r, 20));
    throw new Error('stopped');
  }
  // 'stubborn': ignores cancel, so the queue must kill it after the grace period.
  await new Promise(() => setInterval(() => {}, 1000));
  return null;
};
