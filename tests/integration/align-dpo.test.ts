// DPO end to end on real data: stories260K (llama2.c, imported) aligned to LLaMA-Factory's dpo_en_demo.json pairs.
// - a full DPO run (a fifth of the pairs, five epochs, 96-token sequences) lifts rewards/accuracies on its training
//   pairs well above 0.5 (the policy starts equal to the reference, every reward 0); the run is kind 'dpo',
//   its config holds the dataset's content hash, and TRL's metric names are recorded per step;
// - a LoRA run (with dropout) that crashes after its step-3 checkpoint resumes to exactly the uninterrupted run's
//   losses and rewards, each step recorded once;
// - the studio's 'dpo' job starts from align.dpo and stops on train.cancel, job and run 'cancelled';
// - the reference pass reports its progress batch by batch, and a cancel stops it between two batches, nothing kept;
// - `lathe align dpo` names the flag in its errors and the record of a row that makes no pair.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import type { Studio } from '../../native/studio/studio.ts';
import { resumeDpo, startDpo } from '../../native/train/dpo.ts';
import { cancelJobMidRun, DPO_DEMO, DPO_DEMO_SPLIT, expectSameSeries, metricSeries, trainEnv } from './helpers/align.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { HAS_SHARED_DATA, SKIP_SHARED_REASON } from './helpers/lathe.ts';
import { closeStudio, openStoriesStudio } from './helpers/stories-studio.ts';

if (!HAS_SHARED_DATA) console.log(`skipping align-dpo: ${SKIP_SHARED_REASON}`);

