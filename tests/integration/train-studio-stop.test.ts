// A fine-tuning job whose studio stops under it — closed (Ctrl-C on `npm start`) or SIGKILLed — was recorded as a
// run the user 'cancelled' beside a job 'interrupted': the worker's signal aborted either way and the trainer took
// every abort for a cancel. The studio's going is now an abort of its own (jobs/stopped.ts), and job and run both
// read 'interrupted', which `train.resume` continues from the last checkpoint; the CLI says so before any studio
// starts again (it left a dead studio's jobs 'running' until one did).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../native/api/schemas.ts';
import { importDataset } from '../../native/data/import.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { openStore } from '../../native/store/db.ts';
import { Studio } from '../../native/studio/studio.ts';
import { listCheckpoints } from '../../native/train/checkpoints.ts';
import { runDir } from '../../native/train/run-env.ts';
import { writeStoryPairs } from '../fixtures/train-story-pairs.ts';
import { waitGone } from './helpers/processes.ts';
import { ROOT, lathe, tempDir } from './helpers/lathe.ts';
import { HAS_STORIES260K, STORIES260K } from './helpers/stories-studio.ts';

if (!HAS_STORIES260K) console.warn('train-studio-stop: skipped: the shared data kit (models/stories260K) is absent');

const JOB_HOST = path.join(ROOT, 'tests/trials/job-host.ts');
const CONFIG = { model: 's260k', dataset: 'stories', method: 'lora' as const, lora: { r: 4, alpha: 8 }, maxSteps: 400, batchSize: 2, seqLen: 64, evalEvery: 0, saveEvery: 2, threads: 1, merge: false };
let dataDir = '';

beforeAll(async () => {
  if (!HAS_STORIES260K) return;
  dataDir = tempDir('train-studio-stop');
  await importLlama2cCheckpoint(dataDir, STORIES260K.checkpoint, STORIES260K.tokenizer, 's260k');
  const file = path.join(dataDir, 'stories.jsonl');
  writeStoryPairs(file, 40);
  const store = openStore(dataDir);
  try {
    await importDataset({ path: file, name: 'stories' }, { store, dataDir });
  } finally {
    store.close();
  }
}, 60_000);
afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const hasCheckpoint = (runId: string | null) => runId !== null && listCheckpoints(runDir(dataDir, runId)).length > 0;

describe.skipIf(!HAS_STORIES260K)('a fine-tuning job whose studio stops', () => {
  it('closed: job and run read interrupted, and the run resumes', async () => {
    const studio = new Studio({ dataDir, mode: 'serve' });
    try {
      const job = await studio.call('train.start', CONFIG);
      let runId: string | null = null;
      for (let t0 = Date.now(); !hasCheckpoint(runId); runId = studio.store.jobs.get(job.id)?.runId ?? null) {
        if (Date.now() - t0 > 60_000) throw new Error('no checkpoint within a minute');
        await new Promise((r) => setTimeout(r, 20));
      }
      await studio.close(); // what Ctrl-C on `npm start` does
      const store = openStore(dataDir);
      try {
        expect(store.jobs.get(job.id)?.state).toBe('interrupted');
        expect(store.runs.get(runId!)?.status).toBe('interrupted');
      } finally {
        store.close();
      }
      const again = new Studio({ dataDir, mode: 'serve' });
      try {
        const resumed = await again.call('train.resume', { runId: runId! });
        const steps = () => again.store.runs.metrics(runId!, 'loss').length;
        const before = steps();
        for (let t0 = Date.now(); steps() <= before; ) { // training again, past its checkpoint
          if (Date.now() - t0 > 60_000) throw new Error('the resumed run trained no step within a minute');
          await new Promise((r) => setTimeout(r, 20));
        }
        await again.call('train.cancel', { runId: runId! });
        await again.queue.whenFinished(resumed.id);
        expect(again.store.runs.get(runId!)?.status).toBe('cancelled'); // a person's cancel still reads so
      } finally {
        await again.close();
      }
    } finally {
      await studio.close();
    }
  }, 90_000);

  it('SIGKILLed: the job it ran and the run both read interrupted once a studio opens again', async () => {
    const jobIds = () => {
      const store = openStore(dataDir);
      try {
        return store.jobs.list(100).map((j) => [j.id, j.runId] as const);
      } finally {
        store.close();
      }
    };
    const earlier = new Set(jobIds().map(([id]) => id));
    const host = spawn(process.execPath, ['--import', 'tsx', JOB_HOST, dataDir, 'finetune', JSON.stringify(CONFIG)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    host.stdout.on('data', (d: Buffer) => (output += d.toString()));
    host.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise((resolve) => host.once('exit', resolve));
    const worker = () => Number(/^worker (\d+)$/m.exec(output)?.[1] ?? NaN);
    let jobId = '';
    let runId: string | null = null;
    for (let t0 = Date.now(); !hasCheckpoint(runId); ) {
      if (Date.now() - t0 > 60_000 || host.exitCode !== null) throw new Error(`no checkpoint to kill after:\n${output}`);
      await new Promise((r) => setTimeout(r, 20));
      [jobId, runId] = jobIds().find(([id]) => !earlier.has(id)) ?? ['', null]; // the host's job
    }
    host.kill('SIGKILL');
    await exited;
    await waitGone([worker()], 15_000);

    // the CLI, before any studio starts again: it leaves live studios' jobs alone, not dead ones' (they read running)
    const listed = lathe(dataDir, ['jobs', 'list', '--json']).json<Job[]>().find((j) => j.id === jobId);
    expect(listed).toMatchObject({ state: 'interrupted', error: expect.stringMatching(/studio stopped.*resume its run to continue from the last checkpoint/) });

    const studio = new Studio({ dataDir, mode: 'serve' });
    try {
      expect(studio.store.jobs.get(jobId)?.state).toBe('interrupted');
      expect(studio.store.runs.get(runId!)?.status).toBe('interrupted');
    } finally {
      await studio.close();
    }
  }, 90_000);
});
