// SIGKILL, not a simulated crash, for the two alignment trainers whose other resume tests throw from inside the
// process: `lathe align dpo` and `lathe align reward` are killed once their first checkpoint is on disk, `--resume`
// finishes them, and every recorded loss and reward figure equals an uninterrupted run's (1e-6), with the store intact.
// (PPO's SIGKILL test is in align-ppo.test.ts.)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';
import { listCheckpoints } from '../../native/train/checkpoints.ts';
import { startDpo } from '../../native/train/dpo.ts';
import { startReward } from '../../native/train/reward.ts';
import { runDir, type TrainEnv } from '../../native/train/run-env.ts';
import { HAS_SHARED_DATA, LATHE_BIN, ROOT, SHARED_DATA, SKIP_SHARED_REASON, lathe, tempDir } from './helpers/lathe.ts';

if (!HAS_SHARED_DATA) console.log(`skipping align-sigkill: ${SKIP_SHARED_REASON}`);

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const DEMO = path.join(SHARED_DATA, 'datasets/preferences/dpo_en_demo.json');

describe.skipIf(!HAS_SHARED_DATA)('alignment runs killed with SIGKILL resume exactly', () => {
  let dataDir = '';
  let studio: Studio;

  beforeAll(async () => {
    dataDir = tempDir('align-sigkill');
    studio = new Studio({ dataDir, mode: 'serve' });
    await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
    await importDataset({ path: DEMO, name: 'demo', split: { train: 0.2, validation: 0.05, test: 0.75 } }, { store: studio.store, dataDir });
  }, 60_000);

  afterAll(async () => {
    await studio?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const env = (): TrainEnv => ({
    store: studio.store, dataDir, signal: new AbortController().signal, log: () => {}, progress: () => {}, onRun: () => {}, threads: 1,
    metric: (runId, step, name, value) => studio.store.runs.addMetric({ runId, step, name, value }),
  });
  const series = (runId: string, name: string) => studio.store.runs.metrics(runId, name).map((m) => [m.step, m.value] as const);

  /** Start `lathe ARGS`, SIGKILL it once its run has a checkpoint, and return the run's id. */
  async function killAfterFirstCheckpoint(args: string[]): Promise<string> {
    const child = spawn(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 90_000;
    let runId: string | undefined;
    while (Date.now() < deadline) {
      runId ??= /^run (run_\w+)$/m.exec(stderr)?.[1];
      if (runId && listCheckpoints(runDir(dataDir, runId)).length > 0) break;
      if (child.exitCode !== null) throw new Error(`lathe ${args.slice(0, 2).join(' ')} ended before it could be killed:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(runId, stderr).toBeDefined();
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 500)); // the re-executed trainer child notices its parent is gone
    return runId!;
  }

  function expectSameSeries(runId: string, referenceId: string, names: string[]): void {
    for (const name of names) {
      const want = series(referenceId, name);
      const got = series(runId, name);
      expect(want.length, `${name}: the reference recorded it`).toBeGreaterThan(0);
      expect(got.map(([s]) => s), `${name}: each step once`).toEqual(want.map(([s]) => s));
      got.forEach(([step, v], i) => expect(Math.abs(v - want[i][1]), `${name} at step ${step}`).toBeLessThanOrEqual(1e-6));
    }
    expect(studio.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  }

  it('lathe align dpo (LoRA)', async () => {
    const reference = await startDpo({ model: 's260k', dataset: 'demo', method: 'lora', lora: { r: 4, alpha: 8, dropout: 0.05 }, maxSteps: 12, batchSize: 2, seqLen: 64, evalEvery: 3, evalBatches: 2, saveEvery: 2, merge: false, threads: 1 }, env());
    expect(reference.status).toBe('completed');
    const runId = await killAfterFirstCheckpoint(['align', 'dpo', '--model', 's260k', '--dataset', 'demo', '--method', 'lora', '--rank', '4', '--alpha', '8', '--dropout', '0.05',
      '--max-steps', '12', '--batch-size', '2', '--seq-len', '64', '--eval-every', '3', '--eval-batches', '2', '--save-every', '2', '--no-merge', '--threads', '1']);
    expect(studio.store.runs.get(runId)?.status).not.toBe('succeeded');
    const resumed = lathe(dataDir, ['align', 'dpo', '--resume', runId, '--json'], { timeoutMs: 120_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json()).toMatchObject({ runId, status: 'completed', steps: 12 });
    expectSameSeries(runId, reference.runId, ['loss', 'rewards/margins', 'rewards/accuracies', 'logps/chosen', 'val_loss']);
  }, 180_000);

  it('lathe align reward (pairwise)', async () => {
    const reference = await startReward({ model: 's260k', dataset: 'demo', maxSteps: 12, batchSize: 2, seqLen: 64, evalEvery: 3, evalBatches: 2, saveEvery: 2, threads: 1 }, env());
    expect(reference.status).toBe('completed');
    const runId = await killAfterFirstCheckpoint(['align', 'reward', '--model', 's260k', '--dataset', 'demo', '--max-steps', '12', '--batch-size', '2', '--seq-len', '64',
      '--eval-every', '3', '--eval-batches', '2', '--save-every', '2', '--threads', '1']);
    expect(studio.store.runs.get(runId)?.status).not.toBe('succeeded');
    const resumed = lathe(dataDir, ['align', 'reward', '--resume', runId, '--json'], { timeoutMs: 120_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json()).toMatchObject({ runId, status: 'completed', steps: 12 });
    expectSameSeries(runId, reference.runId, ['loss', 'accuracy', 'margin', 'val_loss']);
    expect(resumed.json<{ validation: { accuracy: number } }>().validation.accuracy).toBeCloseTo(reference.validation!.accuracy, 6);
  }, 180_000);
});
