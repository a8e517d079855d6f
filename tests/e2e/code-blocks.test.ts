// Code blocks (a job log, a run's settings as JSON, the few-shot prompt the model reads) in Chromium against
// `lathe serve`: each is the design system's one .code-block, the same face and surface wherever it stands; a long
// one keeps to a height and is a Tab stop with its ring, so the keyboard scrolls it, and one that fits is no stop.
// Shots in light and dark of a run's log and settings, the log focused and the playground's built prompt land in
// tests/e2e/screenshots/code-blocks-*.png.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { createGenerationProject, importS260k, importStoryPairs, recordFinishedFinetune, withStudioStore } from './cli-setup.ts';
import { browserSkipReason, gotoPage, SCREENSHOTS, shootSchemes, showScheme, STORIES260K, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason() ?? ([STORIES260K.checkpoint, STORIES260K.tokenizer].some((f) => !existsSync(f)) ? `${STORIES260K.checkpoint} is absent (the shared data kit is not mounted)` : null);
if (skipReason) console.log(`e2e code-blocks tests skipped: ${skipReason}`);

/** The look every code block shares, as computed: what .code-block in components.css sets. */
function codeBlockLooks(): string[] {
  return [...document.querySelectorAll('#content pre')].map((el) => {
    const s = getComputedStyle(el);
    return [el.className, s.fontFamily, s.fontSize, s.backgroundColor, s.borderTopColor, s.borderTopWidth, s.paddingLeft, s.whiteSpace].join(' | ');
  });
}

describe.skipIf(skipReason !== null)('code blocks, in Chromium', () => {
  const runs: Record<'long' | 'short', Run | null> = { long: null, short: null };
  const e2e = studioInChromium({
    async setup({ studio }) {
      const projectId = await createGenerationProject(studio, 'Code blocks', 'Finish a one-line story opening.');
      await importS260k(studio);
      await importStoryPairs(studio, projectId, 40);
      withStudioStore(studio, (store) => {
        for (const [which, lines] of [['long', 120], ['short', 2]] as const) {
          const log = Array.from({ length: lines }, (_, i) => `step ${i + 1}/${lines} loss ${(1 + 3 / (i + 1)).toFixed(3)}`);
          const id = recordFinishedFinetune(store, projectId, `lora · ${which} log`, { dataset: 'story-pairs', steps: lines, metrics: null, config: { lora: { r: 8, alpha: 16 } }, log });
          runs[which] = store.runs.get(id)!;
        }
      });
    },
  });

  /** The run's page once drawn (gotoPage): its log on the page and every API call answered. */
  const open = (run: Run | null) => gotoPage(e2e.page, e2e.studio, `#/runs/${run!.id}`, e2e.page.getByTestId('run-log'));

  it('a long job log keeps to a height and is a Tab stop with its ring; the arrow keys scroll it', async () => {
    const { page } = e2e;
    await open(runs.long);
    const log = page.getByTestId('run-log');
    expect(await log.getAttribute('class')).toBe('code-block code-block-scroll');
    expect(await log.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    expect(await log.getAttribute('tabindex')).toBe('0');
    // Reached by Tab, as a user would: from the control before it on the page.
    await page.getByRole('radio', { name: 'Table' }).focus();
    for (let i = 0; i < 40 && !(await log.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    expect(await log.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await log.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    await page.keyboard.press('End');
    await expect.poll(() => log.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    for (const scheme of ['light', 'dark'] as const) {
      await showScheme(page, scheme);
      const box = (await log.boundingBox())!;
      await page.screenshot({ path: path.join(SCREENSHOTS, `code-blocks-log-focused-${scheme}.png`), clip: { x: box.x - 24, y: box.y - 24, width: box.width + 48, height: Math.min(box.height + 48, 500) } });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('a short log and the settings as JSON fit: no Tab stop; every block on the page has the one look', async () => {
    const { page } = e2e;
    await open(runs.short);
    const log = page.getByTestId('run-log');
    expect(await log.getAttribute('tabindex')).toBe(null);
    await page.getByRole('radio', { name: 'JSON' }).click();
    const json = page.getByTestId('run-config-json');
    expect(JSON.parse((await json.textContent())!)).toMatchObject({ method: 'lora', lora: { r: 8 } });
    expect(await json.getAttribute('tabindex')).toBe(null);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
      const looks = (await page.evaluate(codeBlockLooks)).map((l) => l.replace(/^[^|]*\| /, ''));
      expect(looks.length).toBe(2);
      expect(new Set(looks).size, looks.join('\n')).toBe(1);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await shootSchemes(page, 'code-blocks-run');
  });

  it('the few-shot prompt the model reads is the shared block; eight shots overflow it and the keyboard scrolls it', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt`);
    await page.getByRole('radio', { name: /Zero \/ one \/ few-shot/ }).click();
    await page.getByLabel('Shots').fill('8');
    const summary = page.getByText(/^The prompt the model reads/);
    await summary.click();
    const built = page.getByLabel('The prompt the model reads', { exact: true });
    await expect.poll(() => built.textContent()).toMatch(/(.*\n){20}/);
    // story-pairs is an instruction set: each shot answers its input with its output, not with the input again
    expect(await page.getByLabel('Answer column').inputValue()).toBe('output');
    expect(await built.textContent()).toMatch(/^Output: .*The end\.$/m);
    expect(await built.getAttribute('class')).toBe('code-block code-block-scroll');
    await expect.poll(() => built.getAttribute('tabindex')).toBe('0');
    await summary.focus();
    await page.keyboard.press('Tab');
    expect(await built.evaluate((el) => el === document.activeElement && getComputedStyle(el).outlineStyle === 'solid')).toBe(true);
    await page.keyboard.press('PageDown');
    await expect.poll(() => built.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    await built.evaluate((el) => el.scrollTo(0, 0));
    await shootSchemes(page, 'code-blocks-built-prompt');
  });

  it('left no page errors', () => {
    expect(e2e.pageErrors).toEqual([]);
  });
});
