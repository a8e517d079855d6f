// A training run's time left is estimated at the pace after its first step, as an evaluation's is (jobs/eta.ts): the
// first step pays the warm-up (the session's first run sizes its memory, kernels are compiled). Timed from the start,
// 12 LoRA steps of stories260K said 'about 7s left' after step 1 where 2 were. The runner here is a stand-in whose
// first step is slow, as a cold session's is; fine-tuning, pretraining, DPO and reward models all run this loop.
import { describe, expect, it } from 'vitest';
import type { TrainerState } from '../../native/train/checkpoints.ts';
import { trainLoop, type LoopOptions } from '../../native/train/loop.ts';
import type { BatchSource } from '../../native/train/batches.ts';
import type { TrainingSession } from '../../native/train/session.ts';

const WARM_UP_MS = 800;
const STEADY_MS = 2;

/** A runner whose first step takes WARM_UP_MS and every later one STEADY_MS. */
function coldRunner(): TrainingSession {
  let steps = 0;
  return {
    metricNames: [],
    async step() {
      await new Promise((resolve) => setTimeout(resolve, steps++ === 0 ? WARM_UP_MS : STEADY_MS));
      return { loss: 1, gradNorm: 1, metrics: {} };
    },
    async evaluate() {
      return { loss: 1, metrics: {} };
    },
    async endEvaluation() {},
  } as unknown as TrainingSession;
}

const data: BatchSource = { trainStep: () => [{ feeds: {}, tokens: 8, scored: 8 }], validation: () => [], stepsPerEpoch: 100 };
const options: LoopOptions = { totalSteps: 10, lr: 1e-3, warmupSteps: 0, schedule: 'linear', evalEvery: 0, evalBatches: 0, saveEvery: 0, patience: 0, dropout: null, examplesPerStep: 1 };
const fresh = (step = 0): TrainerState => ({ step, examplesSeen: 0, epoch: 0, seed: 1, bestValLoss: null, evalsWithoutImprovement: 0, lastValLoss: null });

async function reportedEtas(state: TrainerState): Promise<{ step: number; eta: number | null }[]> {
  const reports: { step: number; eta: number | null }[] = [];
  await trainLoop(coldRunner(), data, options, {
    signal: new AbortController().signal,
    metric: () => {},
    progress: (fraction, _message, eta) => reports.push({ step: Math.round(fraction * options.totalSteps), eta }),
    log: () => {},
    save: async () => {},
  }, state);
  return reports;
}

describe('time left in a training run', () => {
  it('is unknown after the first step, then the pace since it times the rest', async () => {
    const reports = await reportedEtas(fresh());
    expect(reports.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(reports[0].eta).toBeNull(); // before: 7 (0.8 s × 9), for well under a second left
    expect(reports.at(-1)!.eta).toBe(0);
    for (const r of reports) expect(r.eta ?? 0).toBeLessThanOrEqual(1);
  });

  it('after a resume, the first step of the new process is the warm-up', async () => {
    const reports = await reportedEtas(fresh(4));
    expect(reports.map((r) => r.step)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(reports[0].eta).toBeNull();
    for (const r of reports) expect(r.eta ?? 0).toBeLessThanOrEqual(1);
  });
});
