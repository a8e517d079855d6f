// Align while what Start relies on loads, in Chromium against `lathe serve`: switching DPO's tuning (LoRA ↔ full) asks
// the engine for that tuning's defaults, and switching the dataset asks for its preview; until they come the form
// still holds the last ones (useQuery keeps the last answer on screen). Start stays grey then, saying why beside it,
// Ctrl+Enter does nothing, and what is shown is marked as loading (aria-busy); once the answers arrive, Start sends the
// new tuning's learning rate. The answers are held back by page.route so that the window is seconds wide, not a race.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Request } from 'playwright';
import { describe, expect, it } from 'vitest';
import { writeStoryPreferences } from '../fixtures/story-preferences.ts';
import { createGenerationProject, importReviews, importS260k } from './cli-setup.ts';
import { browserSkipReason, callApi, gotoPage, latheJson, SHARED_DATA, STORIES260K, studioInChromium, submitWithShortcut, untilEnabled } from './harness.ts';

const skipReason = browserSkipReason() ?? ([STORIES260K.checkpoint, STORIES260K.tokenizer].some((f) => !existsSync(f)) ? `${SHARED_DATA} (stories260K) is absent: the shared data kit is not mounted` : null);
if (skipReason) console.log(`e2e align stale-defaults tests skipped: ${skipReason}`);

/** How long an answer is held back after a switch: long enough to press Start in between. */
const DELAY_MS = 3_000;

interface Defaults { hyperparameters: { name: string; value: unknown }[] }
const lrOf = (d: Defaults) => d.hyperparameters.find((h) => h.name === 'lr')?.value;

describe.skipIf(skipReason !== null)('Align’s Start while its defaults or preview load', () => {
  const e2e = studioInChromium({
    async setup({ studio }) {
      const projectId = await createGenerationProject(studio, 'Kind stories', 'Stories whose endings are kind.');
      await importS260k(studio);
      const pairs = path.join(studio.dataDir, 'story-preferences.jsonl');
      writeStoryPreferences(pairs, 24, 5);
      await latheJson(studio, 'dataset', 'import', pairs, '--name', 'story-preferences', '--project', projectId);
      await importReviews(studio, projectId);
    },
  });

  it('waits for the dataset’s preview and the tuning’s defaults, then sends the new tuning’s learning rate', async () => {
    const { studio, page, pageErrors } = e2e;
    const starts: Request[] = [];
    const onRequest = (r: Request) => { if (r.url().endsWith('/api/rpc/align.dpo')) starts.push(r); };
    page.on('request', onRequest);
    await gotoPage(page, studio, '#/adapt/align', page.getByRole('form', { name: 'Align setup' }));
    const start = page.getByRole('button', { name: 'Start DPO' });
    const why = async () => page.locator(`[id="${await start.getAttribute('aria-describedby')}"]`).textContent();
    await page.getByLabel('Leave out rows that make no pair').check(); // the set has one row that makes no pair
    await untilEnabled(start, 'Align’s Start DPO');
    const [model] = await callApi<{ id: string }[]>(studio, 'models.list', { kind: 'decoder' });
    const datasets = await callApi<{ id: string; name: string }[]>(studio, 'datasets.list', {});
    const id = (name: string) => datasets.find((d) => d.name === name)!.id;
    const [loraLr, fullLr] = await Promise.all((['lora', 'full'] as const).map(async (method) => lrOf(await callApi<Defaults>(studio, 'train.defaults', { model: model.id, method }))));
    // the test proves nothing unless the two tunings' learning rates differ
    expect(fullLr).not.toBe(loraLr);
    expect(await page.getByRole('radio', { name: /^LoRA/ }).getAttribute('aria-checked')).toBe('true');

    for (const method of ['align.preview', 'train.defaults']) {
      await page.route(`**/api/rpc/${method}`, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
        await route.continue();
      });
    }
    try {
      // another dataset: the last one's pairs are shown as loading, and Start waits for this one's
      await page.getByLabel('Dataset', { exact: true }).selectOption(id('reviews'));
      expect(await start.isDisabled()).toBe(true);
      expect(await why()).toBe('The dataset preview has not loaded yet.');
      expect(await page.getByTestId('align-preview').locator('xpath=..').getAttribute('aria-busy')).toBe('true');
      await page.getByLabel('Dataset', { exact: true }).selectOption(id('story-preferences'));

      // another tuning: the last one's settings are shown as loading, and Start waits for this one's
      await page.getByRole('radio', { name: /^Full/ }).click();
      expect(await start.isDisabled()).toBe(true);
      expect(await page.getByRole('heading', { name: /^Settings/ }).locator('xpath=..').getAttribute('aria-busy')).toBe('true');
      const maxSteps = page.getByLabel('Max steps');
      await maxSteps.fill('2'); // a run of two steps: what it trains is not what this test is about
      await maxSteps.press('Control+Enter'); // as the grey button would: nothing
      await submitWithShortcut(maxSteps, start, 'Align’s Start DPO once the full tuning’s defaults came', DELAY_MS * 2 + 30_000);
      await expect.poll(() => starts.length).toBe(1);
      const sent = starts[0].postDataJSON() as { dataset: string; method: string; lr?: number; maxSteps: number | null };
      expect({ dataset: sent.dataset, method: sent.method, lr: sent.lr, maxSteps: sent.maxSteps }).toEqual({ dataset: id('story-preferences'), method: 'full', lr: fullLr, maxSteps: 2 });
    } finally {
      page.off('request', onRequest);
      await page.unrouteAll({ behavior: 'wait' }); // lets a late answer through before the page closes
    }
    expect(starts).toHaveLength(1); // the Ctrl+Enter pressed while grey sent nothing
    expect(pageErrors).toEqual([]);
  });
});
