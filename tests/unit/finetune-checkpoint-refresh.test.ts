// When the fine-tune run view re-reads its checkpoint list: whenever the run has passed a save boundary the
// list does not show, however the steps arrived (the old check compared floor(step / every) with the last
// value it saw, and a timer cleared by the next step left "No checkpoint yet" on screen at step 17 of every 10).
import { describe, expect, it } from 'vitest';
import { checkpointListBehind, lastSaveBoundary } from '../../renderer/src/pages/finetune/useCheckpointRefresh.ts';

describe('checkpoint list refresh', () => {
  it('knows the newest boundary a run has passed', () => {
    expect([0, 9, 10, 17, 20, 35].map((s) => lastSaveBoundary(s, 10))).toEqual([0, 0, 10, 10, 20, 30]);
    expect(lastSaveBoundary(17, 0)).toBe(0);
    expect(lastSaveBoundary(17, null)).toBe(0);
  });

  it('is behind at step 17 of save-every 10 with no checkpoint listed, until the list shows step 10', () => {
    expect(checkpointListBehind(null, 17, 10)).toBe(true);
    expect(checkpointListBehind(10, 17, 10)).toBe(false);
    expect(checkpointListBehind(10, 23, 10)).toBe(true); // a boundary skipped between two events
    expect(checkpointListBehind(20, 23, 10)).toBe(false);
  });

  it('is never behind before the first boundary, without a save interval, or after a resume re-records steps', () => {
    expect(checkpointListBehind(null, 9, 10)).toBe(false);
    expect(checkpointListBehind(null, 500, 0)).toBe(false);
    expect(checkpointListBehind(40, 12, 10)).toBe(false); // resumed from step 40: older boundaries are covered
  });
});
