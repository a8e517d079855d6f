// What Compare's charts say their axes measure, in Chromium against `lathe serve`, at 700, 1024 and 1280 px. Its
// evaluation bars named no axis while every training chart names its y ("Loss"): a bar of 0.31 did not say whether it
// was ROUGE-L on 0–1 or a percentage. And a PPO run (counted in iterations) beside fine-tunes (counted in optimiser
// steps) drew all of them over one x axis that said "step", iteration 10 at step 10; now each unit has its own chart,
// named by its word (stepUnitOf). Light and dark shots land in tests/e2e/screenshots/compare-axes-*.png.
import path from 'node:path';
import type { Locator, Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import type { EvalExample } from '../../native/api/eval.ts';
import { createGenerationProject, lossFallingAt, recordFinishedEvaluation, recordFinishedFinetune, withStudioStore } from './cli-setup.ts';
import { browserSkipReason, openAtWidth, SCREENSHOTS, SHOT_TIMEOUT_MS, showScheme, studioInChromium, type RunningStudio } from './harness.ts';

const skipReason = browserSkipReason();
if (skipReason) console.log(`e2e compare-axes tests skipped: ${skipReason}`);

const WIDTHS = [700, 1024, 1280];
const FINETUNES = ['LoRA rank 8 on the openings', 'Full fine-tune on the openings'];
const PPOS = ['PPO with β 0.1', 'PPO with β 0.02'];
const STEPS = 30;
const ITERATIONS = 12;
/** Each evaluation bar chart's title and the words its value axis should carry. */
const BAR_AXES: Record<string, string> = { 'ROUGE-L': 'ROUGE-L (0–1)', 'Exact match': 'Exact match (0–1)', Perplexity: 'Perplexity' };

type Box = { left: number; right: number; top: number; bottom: number };
/** A chart as drawn: its title, its svg's box, its axes' words (by data-axis) and every other text in it (ticks, bar names, values). */
interface DrawnChart { title: string; svg: Box; axes: Record<string, { text: string; box: Box }>; texts: { text: string; box: Box }[] }

function readCharts(scope: Element): DrawnChart[] {
  const box = (el: Element) => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
  return [...scope.querySelectorAll('figure.chart')].map((figure) => {
    const svg = figure.querySelector('.chart-canvas svg')!;
    return {
      title: figure.querySelector('.chart-title')?.textContent ?? '?',
      svg: box(svg),
      axes: Object.fromEntries([...svg.querySelectorAll('text[data-axis]')].map((t) => [t.getAttribute('data-axis'), { text: t.textContent ?? '', box: box(t) }])),
      texts: [...svg.querySelectorAll('text:not([data-axis])')].filter((t) => (t.textContent ?? '') !== '').map((t) => ({ text: t.textContent ?? '', box: box(t) })),
    };
  });
}

/** Each axis's words lie inside the chart's svg and touch none of its other words (ticks, bar names, values). */
function expectAxesClear(chart: DrawnChart, where: string): void {
  const meet = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  for (const axis of Object.values(chart.axes)) {
    expect(axis.box.left, `${where}: "${axis.text}" inside the chart's left edge`).toBeGreaterThanOrEqual(chart.svg.left - 1);
    expect(axis.box.right, `${where}: "${axis.text}" inside the chart's right edge`).toBeLessThanOrEqual(chart.svg.right + 1);
    for (const other of chart.texts) expect(meet(axis.box, other.box), `${where}: "${axis.text}" clear of "${other.text}"`).toBe(false);
  }
}

describe.skipIf(skipReason !== null)('Compare names its charts\' axes, in Chromium', () => {
  const ids = { finetunes: [] as string[], ppos: [] as string[], evaluations: [] as string[] };
  const e2e = studioInChromium({
    async setup({ studio }) {
      const projectId = await createGenerationProject(studio, 'Story continuations', 'Finish a one-line story opening.');
      await seedRuns(studio, projectId);
    },
  });

  async function seedRuns(studio: RunningStudio, projectId: string): Promise<void> {
    await withStudioStore(studio, async (store) => {
      FINETUNES.forEach((name, r) => ids.finetunes.push(recordFinishedFinetune(store, projectId, name, { steps: STEPS, metrics: lossFallingAt(0.1 + r * 0.1) })));
      PPOS.forEach((name, r) => {
        const run = store.runs.create({ kind: 'ppo', name, projectId, status: 'succeeded', config: { method: 'lora', modelName: 's260k', klCoef: 0.1, steps: ITERATIONS } });
        for (let it = 1; it <= ITERATIONS; it++) {
          const metrics = { loss: 0.6 - it / 40 + r * 0.05, 'score/mean': 0.2 + it / 30 - r * 0.05, kl: it / 80 };
          for (const [metric, value] of Object.entries(metrics)) store.runs.addMetric({ runId: run.id, step: it, name: metric, value });
        }
        ids.ppos.push(run.id);
      });
      const example = (run: number) => (i: number): EvalExample => ({
        index: i, id: `test:${i}`, input: `Once upon a time, number ${i}`, references: [`there was a fox ${i}`], prediction: `a fox ${i}`,
        scores: { rougeL: (run + i) / 14, exact_match: (run + i) % 3 === 0 ? 1 : 0 }, promptTokens: 10, truncatedTokens: 0, generatedTokens: 5, latencyMs: 1,
      });
      for (const [r, name] of ['Zero-shot on the test split', 'Few-shot:2 on the test split'].entries()) {
        ids.evaluations.push(await recordFinishedEvaluation(store, projectId, name, {
          config: { metrics: ['rougeL', 'exact_match'], template: { label: r ? 'few-shot:2' : 'zero-shot' }, split: 'test' },
          scores: { rougeL: (r + 3.5) / 14, exact_match: r ? 0.5 : 0.25 },
          predictions: [0, 1, 2, 3, 4, 5, 6, 7].map(example(r + 2)),
        }));
      }
      ids.evaluations.push(await recordFinishedEvaluation(store, projectId, 'Perplexity of the tuned model', {
        config: { metrics: ['perplexity'], split: 'test' },
        scores: { perplexity: 7.4 },
        predictions: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ ...example(0)(i), prediction: '', scores: { perplexity: 6 + i / 3 } })),
      }));
    });
  }

  const open = (hash: string, width: number) => openAtWidth(e2e.page, e2e.studio, hash, width);
  const compare = (runIds: string[]) => `#/runs/compare/${runIds.join(',')}`;
  const curvesCard = (page: Page) => page.getByRole('region', { name: 'Loss curves' });

  /** Light and dark shots of `target` alone, the window tall enough to hold it, as compare-axes-<name>-<scheme>.png. */
  async function shootElement(page: Page, target: Locator, name: string): Promise<void> {
    const width = page.viewportSize()!.width;
    await page.setViewportSize({ width, height: 1300 });
    for (const scheme of ['light', 'dark'] as const) {
      await showScheme(page, scheme);
      await target.scrollIntoViewIfNeeded();
      await target.screenshot({ path: path.join(SCREENSHOTS, `compare-axes-${name}-${scheme}.png`), timeout: SHOT_TIMEOUT_MS });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width, height: 800 });
  }

  it('each evaluation bar chart names what its value axis measures, the metric table\'s name with a score\'s 0–1, clear of its ticks and bar names', async () => {
    const { page } = e2e;
    const card = page.getByRole('region', { name: 'Charts' });
    for (const width of WIDTHS) {
      await open(compare(ids.evaluations), width);
      await card.locator('figure.chart svg').first().waitFor();
      const charts = await card.evaluate(readCharts);
      expect(Object.fromEntries(charts.map((c) => [c.title, c.axes.x?.text ?? null])), `${width} px: each chart's value axis`).toEqual(BAR_AXES);
      for (const chart of charts) {
        expectAxesClear(chart, `${width} px, ${chart.title}`);
        // the best run's name, bold after its check, began left of the chart (its ✓ cut at the card's edge)
        for (const text of chart.texts) expect(text.box.left, `${width} px, ${chart.title}: "${text.text}" inside the chart's left edge`).toBeGreaterThanOrEqual(chart.svg.left - 1);
      }
      await shootElement(page, card, `bars-${width}`);
    }
  });

  it('fine-tunes alone draw one chart over steps, PPO runs alone one over iterations', async () => {
    const { page } = e2e;
    for (const [runIds, unit, over] of [[ids.finetunes, 'step', 'optimiser steps'], [ids.ppos, 'iteration', 'PPO iterations']] as const) {
      await open(compare(runIds), 1280);
      const chart = page.getByTestId('compare-curves');
      await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBe(runIds.length * (unit === 'step' ? STEPS : ITERATIONS));
      expect(await chart.locator('text[data-axis]').allTextContents(), `${unit}: the axes' words`).toEqual(['Loss', unit]);
      expect(await curvesCard(page).locator('.card-subtitle').textContent()).toContain(`One line per run over ${over}.`);
      expect(await curvesCard(page).locator('figure.chart').count()).toBe(1);
    }
  });

  it('a PPO run beside fine-tunes: each unit its own chart, named by its word, each run on its unit\'s chart', async () => {
    const { page } = e2e;
    // the baseline a fine-tune, the PPO runs between the fine-tunes: the charts follow the units, not the order
    const runIds = [ids.finetunes[0], ids.ppos[0], ids.finetunes[1], ids.ppos[1]];
    for (const width of WIDTHS) {
      await open(compare(runIds), width);
      const steps = page.getByTestId('compare-curves-step');
      const iterations = page.getByTestId('compare-curves-iteration');
      await expect.poll(async () => Number(await steps.getAttribute('data-points')), { message: `${width} px: the fine-tunes' points` }).toBe(2 * STEPS);
      await expect.poll(async () => Number(await iterations.getAttribute('data-points')), { message: `${width} px: the PPO runs' points` }).toBe(2 * ITERATIONS);
      expect(await page.getByTestId('compare-curves').count(), 'no chart mixes the units').toBe(0);
      expect(await steps.locator('text[data-axis]').allTextContents()).toEqual(['Loss', 'step']);
      expect(await iterations.locator('text[data-axis]').allTextContents()).toEqual(['Loss', 'iteration']);
      const charts = await curvesCard(page).evaluate(readCharts);
      expect(charts.map((c) => c.title)).toEqual(['Training loss by optimiser step', 'Training loss by PPO iteration']);
      for (const chart of charts) expectAxesClear(chart, `${width} px, ${chart.title}`);
      // each legend names its own unit's runs, and only those
      const legend = (chart: Locator) => chart.locator('xpath=ancestor::figure[1]').locator('.chart-legend-item').allTextContents();
      expect(await legend(steps)).toEqual(FINETUNES);
      expect(await legend(iterations)).toEqual(PPOS);
      // each chart says what its loss is: a cross-entropy by step, PPO's own objective by iteration
      const describedBy = (chart: Locator) => chart.locator('xpath=ancestor::figure[1]').textContent();
      expect(await describedBy(steps)).toContain('cross-entropy');
      expect(await describedBy(iterations)).toContain('PPO’s loss: the clipped policy objective plus the value head’s loss');
      expect(await describedBy(iterations)).not.toContain('cross-entropy');
      expect(await curvesCard(page).textContent()).toContain('PPO runs count iterations (each several optimiser steps), the others optimiser steps: each has its own chart, one line per run.');
      const tops = await Promise.all([steps, iterations].map(async (c) => Math.round((await c.boundingBox())!.y)));
      if (width >= 1024) expect(tops[1], `${width} px: the two charts side by side, level`).toBe(tops[0]);
      else expect(tops[1], `${width} px: the iterations' chart under the steps'`).toBeGreaterThan(tops[0]);
      await shootElement(page, curvesCard(page), `mixed-${width}`);
    }

    // A metric only the PPO runs record: its chart alone, and a line saying why the fine-tunes have none.
    await curvesCard(page).getByRole('radio', { name: 'Mean score' }).click();
    await expect.poll(async () => Number(await page.getByTestId('compare-curves-iteration').getAttribute('data-points'))).toBe(2 * ITERATIONS);
    expect(await page.getByTestId('compare-curves-step').count()).toBe(0);
    expect(await curvesCard(page).locator('.compare-curves-note').textContent()).toBe(`No chart by optimiser step: ${FINETUNES.join(' and ')} record no mean score.`);
    expect(await page.getByTestId('compare-curves-iteration').locator('text[data-axis]').allTextContents()).toEqual(['Score', 'iteration']);
    await shootElement(page, curvesCard(page), 'mixed-ppo-only-metric-1280');
  });

  it('left no page errors', () => {
    expect(e2e.pageErrors).toEqual([]);
  });
});
