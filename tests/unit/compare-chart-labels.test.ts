// Compare's metric charts, from a designer's review of the shots: the note under a chart named "95% bootstrap interval"
// whiskers under bars that drew none, and a proportion's whiskers are Wilson's; the run names were cut in the middle
// to a fixed column (34% of the chart, at most 170 px) while half the card stood empty.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { hasWhiskers, metricChartNote } from '../../renderer/src/pages/compare/chartNote.ts';
import { BarChart, labelColumnWidth } from '../../renderer/src/ui/charts/BarChart.tsx';

const interval = { low: 0.2, high: 0.4 };

describe('the note under a Compare chart', () => {
  it('names the whiskers only where a bar draws one', () => {
    expect(metricChartNote({ name: 'rougeL', higherIsBetter: true, values: [{ value: 0.3, ci95: null }, null], bestRunId: null }, false)).toBe('Higher is better');
    expect(metricChartNote({ name: 'rougeL', higherIsBetter: true, values: [{ value: 0.3, ci95: interval }, { value: 0.2, ci95: null }], bestRunId: null }, true))
      .toBe('Higher is better · whiskers: 95% bootstrap interval · the top run is within the noise');
  });

  it('lets the charts\' card explain whiskers only where one is drawn', () => {
    const runs = [{ id: 'a', name: 'a', kind: 'evaluation', status: 'succeeded', model: null, template: null, dataset: null, split: null, examples: 6 }];
    expect(hasWhiskers({ runs, metrics: [{ name: 'rougeL', higherIsBetter: true, values: [{ value: 0.3, ci95: null }], bestRunId: null }] })).toBe(false);
    expect(hasWhiskers({ runs, metrics: [{ name: 'rougeL', higherIsBetter: true, values: [{ value: 0.3, ci95: null }], bestRunId: null }, { name: 'bleu', higherIsBetter: true, values: [{ value: 0.3, ci95: interval }], bestRunId: null }] })).toBe(true);
  });

  it('names the interval the metric gets: Wilson\'s for a proportion', () => {
    expect(metricChartNote({ name: 'accuracy', higherIsBetter: true, values: [{ value: 0.3, ci95: interval }], bestRunId: null }, false)).toBe('Higher is better · whiskers: 95% Wilson interval');
    expect(metricChartNote({ name: 'perplexity', higherIsBetter: false, values: [{ value: 12, ci95: { low: 10, high: 14 } }], bestRunId: null }, false)).toBe('Lower is better · whiskers: 95% bootstrap interval');
  });

  it('reads recall@k\'s interval from each run, where one relevant document per query made it Wilson\'s', () => {
    const wilson = { value: 1, ci95: { low: 0.4385, high: 1 }, ci95Kind: 'Wilson' as const };
    const bootstrap = { value: 0.5, ci95: interval, ci95Kind: 'bootstrap' as const };
    expect(metricChartNote({ name: 'recall@5', higherIsBetter: true, values: [wilson], bestRunId: null }, false)).toBe('Higher is better · whiskers: 95% Wilson interval');
    expect(metricChartNote({ name: 'recall@5', higherIsBetter: true, values: [wilson, bootstrap], bestRunId: null }, false))
      .toBe("Higher is better · whiskers: 95% interval (Wilson's or bootstrap, by run)");
  });
});

describe('a bar chart\'s names column', () => {
  const runs = ['Zero-shot baseline', 'LoRA r=8 on tiny dialogues'];

  it('is as wide as the longest name needs, up to half the chart', () => {
    const plain = runs.map((label) => ({ label }));
    expect(labelColumnWidth(plain, 0, 800)).toBe(Math.ceil(runs[1].length * 6.6));
    expect(labelColumnWidth([{ label: 'a' }], 0, 800)).toBe(48); // a short name keeps a column to read it in
    expect(labelColumnWidth([{ label: 'x'.repeat(200) }], 0, 800)).toBe(400);
    // a chart that marks a best run keeps room for the check and the bold name on every run, so charts side by side align
    expect(labelColumnWidth(runs.map((label) => ({ label, highlight: false })), 0, 800)).toBe(labelColumnWidth(runs.map((label, i) => ({ label, highlight: i === 1 })), 0, 800));
  });

  it('draws each name whole where the chart has room (420 px)', () => {
    const markup = renderToStaticMarkup(createElement(BarChart, {
      title: 'ROUGE-L', description: 'd', format: (v: number) => v.toFixed(3),
      data: runs.map((label, i) => ({ label, value: 0.2 + i / 10, color: 'var(--series-1)', highlight: i === 1 })),
    }));
    const names = [...markup.matchAll(/<text[^>]*class="chart-label[^"]*"[^>]*><title>([^<]*)<\/title>([^<]*)<\/text>/g)].map((m) => [m[1], m[2].replace(/^✓ /, '')]);
    expect(names).toEqual(runs.map((r) => [r, r]));
  });
});
