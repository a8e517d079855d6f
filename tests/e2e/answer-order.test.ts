// Pages whose answers arrive in another order than asked, in Chromium against `lathe serve`: a call is held back
// with page.route until the test lets it go, as a loaded machine delays it. No page may act on a value it only
// assumed meanwhile (an older answer, the last page's rows, a list not yet read): no refused call, no wrong screen.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page, Response } from 'playwright';
import { describe, expect, it } from 'vitest';
import type { Dataset, Job, Model, Project, Run } from '../../native/api/schemas.ts';
import { importReviews, importS260k, importStoryPairs, recordFinishedEvaluation, withStudioStore } from './cli-setup.ts';
import { browserSkipReason, callApi, latheJson, SCREENSHOTS, settled, shootSchemes, STORIES260K, studioInChromium, untilEnabled } from './harness.ts';

const skipReason = browserSkipReason() ?? ([STORIES260K.checkpoint, STORIES260K.tokenizer].some((f) => !existsSync(f)) ? `${STORIES260K.checkpoint} is absent (the shared data kit is not mounted)` : null);
if (skipReason) console.log(`e2e answer-order tests skipped: ${skipReason}`);

interface Held {
  /** How many calls are being held now. */
  count(): number;
  /** Lets every held call (and any later one) through. */
  release(): void;
}

/** Holds the page's calls to `method` whose params `match` picks until release(); the others pass (to the routes set before, if any). */
async function hold(page: Page, method: string, match: (params: Record<string, unknown>) => boolean = () => true): Promise<Held> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  let held = 0;
  await page.route(`**/api/rpc/${method}`, async (route) => {
    if (match((route.request().postDataJSON() ?? {}) as Record<string, unknown>)) {
      held++;
      await released;
      held--;
    }
    await route.fallback();
  });
  return { count: () => held, release };
}

/** The studio's refusals of the page's calls from now on (method and HTTP status), until stop(). */
function refusals(page: Page): { list: string[]; stop(): void } {
  const list: string[] = [];
  const onResponse = (response: Response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/api/rpc/') && response.status() >= 400) list.push(`${url.pathname} ${response.status()}`);
  };
  page.on('response', onResponse);
  return { list, stop: () => page.off('response', onResponse) };
}

/** The kit's models have no chat template: the model `id`'s card is told it has one (as a chat model's would say). */
async function giveChatTemplate(page: Page, id: string): Promise<void> {
  await page.route('**/api/rpc/models.get', async (route) => {
    if ((route.request().postDataJSON() as { id?: string }).id !== id) return route.fallback();
    const response = await route.fetch();
    const body = (await response.json()) as { result: { tokenizer: { hasChatTemplate: boolean } } };
    body.result.tokenizer.hasChatTemplate = true;
    await route.fulfill({ response, json: body });
  });
}

/** Lets held calls go and waits for their answers before the next test (a late answer lands on its own page). */
async function letGo(page: Page, ...held: Held[]): Promise<void> {
  for (const h of held) h.release();
  await page.unrouteAll({ behavior: 'wait' });
}

