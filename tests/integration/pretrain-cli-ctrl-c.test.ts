// Ctrl-C on a foreground `lathe pretrain` (SIGINT to its process group, as a terminal sends it): the run stops after
// the current step, checkpointed, is recorded as cancelled, and the command says so and exits 130 like the other
// training commands (a fresh pretrain used to exit 0, as if it had finished).
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
  dataDir = tempDir('pretrain-ctrl-c');
  corpusDir = tempDir('pretrain-ctrl-c-corpus');
  corpus = path.join(corpusDir, 'stories.txt');
  fs.writeFileSync(corpus, storyPairs(240).map((r) => `${r.input} ${r.output}`).join('\n'));
});

afterAll(() => {
  for (const dir of [dataDir, corpusDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('Ctrl-C on lathe pretrain', () => {
  it('stops after a checkpoint, records the run as cancelled and exits 130', async () => {
    const args = ['pretrain', '--corpus', corpus, '--family', 'gpt2', '--layers', '2', '--heads', '2', '--d-model', '32', '--context', '32', '--vocab', '300', '--steps', '100000', '--batch-size', '4', '--eval-every', '0', '--save-every', '5', '--threads', '1'];
    const child = spawn(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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
        if (child.exitCode !== null) throw new Error(`lathe pretrain ended before Ctrl-C:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(runId, stderr).toBeDefined();
      process.kill(-child.pid!, 'SIGINT'); // the whole group, as a terminal's Ctrl-C
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
      expect(code, stderr).toBe(130);
      expect(stderr).toContain('stopping after this step');
      expect(stdout).toMatch(new RegExp(`^run ${runId}: cancelled after [\\d,]+ steps`, 'm'));
      expect(stdout).toContain(`resume it with: lathe pretrain --resume ${runId}`);
      const run = lathe(dataDir, ['runs', 'list', '--json']).json<Run[]>().find((r) => r.id === runId);
      expect(run?.status).toBe('cancelled');
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 150_000);
});
