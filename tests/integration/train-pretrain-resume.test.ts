// A pretraining run that crashes after its checkpoint at step 4 (having recorded steps 5 and 6) resumes through
// `train.resume` — the same job kind, the same checkpoint format as fine-tuning — and its losses continue exactly
// as the uninterrupted run's (CPU, one thread), each step recorded once; `lathe train --resume` continues one too.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../native/studio/studio.ts';
import { runPretrain } from '../../native/train/pretrain.ts';
import type { TrainEnv } from '../../native/train/run-env.ts';
import { storyPairs } from '../fixtures/train-story-pairs.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

let dataDir = '';
let studio: Studio;
let corpus = '';

beforeAll(() => {
  dataDir = tempDir('train-pretrain-resume');
  studio = new Studio({ dataDir, mode: 'serve' });
  corpus = path.join(dataDir, 'stories.txt');
  fs.writeFileSync(corpus, storyPairs(240).map((r) => `${r.input} ${r.output}`).join('\n'));
});

afterAll(async () => {
  await studio?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const config = () => ({ corpus, family: 'gpt2' as const, layers: 2, heads: 2, dModel: 32, context: 32, vocab: 300, steps: 12, batchSize: 4, lr: 3e-3, evalEvery: 4, evalBatches: 2, saveEvery: 4, seed: 5, threads: 1 });

/** An in-process env; `crashAt` throws from the metric sink once that step's loss is recorded (a crash, not a cancel). */
function env(crashAt: number | null = null): TrainEnv {
  return {
    store: studio.store, dataDir, signal: new AbortController().signal, log: () => {}, progress: () => {}, onRun: () => {}, threads: 1,
    metric: (runId, step, name, value) => {
      studio.store.runs.addMetric({ runId, step, name, value });
      if (step === crashAt && name === 'loss') throw new Error(`simulated crash at step ${step}`);
    },
  };
}

const series = (runId: string, name: string) => studio.store.runs.metrics(runId, name).map((m) => [m.step, m.value] as const);

describe('resuming a pretraining run', () => {
  it('continues the loss exactly from the last checkpoint and records each step once', async () => {
    const reference = await runPretrain(config(), env());
    expect(reference.status).toBe('completed');
    const expected = series(reference.runId, 'loss');
    expect(expected.map(([s]) => s)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));

    await expect(runPretrain(config(), env(6))).rejects.toThrow(/simulated crash at step 6/);
    const crashed = studio.store.runs.list({ kind: 'pretrain' }).find((r) => r.id !== reference.runId)!;
    expect(crashed.status).toBe('failed');
    expect(series(crashed.id, 'loss').map(([s]) => s)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await studio.call('train.checkpoints', { runId: crashed.id })).map((c) => c.step)).toEqual([4]);

    const job = await studio.call('train.resume', { runId: crashed.id });
    await studio.queue.whenFinished(job.id);
    const done = await studio.call('jobs.get', { id: job.id });
    expect(done.state, done.error ?? '').toBe('succeeded');
    expect(studio.store.runs.get(crashed.id)?.status).toBe('succeeded');
    const got = series(crashed.id, 'loss');
    expect(got.map(([s]) => s)).toEqual(expected.map(([s]) => s)); // steps 5 and 6 once, not twice
    got.forEach(([step, value], i) => expect(Math.abs(value - expected[i][1]), `step ${step}`).toBeLessThanOrEqual(1e-6));
    expect(series(crashed.id, 'val_loss').map(([s]) => s)).toEqual([0, 4, 8, 12]);
    const valRef = series(reference.runId, 'val_loss');
    series(crashed.id, 'val_loss').forEach(([step, value], i) => expect(Math.abs(value - valRef[i][1]), `val step ${step}`).toBeLessThanOrEqual(1e-6));
  }, 120_000);

  it('lathe train --resume continues a pretraining run, and refuses one that finished', async () => {
    await expect(runPretrain(config(), env(5))).rejects.toThrow(/simulated crash/);
    const crashed = studio.store.runs.list({ kind: 'pretrain' }).find((r) => r.status === 'failed')!;
    // start flags beside --resume would be ignored: refused, naming them, before anything runs
    const flagged = await inProcessLathe(dataDir, ['train', '--resume', crashed.id, '--max-steps', '99', '--lr', '1e-3', '--project', 'p', '--no-merge', '--threads', '1']);
    expect(flagged.code).toBe(2);
    expect(flagged.stderr).toMatch(/^lathe train: --resume continues the run with its own recorded settings, so --no-merge, --project, --lr and --max-steps would be ignored; drop them/);
    expect(studio.store.runs.get(crashed.id)?.status).toBe('failed');
    // --threads is how fast this attempt goes, not a setting of the run: taken beside --resume
    const r = await inProcessLathe(dataDir, ['train', '--resume', crashed.id, '--threads', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ runId: crashed.id, status: 'completed', steps: 12 });
    expect(series(crashed.id, 'loss').map(([s]) => s)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const again = await inProcessLathe(dataDir, ['train', '--resume', crashed.id]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already finished/);
    const evaluation = studio.store.runs.create({ kind: 'evaluation', name: 'an evaluation', config: {} });
    const wrongKind = await inProcessLathe(dataDir, ['train', '--resume', evaluation.id]);
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toContain(`run ${evaluation.id} is an evaluation run; 'lathe train --resume' continues finetune runs`);
  }, 60_000);

  it('lathe pretrain --resume refuses start flags it would ignore, before any work', async () => {
    const runs = studio.store.runs.list({ kind: 'pretrain' }).length;
    // run_x does not exist: the flags are refused first, before the store is opened
    const r = await inProcessLathe(dataDir, ['pretrain', '--resume', 'run_x', '--steps', '99', '--corpus', 'more.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lathe pretrain: --resume continues the run with its own recorded settings, so --corpus and --steps would be ignored; drop them/);
    expect(studio.store.runs.list({ kind: 'pretrain' }), 'no run started').toHaveLength(runs);
  }, 60_000);

  it('a cancelled pretraining job ends cancelled, job and run (not succeeded with a cancelled run)', async () => {
    const job = await studio.call('train.pretrain', { ...config(), steps: 5000, evalEvery: 0 });
    let runId: string | null = null;
    for (let i = 0; i < 600 && (runId === null || series(runId, 'loss').length < 3); i++) {
      await new Promise((r) => setTimeout(r, 50));
      runId = studio.store.jobs.get(job.id)?.runId ?? null;
    }
    await studio.call('train.cancel', { runId: runId! });
    await studio.queue.whenFinished(job.id);
    expect((await studio.call('jobs.get', { id: job.id })).state).toBe('cancelled');
    expect(studio.store.runs.get(runId!)?.status).toBe('cancelled');
  }, 60_000);
});

describe('the closing sample', () => {
  it('fits a context shorter than the sample prompt', async () => {
    // a 16-token context: the prompt must be cut to fit, or the learned-position Gather runs out of range
    const result = await runPretrain({ ...config(), context: 16, steps: 2, evalEvery: 2, saveEvery: 2, outputName: 'tiny-context' }, env());
    expect(result.status).toBe('completed');
    expect(result.sample.length).toBeGreaterThan(0);
  });
});
