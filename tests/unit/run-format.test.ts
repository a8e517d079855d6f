// The learning-rate tile of a run: a decay to zero must not leave it reading "0" once the run has ended. And the planned
// steps a running job's line tells, its counts grouped (1,200/10,000), which read as 1,200/10 before.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../native/api/schemas.ts';
import { learningRateStat, plannedSteps } from '../../renderer/src/pages/finetune/runFormat.ts';

const cosine = [{ value: 1e-3 }, { value: 2e-3 }, { value: 1e-3 }, { value: 0 }];

describe('learning-rate tile', () => {
  it('reads the peak and the schedule once a run that decayed to 0 has ended', () => {
    expect(learningRateStat(cosine, 2e-3, 'cosine', false)).toEqual({ value: '0.002', note: 'peak · cosine' });
    // no configured rate: the largest recorded one is the peak
    expect(learningRateStat(cosine, undefined, 'linear', false)).toEqual({ value: '0.002', note: 'peak · linear' });
    expect(learningRateStat(cosine, 2e-3, undefined, false)).toEqual({ value: '0.002', note: 'peak' });
    expect(learningRateStat([{ value: 5e-4 }], 5e-4, 'constant', false)).toEqual({ value: '0.0005', note: 'constant' });
  });

  it('reads the current rate while the run trains, and a dash before anything is known', () => {
    expect(learningRateStat(cosine.slice(0, 3), 2e-3, 'cosine', true)).toEqual({ value: '0.001', note: 'cosine' });
    expect(learningRateStat(cosine, 2e-3, 'cosine', true).value).toBe('0.002'); // its last step: 0, so the peak
    expect(learningRateStat(undefined, undefined, undefined, false)).toEqual({ value: '—', note: null });
  });
});

describe('planned steps', () => {
  const job = (message: string) => ({ message }) as Job;
  it("read the job's step line, its counts grouped as the engine words them, else the config's", () => {
    expect(plannedSteps(job('step 12/400, loss 2.346'), { maxSteps: 9 })).toBe(400);
    expect(plannedSteps(job('step 1,200/10,000, loss 2.346'), {})).toBe(10_000);
    expect(plannedSteps(job('tokenizing'), { maxSteps: null, steps: 300 })).toBe(300);
    expect(plannedSteps(null, {})).toBeNull();
  });
});
