// A desktop path dialog that does not open (main refused the options, or the dialog failed), on each page that
// opens one without a PathField: Datasets' import and its "another split" file, Train from scratch's corpus and a
// collection's document import. Each says so where the user clicked, in PathField's words, and the page records no
// unhandled rejection. The window's bridge is a stand-in for Electron's preload (the Studio API over this server's
// HTTP) whose pickPath answers a refusal and records the options it was asked for, so the dialogs' titles and file
// types are checked too. PathField's own refusal is covered by path-fields.test.ts.
import { describe, expect, it } from 'vitest';
import { openDesktopWindow } from './desktop-window.ts';
import { browserSkipReason, callApi, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason();
if (skipReason) console.log(`e2e dialog failure tests skipped: ${skipReason}`);

const REFUSAL = { ok: false, error: { code: 'internal', message: 'no display' } };
const SAID = 'The file dialog did not open: no display.';

describe.skipIf(skipReason !== null)('A path dialog that does not open is said where the user clicked', () => {
  const e2e = studioInChromium();

  it('on Datasets, Train from scratch and Documents, with no page error', async () => {
    const { studio, pageErrors } = e2e;
    await callApi(studio, 'collections.create', { name: 'notes' });
    const project = await callApi<{ id: string }>(studio, 'projects.create', { name: 'Stories', task: 'generation' }); // Datasets imports into a project
    const { page: desktop, picks } = await openDesktopWindow(e2e, { pickAnswer: REFUSAL, projectId: project.id });

    await desktop.goto(`${studio.origin}/#/datasets`);
    const importCard = desktop.getByRole('region', { name: 'Import a dataset' });
    await importCard.getByRole('button', { name: 'Choose a file…' }).click();
    expect(await importCard.getByTestId('dataset-pick-error').textContent()).toBe(SAID);
    await importCard.getByRole('button', { name: 'Add a file for another split' }).click();
    expect(await importCard.getByTestId('extra-files-pick-error').textContent()).toBe(SAID);
    const datasetDialog = { kind: 'file', title: 'Import a dataset', filters: [{ name: 'Datasets', extensions: ['jsonl', 'ndjson', 'json', 'csv', 'tsv', 'gz'] }, { name: 'All files', extensions: ['*'] }] };
    expect(await picks()).toEqual([datasetDialog, datasetDialog]);

    await desktop.goto(`${studio.origin}/#/select/pretrain`);
    const data = desktop.getByRole('region', { name: 'Data and training' });
    await data.getByRole('button', { name: 'Choose…' }).click();
    await data.getByRole('alert').filter({ hasText: `${SAID} Type the path instead.` }).waitFor();
    expect(await picks()).toEqual([{ kind: 'file', title: 'Choose a text corpus', filters: [{ name: 'Text', extensions: ['txt', 'text', 'md', 'markdown'] }, { name: 'All files', extensions: ['*'] }] }]);

    await desktop.goto(`${studio.origin}/#/adapt/documents`);
    await desktop.getByRole('button', { name: /^notes/ }).click();
    const importForm = desktop.locator('[aria-label="Collection notes"]').getByRole('form', { name: 'Import documents' });
    await importForm.getByRole('button', { name: 'Choose a file…' }).click();
    expect(await importForm.getByTestId('docs-pick-error').textContent()).toBe(`${SAID} Type its path below instead.`);
    expect(await picks()).toEqual([{
      kind: 'file', title: 'Import a document',
      filters: [{ name: 'Documents', extensions: ['txt', 'text', 'md', 'markdown', 'html', 'htm', 'pdf', 'docx'] }, { name: 'All files', extensions: ['*'] }],
    }]);
    await desktop.close();
    expect(pageErrors).toEqual([]);
  });
});
