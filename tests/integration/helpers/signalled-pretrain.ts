// A foreground `lathe pretrain` that would train for ever, started in its own process group and signalled once its
// first checkpoint (step 5) is written: what the Ctrl-C, SIGINT and SIGTERM tests of foreground training share.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { storyPairs } from '../../fixtures/train-story-pairs.ts';
import { LATHE_BIN, ROOT, tempDir } from './lathe.ts';

/** A data directory and a story corpus for the file's tests, made before them and removed after. */
export function pretrainDirs(prefix: string): { dataDir(): string; corpus(): string } {
  let dataDir = '';
  let corpusDir = '';
  beforeAll(() => {
    dataDir = tempDir(prefix);
    corpusDir = tempDir(`${prefix}-corpus`);
    fs.writeFileSync(path.join(corpusDir, 'stories.txt'), storyPairs(240).map((r) => `${r.input} ${r.output}`).join('\n'));
  });
  afterAll(() => {
    for (const dir of [dataDir, corpusDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dataDir: () => dataDir, corpus: () => path.join(corpusDir, 'stories.txt') };
}

export interface SignalledPretrain {
  runId: string;
  /** The exit signal, else the exit code; 'timeout' when it had not ended within `waitMs` of the signal. */
  ended: NodeJS.Signals | number | null | 'timeout';
  stdout: string;
  stderr: string;
}

export interface SignalOptions {
  signal: NodeJS.Signals;
  /** true: the whole process group, as a terminal's Ctrl-C; false: the lathe process alone (kill PID). */
  group: boolean;
  /** true: the malloc tuning on (on Linux a child of the lathe process trains); false: off; undefined: as the environment has it. */
  mallocTuning?: boolean;
  waitMs: number;
}

/**
 * Starts the endless pretrain against `dataDir`, sends `signal` once step 5's checkpoint exists, and waits for the
 * end; whatever is left of the process group afterwards is killed. A command that ends before the signal fails.
 */
export async function signalledPretrain(dataDir: string, corpus: string, opts: SignalOptions): Promise<SignalledPretrain> {
  const args = ['pretrain', '--corpus', corpus, '--family', 'gpt2', '--layers', '2', '--heads', '2', '--d-model', '32', '--context', '32', '--vocab', '300', '--steps', '100000', '--batch-size', '4', '--eval-every', '0', '--save-every', '5', '--threads', '1'];
  const env: NodeJS.ProcessEnv = { ...process.env, LATHE_DATA_DIR: dataDir };
  if (opts.mallocTuning === true) delete env.LATHE_MALLOC_TUNING;
  if (opts.mallocTuning === false) env.LATHE_MALLOC_TUNING = '0';
  // its own process group, so that nothing but the signal sent below reaches it
  const child = spawn(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  try {
    const deadline = Date.now() + 90_000;
    let runId: string | undefined;
    while (Date.now() < deadline) {
      runId ??= /^run (run_\w+)$/m.exec(stderr)?.[1];
      if (runId && fs.existsSync(path.join(dataDir, 'runs', runId, 'checkpoints', 'step-5'))) break;
      if (child.exitCode !== null) throw new Error(`lathe pretrain ended before the ${opts.signal}:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(runId, stderr).toBeDefined();
    process.kill(opts.group ? -child.pid! : child.pid!, opts.signal);
    const ended = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), opts.waitMs))]);
    return { runId: runId!, ended, stdout, stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
}
