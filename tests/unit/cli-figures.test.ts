// The CLI's figures for people (cli/figures.ts): a training progress line printed bare numbers ('training: step 9/10
// loss 1.0000, about 12s left', no tokens/s, no time spent) and `lathe runs metrics` printed raw floats
// (0.123456789012). Now every figure is labelled, measured values have four significant digits, counts are grouped,
// times are on a clock; --json keeps the raw numbers.
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../native/cli/command.ts';
import { columnFigure } from '../../native/api/format.ts';
import { clock, figure, trainingProgressLine } from '../../native/cli/figures.ts';
import { foregroundEnv } from '../../native/cli/foreground.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-figures-');

describe('figure', () => {
  it('four significant digits, whole numbers grouped, tiny values in exponent form', () => {
    expect([0.123456789012, 2.3456789, 1234.567, 12345.678, 0.012345678, 1.23456e-5, 3e-6, 12.5].map(figure))
      .toEqual(['0.1235', '2.346', '1,235', '12,350', '0.01235', '1.235e-5', '3e-6', '12.5']);
    expect([0, 7, 12000, 1234567, -2.34567].map(figure)).toEqual(['0', '7', '12,000', '1,234,567', '-2.346']);
    expect([NaN, Infinity].map(figure)).toEqual(['NaN', 'Infinity']);
  });

  it('keeps trailing zeros where asked (a column of losses: 2.100 beside 2.222, 3.650e-5 beside 3.657e-5), and nothing else changes', () => {
    expect([2.1, 2.19, 2.2222, 0.5, 35.2, 1234.5, 2, 1.5e-5].map(columnFigure)).toEqual(['2.100', '2.190', '2.222', '0.5000', '35.20', '1,235', '2', '1.500e-5']);
    expect([2.1, 2.19, 0.5].map(figure)).toEqual(['2.1', '2.19', '0.5']);
    expect([1.99996, 10.0004, 999.96, -2.1].map(columnFigure)).toEqual(['2.000', '10.00', '1,000', '-2.100']);
  });
});

describe('clock', () => {
  it('m:ss below an hour, h:mm:ss above', () => {
    expect([0, 7.9, 59, 60, 190, 3599, 3600, 3725].map((s) => clock(s))).toEqual(['0:00', '0:07', '0:59', '1:00', '3:10', '59:59', '1:00:00', '1:02:05']);
    expect(clock(7.1, Math.ceil)).toBe('0:08');
  });
});

describe('a training progress line', () => {
  const figures = { step: 1200, totalSteps: 10000, loss: 2.3456789, tokensPerSecond: 1234.567 };
  it("labels each figure: the step of all, the loss, tokens/s, time spent and time left", () => {
    expect(trainingProgressLine('training', { message: 'step 1,200/10,000, loss 2.346', figures, elapsedSeconds: 42.7, etaSeconds: 189.2 }))
      .toBe('training: step 1,200/10,000, loss 2.346, 1,235 tokens/s, 0:42 elapsed, 3:10 left');
  });

  it("says the trainer's words when it reports no step, and no time left when none is known or the work is done", () => {
    expect(trainingProgressLine('aligning', { message: 'iteration 3/10: rollouts', elapsedSeconds: 75, etaSeconds: null }))
      .toBe('aligning: iteration 3/10: rollouts, 1:15 elapsed');
  });

  // PPO's line said only 'aligning: iteration 3/10: rollouts', never a finished iteration's loss or pace
  it("words a PPO iteration's figures the same way: its score and KL from the reference, then the loss and tokens/s", () => {
    const ppo = { step: 3, totalSteps: 10, unit: 'iteration' as const, score: 0.41234, kl: 0.0123456, loss: 1.23456, tokensPerSecond: 456.78 };
    expect(trainingProgressLine('aligning', { message: 'iteration 3/10: score 0.4123, KL 0.012, loss 1.2346', figures: ppo, elapsedSeconds: 75, etaSeconds: 175 }))
      .toBe('aligning: iteration 3/10, score 0.4123, KL 0.01235, loss 1.235, 456.8 tokens/s, 1:15 elapsed, 2:55 left');
  });

  it('never says 0:00 left while work remains', () => {
    expect(trainingProgressLine('training', { message: '', figures, elapsedSeconds: 3, etaSeconds: 0.2 })).toMatch(/, 0:01 left$/);
  });

  it('is what a foreground run prints for a step the loop reports, with nothing left after the last', () => {
    const info: string[] = [];
    const ctx: CliContext = { dataDir: tempDir(), json: false, print: () => {}, info: (line) => void info.push(line), warn: () => {}, log: () => {} };
    const { env, close } = foregroundEnv(ctx, 'pretraining');
    try {
      env.progress(0.5, 'step 5/10, loss 3.142', 125, { step: 5, totalSteps: 10, loss: 3.14159, tokensPerSecond: 987.654 });
      env.progress(1, 'step 10/10, loss 2.718', 0, { step: 10, totalSteps: 10, loss: 2.71828, tokensPerSecond: 1010.4 });
    } finally {
      close();
    }
    expect(info).toEqual([
      expect.stringMatching(/^pretraining: step 5\/10, loss 3\.142, 987\.7 tokens\/s, 0:0\d elapsed, 2:05 left$/),
      expect.stringMatching(/^pretraining: step 10\/10, loss 2\.718, 1,010 tokens\/s, 0:0\d elapsed$/),
    ]);
  });
});

describe('lathe runs metrics', () => {
  it('prints values for people in the VALUE column, and the raw numbers with --json', async () => {
    const dataDir = tempDir();
    const store = open(dataDir);
    const run = store.runs.create({ kind: 'pretrain', name: 'scratch', config: {} });
    store.runs.addMetric({ runId: run.id, step: 12000, name: 'loss', value: 0.123456789012 });
    store.runs.addMetric({ runId: run.id, step: 12000, name: 'lr', value: 2.5e-5 });
    store.runs.addMetric({ runId: run.id, step: 12000, name: 'tokens_per_second', value: 12345.678 });
    store.runs.addMetric({ runId: run.id, step: 12000, name: 'examples', value: 64000 });
    const text = await latheInProcess(['runs', 'metrics', run.id], dataDir);
    expect(text.code, text.stderr).toBe(0);
    const values = Object.fromEntries(text.stdout.split('\n').slice(1).map((line) => line.split(/\s{2,}/)).map(([name, step, value]) => [name, [step, value]]));
    expect(values).toEqual({ loss: ['12,000', '0.1235'], lr: ['12,000', '2.5e-5'], tokens_per_second: ['12,000', '12,350'], examples: ['12,000', '64,000'] });
    const json = await latheInProcess(['runs', 'metrics', run.id, '--json'], dataDir);
    expect(Object.fromEntries((JSON.parse(json.stdout) as { name: string; value: number }[]).map((m) => [m.name, m.value]))).toEqual({
      loss: 0.123456789012, lr: 2.5e-5, tokens_per_second: 12345.678, examples: 64000,
    });
  });
});
