// What the alignment trainers' integration tests share: an in-process TrainEnv that can crash on purpose, a run's
// recorded metric series, and a studio job cancelled mid-run. (A `lathe` killed mid-run: helpers/kill.ts.)
import path from 'node:path';
import { expect } from 'vitest';
import type { Studio } from '../../../native/studio/studio.ts';
import type { TrainEnv } from '../../../native/train/run-env.ts';
import { SHARED_DATA } from './lathe.ts';

export const DPO_DEMO = path.join(SHARED_DATA, 'datasets/preferences/dpo_en_demo.json');
/** dpo_en_demo as these tests import it: a fifth of the pairs to train on, a twentieth to validate. */
export const DPO_DEMO_SPLIT = { train: 0.2, validation: 0.05, test: 0.75 };

/**
 * An in-process env on one thread that records metrics into the studio's store. With `crashAt`, the metric sink
 * throws `simulated crash at <unit> <n>` once that step's loss is recorded (a crash, not a cancel).
 */
export function trainEnv(studio: Studio, dataDir: string, crashAt: number | null = null, unit = 'step'): TrainEnv {
  return {
    store: studio.store, dataDir, signal: new AbortController().signal, log: () => {}, progress: () => {}, onRun: () => {}, threads: 1,
    metric: (runId, step, name, value) => {
      studio.store.runs.addMetric({ runId, step, name, value });
      if (step === crashAt && name === 'loss') throw new Error(`simulated crash at ${unit} ${step}`);
    },
  };
}

/** A run's recorded values of one metric as [step, value], in step order. */
export function metricSeries(studio: Studio, runId: string, name: string): (readonly [number, number])[] {
  return studio.store.runs.metrics(runId, name).map((m) => [m.step, m.value] as const);
}

/** Each named metric of `runId` was recorded by the reference, at the same steps, each once, and equals it to 1e-6. */
export function expectSameSeries(studio: Studio, runId: string, referenceId: string, names: string[]): void {
  for (const name of names) {
    const want = metricSeries(studio, referenceId, name);
    const got = metricSeries(studio, runId, name);
    expect(want.length, `${name}: the reference recorded it`).toBeGreaterThan(0);
    expect(got.map(([s]) => s), `${name}: each step once`).toEqual(want.map(([s]) => s));
    got.forEach(([step, v], i) => expect(Math.abs(v - want[i][1]), `${name} at step ${step}`).toBeLessThanOrEqual(1e-6));
  }
}

/**
 * Waits (up to a minute) until the studio job's run has recorded `minLosses` losses, stops it with train.cancel,
 * and checks that job and run both end 'cancelled'; returns the run's id.
 */
export async function cancelJobMidRun(studio: Studio, jobId: string, minLosses: number): Promise<string> {
  let runId: string | null = null;
  for (let i = 0; i < 1200 && (runId === null || metricSeries(studio, runId, 'loss').length < minLosses); i++) {
    await new Promise((r) => setTimeout(r, 50));
    runId = studio.store.jobs.get(jobId)?.runId ?? null;
  }
  expect(runId).not.toBeNull();
  await studio.call('train.cancel', { runId: runId! });
  await studio.queue.whenFinished(jobId);
  expect((await studio.call('jobs.get', { id: jobId })).state).toBe('cancelled');
  expect(studio.store.runs.get(runId!)?.status).toBe('cancelled');
  return runId!;
}
