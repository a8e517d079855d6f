// An accessibility audit of the studio with axe-core, in Chromium against `lathe serve`: every main page (the four
// stages and Adapt's sub-pages, the workspace pages, a run and a comparison), first with an empty studio and then
// with a project, a model, a dataset and runs, in light and in dark, checked against WCAG 2.0 and 2.1 A and AA.
// A violation fails its page's test and is printed with its rule, impact, elements and help, so it can be fixed
// from the failure alone. Then by keyboard: Tab reaches every control on the Scope page and the Datasets import
// form, each showing its outline. One server, one page; shots of the audited pages land in tests/e2e/screenshots/a11y-*.
// The states mid-action (refused forms, notices, dialogs, menus, live runs) are audited in accessibility-states.test.ts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGenerationProject, importS260k, importStoryPairs, lossFallingAt, recordFinishedFinetune, withStudioStore } from './cli-setup.ts';
import { axeSkipReason, expectAccessibleInBothSchemes, readTabStop, stillPage, type TabStop } from './axe.ts';
import { browserSkipReason, gotoPage, SCREENSHOTS, settled, shootFullPage, STORIES260K, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason() ?? axeSkipReason();
if (skipReason) console.log(`e2e accessibility tests skipped: ${skipReason}`);
// The empty studio needs no data; the pages with a model and runs need stories260K from the shared data kit.
const noDataReason = [STORIES260K.checkpoint, STORIES260K.tokenizer].some((f) => !existsSync(f)) ? `${STORIES260K.checkpoint} is absent (the shared data kit is not mounted)` : null;
if (!skipReason && noDataReason) console.log(`e2e accessibility tests with a model and runs skipped: ${noDataReason}`);

/** The main pages by address. */
const MAIN_PAGES = [
  { name: 'scope', hash: '#/scope' },
  { name: 'select', hash: '#/select' },
  { name: 'pretrain', hash: '#/select/pretrain' },
  { name: 'playground', hash: '#/adapt' },
  { name: 'evaluate', hash: '#/adapt/evaluate' },
  { name: 'finetune', hash: '#/adapt/finetune' },
  { name: 'align', hash: '#/adapt/align' },
  { name: 'documents', hash: '#/adapt/documents' },
  { name: 'integrate', hash: '#/integrate' },
  { name: 'projects', hash: '#/projects' },
  { name: 'datasets', hash: '#/datasets' },
  { name: 'runs', hash: '#/runs' },
  { name: 'settings', hash: '#/settings' },
  { name: 'inside', hash: '#/inside' },
] as const;

/**
 * Marks every control in `scope` that Tab should reach (enabled, rendered, not taken out with tabindex=-1; of a radio
 * group only the chosen option is a stop, the arrows move between them) as data-a11y-mark="n"; what each is.
 */
function markTabbables(scope: string): string[] {
  const root = document.querySelector(scope);
  if (!root) throw new Error(`${scope} is not on the page`);
  const candidates = [...root.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]')];
  const tabbable = candidates.filter((el) => el.tabIndex >= 0 && !el.matches(':disabled') && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden');
  return tabbable.map((el, i) => {
    el.dataset.a11yMark = String(i);
    return `${el.tagName.toLowerCase()}[${el.getAttribute('role') ?? el.getAttribute('type') ?? ''}] '${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}'`;
  });
}

describe.skipIf(skipReason !== null)('Accessibility of the studio (axe-core, WCAG 2.1 AA), in Chromium', () => {
  const e2e = studioInChromium();
  /** Filled in by the 'with data' setup test: the two seeded runs a run page and a comparison show. */
  const runIds: string[] = [];

  /** A fresh document at `hash` in light, its page drawn and still (no transitions mid-way to skew a colour). */
  async function open(hash: string): Promise<void> {
    const { studio, page } = e2e;
    await page.emulateMedia({ colorScheme: 'light' });
    await gotoPage(page, studio, hash);
    await stillPage(page);
    await settled(page);
  }

  /**
   * Audits `hash` in light and then dark, switched live on the one document as the studio follows the system scheme
   * (a second load per page for dark cost about 30 s a run); shoots it as a11y-<shot>-<scheme>.png when asked.
   */
  async function expectAccessible(hash: string, shot?: string): Promise<void> {
    await open(hash);
    await expectAccessibleInBothSchemes(e2e.page, hash, { shot: shot ? (scheme) => shootFullPage(e2e.page, path.join(SCREENSHOTS, `a11y-${shot}-${scheme}.png`)) : undefined });
  }

  /**
   * Tabs on from where focus is until it leaves the page or comes back round (at most 300 stops), then expects every
   * control marked in `scope` to have been a stop, and every stop there to show an outline on a box one can see (a
   * 1 px visually-hidden control that takes focus leaves the user lost).
   */
  async function expectTabReachesAll(scope: string): Promise<void> {
    const { page } = e2e;
    const controls = await page.evaluate(markTabbables, scope);
    expect(controls.length).toBeGreaterThan(0);
    const stops: TabStop[] = [];
    for (let i = 0; i < 300; i++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(readTabStop);
      if (!stop || (stops.length > 0 && stop.what === stops[0].what && stop.mark === stops[0].mark)) break;
      stops.push(stop);
    }
    const reached = new Set(stops.map((s) => s.mark).filter((m) => m !== null));
    expect(controls.filter((_, i) => !reached.has(String(i)))).toEqual([]);
    const inScope = stops.filter((s) => s.mark !== null);
    expect(inScope.filter((s) => !s.outlined).map((s) => s.what)).toEqual([]);
    expect(inScope.filter((s) => s.width < 8 || s.height < 8).map((s) => `${s.what} ${s.width}×${s.height}`)).toEqual([]);
  }

  describe('an empty studio', () => {
    it.each(MAIN_PAGES)('$name', async ({ hash, name }) => {
      await expectAccessible(hash, `empty-${name}`);
    });

    it('by keyboard: Tab reaches every control of the first project\'s form on Scope, each outlined', async () => {
      await open('#/scope');
      await expectTabReachesAll('#content');
    });
  });

  describe.skipIf(noDataReason !== null)('with a project, a model, a dataset and runs', () => {
    it('sets them up as a user would (CLI), with two finished runs', async () => {
      const { studio } = e2e;
      const projectId = await createGenerationProject(studio, 'Story continuations', 'Finish a one-line story opening.');
      await importS260k(studio);
      await importStoryPairs(studio, projectId, 40);
      withStudioStore(studio, (store) => {
        for (const [name, rate] of [['lora fast', 0.3], ['lora slow', 0.1]] as const) {
          runIds.push(recordFinishedFinetune(store, projectId, name, { dataset: 'story-pairs', steps: 20, lr: rate / 100, metrics: lossFallingAt(rate) }));
        }
      });
    });

    it.each(MAIN_PAGES)('$name', async ({ hash, name }) => {
      await expectAccessible(hash, `data-${name}`);
    });

    it('a run page', async () => {
      await expectAccessible(`#/runs/${runIds[0]}`, 'data-run');
      // why it has no log names the command in the code face, not in Markdown backticks the page printed as they were
      const why = e2e.page.getByText(/^This run was not driven by a job/);
      expect(await why.textContent()).not.toContain('`');
      expect(await why.locator('.mono').textContent()).toBe('lathe');
    });

    it('a comparison of two runs', async () => {
      await expectAccessible(`#/runs/compare/${runIds.join(',')}`, 'data-compare');
    });

    it('by keyboard: Tab reaches every control on Scope, each outlined', async () => {
      await open('#/scope');
      await expectTabReachesAll('#content');
    });

    it('by keyboard: Tab reaches every control of the Datasets import form, each outlined', async () => {
      const { page } = e2e;
      await open('#/datasets');
      // With data the panel starts folded: open it, then Tab on from its button into the form.
      await page.getByRole('button', { name: 'Import a file' }).click();
      await page.locator('form[aria-label="Import a dataset"]').waitFor();
      await expectTabReachesAll('form[aria-label="Import a dataset"]');
    });
  });
});
