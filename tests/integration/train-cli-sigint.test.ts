// A SIGINT sent to the `lathe` process alone (kill -INT PID, timeout -s INT), not to its process group as a
// terminal's Ctrl-C is: a foreground training command on Linux runs in a child of that process (bin/lathe.mjs,
// native/jobs/reused-heap.ts), which used to never hear of it, so the run trained on as if nothing had been asked.
// Now it stops after its step as Ctrl-C does, cancelled and resumable, and exits 130; a second one kills it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { storyPairs } from '../fixtures/train-story-pairs.ts';
import { LATHE_BIN, ROOT, lathe, tempDir } from './helpers/lathe.ts';

let dataDir = '';
let corpusDir = '';
let corpus = '';

beforeAll(() => {
  dataDir = tempDir('train-sigint');
  corpusDir = tempDir('train-sigint-corpus');
  corpus = path.join(corpusDir, 'stories.txt');
  fs.writeFileSync(corpus, storyPairs(240).map((r) => `${r.input} ${r.output}`).join('\n'));
});

afterAll(() => {
  for (const dir of [dataDir, corpusDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The environment with the malloc tuning left on, so the command runs in a child of the process signalled. */
function restartedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LATHE_DATA_DIR: dataDir };
  delete env.LATHE_MALLOC_TUNING;
  return env;
}

describe.skipIf(process.platform !== 'linux')('SIGINT to the lathe process alone', () => {
  it('stops a foreground training run after its step, cancelled and resumable, and exits 130', async () => {
    const args = ['pretrain', '--corpus', corpus, '--family', 'gpt2', '--layers', '2', '--heads', '2', '--d-model', '32', '--context', '32', '--vocab', '300', '--steps', '100000', '--batch-size', '4', '--eval-every', '0', '--save-every', '5', '--threads', '1'];
    // its own process group, so that nothing but the signal sent below reaches it
    const child = spawn(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env: restartedEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      let runId: string | undefined;
      while (Date.now() < deadline) {
        runId ??= /^run (run_\w+)$/m.exec(stderr)?.[1];
        if (runId && fs.existsSync(path.join(dataDir, 'runs', runId, 'checkpoints', 'step-5'))) break;
        if (child.exitCode !== null) throw new Error(`lathe pretrain ended before the SIGINT:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(runId, stderr).toBeDefined();
      process.kill(child.pid!, 'SIGINT'); // the lathe process only, not its group
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
      expect(code, stderr).toBe(130);
      expect(stderr).toContain('stopping after this step');
      expect(stdout).toMatch(new RegExp(`^run ${runId}: cancelled after [\\d,]+ steps`, 'm'));
      expect(lathe(dataDir, ['runs', 'list', '--json']).json<Run[]>().find((r) => r.id === runId)?.status).toBe('cancelled');
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 150_000);
});
