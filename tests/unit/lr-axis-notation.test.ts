// A learning rate reads one way on a run's page: the tile's "0.002" (as the setup form's field holds it) and the
// chart's axis beside it, not "2.0e−3" or "0.0020" there. The run page's chart, a run's curves on the Runs page and
// Compare all take the axis from yAxisOf, which names formatLr for the rate.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { learningRateStat } from '../../renderer/src/pages/finetune/runFormat.ts';
import { TrainingChart } from '../../renderer/src/pages/finetune/TrainingChart.tsx';
import { yAxisOf } from '../../renderer/src/pages/runs/trainingMetrics.ts';

// warm-up to 2e-3 over 10 steps, then a linear decay to 0 at step 100
const points = Array.from({ length: 100 }, (_, i) => ({ step: i + 1, value: i < 10 ? (2e-3 * (i + 1)) / 10 : (2e-3 * (100 - i - 1)) / 90 }));

/** The y axis's tick labels as the chart draws them (the text right-aligned left of the plot). */
function yTicks(markup: string): string[] {
  return [...markup.matchAll(/<text[^>]*text-anchor="end"[^>]*class="chart-tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe('a learning rate on a chart axis', () => {
  it('reads in the notation of the learning-rate tile', () => {
    const axis = yAxisOf('lr');
    const markup = renderToStaticMarkup(createElement(TrainingChart, { title: 'Learning rate', description: 'd', series: [{ name: 'learning rate', color: 'red', points }], format: axis.axisFormat ?? String, ...axis }));
    const ticks = yTicks(markup);
    const tile = learningRateStat(points, 2e-3, 'linear', false).value;
    expect(tile).toBe('0.002');
    expect(ticks).toContain(tile);
    expect(ticks[0]).toBe('0');
    // each tick: no exponent, no trailing zero after the point (0.0020); a whole 0 is fine
    const plain = /e|\.\d*0$/;
    expect(['0.0010', '2e-3'].map((t) => plain.test(t)), 'the check itself catches both').toEqual([true, true]);
    for (const t of ticks) expect(t, `tick ${t}`).not.toMatch(plain);
  });

  it('leaves other metrics to the step-sized tick labels', () => {
    expect(yAxisOf('loss').axisFormat).toBeUndefined();
    expect(yAxisOf('tokens_per_second').axisFormat).toBeUndefined();
  });
});
