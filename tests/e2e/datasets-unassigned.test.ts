// Datasets imported from the CLI without --project, as the README does it, then a project scoped in the UI:
// the Datasets page lists them apart as "Not in any project" with a way into the project, and the Fine-tune
// and Evaluate pickers offer the project's datasets first and the unassigned ones in a labelled group — never
// another project's. Adding one moves it into the project everywhere. Deleting a dataset, then a project, asks first,
// saying what stays (the run that used the dataset; the project's dataset, in no project), by keyboard alone, and
// leaves no page that breaks on what is gone; a stopped run on the deleted dataset offers Resume disabled, saying why,
// and stays listed on Fine-tune (marked "deleted dataset") while the project has no dataset left. A project is also
// deleted from its row on the Projects page. Screenshots land in tests/e2e/screenshots/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentOwner } from '../../native/store/process-owner.ts';
import { importS260k, recordFinishedEvaluation, withStudioStore } from './cli-setup.ts';
import { browserSkipReason, callApi, gotoPage, latheJson, SHARED_DATA, shootSchemes, STORIES260K, studioInChromium } from './harness.ts';

const DIALOGSUM_DEV = path.join(SHARED_DATA, 'datasets/dialogsum/dev.jsonl');
const DIALOGSUM_TEST = path.join(SHARED_DATA, 'datasets/dialogsum/test.jsonl');
const needed = [DIALOGSUM_DEV, DIALOGSUM_TEST, STORIES260K.checkpoint, STORIES260K.tokenizer];
const skipReason = browserSkipReason() ?? (needed.some((f) => !existsSync(f)) ? `${SHARED_DATA} (dialogsum, stories260K) is absent: the shared data kit is not mounted` : null);
if (skipReason) console.log(`e2e unassigned-datasets tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('datasets that belong to no project', () => {
  let unassignedId = '';
  const e2e = studioInChromium({
    async setup({ studio }) {
      await importS260k(studio);
      // As the README: no --project.
      unassignedId = (await latheJson<{ id: string }>(studio, 'dataset', 'import', DIALOGSUM_DEV, '--name', 'dialogsum-dev')).id;
    },
  });

  const lathe = <T>(...args: string[]) => latheJson<T>(e2e.studio, ...args);

  /** The dataset <select>'s options as "group: name" ("-" for options outside a group); polled, as the form draws before the datasets arrive. */
  const pickerOptions = (form: string) =>
    e2e.page.getByRole('form', { name: form }).getByLabel('Dataset', { exact: true }).evaluate((select) =>
      [...(select as HTMLSelectElement).options].map((o) => `${o.parentElement instanceof HTMLOptGroupElement ? o.parentElement.label : '-'}: ${o.text}`));

  it('opens Scope without taking the keyboard: ? shows the shortcuts, "Project name" is focused only after New project', async () => {
    const { studio, page } = e2e;
    // Drawn, its project list answered: a page that took the keyboard on load would have by then.
    await gotoPage(page, studio, '#/scope', page.getByRole('heading', { name: 'Scope your first model' }));
    expect(await page.getByLabel('Project name').evaluate((field) => field === document.activeElement)).toBe(false);
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    expect(await page.getByLabel('Project name').inputValue()).toBe('');
  });

  it('lists a CLI-imported dataset under "Not in any project" in a project scoped in the UI', async () => {
    const { studio, page } = e2e;
    const other = await lathe<{ id: string }>('project', 'create', '--name', 'Someone else’s', '--task', 'qa');
    await lathe('dataset', 'import', DIALOGSUM_TEST, '--name', 'other-project-set', '--project', other.id);
    await page.goto(`${studio.origin}/#/projects`);
    await page.reload();
    await page.getByRole('button', { name: 'New project' }).first().click();
    await expect.poll(() => page.getByLabel('Project name').evaluate((field) => field === document.activeElement)).toBe(true); // an explicit New project
    // Create with no name, from the button a screen below the field: the error says what to do, in the form's
    // words (not the API's "name must not be empty"), and focus goes back to the field so it is in view.
    await page.getByLabel('Description').focus();
    await page.getByRole('button', { name: /Create project/ }).click();
    await page.getByText('Give the project a name, e.g. “Support-call summaries”.').waitFor();
    await expect.poll(() => page.getByLabel('Project name').evaluate((field) => field === document.activeElement)).toBe(true);
    expect(await page.getByText('name must not be empty').count()).toBe(0);
    await page.getByLabel('Project name').fill('Dialogue summaries');
    await page.getByRole('radio', { name: /Summarisation/ }).click();
    await page.getByLabel('Project name').press('Control+Enter');
    await page.getByRole('status').filter({ hasText: 'Created “Dialogue summaries”' }).waitFor();

    await page.goto(`${studio.origin}/#/datasets`);
    await page.getByText('No datasets in this project yet').waitFor();
    await page.getByText(/or add the dataset not in any project \(listed below\) to “Dialogue summaries”/).waitFor();
    const unassigned = page.getByRole('region', { name: 'Not in any project' });
    expect(await unassigned.getByRole('button').allTextContents()).toEqual([expect.stringMatching(/^dialogsum-dev/)]);
    expect(await page.getByText('other-project-set').count()).toBe(0);
    await page.getByRole('button', { name: 'Add to “Dialogue summaries”' }).waitFor();
    // The preview's header keeps a short column's name whole over its shorter values: beside the long dialogues it
    // broke "fname" over "dev_0" into "fnam" / "e".
    const fname = page.getByRole('table', { name: 'Dataset rows' }).locator('th .column-name[title="fname"]');
    await fname.waitFor();
    expect(await fname.evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)))).toBe(1);
    await shootSchemes(page, 'datasets-unassigned');
  });

  it('offers the unassigned dataset in the Fine-tune and Evaluate pickers in a labelled group, never another project’s', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/#/adapt/finetune`);
    await page.getByRole('form', { name: 'Fine-tune setup' }).waitFor();
    await expect.poll(() => pickerOptions('Fine-tune setup')).toEqual(['Not in any project: dialogsum-dev']);
    // The engine's "(null: follow epochs)" is said in words: read once its sized defaults, which bring those notes,
    // are drawn (the method comparison comes with them), or the form's own words alone would pass.
    await page.getByTestId('method-lora').waitFor();
    const setup = (await page.getByRole('form', { name: 'Fine-tune setup' }).textContent()) ?? '';
    expect(setup).toContain('not set: train for the chosen number of epochs');
    expect(setup).not.toMatch(/\bnull\b/);
    // Adapt & align sits in the same page column as every other page.
    const titleX = () => page.locator('.page-title').first().evaluate((h) => Math.round(h.getBoundingClientRect().left));
    const adaptX = await titleX();
    await shootSchemes(page, 'finetune-unassigned');
    await page.goto(`${studio.origin}/#/datasets`);
    await page.getByRole('heading', { name: 'Datasets', level: 1 }).waitFor();
    expect(adaptX).toBe(await titleX());
    await page.goto(`${studio.origin}/#/adapt/finetune`);
    await page.getByRole('form', { name: 'Fine-tune setup' }).waitFor();
    await page.getByRole('tab', { name: 'Evaluate' }).click();
    await page.getByRole('form', { name: 'Evaluation setup' }).waitFor();
    await expect.poll(() => pickerOptions('Evaluation setup')).toEqual(['Not in any project: dialogsum-dev']);
  });

  it('adds it to the project, after which every page counts it as the project’s', async () => {
    const { studio, page, pageErrors } = e2e;
    await page.goto(`${studio.origin}/#/datasets`);
    await page.getByRole('button', { name: 'Add to “Dialogue summaries”' }).click();
    await page.getByRole('status').filter({ hasText: 'Added dialogsum-dev to “Dialogue summaries”' }).waitFor();
    const inProject = page.getByRole('region', { name: 'In this project' });
    await inProject.getByRole('button', { name: /dialogsum-dev/ }).waitFor();
    expect(await page.getByRole('region', { name: 'Not in any project' }).count()).toBe(0);
    expect(await page.getByText('No datasets in this project yet').count()).toBe(0);
    await page.locator('[aria-label="Column mapping"]').waitFor(); // the project's task now decides the fields
    const datasets = await callApi<{ id: string; projectId: string | null }[]>(studio, 'datasets.list', {});
    const projects = await callApi<{ id: string; name: string }[]>(studio, 'projects.list', {});
    expect(datasets.find((d) => d.id === unassignedId)?.projectId).toBe(projects.find((p) => p.name === 'Dialogue summaries')?.id);

    await page.goto(`${studio.origin}/#/adapt/finetune`);
    await page.getByRole('form', { name: 'Fine-tune setup' }).waitFor();
    await expect.poll(() => pickerOptions('Fine-tune setup')).toEqual(['-: dialogsum-dev']);
    expect(pageErrors).toEqual([]);
  });

  it('refuses to move a dataset into a project that does not exist', async () => {
    const { studio } = e2e;
    await expect(callApi(studio, 'datasets.setProject', { id: unassignedId, projectId: 'proj_missing' })).rejects.toThrow(/project proj_missing does not exist/);
    await expect(callApi(studio, 'datasets.setProject', { id: 'ds_missing', projectId: null })).rejects.toThrow(/dataset ds_missing does not exist/);
  });

  /** The focused element's text (its id for the page's main region). */
  const focused = () => e2e.page.evaluate(() => {
    const el = document.activeElement;
    return el?.id === 'content' ? '#content' : (el?.textContent ?? '').trim();
  });

  it('deletes a dataset after a confirmation that names the run that used it; the run then shows it as deleted', async () => {
    const { studio, page, pageErrors } = e2e;
    const runId = await withStudioStore(studio, (store) => {
      const projectId = store.projects.list().find((p) => p.name === 'Dialogue summaries')!.id;
      return recordFinishedEvaluation(store, projectId, 'baseline on dialogsum-dev', { config: { dataset: { id: unassignedId, name: 'dialogsum-dev' }, split: 'test' }, scores: { rougeL: 0.21 } });
    });
    await page.goto(`${studio.origin}/#/datasets/${unassignedId}`);
    const del = page.getByRole('button', { name: 'Delete', exact: true });
    await del.click();
    const dialog = page.getByRole('dialog', { name: 'Delete dialogsum-dev?' });
    await dialog.getByText('1 run used this dataset; it stays, with its scores, and shows the dataset as deleted.').waitFor();
    expect(await dialog.getByRole('link').allTextContents()).toEqual(['baseline on dialogsum-dev']);
    expect(await focused()).toBe('Keep it');
    await shootSchemes(page, 'dataset-delete-confirm');
    await page.keyboard.press('Escape'); // cancels, and focus goes back to Delete
    await dialog.waitFor({ state: 'detached' });
    expect(await focused()).toBe('Delete');
    await page.keyboard.press('Enter');
    await dialog.getByText(/^1 run used/).waitFor();
    await page.keyboard.press('Tab'); // from Keep it to the deliberate choice
    expect(await focused()).toBe('Delete dataset');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Deleted “dialogsum-dev”' }).waitFor();
    await page.getByText('No datasets in this project yet').waitFor();
    await expect.poll(focused).toBe('#content'); // no dataset left to show: the page, not the document's top
    expect(new URL(page.url()).hash).toBe('#/datasets');

    await page.goto(`${studio.origin}/#/runs/${runId}`);
    await page.getByTestId('run-config').getByText('deleted dataset').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('shows a stopped fine-tuning run on the deleted dataset with Resume disabled, saying why and what to do instead, on its page and the Fine-tune page; the CLI says the same', async () => {
    const { studio, page, pageErrors } = e2e;
    const { projectId, runId } = withStudioStore(studio, (store) => {
      const model = store.models.list().find((m) => m.name === 's260k')!;
      const projectId = store.projects.list().find((p) => p.name === 'Dialogue summaries')!.id;
      return { projectId, runId: store.runs.create({ kind: 'finetune', name: 'lora on dialogsum-dev', projectId, status: 'cancelled', config: { datasetId: unassignedId, modelId: model.id, modelName: model.name, modelPath: model.path } }).id };
    });
    const why = `cannot resume: the dataset it trained on (${unassignedId}) has been deleted; start a new run on another dataset`;
    await page.goto(`${studio.origin}/#/runs/${runId}`);
    const resume = page.getByRole('button', { name: 'Resume' });
    await expect.poll(() => resume.isDisabled()).toBe(true);
    const describedBy = await resume.getAttribute('aria-describedby');
    expect(await page.locator(`#${describedBy}`).textContent()).toBe(`This run ${why}.`);
    await page.getByText('This run was cancelled and cannot be resumed').waitFor();
    expect(await page.getByText('Resume continues it from its last checkpoint').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Start a new run' }).getAttribute('href')).toBe('#/adapt/finetune');
    // Nor does the empty Artifacts card suggest resuming it.
    await page.getByText('this one stopped before that and cannot be resumed').waitFor();
    expect(await page.getByText('can be resumed to get there').count()).toBe(0);
    await shootSchemes(page, 'run-resume-refused');

    // The project has no dataset left: the Fine-tune page still lists its run, marked as on a deleted dataset, and a
    // new run says it needs a dataset, with the way to Datasets (it once hid the runs behind that notice).
    await page.goto(`${studio.origin}/#/adapt/finetune`);
    const listed = page.getByTestId('training-run').filter({ hasText: 'lora on dialogsum-dev' });
    await listed.getByText('deleted dataset', { exact: true }).waitFor();
    // the name wraps at its space beside the status badge, never after its hyphen ("dialogsum-" / "dev")
    expect(await listed.locator('.ft-runlist-name').evaluate((name) => {
      const walker = document.createTreeWalker(name, NodeFilter.SHOW_TEXT);
      for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        const at = text.textContent!.indexOf('dialogsum-dev');
        if (at < 0) continue;
        const word = document.createRange();
        word.setStart(text, at);
        word.setEnd(text, at + 'dialogsum-dev'.length);
        return new Set([...word.getClientRects()].map((r) => Math.round(r.top))).size;
      }
      return 0;
    }), 'lines "dialogsum-dev" takes').toBe(1);
    const needs = page.locator('.empty').filter({ hasText: 'A new run needs a dataset' });
    await needs.getByText('This project has no dataset left to train on; its past runs stay listed here.', { exact: false }).waitFor();
    await shootSchemes(page, 'finetune-no-dataset');
    await needs.getByRole('button', { name: 'Go to Datasets' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/datasets');
    await page.goto(`${studio.origin}/#/adapt/finetune`);
    await listed.click();
    await page.getByTestId('run-view').getByText('Cancelled — it cannot be resumed').waitFor();

    // The Fine-tune page's view of the same run asks the engine too, with a dataset in the project again.
    await lathe('dataset', 'import', DIALOGSUM_TEST, '--name', 'dialogsum-test', '--project', projectId);
    await page.goto(`${studio.origin}/#/adapt/finetune`);
    await page.getByTestId('training-run').filter({ hasText: 'lora on dialogsum-dev' }).click();
    const view = page.getByTestId('run-view');
    const resumeHere = view.getByRole('button', { name: 'Resume' });
    await expect.poll(() => resumeHere.isDisabled()).toBe(true);
    expect(await page.locator(`#${await resumeHere.getAttribute('aria-describedby')}`).textContent()).toBe(`This run ${why}.`);
    await view.getByText('Cancelled — it cannot be resumed').waitFor();
    expect(await view.getByText('Resume continues from it').count()).toBe(0);
    const samples = view.getByTestId('run-samples');
    await samples.getByText('A cancelled run writes no samples.', { exact: true }).waitFor();
    expect(await samples.getByText('resume it and let it finish').count()).toBe(0);
    await shootSchemes(page, 'finetune-resume-refused');
    const cli = await lathe('train', '--resume', runId).then(() => null, (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`);
    expect(cli).toContain(`run ${runId} ${why}`);
    expect(pageErrors).toEqual([]);
  });

  it('deletes a project after a confirmation saying its dataset stays; the switcher moves to the project left', async () => {
    const { studio, page, pageErrors } = e2e;
    await page.goto(`${studio.origin}/#/scope`);
    await page.getByRole('button', { name: /Current project/ }).click();
    await page.getByRole('menuitemradio', { name: /Someone else’s/ }).click();
    await page.getByRole('heading', { name: 'Someone else’s', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Delete project' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Someone else’s?' });
    await dialog.getByText('Its 1 dataset stays, in no project: it is not deleted. The Datasets page lists it under “Not in any project”.').waitFor();
    expect(await focused()).toBe('Keep it');
    await shootSchemes(page, 'project-delete-confirm');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Deleted “Someone else’s”' }).waitFor();
    await page.getByRole('heading', { name: 'Dialogue summaries', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: /Current project/ }).textContent()).toContain('Dialogue summaries');
    await expect.poll(focused).toBe('#content'); // moved there on the next frame, once the project left is drawn
    await page.goto(`${studio.origin}/#/datasets`);
    await page.getByRole('region', { name: 'Not in any project' }).getByRole('button', { name: /other-project-set/ }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('deletes a project from its row on the Projects page: refused while a run records into it, then by keyboard, saying its run stays', async () => {
    const { studio, page, pageErrors } = e2e;
    const scratch = await lathe<{ id: string }>('project', 'create', '--name', 'Scratch notes', '--task', 'qa');
    // A run a live process (this test's) still records into the project: the delete is refused, saying why.
    const liveRun = withStudioStore(studio, (store) => store.runs.create({ kind: 'generation', name: 'notes being written', projectId: scratch.id, status: 'running', owner: currentOwner() }).id);
    await page.goto(`${studio.origin}/#/projects`);
    await page.reload(); // the project list is read at start: the one the CLI just made comes with a fresh one
    const remove = page.getByRole('button', { name: 'Delete Scratch notes' });
    await remove.focus(); // a Tab stop of its own in the row
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete Scratch notes?' });
    await dialog.getByText('In use: it cannot be deleted now').waitFor();
    await dialog.getByText(`run ${liveRun} (generation) is being recorded in it`, { exact: false }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Delete project' }).isDisabled()).toBe(true);
    expect(new URL(page.url()).hash).toBe('#/projects'); // the row's own click (open its Scope) did not fire
    await shootSchemes(page, 'projects-row-delete-refused');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Delete Scratch notes');

    // The run finished, with a score: the same row deletes it, after saying exactly what goes (the project's own
    // record, and the scorecard and journey made from it) and what stays (the run, with its score; models).
    withStudioStore(studio, (store) => {
      store.runs.addMetric({ runId: liveRun, step: 0, name: 'exact_match', value: 0.4 });
      store.runs.setStatus(liveRun, 'succeeded');
    });
    await page.keyboard.press('Enter');
    const lost = dialog.getByRole('region', { name: 'Deleted' });
    const kept = dialog.getByRole('region', { name: 'Kept' });
    await kept.getByText('Its 1 run stays, in no project: it is not deleted. The run keeps its scores, logs and files. The Runs page lists it under its “No project” filter.').waitFor();
    expect(await lost.textContent()).toBe('DeletedThe project’s own record: its name, description, task, success metric and target, and constraints. Its scorecard and journey go with it, since they measure its runs against that target.');
    expect(await kept.textContent()).toContain('Models belong to no project: none is deleted, the ones its runs wrote included.');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep it');
    await shootSchemes(page, 'projects-row-delete-confirm');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Deleted “Scratch notes”' }).waitFor();
    await page.getByRole('table', { name: 'Projects' }).getByText('Scratch notes').waitFor({ state: 'detached' });
    // Focus goes to the row that took its place, not to the top of the document.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Delete Dialogue summaries');
    expect(await page.getByRole('button', { name: /Current project/ }).textContent()).toContain('Dialogue summaries');
    const left = await lathe<{ id: string; projectId: string | null }[]>('runs', 'list');
    expect(left.find((r) => r.id === liveRun)?.projectId).toBeNull();
    // As the dialog said: the run kept its score.
    expect((await callApi<{ name: string; value: number }[]>(studio, 'runs.metrics', { id: liveRun })).map((m) => [m.name, m.value])).toEqual([['exact_match', 0.4]]);
    expect(pageErrors).toEqual([]);
  });
});
