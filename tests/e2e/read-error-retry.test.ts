// A read that fails once (a 500, a network blip) is not the end of a page, in Chromium against `lathe serve`: the
// error says what could not be read and offers Try again, which asks once more without reloading the app. Integrate's
// Start server waits for the server's state (a server may be running already); after one failed read it stayed grey
// for good. The fake answers a 500 to the first call only, and lets the later ones through to the engine.
// Screenshots of the error in light and dark land in tests/e2e/screenshots/.
import { existsSync } from 'node:fs';
import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { importS260k } from './cli-setup.ts';
import { browserSkipReason, settled, shootSchemes, STORIES260K, studioInChromium, untilEnabled } from './harness.ts';

const skipReason = browserSkipReason() ?? ([STORIES260K.checkpoint, STORIES260K.tokenizer].some((f) => !existsSync(f)) ? `${STORIES260K.checkpoint} is absent (the shared data kit is not mounted)` : null);
if (skipReason) console.log(`e2e read-error retry tests skipped: ${skipReason}`);

/** Answers the page's first call to `method` with an HTTP 500 and no error body; every later call goes to the engine. Resolves to how many calls were made. */
async function failFirst(page: Page, method: string): Promise<() => number> {
  let calls = 0;
  await page.route(`**/api/rpc/${method}`, async (route) => {
    calls++;
    if (calls === 1) await route.fulfill({ status: 500, body: 'Internal Server Error' });
    else await route.fallback();
  });
  return () => calls;
}

describe.skipIf(skipReason !== null)('a failed read offers Try again, in Chromium', () => {
  const e2e = studioInChromium({ setup: ({ studio }) => importS260k(studio) });

  /** Waits for the console's line for the 500 the test made on `method`, and takes it (and only it) off the page's errors. */
  async function forgetThe500(method: string): Promise<void> {
    const failed = new RegExp(`status of 500 \\(Internal Server Error\\) \\(http:[^)]*/api/rpc/${method.replace('.', '\\.')}\\)$`);
    await expect.poll(() => e2e.pageErrors.some((e) => failed.test(e)), { message: `the 500 for ${method} never reached the console` }).toBe(true);
    e2e.pageErrors.splice(0, Infinity, ...e2e.pageErrors.filter((e) => !failed.test(e)));
  }

  it('Integrate: a failed read of the server’s state says so, and Try again makes Start server usable', async () => {
    const { studio, page } = e2e;
    const calls = await failFirst(page, 'serveApi.status');
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/integrate`);
      const card = page.getByLabel('Serve to applications');
      const error = card.getByRole('alert').filter({ hasText: 'Could not read the API server’s state' });
      await error.waitFor();
      expect(await error.textContent()).toBe('Could not read the API server’s state: The studio answered HTTP 500 without an error message. Start server waits for it, as a server may be running already.');
      const start = card.getByRole('button', { name: 'Start server' });
      await start.waitFor();
      expect(await start.isEnabled(), 'Start server while the state is unknown').toBe(false);
      await forgetThe500('serveApi.status');
      await settled(page);
      await shootSchemes(page, 'read-error-serve-status');

      // reached and pressed from the keyboard: a button, focusable, that Enter presses
      const tryAgain = card.getByRole('button', { name: 'Try again' });
      await tryAgain.focus();
      expect(await tryAgain.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.press('Enter');
      await untilEnabled(start, 'Start server after Try again');
      expect(calls()).toBe(2);
      await card.getByText('Stopped', { exact: true }).waitFor();
      expect(await error.count(), 'the error once the state was read').toBe(0);
      expect(await card.getByRole('button', { name: 'Try again' }).count()).toBe(0);
      // the pressed button went with the error: the focus stays where it was, not on the page's body, and Tab goes on
      // to what came back below it
      expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');
      expect(await card.evaluate((el) => el.contains(document.activeElement)), 'the focus after Try again is in the card').toBe(true);
      await page.keyboard.press('Tab');
      expect(await card.getByLabel('Model', { exact: true }).evaluate((el) => el === document.activeElement), 'Tab after Try again reaches the Model picker').toBe(true);
    } finally {
      await page.goto('about:blank');
      await page.unrouteAll({ behavior: 'wait' });
    }
  });

  it('Integrate: an error drawn only while it lasts leaves the focus on the page, not the body, when Try again works', async () => {
    const { studio, page } = e2e;
    let failing = true;
    await page.route('**/api/rpc/models.list', async (route) => (failing ? route.fulfill({ status: 500, body: 'Internal Server Error' }) : route.fallback()));
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/integrate`);
      const card = page.getByRole('region', { name: /Serve to applications/ });
      const error = card.getByRole('alert').filter({ hasText: 'Could not list the models' });
      await error.waitFor();
      await forgetThe500('models.list');
      failing = false;
      await card.getByRole('button', { name: 'Try again' }).focus();
      await page.keyboard.press('Enter');
      await error.waitFor({ state: 'detached' });
      // the server card draws the error only while the list is missing: its focus target went with it
      await expect.poll(() => page.evaluate(() => document.activeElement?.tagName), { message: 'the focus after Try again' }).not.toBe('BODY');
    } finally {
      await page.goto('about:blank');
      await page.unrouteAll({ behavior: 'wait' });
    }
    const failed = /status of 500 \(Internal Server Error\) \(http:[^)]*\/api\/rpc\/models\.list\)$/;
    e2e.pageErrors.splice(0, Infinity, ...e2e.pageErrors.filter((e) => !failed.test(e)));
    expect(e2e.pageErrors).toEqual([]);
  });

  it('Select: a model list that failed once shows the models after Try again', async () => {
    const { studio, page } = e2e;
    const calls = await failFirst(page, 'models.list');
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/select`);
      const error = page.getByRole('alert').filter({ hasText: 'Could not load models: The studio answered HTTP 500 without an error message.' });
      await error.waitFor();
      await forgetThe500('models.list');
      await page.getByRole('button', { name: 'Try again' }).focus();
      await page.keyboard.press('Enter');
      await error.waitFor({ state: 'detached' });
      await page.getByText('s260k').first().waitFor();
      expect(await page.evaluate(() => document.activeElement?.tagName), 'the focus after Try again').not.toBe('BODY');
      await page.keyboard.press('Tab');
      const list = page.getByLabel('Model list');
      expect(await list.evaluate((el) => el.contains(document.activeElement) && document.activeElement?.textContent?.includes('s260k')), 'Tab after Try again reaches the model that came back').toBe(true);
      expect(calls()).toBeGreaterThanOrEqual(2);
    } finally {
      await page.goto('about:blank');
      await page.unrouteAll({ behavior: 'wait' });
    }
    expect(e2e.pageErrors).toEqual([]);
  });
});
