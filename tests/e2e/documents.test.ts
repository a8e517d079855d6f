// The Documents tab of Adapt & align end to end in Chromium against `lathe serve`, driven as a user would: the empty
// state, a collection created from the keyboard (embedded by an imported BERT picked from the form's list), a mixed set of files (written by the test) uploaded and imported as a
// job, the files it could not read listed with their reasons under their own names, a document removed, and searches
// by BM25 and hybrid showing chunks with their scores and sources; an import the job refuses (the collection's
// embedding model folder is gone) says 'Import failed' once, above the callout that says why, as the Datasets page's
// does (it read 'Import failed · failed · 0%'). Screenshots in light and dark. (The playground's
// link back here, "Manage collections", is followed in rag-playground.test.ts, which has a model to show it with.)
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeMixedFolder } from '../fixtures/documents.ts';
import { writeTinyBert } from '../fixtures/models/tiny-bert.ts';
import { browserSkipReason, callApi, shootFromTop, shootSchemes, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason();
if (skipReason) console.log(`e2e Documents test skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('the Documents tab', () => {
  let files: string;
  let mixed: ReturnType<typeof writeMixedFolder>;
  const e2e = studioInChromium({
    async setup({ studio }) {
      files = mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-docs-'));
      await writeTinyBert(path.join(files, 'bert'), { pooling: 'mean' });
      mixed = writeMixedFolder(path.join(files, 'docs'));
      // Questions whose answering document is known: each shares its words with that document only (by hand, BM25
      // ranks it first), so BM25's recall@1 is 1.
      const questions = [{ question: 'ferry hourly', file: 'report.pdf' }, { question: 'diesel engine', file: 'guide' }, { question: 'crane arrives', file: 'letter.docx' }];
      writeFileSync(path.join(files, 'questions.jsonl'), questions.map((q) => JSON.stringify(q)).join('\n') + '\n');
      const job = await callApi<{ id: string }>(studio, 'datasets.import', { path: path.join(files, 'questions.jsonl'), name: 'questions', split: 'test' });
      for (let state = 'queued'; ['queued', 'running'].includes(state); await new Promise((r) => setTimeout(r, 200))) state = (await callApi<{ state: string }>(studio, 'jobs.get', { id: job.id })).state;
      // The encoder is imported like any model; the create form offers it among the embedding models.
      const imp = await callApi<{ id: string }>(studio, 'models.importFolder', { path: path.join(files, 'bert'), name: 'minibert' });
      for (let state = 'queued'; ['queued', 'running'].includes(state); await new Promise((r) => setTimeout(r, 200))) state = (await callApi<{ state: string }>(studio, 'jobs.get', { id: imp.id })).state;
    },
  });

  afterAll(() => {
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('creates a collection, imports files with per-file errors, removes one, and searches it', async () => {
    const { studio, page, pageErrors } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/documents`);
    await page.getByText('No collection yet').waitFor();
    await shootSchemes(page, 'documents-empty');

    // Create from the keyboard: type, then Ctrl+Enter submits the form.
    const form = page.getByRole('form', { name: 'New collection' });
    await form.getByLabel('Name').fill('harbour');
    await form.getByLabel('Embedding model').selectOption({ label: 'minibert (BertModel)' });
    await form.getByLabel('Chunk size').fill('64');
    await form.getByLabel('Overlap').fill('8');
    await form.getByLabel('Overlap').press('Control+Enter');
    const detail = page.locator('[aria-label="Collection harbour"]');
    await detail.getByText(/Embedded by minibert \(16 dimensions\)/).waitFor();
    await detail.getByText('Nothing imported yet').waitFor();
    // the tab's create action: primary, top right of its list card's header (it sat in the card's body, above the list)
    expect(await page.getByRole('button', { name: 'New collection' }).evaluate((b) => [b.closest('.card-header') !== null, b.classList.contains('btn-primary')])).toEqual([true, true]);

    // Upload every file of the mixed folder; the good ones come in, the others are named with their reasons.
    const importForm = page.getByRole('form', { name: 'Import documents' });
    await importForm.getByLabel('Document files').setInputFiles(readdirSync(path.join(files, 'docs')).map((f) => path.join(files, 'docs', f)));
    await importForm.getByRole('button', { name: /^Import/ }).click();
    await importForm.getByText(`Imported ${mixed.good.length} documents`).waitFor({ timeout: 60_000 });
    const skipped = importForm.getByRole('list', { name: 'Files not imported' }).getByRole('listitem');
    expect(await skipped.count()).toBe(Object.keys(mixed.bad).length);
    for (const [name, reason] of Object.entries(mixed.bad)) {
      const text = await skipped.filter({ hasText: name }).first().textContent();
      expect(text, name).toMatch(reason);
    }
    const table = page.getByRole('region', { name: 'Documents in the collection' });
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(mixed.good.length);
    expect((await rows.locator('td:first-child').allTextContents()).sort()).toEqual([...mixed.good].sort()); // the user's file names, not the upload copies'

    // Remove one document: its row goes, the others stay.
    await table.getByRole('button', { name: 'Remove notes.txt' }).click();
    await expect.poll(() => rows.count()).toBe(mixed.good.length - 1);
    expect(await table.getByText('notes.txt').count()).toBe(0);

    // Search: BM25 finds the PDF's second page; hybrid returns the asked number of chunks with scores.
    const search = page.getByRole('search', { name: 'Search the collection' });
    await search.getByLabel('Mode').selectOption('bm25');
    await search.getByLabel('Query').fill('ferry hourly');
    await search.getByLabel('Query').press('Enter');
    const hits = page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
    await hits.first().getByText('report.pdf · page 2').waitFor();
    await hits.first().getByText(/^score \d+\.\d{4}$/).waitFor();
    await hits.first().getByText('ferry runs hourly', { exact: false }).waitFor();
    await search.getByLabel('Mode').selectOption('hybrid');
    await search.getByLabel('Chunks').fill('3');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect.poll(async () => (await hits.allTextContents()).length).toBe(3);
    await shootSchemes(page, 'documents');
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('evaluates retrieval per mode on a dataset of questions and opens the runs in Compare', async () => {
    const { page, pageErrors } = e2e;
    const card = page.getByRole('form', { name: 'Evaluate retrieval' });
    await card.getByLabel('Dataset').selectOption({ label: 'questions' });
    await card.getByLabel('Query column').selectOption('question');
    await card.getByLabel('Relevant document column').selectOption('file');
    await card.getByRole('button', { name: 'Evaluate' }).click();
    const table = card.getByRole('table', { name: 'Retrieval by mode' });
    await table.waitFor({ timeout: 60_000 });
    const rows = table.locator('tbody tr');
    expect(await rows.locator('td:first-child').allTextContents()).toEqual(['bm25', 'dense', 'hybrid']);
    expect(await rows.first().locator('td').nth(1).textContent()).toBe('1.000'); // BM25 recall@1, by hand
    await shootSchemes(page, 'documents-eval');
    await card.getByRole('button', { name: 'Open in Compare' }).click();
    const metrics = page.getByRole('table', { name: 'Metrics by run' });
    await metrics.getByText('Recall@1', { exact: true }).waitFor();
    await metrics.getByText('nDCG@10', { exact: true }).waitFor();
    await shootSchemes(page, 'documents-compare');
    expect(pageErrors).toEqual([]);
    await page.evaluate(() => { window.location.hash = '/adapt/documents'; });
    await page.locator('[aria-label="Collection harbour"]').waitFor();
  }, 120_000);

  it('sends the user to the playground to ask the collection', async () => {
    const { page, pageErrors } = e2e;
    await page.getByRole('button', { name: 'Ask in the playground' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/adapt$/);
    await page.getByRole('tab', { name: 'Prompt', selected: true }).waitFor();
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('says a refused import failed once, above the callout that says why', async () => {
    const { studio, page, pageErrors } = e2e;
    // A collection whose embedding model's folder went after it was made: the import job cannot load it.
    const gone = path.join(files, 'gone-bert');
    cpSync(path.join(files, 'bert'), gone, { recursive: true });
    await callApi(studio, 'collections.create', { name: 'orphaned', embedModel: gone, chunkTokens: 64, overlapTokens: 8 });
    rmSync(gone, { recursive: true, force: true });
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/documents`);
    await page.getByRole('button', { name: /^orphaned/ }).click();
    const importForm = page.locator('[aria-label="Collection orphaned"]').getByRole('form', { name: 'Import documents' });
    await importForm.getByLabel('Paths on the studio’s machine').fill(path.join(files, 'docs', 'guide.md'));
    await importForm.getByRole('button', { name: /^Import/ }).click();
    const why = importForm.getByRole('alert').filter({ hasText: 'Nothing was imported' });
    await why.waitFor({ timeout: 60_000 });
    expect(await why.textContent()).toContain(`collection 'orphaned' embeds with the model at ${gone}, which is no longer there`);
    const progress = importForm.getByTestId('docs-import-progress');
    expect(await progress.textContent()).toBe('Import failed');
    expect(await progress.getByRole('status').textContent()).toBe('Import failed');
    await shootFromTop(page, 'documents-import-failed');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('asking to delete the embedding model names the collection that embeds with it, and Keep it keeps both', async () => {
    const { studio, page, pageErrors } = e2e;
    const models = await callApi<{ id: string; name: string }[]>(studio, 'models.list', {});
    const bert = models.find((m) => m.name === 'minibert')!;
    await page.goto(`${studio.origin}/?token=${studio.token}#/select/${encodeURIComponent(bert.id)}`);
    await page.getByTestId('model-card').getByRole('button', { name: 'Delete', exact: true }).click();
    const note = page.getByRole('dialog').getByTestId('delete-model-collections');
    await note.waitFor();
    expect(await note.textContent()).toBe("Collection 'harbour' embeds with it: it keeps its documents and BM25 search; dense and hybrid search need the model.");
    await page.getByRole('dialog').getByRole('button', { name: 'Keep it' }).click();
    expect((await callApi<{ name: string }[]>(studio, 'models.list', {})).map((m) => m.name)).toContain('minibert');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
