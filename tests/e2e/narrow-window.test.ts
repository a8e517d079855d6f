// Narrow windows, in Chromium against `lathe serve`: at 900 px and below the sidebar folds to its numbers and icons
// (each still named by its page, the name shown beside it on hover and focus), and a toggle named for what it does
// (Expand sidebar / Collapse sidebar) opens and closes it from the keyboard. Every main page reflows down to 640 px:
// no text cut by a box that hides it, none squeezed into a column a word wide, nothing past the window's right edge,
// no sideways scroll but a data table's own (and not a table whose last column holds the row's Delete). Light and dark shots of each page at 1280, 900 and 700 px land in tests/e2e/screenshots/narrow-….png.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { createGenerationProject, importS260k, importStoryPairs, lossFallingAt, recordFinishedFinetune, withStudioStore } from './cli-setup.ts';
import { stillPage } from './axe.ts';
import { browserSkipReason, fullPageHeight, pageDrawn, SCREENSHOTS, settled, SHOT_TIMEOUT_MS, showScheme, STORIES260K, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason() ?? ([STORIES260K.checkpoint, STORIES260K.tokenizer].some((f) => !existsSync(f)) ? `${STORIES260K.checkpoint} is absent (the shared data kit is not mounted)` : null);
if (skipReason) console.log(`e2e narrow-window tests skipped: ${skipReason}`);

const SHOT_WIDTHS = [1280, 900, 700] as const;

/**
 * Text the user cannot read whole, as readable lines: an element whose box hides what overflows it (overflow hidden,
 * clip) narrower than its content, unless it ends in an ellipsis and its whole text is in a title; any element with
 * text that reaches past the window's right edge (a table's cells are judged by their table's box); a page that
 * scrolls sideways, or a table whose rows end in their actions.
 */
function clippedText(): string[] {
  const out: string[] = [];
  const describe = (el: Element) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} '${(el.textContent ?? '').trim().slice(0, 50)}'`;
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  const content = document.getElementById('content')!;
  if (content.scrollWidth > content.clientWidth + 1) out.push(`#content scrolls sideways: ${content.scrollWidth} > ${content.clientWidth}`);
  // A data table may scroll sideways in its own box; one whose rows end in their actions (the Projects list's Delete)
  // may not, or the actions are out of sight until one thinks to scroll it.
  for (const wrap of document.querySelectorAll<HTMLElement>('#content .table-wrap')) {
    if (wrap.querySelector('tbody tr > td:last-child button') && wrap.scrollWidth > wrap.clientWidth + 1) out.push(`a table scrolls sideways: ${wrap.scrollWidth} > ${wrap.clientWidth}: ${(wrap.getAttribute('aria-label') ?? wrap.querySelector('table')?.getAttribute('aria-label') ?? '').slice(0, 40)}`);
  }
  for (const el of document.querySelectorAll<HTMLElement>('.app *')) {
    if (el.getClientRects().length === 0 || el.closest('.visually-hidden, [aria-hidden="true"], svg, canvas, .table-wrap')) continue;
    const style = getComputedStyle(el);
    // hidden on purpose: invisible, or clipped to nothing as .visually-hidden is (a folded sidebar's names)
    if (style.visibility === 'hidden' || style.clip !== 'auto') continue;
    const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
    const box = el.getBoundingClientRect();
    if (hasText && box.right > width + 1 && box.left < width) out.push(`past the window's edge (${Math.round(box.right)} > ${width}): ${describe(el)}`);
    // A sentence squeezed into a column a word or two wide reads as badly as one cut off.
    const words = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent!).join('').trim().split(/\s+/).length; // React's adjacent text parts, joined as drawn
    if (hasText && words >= 5 && box.width < 90) out.push(`squeezed to ${Math.round(box.width)} px: ${describe(el)}`);
    const hides = ['hidden', 'clip'].includes(style.overflowX);
    if (!hides || el.scrollWidth <= el.clientWidth + 1 || (el.textContent ?? '').trim() === '') continue;
    const titled = style.textOverflow === 'ellipsis' && el.closest('[title]') !== null;
    if (!titled) out.push(`cut at ${el.clientWidth} px of ${el.scrollWidth}: ${describe(el)}`);
  }
  return out;
}

