// A loss chart offers its log axis only where the loss stays above 0. A robust DPO run's loss goes below 0: its chart
// shows Log as not choosable (the arrow keys pass it by) with a visible note saying why; a fine-tune's loss chart
// turns to log, and the DPO chart, under the same shared choice, stays linear and says why. Shots of the DPO chart
// land in tests/e2e/screenshots/chart-log-unavailable-*.
import { describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { openStore } from '../../native/store/db.ts';
import path from 'node:path';
import { browserSkipReason, gotoPage, SCREENSHOTS, showScheme, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason();
if (skipReason) console.log(`e2e chart-log-switch tests skipped: ${skipReason}`);

const STEPS = 30;

describe.skipIf(skipReason !== null)("a loss chart's log switch", () => {
  const runs: Record<'dpo' | 'finetune', Run | null> = { dpo: null, finetune: null };
  const e2e = studioInChromium({
    async setup({ studio }) {
      const store = openStore(studio.dataDir);
      try {
        runs.dpo = store.runs.create({ kind: 'dpo', name: 'robust dpo', status: 'succeeded', config: { loss: 'robust', maxSteps: STEPS } });
        runs.finetune = store.runs.create({ kind: 'finetune', name: 'lora', status: 'succeeded', config: { method: 'lora', maxSteps: STEPS } });
        for (let step = 1; step <= STEPS; step++) {
          store.runs.addMetric({ runId: runs.dpo.id, step, name: 'loss', value: 0.6 - (0.9 * step) / STEPS }); // 0.57 … −0.3
          store.runs.addMetric({ runId: runs.finetune.id, step, name: 'loss', value: 3 * Math.exp(-step / 8) + 0.2 });
        }
      } finally {
        store.close();
      }
    },
  });

  /**
   * The run's page in a fresh document, drawn (gotoPage): from one run's page to another a same-document goto left
   * the run before on screen for a moment, and its loss chart (same test id) could be read in place of this one's.
   */
  const open = async (run: Run | null) => {
    const { studio, page } = e2e;
    await gotoPage(page, studio, `#/runs/${run!.id}`, page.getByTestId('run-chart-loss'));
    const group = page.getByRole('radiogroup', { name: 'Loss: y axis scale' });
    return { chart: page.getByTestId('run-chart-loss'), linear: group.getByRole('radio', { name: 'Linear' }), log: group.getByRole('radio', { name: 'Log' }) };
  };

  it('shows Log as not choosable below 0, says why, and keeps that chart linear whatever other loss charts chose', async () => {
    const { page } = e2e;
    let dpo = await open(runs.dpo);
    expect(await dpo.log.isDisabled()).toBe(true);
    const noteId = await dpo.log.getAttribute('aria-describedby');
    const note = page.locator(`[id="${noteId}"]`);
    expect(await note.textContent()).toBe('Log scale needs values above 0, and this chart has −0.3000: it stays linear.');
    expect(await note.isVisible()).toBe(true);
    for (const scheme of ['light', 'dark'] as const) {
      await showScheme(page, scheme);
      await dpo.chart.locator('xpath=ancestor::*[.//*[@role="radiogroup"]][1]').screenshot({ path: path.join(SCREENSHOTS, `chart-log-unavailable-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await dpo.linear.focus();
    await page.keyboard.press('ArrowRight'); // passes the disabled option by: nothing else to choose
    expect(await dpo.chart.getAttribute('data-scale')).toBe('linear');
    expect(await dpo.linear.getAttribute('aria-checked')).toBe('true');

    const finetune = await open(runs.finetune);
    expect(await finetune.log.isDisabled()).toBe(false);
    await finetune.linear.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => finetune.chart.getAttribute('data-scale')).toBe('log');
    expect(await page.locator('.chart-note').count()).toBe(0);

    dpo = await open(runs.dpo);
    expect(await dpo.chart.getAttribute('data-scale')).toBe('linear');
    expect([await dpo.linear.getAttribute('aria-checked'), await dpo.log.getAttribute('aria-checked')]).toEqual(['true', 'false']);
    expect(await page.getByText('Log scale needs values above 0').isVisible()).toBe(true);
    expect(e2e.pageErrors).toEqual([]);
  });
});
