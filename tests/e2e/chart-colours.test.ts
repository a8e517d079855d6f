// Chart series as drawn, in Chromium against `lathe serve`: on a comparison of eight runs (all eight series colours,
// as bars and as lines), the Select page's parameter bar and the pretraining plan, every series mark keeps 3:1 against
// what it is drawn on (WCAG 1.4.11, graphical objects) in light and in dark, and its colour changes with the theme:
// the series are design tokens with a dark value each, not one hex value for both. Shots land in
// tests/e2e/screenshots/chart-colours-*.png.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import type { EvalExample } from '../../native/api/eval.ts';
import { createGenerationProject, importS260k, recordFinishedEvaluation, withStudioStore } from './cli-setup.ts';
import { browserSkipReason, callApi, gotoPage, shootSchemes, STORIES260K, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason() ?? ([STORIES260K.checkpoint, STORIES260K.tokenizer].some((f) => !existsSync(f)) ? `${STORIES260K.checkpoint} is absent (the shared data kit is not mounted)` : null);
if (skipReason) console.log(`e2e chart-colours tests skipped: ${skipReason}`);

const RUNS = 8;

/** One series mark as drawn: its colour and that of the first opaque box behind it, both as rgb(…) strings. */
interface Mark { what: string; colour: string; backdrop: string }

/** The marks `selector` finds, each coloured by `property` (fill, stroke or background-color), in the page. */
function readMarks({ selector, property }: { selector: string; property: 'fill' | 'stroke' | 'background-color' }): Mark[] {
  const opaque = (c: string) => c.startsWith('rgb(') || (c.startsWith('rgba(') && parseFloat(c.split(',')[3]) === 1);
  return [...document.querySelectorAll(selector)].map((el, i) => {
    let backdrop = '';
    for (let a = el.parentElement; a && !backdrop; a = a.parentElement) {
      const bg = getComputedStyle(a).backgroundColor;
      if (opaque(bg)) backdrop = bg;
    }
    return { what: `${selector} #${i}`, colour: getComputedStyle(el).getPropertyValue(property), backdrop };
  });
}

function contrast(a: string, b: string): number {
  const luminance = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Reads the marks in light and in dark; expects each at 3:1 or more against its backdrop in both, a different colour
 * in each, and at least `distinct` colours among them. Shoots the page as chart-colours-<shot>-<scheme>.png.
 */
async function expectSeriesReadable(page: Page, marks: { selector: string; property: 'fill' | 'stroke' | 'background-color' }[], distinct: number, shot: string): Promise<void> {
  const read = async (scheme: 'light' | 'dark') => {
    await page.emulateMedia({ colorScheme: scheme });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
    return (await Promise.all(marks.map((m) => page.evaluate(readMarks, m)))).flat();
  };
  const [light, dark] = [await read('light'), await read('dark')];
  await page.emulateMedia({ colorScheme: 'light' });
  expect(light.length).toBeGreaterThan(0);
  expect(dark.map((m) => m.what)).toEqual(light.map((m) => m.what));
  expect(new Set(light.map((m) => m.colour)).size).toBeGreaterThanOrEqual(distinct);
  const low = [...light.map((m) => ({ ...m, scheme: 'light' })), ...dark.map((m) => ({ ...m, scheme: 'dark' }))]
    .filter((m) => !(contrast(m.colour, m.backdrop) >= 3))
    .map((m) => `${m.scheme} ${m.what}: ${m.colour} on ${m.backdrop} reads at ${contrast(m.colour, m.backdrop).toFixed(2)}:1`);
  expect(low, 'series under 3:1 against their backdrop (WCAG 1.4.11)').toEqual([]);
  expect(light.filter((m, i) => m.colour === dark[i].colour).map((m) => `${m.what}: ${m.colour} in both themes`)).toEqual([]);
  await shootSchemes(page, `chart-colours-${shot}`);
}

describe.skipIf(skipReason !== null)('chart series colours, light and dark, in Chromium', () => {
  const runIds: string[] = [];
  const evalIds: string[] = [];
  const e2e = studioInChromium({
    async setup({ studio }) {
      const projectId = await createGenerationProject(studio, 'Chart colours', 'Eight runs to compare.');
      await importS260k(studio);
      await withStudioStore(studio, async (store) => {
        for (let r = 0; r < RUNS; r++) {
          const run = store.runs.create({ kind: 'finetune', name: `sweep ${r + 1}`, projectId, status: 'succeeded', config: { method: 'lora', maxSteps: 20 } });
          for (let step = 1; step <= 20; step++) store.runs.addMetric({ runId: run.id, step, name: 'loss', value: 1 + (2 + r / 4) * Math.exp(-step / (4 + r)) });
          runIds.push(run.id);
          const example = (i: number): EvalExample => ({
            index: i, id: `test:${i}`, input: `story ${i}`, references: [`ending ${i}`], prediction: `guess ${i}`, scores: { rougeL: (r + i) / 12 },
            promptTokens: 10, truncatedTokens: 0, generatedTokens: 5, latencyMs: 1,
          });
          evalIds.push(await recordFinishedEvaluation(store, projectId, `sweep ${r + 1} on the test split`, {
            config: { metrics: ['rougeL'], template: { label: 'zero-shot' }, split: 'test' },
            scores: { rougeL: (r + 1.5) / 12 },
            predictions: [0, 1, 2, 3].map(example),
          }));
        }
      });
    },
  });

  /** The page `hash` once drawn: `ready` (the series marks read next) is on it and every API call is answered. */
  const open = (hash: string, ready: string) => gotoPage(e2e.page, e2e.studio, hash, e2e.page.locator(ready).first());

  it('a comparison of eight training runs: loss lines and swatches in eight colours, each readable on its card', async () => {
    await open(`#/runs/compare/${runIds.join(',')}`, '.chart-canvas svg path[fill="none"]');
    await expectSeriesReadable(e2e.page, [
      { selector: '.chart-canvas svg path[fill="none"]', property: 'stroke' },
      { selector: '.chart-swatch', property: 'background-color' },
      { selector: '.run-swatch', property: 'background-color' },
    ], RUNS, 'compare-training');
  });

  it('a comparison of eight evaluations: bars in eight colours, each readable on its card', async () => {
    await open(`#/runs/compare/${evalIds.join(',')}`, '.chart-canvas svg rect');
    await expectSeriesReadable(e2e.page, [{ selector: '.chart-canvas svg rect', property: 'fill' }], RUNS, 'compare-evaluations');
    // eight runs' columns leave each metric's name on one line
    const names = e2e.page.locator('.compare-metric-name');
    expect(await names.count()).toBeGreaterThan(0);
    for (const height of await names.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)))) expect(height).toBeLessThan(1.5);
  });

  it('the parameter bar on a model card', async () => {
    const [model] = await callApi<{ id: string }[]>(e2e.studio, 'models.list', {});
    await open(`#/select/${encodeURIComponent(model.id)}`, 'svg[aria-label^="Parameters by component"]');
    await expectSeriesReadable(e2e.page, [{ selector: 'svg[aria-label^="Parameters by component"] rect:not(:first-child)', property: 'fill' }], 4, 'parameters');
  });

  it('the pretraining plan’s parameter shares', async () => {
    await open('#/select/pretrain', '.pt-parts .ft-bar > span');
    await expectSeriesReadable(e2e.page, [{ selector: '.pt-parts .ft-bar > span', property: 'background-color' }], 4, 'plan');
  });

  it('left no page errors', () => {
    expect(e2e.pageErrors).toEqual([]);
  });
});
