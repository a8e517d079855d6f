// The playground's "use collection" switch end to end in Chromium against `lathe serve`: a collection is created and
// a folder of documents imported through the Studio API (collections.create, collections.addDocuments as a job),
// then in the playground the prompt is asked of the collection: the answer shows with the retrieved chunks, their
// sources, scores and whether the answer cites them. Screenshots in light and dark land in tests/e2e/screenshots/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMixedFolder } from '../fixtures/documents.ts';
import { writeTinyBert } from '../fixtures/models/tiny-bert.ts';
import { browserSkipReason, callApi, launchChromium, openWatchedPage, SCREENSHOTS, shootSchemes, startStudio, STORIES260K, type RunningStudio } from './harness.ts';

const skipReason = browserSkipReason() ?? (existsSync(STORIES260K.checkpoint) ? null : `${STORIES260K.checkpoint} is absent (the shared data kit is not mounted)`);
if (skipReason) console.log(`e2e RAG playground test skipped: ${skipReason}`);

async function finished(studio: RunningStudio, jobId: string): Promise<{ state: string; error: string | null; result: unknown }> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const job = await callApi<{ state: string; error: string | null; result: unknown }>(studio, 'jobs.get', { id: jobId });
    if (!['queued', 'running'].includes(job.state)) return job;
  }
  throw new Error(`job ${jobId} did not finish in 120 s`);
}

describe.skipIf(skipReason !== null)('asking a collection in the playground', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  let files: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    files = mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-rag-'));
    await writeTinyBert(path.join(files, 'bert'), { pooling: 'mean' });
    writeMixedFolder(path.join(files, 'docs'));
    studio = await startStudio();
    const importJob = await callApi<{ id: string }>(studio, 'models.importLlama2c', { checkpoint: STORIES260K.checkpoint, tokenizer: STORIES260K.tokenizer, name: 'stories260K' });
    expect((await finished(studio, importJob.id)).state).toBe('succeeded');
    await callApi(studio, 'collections.create', { name: 'harbour', embedModel: path.join(files, 'bert'), chunkTokens: 64, overlapTokens: 8 });
    const job = await callApi<{ id: string }>(studio, 'collections.addDocuments', { collection: 'harbour', paths: [path.join(files, 'docs')] });
    const done = await finished(studio, job.id);
    expect(done.state, done.error ?? '').toBe('succeeded');
    browser = await launchChromium();
    page = await openWatchedPage(browser, pageErrors);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('shows the answer, the retrieved chunks with scores and sources, and which are cited', async () => {
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt`);
    await page.getByRole('textbox', { name: 'Prompt' }).fill('When does the ferry run?');
    const panel = page.getByRole('region', { name: 'Documents' });
    await panel.getByLabel('Use collection').check();
    await panel.getByLabel('Collection', { exact: true }).selectOption({ label: 'harbour (5 documents)' });
    await panel.getByLabel('Retrieval', { exact: true }).selectOption('bm25');
    await panel.getByRole('button', { name: 'Ask the collection' }).click();
    await page.getByTestId('rag-answer').waitFor({ timeout: 60_000 });
    const hits = panel.getByRole('list', { name: 'Retrieved chunks' }).getByRole('listitem');
    await expect.poll(() => hits.count()).toBeGreaterThan(0);
    const first = hits.first();
    await first.getByText('The ferry runs hourly', { exact: false }).waitFor();
    await first.getByText(/report\.pdf · page 2/).waitFor();
    await first.getByText(/^score \d+\.\d{4}$/).waitFor();
    // Each chunk says whether the answer cites it (stories260K, a tiny story model, rarely cites anything).
    const marks = await hits.evaluateAll((items) => items.map((li) => li.getAttribute('data-cited')));
    expect(marks.every((m) => m === 'true' || m === 'false')).toBe(true);
    expect(await panel.getByText(/^(cited|not cited)$/).count()).toBe(marks.length);
    await shootSchemes(page, 'playground-collection');
    // The collections are managed in the Documents tab, one link away.
    await panel.getByRole('link', { name: 'Manage collections' }).click();
    await page.locator('[aria-label="Collection harbour"]').waitFor();
    expect(page.url()).toMatch(/#\/adapt\/documents$/);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
