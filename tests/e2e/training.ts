// The training run view as the Fine-tune and Align tests read and drive it: chart points, the step shown, the
// settings form, and Cancel / Resume with a checkpoint. Each helper checks what it claims (an expect that fails
// fails the test), so a test using one is as strict as the lines it replaced.
import type { Page } from 'playwright';
import { expect } from 'vitest';

/** How many points the chart with this test id has drawn (its data-points). */
export async function chartPoints(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-points'));
}

/** The step the run view shows ("Step N …", a PPO run's "Iteration N …"); 0 before it shows one. */
export async function runStep(page: Page): Promise<number> {
  return Number(/(?:Step|Iteration) (\d+)/.exec((await page.getByTestId('run-step').textContent()) ?? '')?.[1] ?? 0);
}

/**
 * Fills a training form's fields by label, then opens Advanced settings and fills `advanced` there, Threads always 1
 * (the tests share two cores). Starting the run is left to the test (a click, or Control+Enter in a field).
 */
export async function fillTrainingForm(page: Page, fields: Record<string, string | number>, advanced: Record<string, string | number> = {}): Promise<void> {
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label).fill(String(value));
  await page.getByText('Advanced settings').click();
  for (const [label, value] of Object.entries({ ...advanced, Threads: 1 })) await page.getByLabel(label).fill(String(value));
}

/**
 * Cancels the running run: Resume appears with the note that the last checkpoint is kept, the step it stopped at is
 * short of `total`, and the newest entry in the training-runs list says cancelled. Returns that step.
 */
export async function cancelKeepingCheckpoint(page: Page, total: number): Promise<number> {
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 30_000 });
  await page.getByText('Cancelled — the last checkpoint is kept').waitFor();
  const stopped = await runStep(page);
  expect(stopped).toBeLessThan(total);
  await expect.poll(() => page.getByTestId('training-run').first().textContent()).toContain('cancelled');
  return stopped;
}

/**
 * Resumes a cancelled run: it moves on past `stopped`, succeeds and ends on step `total`. The step is polled: the
 * badge can turn before the last step's metric is drawn (the run view batches its events every 150 ms).
 */
export async function resumeToEnd(page: Page, stopped: number, total: number): Promise<void> {
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(() => runStep(page), { timeout: 60_000 }).toBeGreaterThan(stopped + 5);
  await page.getByText('succeeded', { exact: true }).first().waitFor({ timeout: 180_000 });
  await expect.poll(() => runStep(page), { message: 'the step the run view shows once the run succeeded' }).toBe(total);
}
