// A `lathe train` in the foreground (no job owns its run) killed with SIGKILL: the next Lathe process to open the
// store marks its run 'interrupted' (it used to show 'running' for ever), and `lathe train --resume` finishes it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { writeStoryPairs } from '../fixtures/train-story-pairs.ts';
import { HAS_SHARED_DATA, LATHE_BIN, ROOT, SHARED_DATA, SKIP_SHARED_REASON, lathe, tempDir } from './helpers/lathe.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const HAS_MODEL = HAS_SHARED_DATA && fs.existsSync(path.join(MODEL, 'stories260K.bin'));
if (!HAS_MODEL) console.warn(`train-cli-kill: skipped: ${SKIP_SHARED_REASON} (needs models/stories260K)`);

let dataDir = '';

beforeAll(async () => {
  if (!HAS_MODEL) return;
  dataDir = tempDir('train-cli-kill');
  await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
  const file = path.join(dataDir, 'stories.jsonl');
  writeStoryPairs(file, 80);
  expect(lathe(dataDir, ['dataset', 'import', file, '--name', 'stories']).code).toBe(0);
}, 60_000);

afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The pids of `pid`'s children (Linux's /proc; none elsewhere, where `lathe train` trains in its own process). */
function childPids(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function waitGone(pids: number[], timeoutMs: number): Promise<void> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive)) {
    if (Date.now() > deadline) throw new Error(`the trainer (pid ${pids.filter(alive).join(', ')}) lived on ${timeoutMs} ms after its lathe process was killed`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const runs = () => lathe(dataDir, ['runs', 'list', '--json']).json<Run[]>();

describe.skipIf(!HAS_MODEL)('a SIGKILLed foreground training run', () => {
  it('is interrupted, not running, once another lathe opens the store, and resumes to the end', async () => {
    const args = ['train', '--model', 's260k', '--dataset', 'stories', '--max-steps', '300', '--save-every', '5', '--eval-every', '0', '--batch-size', '2', '--seq-len', '64', '--threads', '1', '--no-merge'];
    const child = spawn(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    // wait for the run to exist and write its first checkpoint, then kill the process without warning
    const deadline = Date.now() + 60_000;
    let runId: string | undefined;
    while (Date.now() < deadline) {
      runId ??= /^run (run_\w+)$/m.exec(stderr)?.[1];
      if (runId && fs.existsSync(path.join(dataDir, 'runs', runId, 'checkpoints', 'step-5', 'trainer_state.json'))) break;
      if (child.exitCode !== null) throw new Error(`lathe train ended before it could be killed:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(runId, stderr).toBeDefined();
    // on Linux `lathe train` trains in a child it started with other malloc settings (bin/lathe.mjs); that child
    // notices the SIGKILL through its closed IPC channel and kills itself, at its next turn of the event loop
    const trainers = childPids(child.pid!);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    await waitGone(trainers, 30_000);

    const killed = runs().find((r) => r.id === runId);
    expect(killed).toMatchObject({ status: 'interrupted' });
    expect(killed?.finishedAt).not.toBeNull();

    const resumed = lathe(dataDir, ['train', '--resume', runId!, '--json'], { timeoutMs: 120_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json()).toMatchObject({ runId, status: 'completed', steps: 300 });
    expect(runs().find((r) => r.id === runId)?.status).toBe('succeeded');
  }, 180_000);
});
