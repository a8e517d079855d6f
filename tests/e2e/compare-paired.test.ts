// Compare's verdict on runs scored on the same examples, in Chromium against `lathe serve`: two evaluations of one
// dataset's 12 test rows, hard and easy examples alike, the second 0.05 ROUGE-L better on every one. Their own 95%
// intervals overlap, so the table said "within noise"; the paired difference (0.05 on each example) tells them apart,
// and the Metrics card says that was the test. BLEU, a corpus statistic, keeps the intervals' rule.
import { describe, expect, it } from 'vitest';
import type { EvalExample } from '../../native/api/eval.ts';
import { createGenerationProject, recordFinishedEvaluation, withStudioStore } from './cli-setup.ts';
import { browserSkipReason, gotoPage, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason();
if (skipReason) console.log(`e2e compare-paired tests skipped: ${skipReason}`);

const RUNS = ['Baseline on the test split', 'Fine-tune on the test split'];
const BASE = Array.from({ length: 12 }, (_, i) => (i % 6) / 8);
/** Each run's aggregates as recorded: ROUGE-L's mean with an interval that overlaps the other's, and BLEU's. */
const SCORES = [
  { rougeL: 0.3125, 'rougeL.ci95_low': 0.2, 'rougeL.ci95_high': 0.42, bleu: 0.004, 'bleu.ci95_low': 0.002, 'bleu.ci95_high': 0.006, examples: 12 },
  { rougeL: 0.3625, 'rougeL.ci95_low': 0.25, 'rougeL.ci95_high': 0.47, bleu: 0.005, 'bleu.ci95_low': 0.002, 'bleu.ci95_high': 0.007, examples: 12 },
];

describe.skipIf(skipReason !== null)('Compare tests runs of the same examples paired, in Chromium', () => {
  const runIds: string[] = [];
  const e2e = studioInChromium({
    async setup({ studio }) {
      const projectId = await createGenerationProject(studio, 'Dialogue summaries', 'Summarise a dialogue in a sentence.');
      await withStudioStore(studio, async (store) => {
        for (const [r, name] of RUNS.entries()) {
          const example = (i: number): EvalExample => ({
            index: i, id: `test:${i}`, input: `Dialogue ${i}`, references: [`summary ${i}`], prediction: `a summary ${i + r}`,
            scores: { rougeL: BASE[i] + r * 0.05, bleu: 0.004 + r / 1000 }, promptTokens: 10, truncatedTokens: 0, generatedTokens: 5, latencyMs: 100,
          });
          runIds.push(await recordFinishedEvaluation(store, projectId, name, {
            config: { metrics: ['rougeL', 'bleu'], template: { label: 'zero-shot' }, split: 'test', dataset: { name: 'dialogsum', contentHash: 'c0ffee', splitSeed: 0 } },
            scores: SCORES[r],
            predictions: BASE.map((_, i) => example(i)),
          }));
        }
      });
    },
  });

  it('calls the consistent gain best where the intervals overlap, and says the test was paired', async () => {
    const { page } = e2e;
    await page.setViewportSize({ width: 1280, height: 900 });
    await gotoPage(page, e2e.studio, `#/runs/compare/${runIds.join(',')}`, page.locator('figure.chart svg').first());
    const table = page.getByRole('table', { name: 'Metrics by run' });
    const verdicts = await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => [
      row.querySelector('.compare-metric-name')?.textContent,
      [...row.querySelectorAll<HTMLTableCellElement>('td[data-verdict]')].map((td) => `${td.cellIndex} ${td.getAttribute('data-verdict')}`),
    ]));
    expect(Object.fromEntries(verdicts)).toMatchObject({ 'ROUGE-L': ['2 best'], BLEU: ['2 within-noise'] });
    const subtitle = await page.getByRole('region', { name: 'Metrics' }).locator('.card-subtitle').textContent();
    expect(subtitle).toContain('A run is marked best only where the sample tells it from every other run, “within noise” where it cannot: tested by a paired test on the examples the runs share');
    expect(subtitle).toContain("for ROUGE-L where the runs scored the same examples, else by whether the runs' 95% intervals overlap");
  });

  it('left no page errors', () => {
    expect(e2e.pageErrors).toEqual([]);
  });
});
