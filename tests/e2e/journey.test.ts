// The guided lifecycle end to end, in Chromium against `lathe serve`: a new project is created on Scope, then
// walked to a finished evaluation by clicking only the "Next:" action the journey offers — import a small
// dataset, import stories260K, try a prompt in the playground, run a five-example evaluation — with the
// journey strip's step states checked after each step. Light and dark shots at 1440 and 1024 px land in
// tests/e2e/screenshots/journey-*.png; the Projects list then shows where the project stands. Before any of it, an empty
// studio's Integrate and Runs link to the page where their first thing is made.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { browserSkipReason, generateInPlayground, SHARED_DATA, shootAtWidths, STORIES260K, studioInChromium, submitWithShortcut } from './harness.ts';

const { checkpoint: CHECKPOINT, tokenizer: TOKENIZER } = STORIES260K;
const skipReason = browserSkipReason() ?? ([CHECKPOINT, TOKENIZER].some((f) => !existsSync(f)) ? `${SHARED_DATA} (stories260K) is absent: the shared data kit is not mounted` : null);
if (skipReason) console.log(`e2e journey tests skipped: ${skipReason}`);

/** Fifty short dialogues with one-line summaries: 40 train, 5 validation, 5 test rows; small enough for stories260K's context. */
function writeTinyDialogues(dir: string): string {
  const names = ['Tom', 'Lily', 'Ben', 'Sue', 'Max'];
  const things = ['a red ball', 'a big cake', 'a little dog', 'a blue kite', 'a shiny car'];
  const lines = Array.from({ length: 50 }, (_, i) => {
    const [a, b, thing] = [names[i % 5], names[(i + 2) % 5], things[(i * 3) % 5]];
    return JSON.stringify({ dialogue: `#Person1#: Hi ${b}, look at ${thing}! #Person2#: Wow, ${a}, can I play with it?`, summary: `${a} shows ${b} ${thing}.` });
  });
  const file = path.join(dir, 'tiny-dialogues.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe.skipIf(skipReason !== null)('the guided lifecycle in Chromium', () => {
  let tmp = '';
  let dataFile = '';
  const e2e = studioInChromium({
    async setup() {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'lathe-journey-'));
      dataFile = writeTinyDialogues(tmp);
    },
  });

  const strip = () => e2e.page.getByTestId('journey');
  /** The journey strip's states, step by step, as the DOM shows them. */
  const stripStates = () => strip().locator('li[data-step]').evaluateAll((items) => Object.fromEntries(items.map((li) => [li.getAttribute('data-step'), li.getAttribute('data-state')])));
  const expectStates = (states: Record<string, string>) => expect.poll(stripStates, { timeout: 30_000 }).toEqual(states);
  /** Follow the guidance: the one action of the "Next:" callout (the strip's on stage pages, the Journey card's on Scope). */
  async function followNext(label: RegExp) {
    const { page } = e2e;
    const button = page.getByTestId('journey-next').getByRole('button', { name: label });
    await button.waitFor();
    await button.click();
  }

  /** Record, from inside the page, every state the strip shows for `step` (a job of a few rows can finish between two polls). */
  async function watchStep(step: string) {
    const { page } = e2e;
    await page.evaluate((id) => {
      const seen: string[] = [];
      (window as unknown as { __seen: string[] }).__seen = seen;
      const check = () => {
        const state = document.querySelector(`[data-testid=journey] li[data-step=${id}]`)?.getAttribute('data-state');
        if (state && seen.at(-1) !== state) seen.push(state);
      };
      check();
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    }, step);
  }
  const seenStates = () => e2e.page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);

  /** Light and dark shots at 1440 and 1024 px as journey-<name>-…png. */
  const shoot = (name: string) => shootAtWidths(e2e.page, `journey-${name}`);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('with nothing made yet, Integrate and Runs say what comes first and link to it', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/integrate`);
    await page.getByText('No model yet').waitFor();
    // one next step: the server card's own Go to Select doubled it, and its request log asked to start a server no
    // model could run (2026-12-07)
    const serve = page.getByRole('region', { name: 'Serve to applications' });
    await serve.getByText(/^No model to serve yet/).waitFor();
    expect(await page.getByRole('button', { name: 'Go to Select' }).count()).toBe(1);
    expect(await serve.getByText(/Start the server/).count()).toBe(0);
    await page.getByRole('region', { name: 'Merge, quantise and export' }).getByRole('button', { name: 'Go to Select' }).click();
    await page.waitForURL(/#\/select$/);
    await page.goto(`${studio.origin}/?token=${studio.token}#/runs`);
    const empty = page.getByRole('tabpanel').locator('.empty');
    await empty.getByText('No experiments in any project yet').waitFor();
    // The commands it names are code, not text in backquotes.
    // spelled as the README and every other page spell them (Inside said `npx lathe model …`, this `lathe train`)
    expect(await empty.locator('code').allTextContents()).toEqual(['npx lathe train', 'npx lathe eval']);
    // each on one line: "npx lathe" at a line's end, "train" on the next (2026-12-07)
    expect(await empty.locator('code').evaluateAll((codes) => codes.map((c) => c.getClientRects().length))).toEqual([1, 1]);
    expect(await empty.textContent()).not.toContain('`');
    await empty.getByRole('button', { name: 'Go to Adapt & align' }).click();
    await page.waitForURL(/#\/adapt/);
  });

  it('scopes a new project; the journey says the data comes next', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/scope`);
    await page.getByRole('heading', { name: 'Scope your first model' }).waitFor();
    expect(await strip().count()).toBe(0); // no project, no journey
    await page.getByLabel('Project name').fill('Tiny dialogue summaries');
    await page.getByRole('radio', { name: /Summarisation/ }).click();
    await page.getByLabel('Project name').press('Control+Enter');
    await page.getByRole('heading', { name: 'Tiny dialogue summaries' }).waitFor();
    // The target is optional: a metric alone completes scope, and the guidance moves on instead of asking again.
    await expectStates({ scope: 'done', data: 'next', select: 'todo', prompt: 'todo', finetune: 'optional', evaluate: 'todo', integrate: 'todo' });
    const card = page.getByTestId('journey-card');
    await card.getByText('Summarisation · ROUGE-L (no target)').waitFor();
    await page.getByTestId('journey-next').getByText('Next: bring the data').waitFor();
    await page.getByTestId('scorecard').getByText(/with no target set \(it is optional\), the scorecard will not call runs pass or fail/).waitFor();
    await shoot('scope-no-target');
    await page.getByLabel(/^Target/).fill('0.35');
    await page.getByLabel(/^Target/).press('Control+Enter');
    await page.getByRole('status').filter({ hasText: 'Scope saved' }).waitFor();
    await expectStates({ scope: 'done', data: 'next', select: 'todo', prompt: 'todo', finetune: 'optional', evaluate: 'todo', integrate: 'todo' });
    await card.getByText('Summarisation · ROUGE-L ≥ 0.35').waitFor();
    await page.getByTestId('journey-next').getByText('Next: bring the data').waitFor();
    expect(await strip().getByTestId('journey-next').count()).toBe(0); // on Scope the card carries the guidance
    // The strip is a row of links, reachable from the keyboard.
    await strip().getByRole('link', { name: /Data/ }).focus();
    expect(await page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('data-step'))).toBe('data');
    await shoot('scope');
  });

  it('imports a dataset where the guidance leads; then a base model is next', async () => {
    const { page } = e2e;
    await followNext(/Import a dataset/);
    await page.getByRole('heading', { name: 'Datasets', level: 1 }).waitFor();
    expect(await strip().locator('li[data-step=data] a').getAttribute('aria-current')).toBe('page');
    await page.getByLabel('Dataset file').setInputFiles(dataFile);
    await watchStep('data');
    await page.locator('form[aria-label="Import a dataset"] button[type=submit]').click();
    await page.getByTestId('import-progress').getByText('Imported').waitFor({ timeout: 60_000 });
    await expectStates({ scope: 'done', data: 'done', select: 'next', prompt: 'todo', finetune: 'optional', evaluate: 'todo', integrate: 'todo' });
    expect(await seenStates()).toEqual(['next', 'in-progress', 'done']);
    expect(await strip().locator('li[data-step=data] a').getAttribute('title')).toContain('tiny-dialogues, 50 rows');
    await strip().getByTestId('journey-next').getByText('Next: choose a base model').waitFor();
    await shoot('data');
  });

  it('imports stories260K on Select; then a prompt is next', async () => {
    const { page } = e2e;
    await followNext(/Choose a base model/);
    await page.getByText('No models yet').waitFor();
    await page.getByRole('radio', { name: /llama2\.c checkpoint/ }).click();
    await page.getByLabel('Checkpoint path').fill(CHECKPOINT);
    await page.getByLabel('Tokenizer path').fill(TOKENIZER);
    await page.getByLabel('Checkpoint path').press('Control+Enter');
    await page.getByTestId('model-card').getByRole('heading', { name: /stories260K/ }).waitFor({ timeout: 60_000 });
    await expectStates({ scope: 'done', data: 'done', select: 'done', prompt: 'next', finetune: 'optional', evaluate: 'todo', integrate: 'todo' });
  });

  it('tries a prompt in the playground; then an evaluation is next', async () => {
    const { page } = e2e;
    await followNext(/Try a prompt/);
    await page.getByRole('heading', { name: 'Adapt & align' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Prompt' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('textbox', { name: 'Prompt' }).fill('Tom shows Lily a red ball.');
    await page.getByLabel('Max new tokens value').fill('20');
    await generateInPlayground(page, page.getByRole('textbox', { name: 'Prompt' }));
    await expectStates({ scope: 'done', data: 'done', select: 'done', prompt: 'done', finetune: 'optional', evaluate: 'next', integrate: 'todo' });
    expect(await strip().locator('li[data-step=select] a').getAttribute('title')).toContain('Used: stories260K');
    await shoot('prompt');
  });

  it('runs a five-example evaluation; the scorecard falls short, so fine-tuning is next', async () => {
    const { page } = e2e;
    await followNext(/Run an evaluation/);
    await expect.poll(() => page.getByRole('tab', { name: 'Evaluate' }).getAttribute('aria-selected')).toBe('true');
    const form = page.getByRole('form', { name: 'Evaluation setup' });
    await expect.poll(() => form.getByLabel('Model', { exact: true }).locator('option:checked').textContent()).toBe('stories260K');
    await expect.poll(() => form.getByLabel('Dataset', { exact: true }).locator('option:checked').textContent()).toBe('tiny-dialogues');
    await form.getByLabel(/^Examples/).fill('5');
    await form.getByLabel('Max new tokens').fill('12');
    await form.getByLabel(/^Run name/).fill('Zero-shot baseline');
    await watchStep('evaluate');
    await submitWithShortcut(form.getByLabel('Max new tokens'), form.getByRole('button', { name: /Start evaluation/ }), 'Start evaluation');
    const summary = page.getByTestId('eval-summary');
    await summary.getByRole('heading', { name: 'Zero-shot baseline' }).waitFor({ timeout: 120_000 });
    await summary.getByText('succeeded').waitFor({ timeout: 120_000 });
    await expectStates({ scope: 'done', data: 'done', select: 'done', prompt: 'done', finetune: 'next', evaluate: 'done', integrate: 'todo' });
    expect(await seenStates()).toEqual(['next', 'in-progress', 'done']);
    const next = strip().getByTestId('journey-next');
    await next.getByText('Next: close the gap to the target').waitFor();
    expect(await next.textContent()).toMatch(/The best evaluation, \d\.\d{3}, is \d\.\d{3} short of 0\.350/);
    expect(await strip().locator('li[data-step=evaluate] .journey-state').textContent()).toBe('done');
    expect(await strip().locator('li[data-step=evaluate] a').getAttribute('title')).toMatch(/1 evaluation; best \d\.\d{3} — ROUGE-L \d\.\d{3}/);
    // one numbering: the strip groups its steps under the sidebar's four stages, numbered alike; steps carry none
    const sidebarStages = await page.locator('.sidebar .nav-section').first().locator('.nav-item').evaluateAll((items) => items.map((b) => `${b.querySelector('.nav-step')?.textContent}${b.childNodes[1]?.textContent}`));
    expect(sidebarStages).toEqual(['1Scope', '2Select', '3Adapt & align', '4Integrate']);
    expect(await strip().locator('.journey-stage-label').allTextContents()).toEqual(sidebarStages);
    expect(await strip().locator('[data-stage=adapt] li[data-step]').evaluateAll((items) => items.map((li) => li.getAttribute('data-step')))).toEqual(['prompt', 'finetune', 'evaluate']);
    expect((await strip().locator('.journey-mark').allTextContents()).filter((t) => /\d/.test(t))).toEqual([]);
    await shoot('evaluated');
  });

  it('the project page shows the whole journey and what each step did', async () => {
    const { page } = e2e;
    await strip().getByRole('link', { name: /Metric/ }).click(); // Scope's own step, under the stage "1 Scope"
    const card = page.getByTestId('journey-card');
    await card.waitFor();
    await expect.poll(() => card.locator('li[data-step]').evaluateAll((items) => items.map((li) => `${li.getAttribute('data-step')}:${li.getAttribute('data-state')}`)))
      .toEqual(['scope:done', 'data:done', 'select:done', 'prompt:done', 'finetune:next', 'evaluate:done', 'integrate:todo']);
    await card.locator('li[data-step=data]').getByText('tiny-dialogues, 50 rows').waitFor();
    await card.locator('li[data-step=prompt]').getByText('1 prompt tried').waitFor();
    expect(await card.locator('li[data-step=evaluate] .journey-effect').textContent()).toMatch(/^ROUGE-L \d\.\d{3}$/);
    await card.getByTestId('journey-next').getByRole('button', { name: /Fine-tune on your examples/ }).waitFor();
    await shoot('project');
  });

  it('the Projects list says where the project stands', async () => {
    const { studio, page, pageErrors } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/projects`);
    const cell = page.getByRole('table', { name: 'Projects' }).getByTestId('project-journey');
    await expect.poll(() => cell.textContent()).toBe('5/7 steps · Next: close the gap to the target');
    expect(await cell.getAttribute('title')).toMatch(/^Next: close the gap to the target\. The best evaluation/);
    await shoot('projects');
    expect(pageErrors).toEqual([]);
  });
});
