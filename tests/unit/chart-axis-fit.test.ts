// A bar chart's value axis ends at the first nice tick at or past its data, not a coarse step beyond: the quantisation
// report's charts, a third of a card wide, drew a Size of 1.00× on 0–2, 2,764 tokens/s on 0–4k and a perplexity of 216
// on 0–400 (8% added past the top, then two intervals only, rounded up), the bars filling half the plot.
import { describe, expect, it } from 'vitest';
import { barScale, linearScale, tickFormat, type Scale } from '../../renderer/src/ui/charts/scale.ts';

/** The quantisation report's plot at 1440 px: about 134 px between the names' column and the values'. */
const QUANT_PLOT = 134;
const labels = (scale: Scale) => scale.ticks.map(tickFormat(scale.ticks));

describe('a bar chart\'s value axis', () => {
  it('ends at the tick at or just past the top value (the quantisation report\'s Size, Speed and Quality)', () => {
    expect(labels(barScale([1, 0.18], 0, QUANT_PLOT))).toEqual(['0.0', '0.5', '1.0']);
    expect(labels(barScale([2764, 2080], 0, QUANT_PLOT))).toEqual(['0', '1k', '2k', '3k']);
    expect(barScale([205.8, 216, 205.8], 0, QUANT_PLOT).domain).toEqual([0, 300]);
    expect(barScale([205.8, 216, 205.8], 0, 260).domain).toEqual([0, 250]);
  });

  it('is no busier than it needs to be where it has room (the report\'s charts stacked at 1024 px, 420 px each)', () => {
    expect(labels(barScale([1938, 2090], 0, 420))).toEqual(['0', '500', '1000', '1500', '2000', '2500']);
    expect(labels(barScale([205.8, 216, 205.8], 0, 420))).toEqual(['0', '50', '100', '150', '200', '250']);
    expect(labels(barScale([0.015, 0.044, 0.096, 0.118], 0, 295))).toEqual(['0.000', '0.025', '0.050', '0.075', '0.100', '0.125']);
  });

  it('runs past the data by less than one of its steps, with 3 ticks or more whose labels fit side by side, at any width', () => {
    const maxima = [0.0037, 0.006, 0.044, 0.096, 0.118, 0.35, 0.61, 1, 1.01, 2.2, 4.6, 7.4, 19, 216, 997, 2764, 34_700, 1.2e6];
    for (const width of [90, 134, 200, 320, 520]) {
      for (const top of maxima) {
        const scale = barScale([top, top / 3], 0, width);
        const step = scale.ticks[1] - scale.ticks[0];
        const where = `${top} over ${width} px: ${labels(scale).join(' ')}`;
        expect(scale.domain[0], where).toBe(0);
        expect(scale.domain[1], where).toBeGreaterThanOrEqual(top);
        expect(scale.domain[1] - top, where).toBeLessThan(step);
        // the data span at least 60% of the axis (the old rule drew 1.01 on 0–2, and 1.00 too) where three labels fit
        if (width >= 134) expect(top / scale.domain[1], where).toBeGreaterThanOrEqual(0.6);
        expect(scale.ticks.length, where).toBeLessThanOrEqual(Math.max(4, Math.floor(width / 70) * 2 + 1));
        expect(scale.ticks.length, where).toBeGreaterThanOrEqual(3);
        const widest = Math.max(...labels(scale).map((l) => l.length));
        if (width >= 134) expect(width / (scale.ticks.length - 1), where).toBeGreaterThanOrEqual(widest * 6.6 + 10);
      }
    }
  });

  it('keeps a fixed domain (a score over 0–1) and a value below 0', () => {
    expect(barScale([0.61, 0.4], 0, 300, [0, 1]).domain).toEqual([0, 1]);
    expect(barScale([-0.3, 0.5], 0, 300).domain[0]).toBeLessThanOrEqual(-0.3);
    expect(barScale([0, 0], 0, 300).domain).toEqual([0, 1]);
  });
});

describe('a linear scale\'s step', () => {
  it('leaves no more than a fifth of the axis empty where a nice step allows: 4.6 on 0–5, not 0–6', () => {
    expect(linearScale(0, 4.6, 0, 100, 3).domain).toEqual([0, 5]);
    expect(linearScale(0, 0.46, 0, 100, 3).ticks).toEqual([0, 0.25, 0.5]);
  });

  it('takes more intervals, up to maxCount, where fewer leave much of the axis empty, and no more where they do not', () => {
    expect(linearScale(0, 2764, 0, 100, 2).domain).toEqual([0, 4000]);
    expect(linearScale(0, 2764, 0, 100, 2, { maxCount: 4 }).domain).toEqual([0, 3000]);
    expect(linearScale(0, 1, 0, 100, 2, { maxCount: 4 }).ticks).toEqual([0, 0.5, 1]);
  });
});
