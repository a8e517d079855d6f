// Rules of the design system kept across pages, in Chromium against `lathe serve`, from a designer's review of the
// screenshots (2026-12-07): the journey strip reads every step's name whole at 1024 and 1440 px without scrolling,
// marks the page shown above the step to do next, and names a stage once where a step shares its name; a segmented
// control's chosen option stands out from its track in dark; a page's Delete is red words, last and set apart; Compare's
// charts name whiskers only where they are drawn, read run names whole where the card has room, and tick small
// values as plain decimals (it read 2.5e−3). Shots land in tests/e2e/screenshots/rules-*.png.
import path from 'node:path';
import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { createGenerationProject, recordFinishedEvaluation, withStudioStore } from './cli-setup.ts';
import { browserSkipReason, gotoPage, openAtWidth, SCREENSHOTS, SHOT_TIMEOUT_MS, shootSchemes, showScheme, studioInChromium } from './harness.ts';

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

/** Two evaluations Compare charts: BLEU small enough to tick in thousandths, ROUGE-L with no interval recorded. */
const RUNS = ['Zero-shot baseline on the test split', 'LoRA r=8 on the story openings'];
const SCORES = [{ bleu: 0.004, 'bleu.ci95_low': 0.002, 'bleu.ci95_high': 0.0095, rougeL: 0.2 }, { bleu: 0.003, 'bleu.ci95_low': 0.001, 'bleu.ci95_high': 0.006, rougeL: 0.25 }];

describe.skipIf(skipReason !== null)('design rules, in Chromium', () => {
  const runIds: string[] = [];
  const e2e = studioInChromium({
    async setup({ studio }) {
      // the newest project is the current one: the evaluations' goes first, so the strip's tests see the empty one
      const evaluated = await createGenerationProject(studio, 'Compared runs', 'Two evaluations side by side.');
      await withStudioStore(studio, async (store) => {
        for (const [r, name] of RUNS.entries()) {
          runIds.push(await recordFinishedEvaluation(store, evaluated, name, { config: { metrics: ['bleu', 'rougeL'], split: 'test' }, scores: { ...SCORES[r], examples: 6 } }));
        }
      });
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

  it('a create action is a primary button with a plus, top right of its header; the way back is a link at the top left', async () => {
    const { page, studio } = e2e;
    /** Where `name` sits and how it looks: in a page or card header, first of its actions, primary, with its plus icon. */
    const create = (name: string) => page.getByRole('button', { name, exact: true }).first().evaluate((b) => {
      const header = b.closest('.page-header, .card-header');
      // the header's actions (on its right, after the title) lead with it: only a Delete, set apart, may follow it
      const actions = header?.lastElementChild;
      const inActions = actions !== header?.firstElementChild && actions?.contains(b) === true;
      return { header: header?.className ?? null, primary: b.classList.contains('btn-primary'), icon: b.querySelector('svg') !== null, firstAction: inActions && actions!.querySelector('button') === b };
    });
    // Projects had it primary, Scope secondary, and Train from scratch's list called it "New model" in a list card.
    for (const [hash, name] of [['#/projects', 'New project'], ['#/scope', 'New project'], ['#/select/pretrain', 'Train from scratch']] as const) {
      await openAtWidth(page, studio, hash, 1024);
      await page.getByRole('button', { name, exact: true }).first().waitFor();
      const look = await create(name);
      expect(look, `${hash} ${name}`).toEqual({ header: 'page-header', primary: true, icon: true, firstAction: true });
    }
    // The page the Select page's "Train from scratch" opens has its name; back is "← All models" above its title, as
    // a run's page has "← All runs" (it had a "‹ Back to models" button at the top right).
    await page.getByRole('heading', { name: 'Train from scratch', level: 1 }).waitFor();
    const back = await page.getByRole('link', { name: '← All models' }).boundingBox();
    const title = await page.getByRole('heading', { name: 'Train from scratch', level: 1 }).boundingBox();
    expect(back!.y + back!.height, 'the back link ends above the title').toBeLessThanOrEqual(title!.y);
    expect(Math.abs(back!.x + 9 - title!.x), 'the back link starts at the title’s left edge (its padding aside)').toBeLessThanOrEqual(8);
    await page.getByRole('link', { name: '← All models' }).click();
    await page.getByRole('heading', { name: 'Select', level: 1 }).waitFor();
  });

  it('Compare\'s charts name whiskers only where drawn, read the run names whole, and tick small values as decimals', async () => {
    const { page, studio } = e2e;
    await page.setViewportSize({ width: 1440, height: 900 });
    await gotoPage(page, studio, `#/runs/compare/${runIds.join(',')}`, page.locator('figure.chart svg').first());
    const charts = await page.locator('figure.chart').evaluateAll((figures) => figures.map((f) => ({
      note: f.querySelector('svg')!.getAttribute('aria-labelledby')!.split(' ').map((id) => document.getElementById(id)?.textContent).join(' | '),
      names: [...f.querySelectorAll('.chart-label')].map((t) => [...t.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').replace(/^✓ /, '')),
      ticks: [...f.querySelectorAll('.chart-tick')].map((t) => t.textContent),
      whiskers: f.querySelectorAll('.chart-whisker').length,
    })));
    const bleu = charts.find((c) => c.note.startsWith('BLEU'))!;
    const rouge = charts.find((c) => c.note.startsWith('ROUGE-L'))!;
    expect(bleu.whiskers).toBe(2);
    expect(bleu.note).toContain('whiskers: 95% bootstrap interval');
    expect(rouge.whiskers).toBe(0);
    expect(rouge.note).not.toContain('whiskers');
    for (const c of [bleu, rouge]) expect(c.names, c.note).toEqual(RUNS);
    expect(bleu.ticks.filter((t) => /e/.test(t ?? '')), bleu.ticks.join(' ')).toEqual([]);
    await shootSchemes(page, 'rules-compare-charts');
  });
});
