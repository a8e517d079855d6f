// A per-batch report thinned to one an interval: a reward run's whole-split measurement printed one line a batch
// (190 lines for SST-2's validation split), since the CLI prints every report made at fraction 1.
import { describe, expect, it } from 'vitest';
import { atMostEvery } from '../../native/train/at-most-every.ts';

describe('atMostEvery', () => {
  it('passes the first call on, drops calls within the interval, and passes the next one after it', () => {
    let clock = 0;
    const heard: number[] = [];
    const report = atMostEvery(1000, (n: number) => heard.push(n), () => clock);
    for (let n = 1; n <= 25; n++) {
      report(n);
      clock += 100; // a batch every 100 ms
    }
    expect(heard).toEqual([1, 11, 21]);
  });
});
