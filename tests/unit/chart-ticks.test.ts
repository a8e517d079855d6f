// Axis tick labels carry as many decimals as their step needs: a DPO reward axis stepping by 2.5 reads −7.5, not −8
// (one decimal too few made −2.5 and −7.5 print as −3 and −8), while whole and tenth steps keep their short labels;
// thousands read in k.
import { describe, expect, it } from 'vitest';
import { linearScale, tickFormat } from '../../renderer/src/ui/charts/scale.ts';

const labels = (lo: number, hi: number, count = 4) => {
  const { ticks } = linearScale(lo, hi, 0, 100, count);
  return ticks.map(tickFormat(ticks));
};

describe('chart tick labels', () => {
  it('give a 2.5 step one decimal, a 0.25 step two, and whole steps none', () => {
    expect(labels(-10, 0)).toEqual(['-10.0', '-7.5', '-5.0', '-2.5', '0.0']);
    expect(labels(0, 1)).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00']);
    expect(labels(0, 100)).toEqual(['0', '25', '50', '75', '100']);
    expect(labels(0, 8)).toEqual(['0', '2', '4', '6', '8']);
    expect(labels(0, 0.8)).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8']);
  });

  it('read steps of thousands in k and of millions in M', () => {
    expect(labels(0, 40_000)).toEqual(['0', '10k', '20k', '30k', '40k']);
    expect(labels(0, 10_000)).toEqual(['0.0', '2.5k', '5.0k', '7.5k', '10.0k']);
    expect(labels(0, 4_000_000)).toEqual(['0', '1M', '2M', '3M', '4M']);
    expect(labels(0, 800)).toEqual(['0', '200', '400', '600', '800']);
  });
});
