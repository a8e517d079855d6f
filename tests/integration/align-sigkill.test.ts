// SIGKILL, not a simulated crash, for the two alignment trainers whose other resume tests throw from inside the
// process: `lathe align dpo` and `lathe align reward` are killed once their first checkpoint is on disk, `--resume`
// finishes them, and every recorded loss and reward figure equals an uninterrupted run's (1e-6), with the store intact.
// (PPO's SIGKILL test is in align-ppo.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import type { Studio } from '../../native/studio/studio.ts';
import { listCheckpoints } from '../../native/train/checkpoints.ts';
import { startDpo } from '../../native/train/dpo.ts';
import { startReward } from '../../native/train/reward.ts';
import { runDir } from '../../native/train/run-env.ts';
import { DPO_DEMO, DPO_DEMO_SPLIT, expectSameSeries as expectSameSeriesIn, trainEnv } from './helpers/align.ts';
import { killLatheWhen } from './helpers/kill.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { HAS_SHARED_DATA, SKIP_SHARED_REASON } from './helpers/lathe.ts';
import { closeStudio, openStoriesStudio } from './helpers/stories-studio.ts';

if (!HAS_SHARED_DATA) console.log(`skipping align-sigkill: ${SKIP_SHARED_REASON}`);

describe.skipIf(!HAS_SHARED_DATA)('alignment runs killed with SIGKILL resume exactly', () => {
  let dataDir = '';
  let studio: Studio;

  beforeAll(async () => {
    ({ dataDir, studio } = await openStoriesStudio('align-sigkill'));
    await importDataset({ path: DPO_DEMO, name: 'demo', split: DPO_DEMO_SPLIT }, { store: studio.store, dataDir });
  }, 60_000);

  afterAll(() => closeStudio(studio, dataDir));

  const env = () => trainEnv(studio, dataDir);

  /** Start `lathe ARGS`, SIGKILL it once its run has a checkpoint, and return the run's id. */
  const killAfterFirstCheckpoint = (args: string[]) => killLatheWhen(dataDir, args, (runId) => listCheckpoints(runDir(dataDir, runId)).length > 0);

  /** The resumed run's series equal the uninterrupted run's, and the store survived the kill. */
  function expectSameSeries(runId: string, referenceId: string, names: string[]): void {
    expectSameSeriesIn(studio, runId, referenceId, names);
    expect(studio.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  }

  it('lathe align dpo (LoRA)', async () => {
    const reference = await startDpo({ model: 's260k', dataset: 'demo', method: 'lora', lora: { r: 4, alpha: 8, dropout: 0.05 }, maxSteps: 12, batchSize: 2, seqLen: 64, evalEvery: 3, evalBatches: 2, saveEvery: 2, merge: false, threads: 1 }, env());
    expect(reference.status).toBe('completed');
    const runId = await killAfterFirstCheckpoint(['align', 'dpo', '--model', 's260k', '--dataset', 'demo', '--method', 'lora', '--rank', '4', '--alpha', '8', '--dropout', '0.05',
      '--max-steps', '12', '--batch-size', '2', '--seq-len', '64', '--eval-every', '3', '--eval-batches', '2', '--save-every', '2', '--no-merge', '--threads', '1']);
    expect(studio.store.runs.get(runId)?.status).not.toBe('succeeded');
    const resumed = await inProcessLathe(dataDir, ['align', 'dpo', '--resume', runId, '--json']);
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
    const resumed = await inProcessLathe(dataDir, ['align', 'reward', '--resume', runId, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json()).toMatchObject({ runId, status: 'completed', steps: 12 });
    expectSameSeries(runId, reference.runId, ['loss', 'accuracy', 'margin', 'val_loss']);
    expect(resumed.json<{ validation: { accuracy: number } }>().validation.accuracy).toBeCloseTo(reference.validation!.accuracy, 6);
  }, 180_000);
});
