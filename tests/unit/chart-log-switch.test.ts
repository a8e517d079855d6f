// A loss chart's linear / log switch offers Log only where a log axis can draw the series: where a value is 0 or
// below (PPO's total loss, robust DPO's), Log stays in view, cannot be chosen, and names the visible note saying why.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrainingChart } from '../../renderer/src/pages/finetune/TrainingChart.tsx';
import { formatLoss } from '../../renderer/src/pages/finetune/runFormat.ts';

/** The chart as first drawn, the stored choice for loss charts being `stored` (useAxisScale reads localStorage). */
function lossChart(values: number[], stored: 'linear' | 'log'): string {
  vi.stubGlobal('window', { localStorage: { getItem: (key: string) => (key === 'lathe.chart-scale.loss' ? stored : null) } });
  const points = values.map((value, i) => ({ step: i + 1, value }));
  return renderToStaticMarkup(createElement(TrainingChart, { title: 'Loss', description: 'd', yLabel: 'Loss', series: [{ name: 'training', color: 'red', points }], format: formatLoss, scaleKind: 'loss' }));
}

/** The switch's option for `label` as its attributes, and the chart's note (id and text) if it has one. */
function parts(markup: string, label: 'Linear' | 'Log') {
  const option = new RegExp(`<button([^>]*role="radio"[^>]*)>${label}</button>`).exec(markup)?.[1] ?? '';
  const note = /<p class="chart-note" id="([^"]+)"[^>]*>([^<]*)<\/p>/.exec(markup);
  return { option, checked: /aria-checked="true"/.test(option), disabled: /\sdisabled=""/.test(option), describedBy: /aria-describedby="([^"]+)"/.exec(option)?.[1], noteId: note?.[1], note: note?.[2] };
}

afterEach(() => vi.unstubAllGlobals());

describe("a loss chart's log switch", () => {
  it('cannot be turned to Log where a value is 0 or below, and says why in a note the option names', () => {
    for (const stored of ['linear', 'log'] as const) {
      const markup = lossChart([0.9, 0.4, 0.1, -0.2], stored);
      const log = parts(markup, 'Log');
      expect([log.disabled, log.checked], stored).toEqual([true, false]);
      expect(log.note).toBe('Log scale needs values above 0, and this chart has −0.2000: it stays linear.');
      expect(log.describedBy).toBe(log.noteId);
      expect(parts(markup, 'Linear').checked).toBe(true); // what is drawn, whatever other loss charts chose
      expect(markup).toContain('data-scale="linear"');
    }
  });

  it('offers Log, with no note, where every value is above 0', () => {
    const markup = lossChart([0.9, 0.4, 0.1], 'log');
    const log = parts(markup, 'Log');
    expect([log.disabled, log.checked, log.describedBy, log.note]).toEqual([false, true, undefined, undefined]);
    expect(markup).toContain('data-scale="log"');
    expect(parts(lossChart([0.9, 0.4, 0.1], 'linear'), 'Log').disabled).toBe(false);
  });
});
