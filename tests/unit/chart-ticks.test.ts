// Axis tick labels carry as many decimals as their step needs: a DPO reward axis stepping by 2.5 reads −7.5, not −8
// (one decimal too few made −2.5 and −7.5 print as −3 and −8), while whole and tenth steps keep their short labels;
// thousands read in k, steps down to a ten-thousandth read as plain decimals (0.0025, where an axis read 2.5e−3), and
// smaller steps share a power of ten (a learning rate's axis read 0.0001 three
// times with four fixed decimals). Log axes (loss charts on request) tick at 1, 2, 5 × 10^k; the y axis of a training
// chart stays linear where a value is 0 or below, and its switch says log cannot be had.
import { describe, expect, it } from 'vitest';
import { yAxis } from '../../renderer/src/pages/finetune/TrainingChart.tsx';
import { linearScale, logScale, logTickFormat, tickFormat } from '../../renderer/src/ui/charts/scale.ts';

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

  it('read steps down to a ten-thousandth as plain decimals: a small metric\'s axis read 2.5e−3', () => {
    expect(labels(0, 0.01)).toEqual(['0.0000', '0.0025', '0.0050', '0.0075', '0.0100']);
    expect(labels(0, 0.002)).toEqual(['0.0000', '0.0005', '0.0010', '0.0015', '0.0020']);
    for (const hi of [0.01, 0.006, 0.002, 0.0012]) expect(labels(0, hi).join(' '), `0 to ${hi}`).not.toMatch(/e/);
  });

  it('read steps below a ten-thousandth with one shared power of ten, distinct at every tick', () => {
    expect(labels(0, 1.5e-4, 3)).toEqual(['0', '0.5e−4', '1.0e−4', '1.5e−4']);
    expect(labels(0, 3e-5)).toEqual(['0', '1e−5', '2e−5', '3e−5']);
    expect(labels(2e-4, 3e-4)).toEqual(['2.00e−4', '2.25e−4', '2.50e−4', '2.75e−4', '3.00e−4']);
    expect(labels(0, 0.004)).toEqual(['0.000', '0.001', '0.002', '0.003', '0.004']);
    for (const hi of [1e-4, 1.3e-4, 5e-5, 7.7e-6, 2e-7]) {
      const ticks = labels(0, hi);
      expect(new Set(ticks).size, ticks.join(' ')).toBe(ticks.length);
    }
  });

  it('on an axis of whole numbers (a run\'s steps) tick at whole numbers only: a 20-step run read 0.0, 2.5 … 17.5 at 700 px', () => {
    const whole = (hi: number, count: number) => {
      const { ticks } = linearScale(0, hi, 0, 100, count, { whole: true });
      return ticks.map(tickFormat(ticks));
    };
    expect(labels(0, 20, 8)).toEqual(['0.0', '2.5', '5.0', '7.5', '10.0', '12.5', '15.0', '17.5', '20.0']);
    expect(whole(20, 8)).toEqual(['0', '5', '10', '15', '20']);
    expect(whole(20, 10)).toEqual(['0', '2', '4', '6', '8', '10', '12', '14', '16', '18', '20']);
    expect(whole(3, 8)).toEqual(['0', '1', '2', '3']);
    expect(whole(1, 5)).toEqual(['0', '1']);
    expect(whole(200, 8)).toEqual(['0', '25', '50', '75', '100', '125', '150', '175', '200']);
  });
});

// A log axis for losses, which fall by an order of magnitude in the first steps: ticks at 1, 2, 5 × 10^k around the
// values, every digit where the span is under a decade, whole decades where it is many; nothing for 0 or below.
const logLabels = (lo: number, hi: number) => logScale(lo, hi, 100, 0)!.ticks.map(logTickFormat);

describe('log chart ticks', () => {
  it('put 1, 2, 5 × 10^k around a loss falling through a decade or two', () => {
    expect(logLabels(0.4, 6.5)).toEqual(['0.2', '0.5', '1', '2', '5', '10']);
    expect(logLabels(0.05, 5)).toEqual(['0.05', '0.1', '0.2', '0.5', '1', '2', '5']);
    expect(logLabels(1200, 45_000)).toEqual(['1k', '2k', '5k', '10k', '20k', '50k']);
  });

  it('take every digit for a span under a decade, and whole decades, thinned, for many', () => {
    expect(logLabels(2.9, 6.2)).toEqual(['2', '3', '4', '5', '6', '7']);
    expect(logLabels(0.011, 9.8)).toEqual(['0.01', '0.1', '1', '10']);
    expect(logLabels(1e-5, 300)).toEqual(['1e−5', '0.001', '0.1', '10', '1k']);
  });

  it('map the ends of the ticks to the ends of the axis, a decade to the same length wherever it is', () => {
    const y = logScale(0.011, 9.8, 300, 0)!;
    expect(y.domain).toEqual([0.01, 10]);
    expect([y(0.01), y(0.1), y(1), y(10)]).toEqual([300, 200, 100, 0]);
    for (const [lo, hi] of [[0.4, 6.5], [2.9, 6.2], [1e-5, 300], [0.69, 0.7]]) {
      const s = logScale(lo, hi, 100, 0)!;
      expect(s(lo), `${lo}…${hi}`).toBeLessThanOrEqual(100);
      expect(s(hi), `${lo}…${hi}`).toBeGreaterThanOrEqual(0);
      expect(s.ticks.length).toBeLessThanOrEqual(7);
    }
  });

  it('refuse values at or below 0, which a log axis cannot place', () => {
    expect(logScale(0, 2, 100, 0)).toBeNull();
    expect(logScale(-0.5, 2, 100, 0)).toBeNull();
    expect(logScale(Number.NaN, 2, 100, 0)).toBeNull();
  });
});


describe('a training chart’s y axis', () => {
  const axis = (values: number[], scale: 'linear' | 'log') => yAxis(values, { scale, zero: false }, 100, 0);

  it('is log where asked and every value is above 0, with 1-2-5 labels', () => {
    const { log, logUnavailable, y, yTick } = axis([6.2, 3.1, 1.4, 0.6], 'log');
    expect([log, logUnavailable]).toEqual([true, false]);
    expect(y.ticks.map(yTick)).toEqual(['0.5', '1', '2', '5', '10']);
  });

  it('cannot be log where a value is 0 or below (PPO\'s total loss, robust DPO\'s), asked or not, and stays linear', () => {
    for (const values of [[0.7, 0.3, 0], [0.2, -0.05], [-0.3, -0.1]]) {
      for (const scale of ['log', 'linear'] as const) {
        const { log, logUnavailable, y } = axis(values, scale);
        expect([log, logUnavailable], `${values.join(' ')} ${scale}`).toEqual([false, true]);
        expect(y.ticks).toEqual(axis(values, 'linear').y.ticks);
      }
    }
    expect(axis([], 'log').logUnavailable).toBe(false); // nothing drawn yet: the switch stays offered
    expect(axis([0.7, 0.3, 1e-9], 'linear').logUnavailable).toBe(false);
  });
});
