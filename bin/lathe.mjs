#!/usr/bin/env node
// Entry point of the `lathe` command: runs the TypeScript CLI through tsx's loader (no build step needed).
// A foreground training command on Linux first runs itself again with the job workers' malloc settings, which glibc
// reads only at process start (native/jobs/reused-heap.ts); this process then only waits for that one.
import { spawn } from 'node:child_process';
import { register } from 'tsx/esm/api';
register();

/** The message a restarted trainer's parent sends it on each SIGINT it receives. */
const SIGINT_HEARD = 'lathe:sigint-heard';

const { foregroundRestartEnv } = await import('../native/jobs/reused-heap.ts');
const restartEnv = foregroundRestartEnv(process.argv.slice(2), process.env);
if (restartEnv) {
  // an IPC channel, so the trainer notices when this process is gone (killed with SIGKILL, say) and dies with it
  // instead of training on unowned
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env: { ...restartEnv, LATHE_RESTARTED_BY: `${process.pid}` }, stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  // Ctrl-C in a terminal reaches the whole process group, the trainer included, which stops after its step (and dies
  // at a second Ctrl-C): this process waits for it. A SIGINT sent to this process alone (kill -INT, timeout -s INT)
  // reaches only this one, so the trainer is told of each SIGINT and acts on one that did not also reach it.
  // Other signals sent to this process alone are passed on.
  process.on('SIGINT', () => child.connected && child.send(SIGINT_HEARD));
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
    actOnParentsSigint();
    process.channel.unref();
  }
  const { endQuietlyWhenReaderCloses } = await import('../native/cli/closed-pipe.ts');
  endQuietlyWhenReaderCloses(process.stdout);
  endQuietlyWhenReaderCloses(process.stderr);
  const { main } = await import('../native/cli.ts');
  process.exitCode = await main(process.argv.slice(2));
}

/**
 * In the restarted trainer: a SIGINT the parent heard that this process did not hear too (none within a second
 * before, none in the quarter second after) was sent to the parent alone, so it is raised here, where it stops the
 * run after its step as Ctrl-C does. Both land in this process's event loop together when a terminal sends them
 * to the group, however long a step kept the loop busy, so one Ctrl-C never counts twice.
 */
function actOnParentsSigint() {
  let lastHeard = 0;
  const note = () => {
    lastHeard = Date.now();
    // alone, as before any command listens or after a first Ctrl-C: SIGINT's default, ending this process
    if (process.listenerCount('SIGINT') === 1) {
      process.removeListener('SIGINT', note);
      process.kill(process.pid, 'SIGINT');
    }
  };
  process.on('SIGINT', note);
  process.on('message', (message) => {
    if (message !== SIGINT_HEARD) return;
    const told = Date.now();
    setTimeout(() => {
      if (lastHeard < told - 1000) process.kill(process.pid, 'SIGINT');
    }, 250).unref();
  });
}
