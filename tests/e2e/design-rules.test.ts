// Rules of the design system kept across pages, in Chromium against `lathe serve`, from a designer's review of the
// screenshots (2026-12-07): the journey strip reads every step's name whole at 1024 and 1440 px without scrolling,
// marks the page shown above the step to do next, and names a stage once where a step shares its name.
// Shots land in tests/e2e/screenshots/rules-*.png.
import path from 'node:path';
import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { createGenerationProject } from './cli-setup.ts';
import { browserSkipReason, openAtWidth, SCREENSHOTS, SHOT_TIMEOUT_MS, showScheme, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason();
if (skipReason) console.log(`e2e design-rules tests skipped: ${skipReason}`);

/** A shot of the viewport in both schemes as rules-<name>-<scheme>.png; the page is left light. */
async function shootViewport(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await showScheme(page, scheme);
    await page.screenshot({ path: path.join(SCREENSHOTS, `rules-${name}-${scheme}.png`), timeout: SHOT_TIMEOUT_MS });
  }
  await showScheme(page, 'light');
}

describe.skipIf(skipReason !== null)('design rules, in Chromium', () => {
  const e2e = studioInChromium({
    async setup({ studio }) {
      await createGenerationProject(studio, 'Story continuations', 'Finish a one-line story opening.');
    },
  });

  it('the journey strip reads each step whole, marks the page shown above the next step, and names a stage once', async () => {
    const { page, studio } = e2e;
    for (const width of [1024, 1440]) {
      await openAtWidth(page, studio, '#/select', width);
      const strip = page.getByTestId('journey');
      await strip.waitFor();
      const look = await strip.evaluate((nav) => {
        const titles = [...nav.querySelectorAll<HTMLElement>('.journey-title')];
        const lineHeight = (el: HTMLElement) => parseFloat(getComputedStyle(el).lineHeight);
        return {
          cut: [...nav.querySelectorAll<HTMLElement>('.journey-title, .journey-stage-label, .journey-state')].filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent),
          overLines: titles.filter((t) => t.getBoundingClientRect().height > 2 * lineHeight(t) + 1).map((t) => t.textContent),
          scrolls: nav.scrollWidth > nav.clientWidth + 1 ? `nav ${nav.scrollWidth} > ${nav.clientWidth}: ${[...nav.querySelectorAll(".journey-step")].map((s) => `${s.textContent} ${s.getBoundingClientRect().width}`).join(", ")}` : false,
          // a step named as its stage ("2 Select" over "Select") says its name twice
          repeated: [...nav.querySelectorAll('.journey-stage')].flatMap((stage) => {
            const label = stage.querySelector('.journey-stage-label')!.childNodes[1]?.textContent;
            return [...stage.querySelectorAll('.journey-title')].filter((t) => t.textContent === label).map((t) => t.textContent);
          }),
        };
      });
      expect(look.cut, `cut at ${width}`).toEqual([]);
      expect(look.overLines, `more than two lines at ${width}`).toEqual([]);
      expect(look.scrolls, `scrolls at ${width}`).toBe(false);
      expect(look.repeated, `repeated at ${width}`).toEqual([]);
      await shootViewport(page, `journey-${width}`);
    }
    // Select is shown and Scope comes next (the project has no metric yet): Select is the marked one, Scope a cue.
    const strip = page.getByTestId('journey');
    expect(await strip.locator('li[data-step=scope]').getAttribute('data-state')).toBe('next');
    const current = strip.locator('a[aria-current=page]');
    expect(await current.evaluate((a) => a.closest('li')!.getAttribute('data-step'))).toBe('select');
    for (const scheme of ['light', 'dark'] as const) {
      await showScheme(page, scheme);
      const fills = await strip.evaluate((nav) => {
        const style = (selector: string) => getComputedStyle(nav.querySelector(selector)!);
        return {
          current: style('li[data-step=select] a').backgroundColor, currentOutline: style('li[data-step=select] a').boxShadow,
          next: style('li[data-step=scope] a').backgroundColor, nextOutline: style('li[data-step=scope] a').boxShadow,
        };
      });
      expect(fills.current, scheme).not.toBe('rgba(0, 0, 0, 0)');
      expect(fills.currentOutline, scheme).not.toBe('none');
      expect(fills.next, scheme).toBe('rgba(0, 0, 0, 0)');
      expect(fills.nextOutline, scheme).toBe('none');
    }
    await showScheme(page, 'light');
    expect(e2e.pageErrors).toEqual([]);
  });

  it('a segmented control edges its chosen option in the accent, in light and dark', async () => {
    const { page, studio } = e2e;
    await openAtWidth(page, studio, '#/settings', 1024);
    const theme = page.getByRole('radiogroup', { name: 'Theme' });
    for (const scheme of ['light', 'dark'] as const) {
      await showScheme(page, scheme);
      const look = await theme.evaluate((group) => {
        const chosen = group.querySelector('[aria-checked=true]')!;
        const accent = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim();
        // the accent as the browser writes a computed colour
        const probe = document.createElement('span');
        probe.style.color = accent;
        document.body.append(probe);
        const rgb = getComputedStyle(probe).color;
        probe.remove();
        return { shadow: getComputedStyle(chosen).boxShadow, rgb, others: [...group.querySelectorAll('[aria-checked=false]')].map((b) => getComputedStyle(b).boxShadow) };
      });
      expect(look.shadow, scheme).toContain(`${look.rgb} 0px 0px 0px 1px inset`);
      expect(look.others.every((s) => s === 'none'), scheme).toBe(true);
    }
    await showScheme(page, 'light');
    await shootViewport(page, 'segmented');
  });

  it('a page\'s Delete is red words, last among its actions and set apart from New project', async () => {
    const { page, studio } = e2e;
    await openAtWidth(page, studio, '#/scope', 1024);
    const actions = page.locator('.page-header').first().getByRole('button');
    await page.getByRole('button', { name: 'Delete project' }).waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await showScheme(page, scheme);
      const look = await actions.evaluateAll((buttons) => {
        const danger = getComputedStyle(document.documentElement).getPropertyValue('--danger').trim();
        const probe = document.createElement('span');
        probe.style.color = danger;
        document.body.append(probe);
        const red = getComputedStyle(probe).color;
        probe.remove();
        const [before, last] = buttons.slice(-2) as HTMLElement[];
        return {
          words: buttons.map((b) => b.textContent), red, colour: getComputedStyle(last).color, fill: getComputedStyle(last).backgroundColor,
          apart: last.getBoundingClientRect().left - before.getBoundingClientRect().right,
        };
      });
      expect(look.words.slice(-2), scheme).toEqual(['New project', 'Delete project']);
      expect(look.colour, scheme).toBe(look.red);
      expect(look.fill, scheme).toBe('rgba(0, 0, 0, 0)');
      expect(look.apart, scheme).toBeGreaterThanOrEqual(16);
    }
    await showScheme(page, 'light');
    await shootViewport(page, 'delete-scope');
    // a row's Delete on Projects is the same red words
    await openAtWidth(page, studio, '#/projects', 1024);
    const rowDelete = page.locator('[data-project-delete]').first();
    expect(await rowDelete.evaluate((b) => b.className)).toContain('btn-danger-quiet');
  });
});