describe.skipIf(!HAS_SHARED_DATA)('DPO on stories260K and dpo_en_demo', () => {
  let dataDir = '';
  let studio: Studio;

  beforeAll(async () => {
    ({ dataDir, studio } = await openStoriesStudio('align-dpo'));
    await importDataset({ path: DPO_DEMO, name: 'demo', split: DPO_DEMO_SPLIT }, { store: studio.store, dataDir });
  }, 60_000);

  afterAll(() => closeStudio(studio, dataDir));

  /** An in-process env; `crashAt` throws from the metric sink once that step's loss is recorded (a crash, not a cancel). */
  const env = (crashAt: number | null = null) => trainEnv(studio, dataDir, crashAt);
  const series = (runId: string, name: string) => metricSeries(studio, runId, name);

  it('a full DPO run lifts rewards/accuracies on its training pairs well above 0.5', async () => {
    const said: string[] = [];
    const logged: string[] = [];
    const out = await startDpo({ model: 's260k', dataset: 'demo', method: 'full', epochs: 5, batchSize: 4, seqLen: 96, lr: 2e-3, evalEvery: 0, saveEvery: 0, threads: 1 }, { ...env(), progress: (_f, message) => said.push(message), log: (_level, line) => logged.push(line) });
    expect(out.status).toBe('completed');
    // the reference pass says how far it got, batch by batch (a minute of one unchanging line on the full demo set)
    expect(said).toContain('reference log-probabilities: 4 of 60 pairs');
    expect(said).toContain('reference log-probabilities: 60 of 60 pairs');
    // and the measurement of the trained policy after the last step, thinned to a line a second
    const measured = said.filter((m) => /^measuring the trained policy on 60 training pairs: batch \d+ of \d+$/.test(m));
    expect(measured[0]).toMatch(/: batch 1 of \d+$/);
    expect(out.trainPairs).toBe(60);
    expect(out.steps).toBe(75);
    // the first step's batch is measured before any update: the policy is the reference, every reward 0 (to float32
    // rounding: the reference log-probs come from a separate graph), so no pair is ranked yet
    for (const name of ['rewards/chosen', 'rewards/rejected', 'rewards/margins']) {
      const [step, value] = series(out.runId, name)[0];
      expect(step).toBe(1);
      expect(Math.abs(value), name).toBeLessThan(1e-4);
    }
    // measured 0.983 (59 of 60 pairs) on this machine; the validation pairs, unseen, at 0.600
    expect(out.trainMetrics!['rewards/accuracies']).toBeGreaterThan(0.8);
    expect(out.trainMetrics!['rewards/margins']).toBeGreaterThan(0);
    // said once, by the outcome's summary (describeDpo) and run view: the log no longer says them before it
    expect(logged.filter((line) => line.includes('rewards/accuracies')), logged.join('\n')).toEqual([]);
    const run = studio.store.runs.get(out.runId)!;
    expect(run.kind).toBe('dpo');
    expect(run.status).toBe('succeeded');
    expect(run.config).toMatchObject({ beta: 0.1, loss: 'sigmoid', method: 'full', datasetHash: studio.store.datasets.find('demo').contentHash, promptLenCountsBos: true });
    for (const name of ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins', 'logps/chosen', 'logps/rejected']) {
      expect(series(out.runId, name).length, name).toBe(75);
    }
    expect(out.outputModel).toBe('s260k-dpo'); // what was done to which model, not the run id
  }, 180_000);

  const loraConfig = { model: 's260k', dataset: 'demo', method: 'lora' as const, lora: { r: 4, alpha: 8, dropout: 0.05 }, maxSteps: 6, batchSize: 2, seqLen: 64, evalEvery: 3, evalBatches: 2, saveEvery: 3, merge: false, threads: 1 };

  it('a LoRA run that crashed resumes exactly where the uninterrupted run would be', async () => {
    const reference = await startDpo(loraConfig, env());
    expect(reference.status).toBe('completed');
    await expect(startDpo(loraConfig, env(5))).rejects.toThrow(/simulated crash at step 5/);
    const crashed = studio.store.runs.list({ kind: 'dpo' }).find((r) => r.status === 'failed')!;
    const resumed = await resumeDpo(crashed.id, env());
    expect(resumed.status).toBe('completed');
    expectSameSeries(studio, crashed.id, reference.runId, ['loss', 'rewards/margins', 'rewards/accuracies', 'val_loss']);
    expect(fs.readFileSync(path.join(resumed.adapterPath!, 'adapter_model.safetensors'))).toEqual(fs.readFileSync(path.join(reference.adapterPath!, 'adapter_model.safetensors')));
    await expect(resumeDpo(crashed.id, env())).rejects.toThrow(/already finished/);
  }, 180_000);

  it("the studio's 'dpo' job starts from align.dpo and stops on train.cancel", async () => {
    const job = await studio.call('align.dpo', { ...loraConfig, maxSteps: 5000, evalEvery: 0, saveEvery: 0 });
    expect(job.kind).toBe('dpo');
    await cancelJobMidRun(studio, job.id, 2);
    await expect(studio.call('align.dpo', { ...loraConfig, loss: 'robust' })).rejects.toThrow(/label smoothing above 0/);
  }, 120_000);

  it('a cancel during the reference pass stops it there, keeps no part of it, and the run resumes from the start', async () => {
    const controller = new AbortController();
    const said: string[] = [];
    const progress = (_f: number, message: string) => {
      said.push(message);
      if (message === 'reference log-probabilities: 4 of 60 pairs') controller.abort(); // a Ctrl-C after the first batch
    };
    const config = { ...loraConfig, batchSize: 4, maxSteps: 2, evalEvery: 0, saveEvery: 0 };
    const out = await startDpo(config, { ...env(), signal: controller.signal, progress });
    // it once ran the whole pass (a minute on the full demo set) and a validation before it stopped
    expect(out).toMatchObject({ status: 'cancelled', steps: 0, trainMetrics: null, adapterPath: null, outputModel: null });
    expect(said.filter((m) => m.startsWith('reference log-probabilities: '))).toEqual(['reference log-probabilities: 4 of 60 pairs']);
    expect(studio.store.runs.get(out.runId)!.status).toBe('cancelled');
    expect(studio.store.runs.metrics(out.runId, 'val_loss')).toEqual([]);
    const runFolder = path.join(dataDir, 'runs', out.runId);
    expect(fs.readdirSync(runFolder).filter((f) => f.includes('reference')), 'no part of a pass is kept').toEqual([]);
    const resumed = await resumeDpo(out.runId, env());
    expect(resumed).toMatchObject({ status: 'completed', steps: 2 });
  }, 120_000);

  it('lathe align dpo names the flag, and the record of a row that makes no pair', async () => {
    let r = await inProcessLathe(dataDir, ['align', 'dpo', '--model', 's260k', '--dataset', 'demo', '--beta', 'strong']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--beta must be a number; got 'strong'/);
    r = await inProcessLathe(dataDir, ['align', 'dpo', '--model', 's260k', '--dataset', 'demo', '--loss', 'robust']);
    expect(r.stderr).toMatch(/--label-smoothing: the robust loss needs a label smoothing above 0/);
    r = await inProcessLathe(dataDir, ['align', 'dpo', '--model', 's260k', '--dataset', 'demo', '--loss', 'hinge']);
    expect(r.stderr).toMatch(/--loss must be one of sigmoid, robust, ipo; got 'hinge'/);
    const file = path.join(dataDir, 'pairs.jsonl');
    const rows = [['a', 'x', 'y'], ['b', 'x', 'z'], ['c', 'same', 'same'], ['d', 'u', 'v']].map(([prompt, chosen, rejected]) => JSON.stringify({ prompt, chosen, rejected }));
    fs.writeFileSync(file, `${rows.join('\n')}\n`);
    expect((await inProcessLathe(dataDir, ['dataset', 'import', file, '--name', 'pairs', '--split', '1,0,0'])).code).toBe(0);
    r = await inProcessLathe(dataDir, ['align', 'dpo', '--model', 's260k', '--dataset', 'pairs', '--max-steps', '1', '--threads', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dataset pairs record 3 \(of .*pairs\.jsonl, in file order\): chosen and rejected are the same text/);
    expect(studio.store.runs.list({ kind: 'dpo' }).filter((run) => run.config && (run.config as { dataset?: string }).dataset === 'pairs'), 'a refused dataset leaves no run').toEqual([]);
    r = await inProcessLathe(dataDir, ['align', 'dpo', '--model', 's260k', '--dataset', 'pairs', '--max-steps', '1', '--threads', '1', '--skip-invalid', '--no-merge', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ status: 'completed', steps: 1, skippedRows: [{ reason: 'chosen and rejected are the same text, so the pair prefers nothing' }] });
  }, 240_000);

  it('lathe align dpo --resume refuses start flags it would ignore, before any work', async () => {
    const runs = studio.store.runs.list({ kind: 'dpo' }).length;
    // run_x does not exist: the flags are refused first, before the store is opened
    const r = await inProcessLathe(dataDir, ['align', 'dpo', '--resume', 'run_x', '--beta', '0.2', '--no-merge']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lathe align dpo: --resume continues the run with its own recorded settings, so --no-merge and --beta would be ignored; drop them/);
    expect(studio.store.runs.list({ kind: 'dpo' }), 'no run started').toHaveLength(runs);
  }, 60_000);
});
