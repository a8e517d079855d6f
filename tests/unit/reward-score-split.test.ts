// `lathe reward score --dataset D --split S` on a split the import left empty names the splits that have rows.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../native/api/schemas.ts';
import { requireSplitRows } from '../../native/train/reward-score.ts';

const sst2 = { name: 'sst2', splits: { train: 63_981, validation: 3368, test: 0 } } as unknown as Dataset;

describe('requireSplitRows', () => {
  it('refuses an empty split, listing the splits with rows and the flag to pass', () => {
    expect(() => requireSplitRows(sst2, 'test')).toThrow('dataset sst2 has no test rows: its rows are in train (63,981), validation (3,368); pass --split validation');
    expect(() => requireSplitRows(sst2, 'validation')).not.toThrow();
  });
});
