// The Wilson score interval of a proportion: the honest interval for a mean of per-example 0/1 scores (accuracy,
// exact match, a judge's agreement with a label). A bootstrap of such scores collapses where every example agrees
// (0 of 20 right resamples to 0 every time: "0.0000–0.0000", as if 20 examples proved the rate is exactly 0);
// Wilson's is 0–0.161 there, and close to the bootstrap's in the middle.

/** The standard normal's cumulative distribution, from erf (Abramowitz & Stegun 7.1.26, error below 1.5e-7). */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** z with P(−z < Z < z) = confidence, by bisection (1.96 for 0.95). */
export function twoSidedZ(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new Error(`confidence must be between 0 and 1, got ${confidence}.`);
  let low = 0;
  let high = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (2 * normalCdf(mid) - 1 < confidence) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** Wilson score interval of `successes` out of `n` at `confidence` (default 0.95). */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): { low: number; high: number } {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`a Wilson interval needs at least one example, got n = ${n}.`);
  if (successes < 0 || successes > n) throw new Error(`successes must be in 0..${n}, got ${successes}.`);
  const z = twoSidedZ(confidence);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt(p * (1 - p) / n + z2n / (4 * n));
  // exactly 0 and 1 at the ends, where the two terms cancel up to rounding
  return { low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}
