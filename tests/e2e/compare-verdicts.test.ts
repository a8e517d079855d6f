// What Compare calls the best run, in Chromium against `lathe serve`, over two seeded evaluations of six examples.
// The page asks whether a difference is larger than the noise, yet marked BLEU 0.004 best against 0.003 with both 95%
// intervals 0.002–0.006 (a green badge and a ✓ on its bar), and latencies with no interval at all. Now "best" only
// where the top run's interval clears the other's, "within noise" where they overlap, "lowest"/"highest" where there is
// no interval. Its bar axes end at the tick at or just past the data (BLEU's ran to 0.008 for 0.006), and a chip's
// "Set as baseline" is a button in words, reached by Tab. Shots: tests/e2e/screenshots/compare-verdicts-*.png.
import { describe, expect, it } from 'vitest';
import type { EvalExample } from '../../native/api/eval.ts';
import { createGenerationProject, recordFinishedEvaluation, withStudioStore } from './cli-setup.ts';
import { browserSkipReason, gotoPage, shootSchemes, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason();
if (skipReason) console.log(`e2e compare-verdicts tests skipped: ${skipReason}`);

const RUNS = ['Zero-shot on the test split', 'Few-shot:2 on the test split'];
/** Each run's scores as the evaluator records them: a value, its interval's ends, and timings with no interval. */
const SCORES = [
  { rougeL: 0.015, 'rougeL.ci95_low': 0, 'rougeL.ci95_high': 0.044, bleu: 0.004, 'bleu.ci95_low': 0.002, 'bleu.ci95_high': 0.006, latency_ms_mean: 195, tokens_per_second: 90 },
  { rougeL: 0.096, 'rougeL.ci95_low': 0.072, 'rougeL.ci95_high': 0.118, bleu: 0.003, 'bleu.ci95_low': 0.002, 'bleu.ci95_high': 0.006, latency_ms_mean: 104, tokens_per_second: 203 },
];
/** The largest value or interval end each chart draws. */
const CHART_TOPS: Record<string, number> = { 'ROUGE-L': 0.118, BLEU: 0.006 };

describe.skipIf(skipReason !== null)('Compare marks a best run only beyond the noise, in Chromium', () => {
  const runIds: string[] = [];
  const e2e = studioInChromium({
    async setup({ studio }) {
      const projectId = await createGenerationProject(studio, 'Dialogue summaries', 'Summarise a dialogue in a sentence.');
      await withStudioStore(studio, async (store) => {
        for (const [r, name] of RUNS.entries()) {
          const example = (i: number): EvalExample => ({
            index: i, id: `test:${i}`, input: `Dialogue ${i}`, references: [`summary ${i}`], prediction: `a summary ${i + r}`,
            scores: { rougeL: (r + i) / 40, bleu: (r + i) / 1000 }, promptTokens: 10, truncatedTokens: 0, generatedTokens: 5, latencyMs: 100,
          });
          runIds.push(await recordFinishedEvaluation(store, projectId, name, {
            config: { metrics: ['rougeL', 'bleu'], template: { label: r ? 'few-shot:2' : 'zero-shot' }, split: 'test' },
            scores: { ...SCORES[r], examples: 6 },
            predictions: [0, 1, 2, 3, 4, 5].map(example),
          }));
        }
      });
    },
  });

  const open = () => gotoPage(e2e.page, e2e.studio, `#/runs/compare/${runIds.join(',')}`, e2e.page.locator('figure.chart svg').first());

  it('the table: best where the intervals part, within noise where they overlap, lowest or highest where there is none', async () => {
    const { page } = e2e;
    await page.setViewportSize({ width: 1280, height: 900 });
    await open();
    const table = page.getByRole('table', { name: 'Metrics by run' });
    const marks = await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => [
      row.querySelector('.compare-metric-name')?.textContent,
      [...row.querySelectorAll<HTMLTableCellElement>('td[data-verdict]')].map((td) => `${td.cellIndex} ${td.getAttribute('data-verdict')} ${td.querySelector('.badge')?.textContent}${td.hasAttribute('data-best') ? ' data-best' : ''}`),
    ]));
    expect(Object.fromEntries(marks)).toEqual({
      'ROUGE-L': ['2 best best data-best'],
      BLEU: ['1 within-noise within noise'],
      'Latency (mean)': ['2 untested lowest'],
      'Tokens/s': ['2 untested highest'],
    });
    expect(await table.locator('.badge-success').allTextContents(), 'one green badge: ROUGE-L').toEqual(['best']);
    // why, on hover and for a screen reader
    const noise = table.locator('td[data-verdict="within-noise"] .compare-verdict');
    expect(await noise.getAttribute('title')).toBe('Top value, but its 95% interval overlaps another run’s: this sample cannot tell them apart.');
    expect(await noise.textContent()).toBe('within noise: Top value, but its 95% interval overlaps another run’s: this sample cannot tell them apart.');
    expect(await table.locator('td[data-verdict="untested"] .compare-verdict').first().getAttribute('title')).toMatch(/^The lowest value\. There is no 95% interval/);
    expect(await page.getByRole('region', { name: 'Metrics' }).locator('.card-subtitle').textContent()).toContain('A run is marked best only where its interval clears every other run’s');
  });

  it('the charts: a ✓ on the best run\'s bar only, and an axis that ends at the tick at or just past the data', async () => {
    const { page } = e2e;
    const card = page.getByRole('region', { name: 'Charts' });
    const charts = await card.locator('figure.chart').evaluateAll((figures) => figures.map((f) => ({
      title: f.querySelector('.chart-title')?.textContent ?? '',
      description: f.textContent ?? '',
      // the name as drawn (cut to fit), then whole from its <title>
      checked: [...f.querySelectorAll('.chart-label-strong')].map((t) => `${[...t.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').slice(0, 2)}${t.querySelector('title')?.textContent}`),
      ticks: [...f.querySelectorAll('text.chart-tick')].map((t) => t.textContent ?? '').filter((t) => /^[\d.]+$/.test(t)).map(Number),
    })));
    expect(Object.fromEntries(charts.map((c) => [c.title, c.checked]))).toEqual({ 'ROUGE-L': [`✓ ${RUNS[1]}`], BLEU: [] });
    expect(charts.find((c) => c.title === 'BLEU')!.description).toContain('the top run is within the noise');
    for (const chart of charts) {
      const top = CHART_TOPS[chart.title];
      const step = chart.ticks[1] - chart.ticks[0];
      const end = chart.ticks[chart.ticks.length - 1];
      expect(chart.ticks.length, `${chart.title}: ${chart.ticks.join(' ')}`).toBeGreaterThanOrEqual(3);
      expect(end, `${chart.title}: ${chart.ticks.join(' ')} reaches ${top}`).toBeGreaterThanOrEqual(top);
      expect(end - top, `${chart.title}: ${chart.ticks.join(' ')} runs past ${top} by less than a step`).toBeLessThan(step - 1e-9);
    }
    await shootSchemes(page, 'compare-verdicts');
  });

  it('a chip\'s "Set as baseline" is a small button in words, reached by Tab and pressed with Enter', async () => {
    const { page } = e2e;
    const chips = page.getByLabel('Runs to compare');
    const button = chips.getByRole('button', { name: `Set as baseline: ${RUNS[1]}` });
    expect(await button.evaluate((b) => ({ words: (b as HTMLElement).innerText.trim(), classes: b.className }))).toEqual({ words: 'Set as baseline', classes: 'btn btn-ghost btn-sm run-chip-baseline' });
    expect(await chips.getByRole('button', { name: /^Set as baseline/ }).count(), 'none on the baseline itself').toBe(1);
    await chips.getByRole('link', { name: RUNS[1] }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Set as baseline: ${RUNS[1]}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain(`#/runs/compare/${runIds[1]},${runIds[0]}`);
    await expect.poll(() => chips.locator('.run-chip-name').allTextContents()).toEqual([RUNS[1], RUNS[0]]);
    await chips.getByRole('button', { name: `Set as baseline: ${RUNS[0]}` }).waitFor();
  });

  it('left no page errors', () => {
    expect(e2e.pageErrors).toEqual([]);
  });
});
