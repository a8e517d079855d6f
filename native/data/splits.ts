// Seeded train/validation/test assignment: exact counts from the fractions, then a Fisher–Yates shuffle
// driven by a small PRNG so the same seed gives the same split on every machine. One byte per row.
import { StudioError } from '../api/errors.ts';
import { SPLITS } from '../api/schemas.ts';
import { seededRandom } from './seeded-random.ts';

export type SplitFractions = { train: number; validation: number; test: number };

export function checkFractions(f: SplitFractions): void {
  const sum = f.train + f.validation + f.test;
  if (Math.abs(sum - 1) > 1e-6) {
    throw new StudioError('invalid_params', `split fractions must add up to 1 (train ${f.train} + validation ${f.validation} + test ${f.test} = ${sum})`, { field: 'split' });
  }
}

export function splitCounts(n: number, f: SplitFractions): Record<(typeof SPLITS)[number], number> {
  const train = Math.round(n * f.train);
  const validation = Math.min(n - train, Math.round(n * f.validation));
  return { train, validation, test: n - train - validation };
}

/**
 * The splits a seeded draw put rows in, given each file's counts: a file whose rows went to more than one split was
 * shuffled into them; one whose rows all went to one split (kept whole, or a draw with one place to put them) was not.
 */
export function drawnSplits(countsPerFile: readonly Record<(typeof SPLITS)[number], number>[]): (typeof SPLITS)[number][] {
  const drawn = countsPerFile.filter((counts) => SPLITS.filter((s) => counts[s] > 0).length > 1);
  return SPLITS.filter((s) => drawn.some((counts) => counts[s] > 0));
}

/** Row i goes to split SPLITS[result[i]]. */
export function assignSplits(n: number, f: SplitFractions, seed: number): Uint8Array {
  const counts = splitCounts(n, f);
  const out = new Uint8Array(n);
  out.fill(1, counts.train, counts.train + counts.validation);
  out.fill(2, counts.train + counts.validation);
  const random = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
