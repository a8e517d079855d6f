// SIGTERM to a foreground training command ends it at once, the run left 'interrupted' (as a kill leaves it), and
// it used to end with no word of how to go on. It now says, as the outcome of a Ctrl-C does, 'resume it with: …',
// whether the command trains in the lathe process itself or (Linux, the malloc tuning on: bin/lathe.mjs) in a child
// that the lathe process passes the signal on to.
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
  dataDir = tempDir('train-sigterm');
  corpusDir = tempDir('train-sigterm-corpus');
  corpus = path.join(corpusDir, 'stories.txt');
  fs.writeFileSync(corpus, storyPairs(240).map((r) => `${r.input} ${r.output}`).join('\n'));
});

afterAll(() => {
  for (const dir of [dataDir, corpusDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The environment: the malloc tuning on (a child trains, on Linux) or off (the lathe process trains). */
function envWith(tuning: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LATHE_DATA_DIR: dataDir };
  if (tuning) delete env.LATHE_MALLOC_TUNING;
  else env.LATHE_MALLOC_TUNING = '0';
  return env;
}

describe('SIGTERM to a foreground training run', () => {
  it.each([['in the lathe process', false], ['in the child bin/lathe.mjs starts', true]])('%s: ends at once, interrupted, and says how to resume it', async (_, tuning) => {
    const args = ['pretrain', '--corpus', corpus, '--family', 'gpt2', '--layers', '2', '--heads', '2', '--d-model', '32', '--context', '32', '--vocab', '300', '--steps', '100000', '--batch-size', '4', '--eval-every', '0', '--save-every', '5', '--threads', '1'];
    // its own process group, so that nothing but the signal sent below reaches it
    const child = spawn(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env: envWith(tuning), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    try {
      const deadline = Date.now() + 90_000;
      let runId: string | undefined;
      while (Date.now() < deadline) {
        runId ??= /^run (run_\w+)$/m.exec(stderr)?.[1];
        if (runId && fs.existsSync(path.join(dataDir, 'runs', runId, 'checkpoints', 'step-5'))) break;
        if (child.exitCode !== null) throw new Error(`lathe pretrain ended before the SIGTERM:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(runId, stderr).toBeDefined();
      process.kill(child.pid!, 'SIGTERM'); // the lathe process only, not its group
      const ended = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
      expect(ended, stderr).toBe('SIGTERM');
      expect(stderr).toContain(`stopped by SIGTERM: run ${runId} is interrupted; it continues from its last checkpoint\nresume it with: lathe pretrain --resume ${runId}\n`);
      expect(lathe(dataDir, ['runs', 'list', '--json']).json<Run[]>().find((r) => r.id === runId)?.status).toBe('interrupted');
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 150_000);
});
