// A `lathe` training command SIGKILLed mid-run, as the resume tests need it: no warning, no cleanup, and the trainer
// it re-executed (bin/lathe.mjs trains in a child with other malloc settings on Linux) gone before the test goes on.
import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { LATHE_BIN, ROOT } from './lathe.ts';
import { childPids, waitGone } from './processes.ts';

/**
 * Starts `lathe ARGS` against `dataDir`, SIGKILLs it (within 90 s) once `ready(runId)` holds for the run it printed,
 * checks that it died of the signal and that its trainer child followed within 30 s (it notices the closed IPC
 * channel at its next turn of the event loop), and returns the run's id. A process that ends on its own first fails.
 */
export async function killLatheWhen(dataDir: string, args: string[], ready: (runId: string) => boolean): Promise<string> {
  const command = args.slice(0, args.findIndex((a) => a.startsWith('-'))).join(' ');
  const child = spawn(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 90_000;
  let runId: string | undefined;
  while (Date.now() < deadline) {
    runId ??= /^run (run_\w+)$/m.exec(stderr)?.[1];
    if (runId && ready(runId)) break;
    if (child.exitCode !== null) throw new Error(`lathe ${command} ended before it could be killed:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(runId, stderr).toBeDefined();
  const trainers = childPids(child.pid!);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  await waitGone(trainers, 30_000);
  return runId!;
}

/**
 * Starts `lathe ARGS` against `dataDir` and SIGKILLs it, its children with it, as soon as its output shows `line`
 * (a progress line printed once the work has begun). Resolves with that output; a process that ends first fails.
 */
export async function killLatheOnLine(dataDir: string, args: string[], line: RegExp, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const child = spawn(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  let killed = false;
  const onData = (d: Buffer) => {
    output += d.toString();
    if (killed || !line.test(output)) return;
    killed = true;
    process.kill(-child.pid!, 'SIGKILL'); // the process group: a re-executed child too
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`lathe ${args.join(' ')} ended (${signal ?? 'exit'}) before ${line} showed:\n${output}`);
  return output;
}

export interface SignalledLathe {
  /** The exit code; null when the signal ended the process (nothing listened for it). */
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  /** Whether `line` showed (and so the signal was sent) before the process ended. */
  sent: boolean;
  /** Milliseconds from the signal to the process's exit. */
  afterSignalMs: number;
}

/**
 * Starts `lathe ARGS` against `dataDir` and sends it `signal` (SIGINT or SIGTERM, as Ctrl-C or `kill` would) as soon
 * as its output shows `line`; resolves with how it ended. Unlike killLatheOnLine, the process may have ended first
 * (`sent` false) or finished its work before it heard the signal (exit 0): the caller decides what to do then.
 */
export async function signalLatheOnLine(dataDir: string, args: string[], line: RegExp, signal: 'SIGINT' | 'SIGTERM'): Promise<SignalledLathe> {
  const child = spawn(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let sentAt = 0;
  const onData = (d: Buffer) => {
    output += d.toString();
    if (sentAt || !line.test(output)) return;
    sentAt = Date.now();
    child.kill(signal);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // 'close', not 'exit': the output is read to its end
  const [code, ended] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
  return { code, signal: ended, output, sent: sentAt > 0, afterSignalMs: sentAt ? Date.now() - sentAt : 0 };
}
