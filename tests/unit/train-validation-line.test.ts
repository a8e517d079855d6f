// A validation's loss in a training log: the loop said 'step 50: val_loss 3.0370' (a metric key, four decimals) under
// 'training: step 51/200, loss 2.981, …'; it is worded as the progress line is now, step of all and the loss to four
// significant digits (cli/figures.ts), as is the studio's job line for a step. Fine-tuning, pretraining, DPO and reward
// models all run this loop.
import { describe, expect, it } from 'vitest';
import { trainingProgressLine } from '../../native/cli/figures.ts';
import type { BatchSource } from '../../native/train/batches.ts';
import { stepLossWords, trainLoop, validationLine, type LoopOptions } from '../../native/train/loop.ts';
import type { TrainingSession } from '../../native/train/session.ts';

const VAL_LOSSES = [3.0370123, 2.5, 2.0004567];

function runner(): TrainingSession {
  let evaluations = 0;
  return {
    metricNames: [],
    async step() {
      return { loss: 2.9814, gradNorm: 1, metrics: {} };
    },
    async evaluate() {
      return { loss: VAL_LOSSES[evaluations++], metrics: {} };
    },
    async endEvaluation() {},
  } as unknown as TrainingSession;
}

const data: BatchSource = { trainStep: () => [{ feeds: {}, tokens: 8, scored: 8 }], validation: () => [{ feeds: {}, tokens: 8, scored: 8 }], stepsPerEpoch: 100 };
const options: LoopOptions = { totalSteps: 200, lr: 1e-3, warmupSteps: 0, schedule: 'linear', evalEvery: 100, evalBatches: 1, saveEvery: 0, patience: 0, dropout: null, examplesPerStep: 1 };

describe("a training run's validation lines", () => {
  it("use words and the progress line's figures, not the val_loss key", async () => {
    const logged: string[] = [];
    const steps: string[] = [];
    const messages: string[] = [];
    await trainLoop(runner(), data, options, {
      signal: new AbortController().signal,
      metric: () => {},
      progress: (_fraction, message, _eta, figures) => {
        messages.push(message);
        steps.push(trainingProgressLine('training', { message, figures, elapsedSeconds: 1, etaSeconds: null }));
      },
      log: (_level, line) => void logged.push(line),
      save: async () => {},
    }, { step: 0, examplesSeen: 0, epoch: 0, seed: 1, bestValLoss: null, evalsWithoutImprovement: 0, lastValLoss: null });
    expect(logged).toEqual(['validation: step 0/200, loss 3.037', 'validation: step 100/200, loss 2.5', 'validation: step 200/200, loss 2']);
    expect(steps[100]).toMatch(/^training: step 101\/200, loss 2\.981, /);
    // the studio's job line words a step as the validation lines do (it said 'step 101/200 loss 2.9814')
    expect(messages[100]).toBe('step 101/200, loss 2.981');
  });

  it('group a long run\'s counts, as every count is grouped', () => {
    expect(stepLossWords(1200, 10_000, 2.3456789)).toBe('step 1,200/10,000, loss 2.346');
    expect(validationLine(1200, 10_000, 0.0000123456)).toBe('validation: step 1,200/10,000, loss 1.235e-5');
  });
});
