// The Runs pages on a grown data directory (docs/benchmarks.md, "Scale"): 120 training runs of 2,000 steps each,
// one loss spike in the newest. The list shows a page of 50 with a pager instead of every run; a run's loss chart
// is drawn from a thinned series (at most CHART_POINTS per series reach the page) that still holds the spike.
// Light and dark shots of the paged list at 1440 and 1024 px land in tests/e2e/screenshots/runs-paged-….png.
import { describe, expect, it } from 'vitest';
import type { Project, Run } from '../../native/api/schemas.ts';
import { openStore } from '../../native/store/db.ts';
import { CHART_POINTS } from '../../renderer/src/pages/finetune/useRunMetrics.ts';
import { browserSkipReason, callApi, shootAtWidths, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason();
if (skipReason) console.log(`e2e runs-scale tests skipped: ${skipReason}`);

const RUNS = 120;
const STEPS = 2000;
const SPIKE = { step: 777, value: 9 };

describe.skipIf(skipReason !== null)('the Runs pages with hundreds of long runs', () => {
  let newest: Run;
  const e2e = studioInChromium({
    async setup({ studio }) {
      const project = await callApi<Project>(studio, 'projects.create', { name: 'Grown', task: 'generation' });
      const store = openStore(studio.dataDir);
      try {
        const insert = store.db.prepare('INSERT INTO run_metrics (run_id, step, name, value, time) VALUES (?, ?, ?, ?, ?)');
        store.transaction(() => {
          for (let r = 0; r < RUNS; r++) {
            const run = store.runs.create({ kind: 'finetune', name: `sweep #${r}`, projectId: project.id, status: 'succeeded', config: { method: 'lora', maxSteps: STEPS } });
            // Created a minute apart, as a sweep's runs are: created in one millisecond, their order would be their random ids'.
            store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(new Date(Date.UTC(2026, 0, 1) + r * 60_000).toISOString(), run.id);
            if (r === RUNS - 1) {
              for (let step = 1; step <= STEPS; step++) insert.run(run.id, step, 'loss', step === SPIKE.step ? SPIKE.value : 1 + 2 * Math.exp(-step / 300), 't');
            }
            newest = run;
          }
        });
      } finally {
        store.close();
      }
    },
  });

  const rows = () => e2e.page.getByRole('table', { name: 'Experiments' }).locator('tbody tr');

  it('lists a page of 50 runs, newest first, and pages through the rest', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/runs`);
    await expect.poll(() => rows().count(), { timeout: 15_000 }).toBe(50);
    expect(await rows().first().locator('.run-link').textContent()).toBe(`sweep #${RUNS - 1}`);
    const pager = page.getByTestId('runs-pager');
    expect(await pager.textContent()).toContain(`Runs 1–50 of ${RUNS}`);
    await shootAtWidths(page, 'runs-paged');
    await pager.getByRole('button', { name: 'Next page' }).click();
    await pager.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => pager.textContent()).toContain(`Runs 101–${RUNS} of ${RUNS}`);
    expect(await rows().count()).toBe(RUNS - 100);
    expect(await pager.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await pager.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => rows().first().locator('.run-link').textContent()).toBe(`sweep #${RUNS - 51}`);
  });

  it('draws a 2,000-step loss curve from a thinned series that keeps its spike', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/runs/${newest.id}`);
    const chart = page.getByTestId('run-chart-loss');
    await chart.waitFor();
    const points = Number(await chart.getAttribute('data-points'));
    expect(points).toBeGreaterThan(CHART_POINTS / 2);
    expect(points).toBeLessThanOrEqual(CHART_POINTS);
    // The y axis reaches the spike only if the spike reached the chart.
    const ticks = (await chart.locator('text.chart-tick').allTextContents()).map(Number).filter(Number.isFinite);
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(SPIKE.value - 1);
  });
});
