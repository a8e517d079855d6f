#!/usr/bin/env node
// Entry point of the `lathe` command: runs the TypeScript CLI through tsx's loader (no build step needed).
// A foreground training command on Linux first runs itself again with the job workers' malloc settings, which glibc
// reads only at process start (native/jobs/reused-heap.ts); this process then only waits for that one.
import { spawn } from 'node:child_process';
import { register } from 'tsx/esm/api';
register();
const { foregroundRestartEnv } = await import('../native/jobs/reused-heap.ts');
const restartEnv = foregroundRestartEnv(process.argv.slice(2), process.env);
if (restartEnv) {
  // an IPC channel, so the trainer notices when this process is gone (killed with SIGKILL, say) and dies with it
  // instead of training on unowned
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env: { ...restartEnv, LATHE_RESTARTED_BY: `${process.pid}` }, stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  // Ctrl-C in a terminal reaches the whole process group, the trainer included, which stops after its step (and dies
  // at a second Ctrl-C): this process waits for it. Signals sent to this process alone are passed on.
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exitCode = code ?? 1;
  });
} else {
  if (process.env.LATHE_RESTARTED_BY && process.channel) {
    // started by the lines above: die with the process that started it, and let the channel not keep this one alive
    delete process.env.LATHE_RESTARTED_BY;
    process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
    process.channel.unref();
  }
  const { endQuietlyWhenReaderCloses } = await import('../native/cli/closed-pipe.ts');
  endQuietlyWhenReaderCloses(process.stdout);
  endQuietlyWhenReaderCloses(process.stderr);
  const { main } = await import('../native/cli.ts');
  process.exitCode = await main(process.argv.slice(2));
}
