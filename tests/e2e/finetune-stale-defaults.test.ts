// Fine-tune after a method switch, in Chromium against `lathe serve`: switching full ↔ LoRA asks the engine for the new
// method's defaults, and until they come the form still holds the last method's (useQuery keeps the last answer on
// screen). Start stays grey then, saying why beside it, Ctrl+Enter does nothing, and the settings are shown as loading
// (aria-busy); once the new defaults arrive, Start sends the new method's learning rate. Before, a Start pressed in
// that window trained LoRA at full fine-tuning's learning rate (or the reverse). The defaults are held back by
// page.route so that the window is seconds wide, not a race.
import { existsSync } from 'node:fs';
import type { Request, Response } from 'playwright';
import { describe, expect, it } from 'vitest';
import { createGenerationProject, importS260k, importStoryPairs } from './cli-setup.ts';
import { browserSkipReason, callApi, gotoPage, latheJson, settled, SHARED_DATA, STORIES260K, studioInChromium, submitWithShortcut, untilEnabled } from './harness.ts';

const skipReason = browserSkipReason() ?? ([STORIES260K.checkpoint, STORIES260K.tokenizer].some((f) => !existsSync(f)) ? `${SHARED_DATA} (stories260K) is absent: the shared data kit is not mounted` : null);
if (skipReason) console.log(`e2e fine-tune stale-defaults tests skipped: ${skipReason}`);

/** How long the engine's defaults are held back after the switch: long enough to press Start in between. */
const DEFAULTS_DELAY_MS = 3_000;

interface Defaults { hyperparameters: { name: string; value: unknown }[] }
const lrOf = (d: Defaults) => d.hyperparameters.find((h) => h.name === 'lr')?.value;

describe.skipIf(skipReason !== null)('Fine-tune’s Start after a method switch', () => {
  const e2e = studioInChromium({
    async setup({ studio }) {
      const projectId = await createGenerationProject(studio, 'Story continuations', 'Finish a one-line story opening.');
      await importS260k(studio);
      await importStoryPairs(studio, projectId, 40);
    },
  });

  it('waits for the new method’s defaults (grey, saying why, its shortcut doing nothing), then sends its learning rate', async () => {
    const { studio, page, pageErrors } = e2e;
    const starts: Request[] = [];
    const onRequest = (r: Request) => { if (r.url().endsWith('/api/rpc/train.start')) starts.push(r); };
    page.on('request', onRequest);
    const form = page.getByRole('form', { name: 'Fine-tune setup' });
    await gotoPage(page, studio, '#/adapt/finetune', form);
    const start = page.getByRole('button', { name: /Start fine-tuning/ });
    await untilEnabled(start, 'Fine-tune’s Start');
    // the method the page settles on is the engine's recommendation (chosen once it arrives)
    const recommended = page.locator('[data-testid^="method-"]').filter({ hasText: 'recommended' });
    await expect.poll(() => recommended.getAttribute('aria-checked')).toBe('true');
    const from = (await recommended.getAttribute('data-testid'))!.replace('method-', '') as 'lora' | 'full';
    const to = from === 'lora' ? 'full' : 'lora';
    const [model] = await callApi<{ id: string; name: string }[]>(studio, 'models.list', { kind: 'decoder' });
    const [fromLr, toLr] = await Promise.all([from, to].map(async (method) => lrOf(await callApi<Defaults>(studio, 'train.defaults', { model: model.id, method }))));
    // the test proves nothing unless the two methods' learning rates differ
    expect(toLr).not.toBe(fromLr);
    const maxSteps = page.getByLabel('Max steps');
    await maxSteps.fill('2'); // a run of two steps: what it trains is not what this test is about

    await page.route('**/api/rpc/train.defaults', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, DEFAULTS_DELAY_MS));
      await route.continue();
    });
    try {
      await page.getByTestId(`method-${to}`).click();
      expect(await start.isDisabled()).toBe(true);
      const why = async () => page.locator(`[id="${await start.getAttribute('aria-describedby')}"]`).textContent();
      expect(await why()).toBe('To start, wait for the settings sized for this model and method: they are loading.');
      // the last method's figures and settings are shown as loading, not as this method's
      expect(await page.getByRole('radiogroup', { name: 'Method' }).locator('xpath=..').getAttribute('aria-busy')).toBe('true');
      expect(await page.getByRole('heading', { name: /^Hyperparameters/ }).locator('xpath=..').getAttribute('aria-busy')).toBe('true');
      await maxSteps.press('Control+Enter'); // as the grey button would: nothing
      await submitWithShortcut(maxSteps, start, 'Fine-tune’s Start once the new method’s defaults came', DEFAULTS_DELAY_MS + 30_000);
      await expect.poll(() => starts.length).toBe(1);
      const sent = starts[0].postDataJSON() as { method: string; lr?: number; maxSteps: number | null };
      expect({ method: sent.method, lr: sent.lr, maxSteps: sent.maxSteps }).toEqual({ method: to, lr: toLr, maxSteps: 2 });
    } finally {
      page.off('request', onRequest);
      await page.unrouteAll({ behavior: 'wait' }); // lets a late answer through before the page closes
    }
    expect(starts).toHaveLength(1); // the Ctrl+Enter pressed while grey sent nothing
    expect(pageErrors).toEqual([]);
  });

  it('keeps a method picked for a new model while the engine’s recommendation for it is still on its way', async () => {
    const { studio, page, pageErrors } = e2e;
    await latheJson(studio, 'model', 'import-llama2c', STORIES260K.checkpoint, '--tokenizer', STORIES260K.tokenizer, '--name', 's260k-second');
    const form = page.getByRole('form', { name: 'Fine-tune setup' });
    await gotoPage(page, studio, '#/adapt/finetune', form);
    const recommended = page.locator('[data-testid^="method-"]').filter({ hasText: 'recommended' });
    await expect.poll(() => recommended.getAttribute('aria-checked')).toBe('true');
    const picked = (await recommended.getAttribute('data-testid'))!.replace('method-', '') === 'lora' ? 'full' : 'lora';
    const models = await callApi<{ id: string; name: string }[]>(studio, 'models.list', { kind: 'decoder' });
    const chosen = await page.getByLabel('Model', { exact: true }).inputValue();
    const other = models.find((m) => m.id !== chosen);
    // the recommendation (train.defaults without a method) answers late; the method is picked before it comes
    let held = 0;
    await page.route('**/api/rpc/train.defaults', async (route) => {
      if ((route.request().postDataJSON() as { method?: string }).method !== undefined) return route.fallback();
      held++;
      await new Promise((resolve) => setTimeout(resolve, DEFAULTS_DELAY_MS));
      await route.fallback();
    });
    let recommendations = 0;
    const onResponse = (r: Response) => {
      if (r.url().endsWith('/api/rpc/train.defaults') && (r.request().postDataJSON() as { method?: string }).method === undefined) recommendations++;
    };
    page.on('response', onResponse);
    try {
      await page.getByLabel('Model', { exact: true }).selectOption(other!.id);
      await expect.poll(() => held, { message: 'the new model’s recommendation was never asked for' }).toBe(1);
      await page.getByTestId(`method-${picked}`).click();
      await expect.poll(() => recommendations, { message: 'the new model’s recommendation never came', timeout: DEFAULTS_DELAY_MS + 30_000 }).toBe(1);
      await settled(page);
      expect(await page.getByTestId(`method-${picked}`).getAttribute('aria-checked')).toBe('true');
    } finally {
      page.off('response', onResponse);
      await page.unrouteAll({ behavior: 'wait' });
    }
    expect(pageErrors).toEqual([]);
  });
});
