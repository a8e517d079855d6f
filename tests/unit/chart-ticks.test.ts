// Axis tick labels carry as many decimals as their step needs: a DPO reward axis stepping by 2.5 reads −7.5, not −8
// (one decimal too few made −2.5 and −7.5 print as −3 and −8), while whole and tenth steps keep their short labels;
// thousands read in k, and steps below a thousandth share a power of ten (a learning rate's axis read 0.0001 three
// times with four fixed decimals).
import { describe, expect, it } from 'vitest';
import { linearScale, tickFormat } from '../../renderer/src/ui/charts/scale.ts';

const labels = (lo: number, hi: number, count = 4) => {
  const { ticks } = linearScale(lo, hi, 0, 100, count);
  return ticks.map(tickFormat(ticks));
};

describe('chart tick labels', () => {
  it('give a 2.5 step one decimal, a 0.25 step two, and whole steps none', () => {
    expect(labels(-10, 0)).toEqual(['−10.0', '−7.5', '−5.0', '−2.5', '0.0']);
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

  it('read steps below a thousandth with one shared power of ten, distinct at every tick', () => {
    expect(labels(0, 1.5e-4, 3)).toEqual(['0', '0.5e−4', '1.0e−4', '1.5e−4']);
    expect(labels(0, 3e-5)).toEqual(['0', '1e−5', '2e−5', '3e−5']);
    expect(labels(2e-4, 3e-4)).toEqual(['2.00e−4', '2.25e−4', '2.50e−4', '2.75e−4', '3.00e−4']);
    expect(labels(0, 0.004)).toEqual(['0.000', '0.001', '0.002', '0.003', '0.004']);
    for (const hi of [1e-4, 1.3e-4, 5e-5, 7.7e-6, 2e-7]) {
      const ticks = labels(0, hi);
      expect(new Set(ticks).size, ticks.join(' ')).toBe(ticks.length);
    }
  });
});
