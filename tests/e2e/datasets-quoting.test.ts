// The Datasets import form's “Read quotes as plain text” box (DatasetImportInput.quoting 'none'): offered only for a
// CSV or TSV file, labelled, explained for the file's delimiter and ticked from the keyboard. A GLUE-style TSV whose
// field begins with a quote is first refused by the default (quoted) reading, the refusal naming the box, then
// imported with the box ticked: every quote kept, one line one row. Before, the form had no such option and the
// refusal could only say to rewrite the file with pandas. The dataset's details then say its quotes were read as text.
// Shots of the form, light and dark, land in tests/e2e/screenshots/.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUOTING_LABELS } from '../../native/api/labels.ts';
import { browserSkipReason, callApi, latheJson, SCREENSHOTS, SHOT_TIMEOUT_MS, showScheme, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason();
if (skipReason) console.log(`e2e import-quoting tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('the import form’s quoting box', () => {
  const e2e = studioInChromium({
    async setup({ studio }) {
      await latheJson(studio, 'project', 'create', '--name', 'Sentiment', '--task', 'classification');
    },
  });

  it('is shown for a TSV file only, refused files name it, and ticked by keyboard it imports every quote as text', async () => {
    const { studio, page, pageErrors } = e2e;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-quoting-'));
    const jsonl = path.join(dir, 'rows.jsonl');
    writeFileSync(jsonl, '{"text": "fine", "label": "1"}\n');
    const glue = path.join(dir, 'glue.tsv');
    writeFileSync(glue, 'text\tlabel\n"Hi," she said\t1\n"a title"\t0\n"Hi\t1\nBye"\t0\n');

    await page.goto(`${studio.origin}/?token=${studio.token}#/datasets`);
    const form = page.getByRole('form', { name: 'Import a dataset' });
    await form.waitFor();
    const box = form.getByRole('checkbox', { name: /^Read quotes as plain text/ });
    await form.getByLabel('Dataset file').setInputFiles(jsonl);
    await form.getByText('rows.jsonl').waitFor();
    expect(await box.count(), 'JSON Lines has no quoting option').toBe(0);

    await form.getByLabel('Dataset file').setInputFiles(glue);
    await box.waitFor();
    expect(await box.isChecked()).toBe(false);
    await form.getByText('a field is everything between two tabs and each line is one row').waitFor();

    const submit = form.locator('button[type=submit]');
    await submit.click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The file was not imported' });
    await refusal.waitFor({ timeout: 60_000 });
    expect(await refusal.textContent()).toContain('glue.tsv line 2: text after the closing quote of field 1 at column 6');
    expect(await refusal.textContent()).toContain('as IANA text/tab-separated-values has it, tick “Read quotes as plain text” and import it again)');
    expect(await refusal.textContent()).not.toContain('--quoting');

    await box.focus();
    await page.keyboard.press('Space');
    expect(await box.isChecked()).toBe(true);
    await form.screenshot({ path: path.join(SCREENSHOTS, 'datasets-import-quoting-light.png'), timeout: SHOT_TIMEOUT_MS });
    await showScheme(page, 'dark');
    await form.screenshot({ path: path.join(SCREENSHOTS, 'datasets-import-quoting-dark.png'), timeout: SHOT_TIMEOUT_MS });
    await page.emulateMedia({ colorScheme: 'light' });
    await submit.click();

    await page.getByLabel('Dataset glue').getByRole('heading', { name: 'glue' }).waitFor({ timeout: 60_000 });
    // the details say how its quotes were read (Dataset.quoting): before, a dataset imported this way did not say so
    expect(await page.getByLabel('Dataset glue').getByTestId('dataset-quoting').textContent()).toBe(QUOTING_LABELS.none);
    const [dataset] = await callApi<{ id: string; rowCount: number }[]>(studio, 'datasets.list', {});
    expect(dataset.rowCount).toBe(4);
    const { rows } = await callApi<{ rows: Record<string, string>[] }>(studio, 'datasets.rows', { id: dataset.id, split: 'all', limit: 10 });
    expect(rows).toEqual([{ text: '"Hi," she said', label: '1' }, { text: '"a title"', label: '0' }, { text: '"Hi', label: '1' }, { text: 'Bye"', label: '0' }]);
    expect(pageErrors).toEqual([]);
  });
});