describe.skipIf(skipReason !== null)('answers in another order than asked, in Chromium', () => {
  let storyPairs: Dataset;
  /** stories260K twice: the newest (the playground's first choice) is told to have a chat template (see its test). */
  let chatModel: Model;
  let baseModel: Model;
  const evaluations: string[] = [];
  const e2e = studioInChromium({
    async setup({ studio }) {
      const project = await callApi<Project>(studio, 'projects.create', { name: 'Story continuations', task: 'generation' });
      await importS260k(studio);
      await latheJson(studio, 'model', 'import-llama2c', STORIES260K.checkpoint, '--tokenizer', STORIES260K.tokenizer, '--name', 's260k-chat');
      const models = await callApi<Model[]>(studio, 'models.list', {});
      chatModel = models.find((m) => m.name === 's260k-chat')!;
      baseModel = models.find((m) => m.name === 's260k')!;
      await importStoryPairs(studio, project.id, 40);
      await importReviews(studio, project.id);
      storyPairs = (await callApi<Dataset[]>(studio, 'datasets.list', {})).find((d) => d.name === 'story-pairs')!;
      await withStudioStore(studio, async (store) => {
        for (const [i, name] of ['Zero-shot baseline', 'Few-shot:2 retry'].entries()) {
          evaluations.push(await recordFinishedEvaluation(store, project.id, name, {
            config: { metrics: ['rougeL'], template: { label: i ? 'few-shot:2' : 'zero-shot' }, split: 'test' },
            scores: { rougeL: 0.2 + i / 10 },
            predictions: [0, 1, 2].map((n) => ({ index: n, id: `test:${n}`, input: `Once upon a time ${n}`, references: [`a fox ${n}`], prediction: `a fox ${n}`, scores: { rougeL: 0.2 + i / 10 }, promptTokens: 6, truncatedTokens: 0, generatedTokens: 3, latencyMs: 1 })),
          }));
        }
      });
    },
  });

  it('Playground: the few-shot prompt shown is the one for the form as it stands, though an older one answers last', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt`);
    await page.getByRole('radio', { name: /Zero \/ one \/ few-shot/ }).click();
    const firstBuild = await hold(page, 'generate.buildPrompt', (p) => p.shots === 1);
    try {
      await expect.poll(() => firstBuild.count(), { message: 'the one-shot prompt was never asked for' }).toBe(1);
      await page.getByLabel('Shots').fill('0');
      await page.getByText(/^The prompt the model reads/).click();
      const built = page.getByLabel('The prompt the model reads', { exact: true });
      await built.waitFor();
      const zeroShot = (await built.textContent()) ?? '';
      const late = page.waitForResponse((r) => r.url().endsWith('/api/rpc/generate.buildPrompt'));
      firstBuild.release();
      await late;
      await settled(page);
      expect(await built.textContent()).toBe(zeroShot);
      expect(await page.getByLabel('Shots').inputValue()).toBe('0');
    } finally {
      await letGo(page, firstBuild);
    }
  });

  it('Playground: a few-shot form the engine refuses leaves no prompt to generate from (the last one built stayed)', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt`);
    await page.getByRole('radio', { name: /Zero \/ one \/ few-shot/ }).click();
    const generate = page.getByRole('button', { name: /^Generate/ });
    await untilEnabled(generate, 'Generate with the one-shot prompt built');
    // a dataset of four rows: its train split holds fewer than eight worked examples
    const tiny = path.join(studio.dataDir, 'tiny-pairs.jsonl');
    writeFileSync(tiny, [1, 2, 3, 4].map((n) => JSON.stringify({ instruction: 'Continue the story.', input: `Tom had ${n} cats.`, output: `They were ${n} happy cats.` })).join('\n'));
    const [project] = await callApi<Project[]>(studio, 'projects.list', {});
    await latheJson(studio, 'dataset', 'import', tiny, '--name', 'tiny-pairs', '--split', '0.5,0.25,0.25', '--project', project.id);
    await page.reload();
    await page.getByRole('radio', { name: /Zero \/ one \/ few-shot/ }).click();
    await page.getByLabel('Dataset', { exact: true }).selectOption({ label: 'tiny-pairs' });
    await untilEnabled(generate, 'Generate with a one-shot prompt from the small dataset');
    await page.getByLabel('Shots').fill('8'); // more worked examples than the train split holds
    await page.getByText(/asked for 8 examples but the train split of tiny-pairs/).waitFor();
    // the page logs the engine's 400 for that prompt, which is this one and no other
    const refused = /status of 400 \(Bad Request\) \(http:[^)]*\/api\/rpc\/generate\.buildPrompt\)$/;
    await expect.poll(() => e2e.pageErrors.some((e) => refused.test(e))).toBe(true);
    e2e.pageErrors.splice(0, Infinity, ...e2e.pageErrors.filter((e) => !refused.test(e)));
    await expect.poll(() => generate.isEnabled()).toBe(false);
    expect(await page.locator(`[id="${await generate.getAttribute('aria-describedby')}"]`).textContent()).toBe('To generate, fill in the few-shot form above: the prompt is built from it.');
    await page.getByLabel('Shots').fill('1');
    await untilEnabled(generate, 'Generate once the form builds again');
  });

  it('Playground: a column picked in one dataset is not asked of another that lacks it', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt`);
    await page.getByRole('radio', { name: /Zero \/ one \/ few-shot/ }).click();
    await page.getByLabel('Dataset', { exact: true }).selectOption({ label: 'story-pairs' });
    const built = page.getByLabel('The prompt the model reads', { exact: true });
    await page.getByText(/^The prompt the model reads/).click();
    await page.getByLabel('Input column').selectOption('instruction');
    await expect.poll(() => built.textContent()).toMatch(/^Instruction:/m);
    const refused = refusals(page);
    try {
      await page.getByLabel('Dataset', { exact: true }).selectOption({ label: 'reviews' });
      await expect.poll(() => built.textContent()).toMatch(/^Sentence:/m);
      expect(refused.list).toEqual([]);
      expect(await page.locator('.field-error').count()).toBe(0);
    } finally {
      refused.stop();
    }
  });

  it('Playground: the next-token panel is marked busy while its odds are for older text', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt`);
    const panel = page.getByTestId('next-token-panel');
    await panel.getByTestId('nt-row').first().waitFor();
    await expect.poll(() => panel.getAttribute('aria-busy')).toBe('false');
    const next = await hold(page, 'generate.nextToken');
    try {
      await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('Once upon a time, there was a big');
      await expect.poll(() => next.count(), { message: 'the next token was never asked for the new text' }).toBe(1);
      expect(await panel.getAttribute('aria-busy')).toBe('true');
      const token = panel.locator('.nt-token').first(); // the older odds stay, drawn faint
      const faint = await token.evaluate((el) => getComputedStyle(el).color);
      next.release();
      await expect.poll(() => panel.getAttribute('aria-busy')).toBe('false');
      expect(await token.evaluate((el) => getComputedStyle(el).color)).not.toBe(faint);
    } finally {
      await letGo(page, next);
    }
  });

  it('Playground: a grey Generate says why beside it, and its prompt budget is marked busy while it counts older text', async () => {
    const { studio, page } = e2e;
    const generate = page.getByRole('button', { name: /^Generate/ });
    /** The line Generate's aria-describedby names, or null when it names none. */
    const why = async () => {
      const id = await generate.getAttribute('aria-describedby');
      return id ? page.locator(`[id="${id}"]`).textContent() : null;
    };
    const list = await hold(page, 'models.list');
    let count: Held | undefined;
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/adapt`);
      await expect.poll(() => list.count(), { message: 'the model list was never asked for' }).toBeGreaterThan(0);
      expect(await generate.isEnabled()).toBe(false);
      expect(await why()).toBe('To generate, wait for the model list: it is loading.');
      list.release();
      await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe(chatModel.id);
      const prompt = page.getByRole('textbox', { name: 'Prompt', exact: true });
      const promptHeader = page.locator('.card[aria-label="Prompt"] .card-header');
      const enabledHeight = (await promptHeader.boundingBox())!.height;
      await prompt.fill('');
      await expect.poll(why).toBe('To generate, type a prompt.');
      expect(await generate.isEnabled()).toBe(false);
      // the output pane says the same, not "… press Generate" beside the grey button (2026-12-07)
      expect(await page.getByTestId('output-A').textContent()).toBe('To generate, type a prompt.');
      // the line's coming did not move the header (and the editor under the caret) onto another row
      expect((await promptHeader.boundingBox())!.height, 'the Prompt header with the why-grey line').toBe(enabledHeight);
      await shootSchemes(page, 'playground-why');
      await page.getByText('Compare A / B').click(); // the same line in A / B: the prompt is both sides'
      expect(await why()).toBe('To generate, type a prompt.');
      const header = page.locator('.card[aria-label="Prompt"] .card-header');
      try {
        for (const width of [1024, 700]) {
          await page.setViewportSize({ width, height: 900 });
          for (const scheme of ['light', 'dark'] as const) {
            await page.emulateMedia({ colorScheme: scheme });
            await settled(page);
            await header.screenshot({ path: path.join(SCREENSHOTS, `playground-why-compare-${width}-${scheme}.png`) });
          }
          // the line wraps inside the header, beside or above Generate, never past the card's edge
          const [line, box] = [(await page.locator('.playground-why').boundingBox())!, (await header.boundingBox())!];
          expect(line.x + line.width, `the why-Generate-is-grey line at ${width} px`).toBeLessThanOrEqual(box.x + box.width);
        }
      } finally {
        await page.emulateMedia({ colorScheme: 'light' });
        await page.setViewportSize({ width: 1440, height: 900 });
      }
      await page.getByText('Compare A / B').click();
      await prompt.fill('Once upon a time, there was a little');
      await expect.poll(() => generate.isEnabled()).toBe(true);
      expect(await why()).toBeNull();
      expect(await page.locator('.playground-why').count()).toBe(0);

      const budget = page.getByTestId('prompt-budget');
      await expect.poll(() => budget.getAttribute('aria-busy')).toBe('false');
      const current = await budget.locator('span').last().evaluate((el) => getComputedStyle(el).color);
      count = await hold(page, 'generate.countTokens');
      await prompt.fill('Once upon a time, there was a little girl who');
      // the older count stays on screen, marked busy and faint, from the keystroke until the new count arrives
      expect(await budget.getAttribute('aria-busy')).toBe('true');
      await expect.poll(() => count!.count(), { message: 'the new prompt was never counted' }).toBe(1);
      expect(await budget.getAttribute('aria-busy')).toBe('true');
      expect(await budget.locator('span').last().evaluate((el) => getComputedStyle(el).color)).not.toBe(current);
      count.release();
      await expect.poll(() => budget.getAttribute('aria-busy')).toBe('false');
      expect(await budget.locator('span').last().evaluate((el) => getComputedStyle(el).color)).toBe(current);
    } finally {
      await letGo(page, list, ...(count ? [count] : []));
    }
  });

  it('Playground: chat messages wait for the chosen model’s own card, not the last model’s chat template', async () => {
    const { studio, page } = e2e;
    // The kit's models have no chat template: the first one is given one in its card and its counts (what a chat
    // model's would say), so that switching to the second, whose card answers late, is a switch away from a template.
    await giveChatTemplate(page, chatModel.id);
    const countedAsChat: string[] = [];
    await page.route('**/api/rpc/generate.countTokens', async (route) => {
      const params = route.request().postDataJSON() as { modelId: string; messages?: unknown };
      if (!params.messages) return route.fallback();
      countedAsChat.push(params.modelId);
      if (params.modelId === chatModel.id) return route.fulfill({ json: { result: { promptTokens: 7, contextTokens: 512 } } });
      return route.fallback();
    });
    const refused = refusals(page);
    let baseCard: Held | undefined;
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/adapt`);
      await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe(chatModel.id);
      await page.getByRole('radio', { name: 'Chat', exact: true }).click();
      await page.getByRole('textbox', { name: 'Message 1', exact: true }).fill('Tell me a story.');
      await expect.poll(() => countedAsChat).toContain(chatModel.id);
      baseCard = await hold(page, 'models.get', (p) => p.id === baseModel.id);
      await page.getByLabel('Model', { exact: true }).selectOption(baseModel.id);
      await expect.poll(() => baseCard!.count(), { message: 'the second model’s card was never asked for' }).toBe(1);
      // Neither model's chat view is drawn, and nothing can be generated, until the second card says what it has.
      expect(await page.getByRole('textbox', { name: 'Message 1', exact: true }).count()).toBe(0);
      const generate = page.getByRole('button', { name: /^Generate/ });
      expect(await generate.isEnabled()).toBe(false);
      const why = page.locator(`[id="${await generate.getAttribute('aria-describedby')}"]`);
      expect(await why.textContent()).toBe('To generate, wait for this model’s chat template: it is loading.');
      baseCard.release();
      await page.getByText('This model has no chat template', { exact: true }).waitFor();
      expect(await page.locator(`[id="${await generate.getAttribute('aria-describedby')}"]`).textContent()).toBe('To generate, use a plain or few-shot prompt: this model has no chat template.');
      await settled(page);
      await page.locator('.card[aria-label="Prompt"] .card-header').screenshot({ path: path.join(SCREENSHOTS, 'playground-why-no-template.png') }); // the longest line, wrapped
      await settled(page);
      expect(countedAsChat.filter((id) => id !== chatModel.id)).toEqual([]);
      expect(refused.list).toEqual([]);
    } finally {
      refused.stop();
      baseCard?.release();
      // leave the page before the fakes go: a count the prompt budget asks a moment later would meet the real engine,
      // which refuses chat messages for a model with no template (a 400 in the console)
      await page.goto('about:blank');
      await page.unrouteAll({ behavior: 'wait' });
    }
  });

  it('Playground A / B: a chat prompt waits for both sides’ models, whichever side the settings edit', async () => {
    const { studio, page } = e2e;
    // As above: the first model is told to have a chat template; the second has none.
    await giveChatTemplate(page, chatModel.id);
    await page.route('**/api/rpc/generate.countTokens', async (route) => {
      const params = route.request().postDataJSON() as { modelId: string; messages?: unknown };
      if (params.messages && params.modelId === chatModel.id) return route.fulfill({ json: { result: { promptTokens: 7, contextTokens: 512 } } });
      return route.fallback();
    });
    const refused = refusals(page);
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/adapt`);
      await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe(chatModel.id);
      await page.getByRole('radio', { name: 'Chat', exact: true }).click();
      await page.getByRole('textbox', { name: 'Message 1', exact: true }).fill('Tell me a story.');
      const generate = page.getByRole('button', { name: /^Generate/ });
      await untilEnabled(generate, 'Generate for a chat prompt to a model with a template');
      await page.getByText('Compare A / B').click();
      await page.getByRole('radio', { name: 'Side B', exact: true }).click();
      await page.getByLabel('Model', { exact: true }).selectOption(baseModel.id);
      const why = async () => page.locator(`[id="${await generate.getAttribute('aria-describedby')}"]`).textContent();
      await expect.poll(why).toBe('To generate, use a plain or few-shot prompt: side B’s model has no chat template.');
      // each pane says its own side's need: both said B's, A's pane too, whose model has a template (2026-12-07)
      const pane = async (id: 'A' | 'B') => (await page.getByTestId(`output-${id}`).locator('.faint').textContent())?.trim();
      expect(await pane('B')).toBe('To generate, use a plain or few-shot prompt: side B’s model has no chat template.');
      expect(await pane('A')).toBe('Side A is ready; Generate waits for side B.');
      const panes = page.locator('.compare-grid');
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await settled(page);
        await panes.screenshot({ path: path.join(SCREENSHOTS, `playground-why-panes-${scheme}.png`) });
      }
      await page.emulateMedia({ colorScheme: 'light' });
      // editing side A, whose model has a template, does not make B's chat prompt possible
      await page.getByRole('radio', { name: 'Side A', exact: true }).click();
      await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe(chatModel.id);
      await settled(page);
      expect(await generate.isEnabled()).toBe(false);
      expect(await why()).toBe('To generate, use a plain or few-shot prompt: side B’s model has no chat template.');
      expect(await pane('A')).toBe('Side A is ready; Generate waits for side B.');
      await page.getByText('Compare A / B').click(); // A alone can
      await untilEnabled(generate, 'Generate with A / B off');
      expect(refused.list).toEqual([]);
    } finally {
      refused.stop();
      await page.goto('about:blank'); // before the fakes go, as above
      await page.unrouteAll({ behavior: 'wait' });
    }
  });

  it('Datasets: the next page’s rows are not drawn as the last page’s while they load', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/datasets/${storyPairs.id}`);
    const table = page.getByRole('table', { name: 'Dataset rows' });
    await table.getByRole('button', { name: 'Row 1', exact: true }).waitFor();
    const firstPage = await table.locator('tbody tr').first().textContent();
    const secondPage = await hold(page, 'datasets.rows', (p) => p.offset === 10);
    try {
      await page.getByRole('button', { name: 'Next page' }).click();
      await expect.poll(() => secondPage.count(), { message: 'the second page was never asked for' }).toBe(1);
      // the first page's rows are still the first page's: not numbered 11–20
      expect(await table.getByRole('button', { name: 'Row 11', exact: true }).count()).toBe(0);
      expect(await table.locator('tbody tr').first().textContent()).toBe(firstPage);
      expect(await page.locator('.rows-preview').getAttribute('aria-busy')).toBe('true');
      secondPage.release();
      await table.getByRole('button', { name: 'Row 11', exact: true }).waitFor();
      expect(await table.locator('tbody tr').first().textContent()).not.toBe(firstPage);
      expect(await page.locator('.rows-preview').getAttribute('aria-busy')).toBe('false');
    } finally {
      await letGo(page, secondPage);
    }
  });

  it('Datasets: a page that cannot be read leaves the pager on the page shown, and says so with a way to try again', async () => {
    const { studio, page } = e2e;
    let failing = true;
    await page.route('**/api/rpc/datasets.rows', (route) => (failing && (route.request().postDataJSON() as { offset?: number }).offset === 20
      ? route.fulfill({ status: 500, json: { error: { code: 'internal', message: 'the store is locked' } } })
      : route.fallback()));
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/datasets/${storyPairs.id}`);
      const preview = page.getByRole('region', { name: 'Preview' });
      const table = preview.getByRole('table', { name: 'Dataset rows' });
      const pager = preview.locator('.pager > span').first();
      const previous = preview.getByRole('button', { name: 'Previous page' });
      const next = preview.getByRole('button', { name: 'Next page' });
      await table.getByRole('button', { name: 'Row 1', exact: true }).waitFor();
      await next.click();
      await table.getByRole('button', { name: 'Row 11', exact: true }).waitFor();
      await next.click(); // the third page: refused
      await preview.getByText(/the store is locked/).waitFor();
      // the second page's rows stay, and the pager counts them, not the page that failed
      expect(await table.getByRole('button', { name: 'Row 11', exact: true }).count()).toBe(1);
      expect(await pager.textContent()).toBe(`Rows 11–20 of ${storyPairs.rowCount}`);
      expect(await previous.isEnabled()).toBe(true);
      expect(await next.isEnabled()).toBe(true);
      expect(await page.locator('.rows-preview').getAttribute('aria-busy')).toBe('false');
      await previous.click(); // from the page shown: the first
      await table.getByRole('button', { name: 'Row 1', exact: true }).waitFor();
      expect(await pager.textContent()).toBe(`Rows 1–10 of ${storyPairs.rowCount}`);
      expect(await preview.getByText(/the store is locked/).count()).toBe(0);
      await next.click();
      await table.getByRole('button', { name: 'Row 11', exact: true }).waitFor();
      await next.click();
      await preview.getByText(/the store is locked/).waitFor();
      failing = false;
      await preview.getByRole('button', { name: 'Try again' }).click();
      await table.getByRole('button', { name: 'Row 21', exact: true }).waitFor();
      expect(await pager.textContent()).toBe(`Rows 21–30 of ${storyPairs.rowCount}`);
      expect(await preview.getByText(/the store is locked/).count()).toBe(0);
      const refused = /status of 500 \(Internal Server Error\) \(http:[^)]*\/api\/rpc\/datasets\.rows\)$/;
      await expect.poll(() => e2e.pageErrors.filter((e) => refused.test(e)).length).toBe(2); // the two 500s this test made
      e2e.pageErrors.splice(0, Infinity, ...e2e.pageErrors.filter((e) => !refused.test(e)));
    } finally {
      await page.goto('about:blank'); // before the fake goes, as above
      await page.unrouteAll({ behavior: 'wait' });
    }
  });

  it('Integrate: no “no model” screen while the model list loads, and no Start before the server’s state is known', async () => {
    const { studio, page } = e2e;
    const models = await hold(page, 'models.list');
    const status = await hold(page, 'serveApi.status');
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/integrate`);
      await page.getByRole('heading', { name: 'Integrate' }).waitFor();
      await expect.poll(() => models.count(), { message: 'the model list was never asked for' }).toBeGreaterThan(0);
      expect(await page.getByText('No model yet').count()).toBe(0);
      expect(await page.getByText('No model to serve yet').count()).toBe(0);
      models.release();
      const start = page.getByRole('button', { name: 'Start server' });
      await start.waitFor();
      expect(await start.isEnabled()).toBe(false);
      status.release();
      await expect.poll(() => start.isEnabled()).toBe(true);
      expect(await page.getByText('No model yet').count()).toBe(0);
    } finally {
      await letGo(page, models, status);
    }
  });

  it('Integrate: a model list that cannot be read says so where the server is set up, not a blank card', async () => {
    const { studio, page } = e2e;
    await page.route('**/api/rpc/models.list', (route) => route.fulfill({ status: 500, json: { error: { code: 'internal', message: 'the store is locked' } } }));
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/integrate`);
      await page.getByRole('alert').filter({ hasText: 'Could not list the models: the store is locked' }).first().waitFor();
      const failed = /status of 500 \(Internal Server Error\) \(http:[^)]*\/api\/rpc\/models\.list\)$/;
      await expect.poll(() => e2e.pageErrors.some((e) => failed.test(e))).toBe(true); // the 500s this test made
      await settled(page);
      e2e.pageErrors.splice(0, Infinity, ...e2e.pageErrors.filter((e) => !failed.test(e)));
    } finally {
      await page.unrouteAll({ behavior: 'wait' });
    }
  });

  it('Evaluate: the scores shown are the picked run’s, not the last pick’s while its summary loads', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/evaluate`);
    const runs = page.getByRole('table', { name: 'Evaluation runs' });
    const summary = page.getByTestId('eval-summary');
    await runs.getByText('Zero-shot baseline').click();
    await expect.poll(() => summary.locator('.card-header').textContent()).toContain('Zero-shot baseline');
    const second = await hold(page, 'eval.get', (p) => p.id === evaluations[1]);
    try {
      await runs.getByText('Few-shot:2 retry').click();
      await expect.poll(() => second.count(), { message: 'the second run’s summary was never asked for' }).toBe(1);
      expect(await runs.locator('tr[aria-selected="true"]').textContent()).toContain('Few-shot:2 retry');
      expect(await page.getByText('Zero-shot baseline', { exact: true }).and(summary.locator('h2')).count()).toBe(0);
      second.release();
      await expect.poll(() => summary.locator('.card-header').textContent()).toContain('Few-shot:2 retry');
    } finally {
      await letGo(page, second);
    }
  });

  it('Evaluate: a summary that cannot be read says so, not an empty result pane', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/evaluate`);
    const runs = page.getByRole('table', { name: 'Evaluation runs' });
    await page.route('**/api/rpc/eval.get', (route) => route.fulfill({ status: 404, json: { error: { code: 'not_found', message: 'run gone: deleted from another window' } } }));
    try {
      await runs.getByText('Zero-shot baseline').click();
      await page.getByRole('alert').filter({ hasText: 'Could not read this evaluation: run gone: deleted from another window' }).waitFor();
      expect(await page.locator('.eval-layout .empty').count()).toBe(0);
      const refused = /status of 404 \(Not Found\) \(http:[^)]*\/api\/rpc\/eval\.get\)$/;
      await expect.poll(() => e2e.pageErrors.some((e) => refused.test(e))).toBe(true); // this 404, which the test made
      e2e.pageErrors.splice(0, Infinity, ...e2e.pageErrors.filter((e) => !refused.test(e)));
    } finally {
      await page.unrouteAll({ behavior: 'wait' });
    }
  });

  it('Evaluate: Custom layout starts from the labels of the dataset picked, not from none while they load', async () => {
    const { studio, page } = e2e;
    const reviews = (await callApi<Dataset[]>(studio, 'datasets.list', {})).find((d) => d.name === 'reviews')!;
    const labels = await callApi<string[]>(studio, 'datasets.promptLabels', { id: reviews.id });
    expect(labels.length).toBeGreaterThan(1);
    const read = await hold(page, 'datasets.promptLabels', (p) => p.id === reviews.id);
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/evaluate`);
      const form = page.getByRole('form', { name: 'Evaluation setup' });
      await form.getByLabel('Dataset', { exact: true }).selectOption({ label: 'reviews' });
      const accuracy = form.getByRole('group', { name: 'Metrics' }).getByRole('checkbox', { name: /^Accuracy/ });
      if ((await accuracy.getAttribute('aria-checked')) !== 'true') await accuracy.click(); // a generated answer's metric: the prompt is used
      await expect.poll(() => read.count(), { message: 'the labels of reviews were never asked for' }).toBe(1);
      const custom = form.getByLabel('Custom layout');
      // not to be ticked yet: the layout it starts from names the labels, which have not come; it says so
      expect(await custom.isDisabled()).toBe(true);
      const why = await custom.getAttribute('aria-describedby');
      expect(why).not.toBeNull();
      expect(await page.locator(`[id="${why}"]`).textContent()).toBe('Custom layout starts from the prompt naming the labels of reviews: reading them…');
      read.release();
      await custom.check();
      expect(await form.getByLabel('Prompt instruction').inputValue()).toBe(`Answer with one of: ${labels.join(', ')}.`);
      await custom.uncheck();
    } finally {
      await letGo(page, read);
    }
  });

  it('Evaluate: a judge’s label column picked for one dataset is not sent for another', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/evaluate`);
    const form = page.getByRole('form', { name: 'Evaluation setup' });
    await form.getByLabel('Dataset', { exact: true }).selectOption({ label: 'reviews' });
    await form.getByRole('group', { name: 'Metrics' }).getByRole('checkbox', { name: 'LLM judge' }).click();
    const judge = form.getByRole('group', { name: 'Judge' });
    await judge.getByLabel('Judge model').selectOption({ label: 's260k' });
    await judge.getByLabel('Label column').selectOption('label');
    await form.getByLabel('Dataset', { exact: true }).selectOption({ label: 'story-pairs' });
    // the select offers story-pairs' columns and shows no pick; what is sent must say the same
    expect(await judge.getByLabel('Label column').inputValue()).toBe('');
    await form.getByLabel(/^Examples/).fill('2');
    await form.getByLabel(/^Run name/).fill('Judged after a dataset switch');
    const refused = refusals(page);
    try {
      const asked = page.waitForRequest((r) => r.url().endsWith('/api/rpc/eval.start'));
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/rpc/eval.start'));
      await form.getByRole('button', { name: /Start evaluation/ }).click();
      const params = (await asked).postDataJSON() as { dataset: string; judge?: { labelColumn?: string } };
      expect(params.dataset).toBe(storyPairs.id);
      expect(params.judge?.labelColumn).toBeUndefined();
      const response = await answered;
      expect(refused.list).toEqual([]);
      // the run it started is let finish, so that no job works beside the next tests
      const job = ((await response.json()) as { result: Job }).result;
      await expect.poll(async () => (await callApi<Job>(studio, 'jobs.get', { id: job.id })).finishedAt, { timeout: 120_000 }).not.toBeNull();
    } finally {
      refused.stop();
    }
  }, 180_000);

  it('Runs: two tags added in quick succession are both kept, though the first one’s save answers late', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/runs/${evaluations[0]}`);
    const tagField = page.getByLabel('Tags', { exact: true });
    await tagField.waitFor();
    const oneTag = await hold(page, 'runs.update', (p) => Array.isArray(p.tags) && p.tags.length === 1);
    try {
      await tagField.fill('alpha');
      await tagField.press('Enter');
      await expect.poll(() => oneTag.count(), { message: 'the first tag was never saved' }).toBe(1);
      await tagField.fill('beta');
      await tagField.press('Enter');
      await page.getByRole('button', { name: 'Remove tag beta' }).waitFor();
      oneTag.release();
      await expect.poll(async () => (await callApi<Run>(studio, 'runs.get', { id: evaluations[0] })).tags).toEqual(['alpha', 'beta']);
      await page.getByRole('button', { name: 'Remove tag alpha' }).waitFor();
      expect(await page.getByRole('button', { name: /^Remove tag/ }).count()).toBe(2);
    } finally {
      await letGo(page, oneTag);
    }
  });

  it('left no page errors', () => {
    expect(e2e.pageErrors).toEqual([]);
  });
});