describe.skipIf(skipReason !== null)('a narrow window, in Chromium', () => {
  const runIds: string[] = [];
  const e2e = studioInChromium({
    async setup({ studio }) {
      const projectId = await createGenerationProject(studio, 'Story continuations for a narrow window', 'Finish a one-line story opening.');
      await importS260k(studio);
      await importStoryPairs(studio, projectId, 40);
      runIds.push(withStudioStore(studio, (store) => recordFinishedFinetune(store, projectId, 'LoRA s260k on story-pairs, a long run name', { dataset: 'story-pairs', steps: 20, metrics: lossFallingAt(0.2) })));
    },
  });

  /** `hash` at `width`, the sidebar as the window's width sets it (a choice made with the toggle before is forgotten). */
  async function open(page: Page, hash: string, width: number): Promise<void> {
    await page.setViewportSize({ width, height: 800 });
    await page.goto('about:blank');
    await page.goto(`${e2e.studio.origin}/?token=${e2e.studio.token}${hash}`);
    if (await page.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith('lathe.sidebar.')))) {
      await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('lathe.sidebar.')).forEach((k) => localStorage.removeItem(k)));
      await page.reload();
    }
    await pageDrawn(page);
  }

  const sidebarWidth = (page: Page) => page.locator('nav[aria-label="Main"]').evaluate((nav) => nav.getBoundingClientRect().width);

  it('folds the sidebar to its icons at 900 px and below, each page still named; a named toggle opens and closes it by keyboard', async () => {
    const { page } = e2e;
    await open(page, '#/datasets', 1280);
    expect(await sidebarWidth(page)).toBeGreaterThan(180);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByText('Datasets', { exact: true }).isVisible()).toBe(true);
    const toggle = page.getByRole('button', { name: 'Collapse sidebar' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');

    for (const width of [900, 700]) {
      await open(page, '#/datasets', width);
      expect(await sidebarWidth(page)).toBeLessThanOrEqual(64);
      // Folded, each item keeps its page's name (to a screen reader, to voice control) and shows it on focus.
      const datasets = nav.getByRole('button', { name: 'Datasets', exact: true });
      expect(await datasets.getAttribute('aria-current')).toBe('page');
      expect(await nav.getByRole('button').allTextContents()).toHaveLength(10);
      await datasets.focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const label = datasets.locator('.nav-label');
      expect(await label.isVisible()).toBe(true);
      const shown = await label.evaluate((l) => { const b = l.getBoundingClientRect(); return { left: b.left, width: b.width }; });
      expect(shown.left).toBeGreaterThanOrEqual(await sidebarWidth(page) - 1);
      expect(shown.width).toBeGreaterThan(40);
      if (width === 700) {
        for (const scheme of ['light', 'dark'] as const) {
          await showScheme(page, scheme);
          await page.screenshot({ path: path.join(SCREENSHOTS, `narrow-sidebar-focus-700-${scheme}.png`), clip: { x: 0, y: 0, width: 360, height: 420 }, timeout: SHOT_TIMEOUT_MS });
        }
        await page.emulateMedia({ colorScheme: 'light' });
      }
    }

    // The toggle, reached with Tab like any control, opens the sidebar and closes it again; focus stays on it.
    const expand = page.getByRole('button', { name: 'Expand sidebar' });
    expect(await expand.getAttribute('aria-expanded')).toBe('false');
    await page.locator('.skip-link').focus();
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await expand.evaluate((b) => b === document.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => sidebarWidth(page)).toBeGreaterThan(180);
    expect(await page.getByRole('button', { name: 'Collapse sidebar' }).evaluate((b) => b === document.activeElement)).toBe(true);
    expect(await nav.getByText('Datasets', { exact: true }).isVisible()).toBe(true);
    expect(await page.evaluate(clippedText)).toEqual([]); // opened by choice, it still leaves the page whole
    for (const scheme of ['light', 'dark'] as const) {
      await showScheme(page, scheme);
      await page.screenshot({ path: path.join(SCREENSHOTS, `narrow-sidebar-open-700-${scheme}.png`), timeout: SHOT_TIMEOUT_MS });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    // The choice is kept for windows this narrow: after a reload the sidebar is still open.
    await page.reload();
    await page.locator('#content h1').first().waitFor();
    expect(await sidebarWidth(page)).toBeGreaterThan(180);
    await page.getByRole('button', { name: 'Collapse sidebar' }).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => sidebarWidth(page)).toBeLessThanOrEqual(64);
    expect(await expand.evaluate((b) => b === document.activeElement)).toBe(true);
  });

  const PAGES = [
    ['scope', '#/scope'],
    ['select', '#/select'],
    ['pretrain', '#/select/pretrain'],
    ['playground', '#/adapt'],
    ['evaluate', '#/adapt/evaluate'],
    ['finetune', '#/adapt/finetune'],
    ['align', '#/adapt/align'],
    ['documents', '#/adapt/documents'],
    ['integrate', '#/integrate'],
    ['projects', '#/projects'],
    ['datasets', '#/datasets'],
    ['runs', '#/runs'],
    ['run', 'run'],
    ['settings', '#/settings'],
    ['inside', '#/inside'],
  ] as const;

  // Opened once at the widest width, then narrowed as a user drags the window's edge: the studio follows a resize
  // (the sidebar folds at 900 px on the media query, charts and code blocks re-measure with a ResizeObserver), so
  // each width shows what a window opened at it shows, and a part that measured itself only once, on load, would
  // stick out past the narrower window. A fresh load per width cost three page loads a page (about 45 s a run).
  it.each(PAGES)('%s reflows down to 640 px without cutting text; shot at 1280, 900 and 700 px', async (name, where) => {
    const { page } = e2e;
    const hash = where === 'run' ? `#/runs/${runIds[0]}` : where;
    const found: string[] = [];
    await open(page, hash, SHOT_WIDTHS[0]);
    await stillPage(page);
    for (const width of [...SHOT_WIDTHS, 640]) {
      await page.setViewportSize({ width, height: 800 });
      await settled(page);
      for (const scheme of ['light', 'dark'] as const) {
        await showScheme(page, scheme);
        found.push(...(await page.evaluate(clippedText)).map((line) => `${width} ${scheme}: ${line}`));
        if (width === 640) continue;
        await page.setViewportSize({ width, height: Math.max(800, await fullPageHeight(page)) });
        await settled(page);
        await page.screenshot({ path: path.join(SCREENSHOTS, `narrow-${name}-${width}-${scheme}.png`), timeout: SHOT_TIMEOUT_MS });
        await page.setViewportSize({ width, height: 800 });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect([...new Set(found)], [...new Set(found)].join('\n')).toEqual([]);
  });

  it('left no page errors', () => {
    expect(e2e.pageErrors).toEqual([]);
  });
});
