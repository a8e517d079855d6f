// The paired sign-flip (permutation) test: if two runs were equally good, each example's difference would be as
// likely to have either sign, so the observed total is compared with the totals of every sign assignment. A
// bootstrap of the differences cannot say this on a few examples: three wins out of three resample only to three
// wins, an interval of width 0 that excludes 0, where the chance of three like signs is 1 in 4 (two-sided).
import { seededRandom } from '../data/seeded-random.ts';

/** Up to this many non-zero differences every sign assignment is counted (2^16 sums); above it they are drawn. */
const EXACT_UP_TO = 16;
/** Random sign assignments drawn above EXACT_UP_TO: p near 0.05 is then known to about ±0.005. */
const DRAWS = 2000;

/**
 * The two-sided p-value of the paired differences' total under "either sign as likely" (examples with no difference
 * carry no sign). Exact where the non-zero differences all have one size (a 0/1 score: the exact McNemar test, any n)
 * or there are at most 16 of them; otherwise from 2,000 seeded draws, as (1 + extreme draws) / (1 + draws).
 */
export function signFlipP(differences: readonly number[], seed = 0): number {
  const nonzero = differences.filter((d) => d !== 0);
  const n = nonzero.length;
  if (n === 0) return 1;
  const observed = Math.abs(nonzero.reduce((s, d) => s + d, 0));
  // sums equal to the observed one in exact arithmetic may differ from it in the last bits
  const slack = 1e-9 * nonzero.reduce((s, d) => s + Math.abs(d), 0);
  const size = Math.abs(nonzero[0]);
  // one size to rounding (0.55 − 0.5 and 0.35 − 0.3 differ in the last bits): the sign test counts wins and losses
  if (nonzero.every((d) => Math.abs(Math.abs(d) - size) <= 1e-9 * size)) return binomialTwoSided(n, Math.abs(Math.round(nonzero.reduce((s, d) => s + Math.sign(d), 0))));
  if (n <= EXACT_UP_TO) {
    let extreme = 0;
    for (let mask = 0; mask < 2 ** n; mask++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += mask & (1 << k) ? -nonzero[k] : nonzero[k];
      if (Math.abs(sum) >= observed - slack) extreme++;
    }
    return extreme / 2 ** n;
  }
  const random = seededRandom(seed);
  let extreme = 0;
  for (let draw = 0; draw < DRAWS; draw++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += random() < 0.5 ? -nonzero[k] : nonzero[k];
    if (Math.abs(sum) >= observed - slack) extreme++;
  }
  return (1 + extreme) / (1 + DRAWS);
}

/**
 * P(|wins − losses| ≥ margin) for n fair coin flips (wins + losses = n): the sign test, exact, in logs so that
 * thousands of flips do not underflow.
 */
function binomialTwoSided(n: number, margin: number): number {
  const logChoose: number[] = [0];
  for (let k = 1; k <= n; k++) logChoose.push(logChoose[k - 1] + Math.log((n - k + 1) / k));
  let p = 0;
  for (let wins = 0; wins <= n; wins++) if (Math.abs(2 * wins - n) >= margin) p += Math.exp(logChoose[wins] - n * Math.LN2);
  return Math.min(1, p);
}
