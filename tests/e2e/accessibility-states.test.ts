// The accessibility audit of the studio mid-action (accessibility.test.ts audits the pages at rest): axe-core, WCAG
// 2.0 / 2.1 A and AA, in light and in dark, over the states a user passes through, and by keyboard where focus
// must go. Without the data kit: the first project's form refused with its errors, a notice (toast) of each kind,
// the project menu open, the "?" shortcuts dialog, the dataset import form with a file chosen and refusing a bad
// one, a run's delete confirmation, and the dataset, project (from its Projects row and from Scope, and refused while
// work records into it) and document collection delete confirmations. With stories260K from the shared data kit: a fine-tune form refused, and a
// fine-tune, a pretraining and an alignment run live (progress, live charts, Cancel), each cancelled from the
// keyboard; then a model's delete confirmation. Shots of the states land in tests/e2e/screenshots/a11y-state-*.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentOwner } from '../../native/store/process-owner.ts';
import { writeStoryPreferences } from '../fixtures/story-preferences.ts';
import { axeSkipReason, expectAccessibleInBothSchemes, readTabStop, stillPage } from './axe.ts';
import { createGenerationProject, importS260k, importStoryPairs, lossFallingAt, recordFinishedFinetune, withStudioStore, writeCorpusSlice } from './cli-setup.ts';
import { browserSkipReason, callApi, gotoPage, latheJson, SCREENSHOTS, SHARED_DATA, shootFullPage, STORIES260K, studioInChromium } from './harness.ts';
import { chartPoints, fillTrainingForm } from './training.ts';

const CORPUS = path.join(SHARED_DATA, 'corpora/tinyshakespeare.txt');
const skipReason = browserSkipReason() ?? axeSkipReason();
if (skipReason) console.log(`e2e accessibility tests of states skipped: ${skipReason}`);
const noDataReason = [STORIES260K.checkpoint, STORIES260K.tokenizer, CORPUS].some((f) => !existsSync(f)) ? `${SHARED_DATA} (stories260K, tinyshakespeare) is absent: the shared data kit is not mounted` : null;
if (!skipReason && noDataReason) console.log(`e2e accessibility tests of running jobs and model states skipped: ${noDataReason}`);

describe.skipIf(skipReason !== null)('Accessibility of the studio mid-action (axe-core, WCAG 2.1 AA), in Chromium', () => {
  const e2e = studioInChromium();

  /** A fresh document at `hash` (light), drawn and still. */
  async function open(hash: string, heading?: string): Promise<void> {
    const { studio, page } = e2e;
    await page.emulateMedia({ colorScheme: 'light' });
    await gotoPage(page, studio, hash, heading ? page.getByRole('heading', { name: heading }).first() : undefined);
    await stillPage(page);
  }

  /** Audits the page as it stands in both schemes, shooting it as a11y-state-<shot>-<scheme>.png. */
  function expectAccessible(where: string, shot: string, context?: string): Promise<void> {
    const { page } = e2e;
    return expectAccessibleInBothSchemes(page, where, { context, shot: (scheme) => shootFullPage(page, path.join(SCREENSHOTS, `a11y-state-${shot}-${scheme}.png`)) });
  }

  /** What has focus, as "tag 'text'"; 'body' when nothing does. */
  const focused = () => e2e.page.evaluate(() => {
    const el = document.activeElement;
    return !el || el === document.body ? 'body' : `${el.tagName.toLowerCase()} '${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}'`;
  });

  describe('without the data kit', () => {
    let runId = '';

    it("the first project's form refused: errors shown, focus on the first field at fault", async () => {
      const { page } = e2e;
      // With no project yet, Projects offers one New project (the header's), not a second primary "Scope a use case"
      await open('#/projects', 'Projects');
      await page.getByText('No projects yet').waitFor();
      expect(await page.locator('#content .btn-primary').allTextContents()).toEqual(['New project']);
      await open('#/scope', 'Scope your first model');
      await page.getByLabel(/^Target/).fill('3'); // out of range for the suggested metric
      await page.getByRole('button', { name: /Create project/ }).click();
      await expect.poll(() => page.locator('.field-error').count()).toBeGreaterThanOrEqual(2);
      // the project name, empty: focus moves there once the refusal is drawn (an effect after the API's answer)
      await expect.poll(focused).toBe("input ''");
      expect(await page.getByLabel('Project name').getAttribute('aria-invalid')).toBe('true');
      await expectAccessible('scope form refused', 'scope-refused');
    });

    it('a success notice and an error notice', async () => {
      const { page, studio } = e2e;
      await page.getByLabel('Project name').fill('Story continuations');
      await page.getByLabel(/^Target/).fill('');
      await page.getByRole('button', { name: /Create project/ }).click();
      const notices = page.getByRole('region', { name: 'Notifications' });
      const created = notices.getByRole('status').filter({ hasText: 'Created' });
      await created.waitFor();
      // It leaves by itself after 4 s, but not while focus is in it (nor while the pointer rests on it; that hold is
      // not asserted here: on an idle headless page the pointer's arrival raced the notice's own timer): reached by
      // keyboard, read at leisure, then dismissed by keyboard.
      await created.getByRole('button', { name: 'Dismiss' }).focus();
      await page.waitForTimeout(4500);
      expect(await created.count()).toBe(1);
      await expectAccessible('success notice', 'toast-success', '.toasts');
      await page.keyboard.press('Enter');
      await created.waitFor({ state: 'detached' });
      // An error notice: a run's id cannot be copied in a page the clipboard is not granted to.
      runId = withStudioStore(studio, (store) => recordFinishedFinetune(store, store.projects.list()[0].id, 'lora quick', { dataset: 'story-pairs', steps: 20, metrics: lossFallingAt(0.2) }));
      await open(`#/runs/${runId}`);
      await page.evaluate(() => { navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')); });
      await page.getByRole('button', { name: 'Copy id' }).click();
      await notices.getByRole('alert').waitFor();
      await expectAccessible('error notice', 'toast-error', '.toasts');
      // Dismissed from the keyboard, a notice hands focus back to where it came from, not to the page's top.
      await page.getByRole('button', { name: 'Copy id' }).focus();
      await notices.getByRole('alert').getByRole('button', { name: 'Dismiss' }).focus();
      await page.keyboard.press('Enter');
      await notices.getByRole('alert').waitFor({ state: 'detached' });
      expect(await focused()).toBe("button 'Copy id'");
    });

    it("a run's delete confirmation: focus on “Keep it”, Tab kept inside, focus back on Delete after Escape", async () => {
      const { page } = e2e;
      await open(`#/runs/${runId}`);
      const remove = page.getByRole('button', { name: 'Delete', exact: true });
      await remove.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: /^Delete lora quick/ });
      await dialog.waitFor();
      expect(await focused()).toBe("button 'Keep it'");
      await expectAccessible('run delete confirmation', 'confirm-delete-run');
      for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
        await page.keyboard.press(key);
        expect(await dialog.evaluate((d) => d.contains(document.activeElement) && document.activeElement !== d)).toBe(true);
      }
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await focused()).toBe("button 'Delete'");
    });

    it('the project menu, open', async () => {
      const { page } = e2e;
      await open('#/projects', 'Projects');
      await page.getByRole('button', { name: 'Current project' }).click();
      await page.getByRole('menu', { name: 'Projects' }).waitFor();
      await expectAccessible('project menu', 'project-menu');
    });

    it('the "?" dialog keeps Tab inside it both ways and gives focus back on Escape', async () => {
      const { page } = e2e;
      await open('#/scope');
      await page.keyboard.press('Tab'); // the skip link
      await page.keyboard.press('Tab');
      const opener = await focused();
      await page.keyboard.press('?');
      const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await dialog.waitFor();
      await expectAccessible('the shortcuts dialog', 'shortcuts');
      for (const key of [...Array(6).fill('Tab'), ...Array(6).fill('Shift+Tab')]) {
        await page.keyboard.press(key);
        expect(await dialog.evaluate((d) => d.contains(document.activeElement) && document.activeElement !== d)).toBe(true);
        expect(await page.evaluate(readTabStop)).toMatchObject({ outlined: true });
      }
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await focused()).toBe(opener);
    });

    it('the dataset import form with a file chosen, then refusing a bad file line by line', async () => {
      const { page } = e2e;
      const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-a11y-import-'));
      const good = path.join(dir, 'talks.jsonl');
      writeFileSync(good, Array.from({ length: 12 }, (_, i) => JSON.stringify({ prompt: `Once upon a time ${i}`, output: `there was a fox ${i}.` })).join('\n') + '\n');
      const bad = path.join(dir, 'broken.jsonl');
      writeFileSync(bad, ['{"prompt": "Hi.", "output": "A greeting."}', '{"prompt": "broken', '{"prompt": "Bye.", "output": "A farewell."}', ''].join('\n'));
      await open('#/datasets', 'Datasets');
      const openPanel = page.getByRole('button', { name: 'Import a file' });
      if (await openPanel.count()) await openPanel.click();
      await page.getByLabel('Dataset file').setInputFiles(good);
      await expect.poll(() => page.getByLabel('Dataset name').inputValue()).toBe('talks');
      await expectAccessible('import form with a file chosen', 'import-chosen');
      // Imported from the keyboard: the stage it reached is announced (a live region), the bar labelled.
      await page.getByLabel('Dataset name').press('Control+Enter');
      await page.getByTestId('import-progress').getByRole('status').filter({ hasText: 'Imported' }).waitFor({ timeout: 60_000 });
      expect(await page.getByRole('progressbar', { name: 'Import progress' }).getAttribute('aria-valuenow')).toBe('100');
      await expectAccessible('import finished', 'import-finished');
      if (await openPanel.count()) await openPanel.click();
      await page.getByLabel('Dataset file').setInputFiles(bad);
      await page.locator('form[aria-label="Import a dataset"] button[type=submit]').click();
      await page.getByRole('alert').filter({ hasText: 'The file was not imported' }).waitFor({ timeout: 60_000 });
      // Said once, beside the callout that says why (it read "Import failed · failed · 0%").
      expect(await page.getByTestId('import-progress').textContent()).toBe('Import failed');
      await expectAccessible('import refused', 'import-refused');
    });

    it("the dataset, project and document collection delete confirmations, and a project's refused while work records into it", async () => {
      const { page, studio } = e2e;
      /**
       * Opens a confirmation with `opener`, waits until it shows `ready` (what the engine said it would leave, or
       * why it refuses), checks focus starts on “Keep it”, audits it, and closes it with Escape.
       */
      async function auditConfirmation(opener: ReturnType<typeof page.getByRole>, name: RegExp, ready: string | RegExp, where: string, shot: string): Promise<void> {
        await opener.click();
        const dialog = page.getByRole('dialog', { name });
        await dialog.getByText(ready).first().waitFor();
        expect(await focused()).toBe("button 'Keep it'");
        await expectAccessible(where, shot);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
      }
      await open('#/datasets', 'Datasets');
      await auditConfirmation(page.getByRole('button', { name: 'Delete', exact: true }), /^Delete talks\?/, /run has used this dataset|used this dataset/, 'dataset delete confirmation', 'confirm-delete-dataset');
      await open('#/projects', 'Projects');
      await auditConfirmation(page.getByRole('button', { name: 'Delete Story continuations' }), /^Delete Story continuations\?/, /^Its .* in no project/, 'project delete confirmation (Projects row)', 'confirm-delete-project');
      await open('#/scope', 'Story continuations');
      await auditConfirmation(page.getByRole('button', { name: 'Delete project' }), /^Delete Story continuations\?/, /^Its .* in no project/, 'project delete confirmation (Scope)', 'confirm-delete-project-scope');

      // Refused: a run a live process (this test's) records into the project; the dialog says so in a warning.
      const projectId = withStudioStore(studio, (store) => store.projects.list()[0].id);
      const liveRun = withStudioStore(studio, (store) => store.runs.create({ kind: 'generation', name: 'notes being written', projectId, status: 'running', owner: currentOwner() }).id);
      try {
        await open('#/projects', 'Projects');
        await auditConfirmation(page.getByRole('button', { name: 'Delete Story continuations' }), /^Delete Story continuations\?/, 'In use: it cannot be deleted now', 'project delete refused', 'confirm-delete-project-refused');
      } finally {
        withStudioStore(studio, (store) => store.runs.setStatus(liveRun, 'succeeded'));
      }

      await callApi(studio, 'collections.create', { name: 'harbour notes', projectId });
      await open('#/adapt/documents', 'Adapt & align');
      await auditConfirmation(page.locator('[aria-label="Collection harbour notes"]').getByRole('button', { name: 'Delete', exact: true }), /^Delete harbour notes\?/, /The files on your disk are not touched/, 'collection delete confirmation', 'confirm-delete-collection');
    });

    it('left no page errors', () => {
      expect(e2e.pageErrors).toEqual([]);
    });
  });

  describe.skipIf(noDataReason !== null)('with a model and datasets (the shared data kit)', () => {
    it('sets up stories260K, instruction pairs and preference pairs (CLI)', async () => {
      const { studio } = e2e;
      // Into the project the tests above created (the current one), or a new one when they did not run.
      const existing = withStudioStore(studio, (store) => store.projects.list()[0]?.id);
      const projectId = existing ?? await createGenerationProject(studio, 'Kind stories', 'Stories whose endings are kind.');
      await importS260k(studio);
      await importStoryPairs(studio, projectId, 40);
      const pairs = path.join(studio.dataDir, 'story-preferences.jsonl');
      writeStoryPreferences(pairs, 24);
      await latheJson(studio, 'dataset', 'import', pairs, '--name', 'story-preferences', '--project', projectId);
    });

    /**
     * The run view live, just started from the keyboard: focus has moved into it (its form is gone), its status is
     * a live region; once the chart has points it is audited in both schemes. Then Cancel, pressed with Enter,
     * stops it and leaves focus on Resume, which took its place, not on the page.
     */
    async function auditLiveRunThenCancel(where: string, shot: string): Promise<void> {
      const { page } = e2e;
      const view = page.getByTestId('run-view');
      await view.or(page.locator('.toast')).first().waitFor({ timeout: 60_000 });
      expect(await page.locator('.toast').allTextContents()).toEqual([]); // a refusal to start would show here
      // On the revealed run (which holds the view) or inside it: Tab goes on to Cancel.
      await expect.poll(() => page.getByTestId('revealed-run').evaluate((r) => r.contains(document.activeElement)), { timeout: 30_000 }).toBe(true);
      await view.getByRole('status').filter({ hasText: /running|queued/ }).waitFor();
      await expect.poll(() => chartPoints(page, 'chart-loss'), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
      await expectAccessible(where, shot);
      const cancel = page.getByRole('button', { name: 'Cancel', exact: true });
      await cancel.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 30_000 });
      await expect.poll(focused).toBe("button 'Resume'"); // moved by an effect once the cancel's events are drawn
    }

    it('the fine-tune form refused: the bad field marked and its error linked', async () => {
      const { page } = e2e;
      await open('#/adapt/finetune', 'Adapt & align');
      await page.getByRole('form', { name: 'Fine-tune setup' }).waitFor();
      await page.getByLabel('Max steps').fill('-5');
      await expect.poll(() => page.getByLabel('Max steps').getAttribute('aria-invalid')).toBe('true');
      await expectAccessible('fine-tune form refused', 'finetune-refused');
    });

    it('a fine-tune run live, cancelled from the keyboard', async () => {
      const { page } = e2e;
      await page.getByLabel('Dataset').selectOption({ label: 'story-pairs' });
      await fillTrainingForm(page, { 'Max steps': 2000, 'Sequence length': 64, 'Evaluate every': 5, 'Save every': 5 });
      await page.getByLabel('Threads').press('Control+Enter');
      await auditLiveRunThenCancel('fine-tune running', 'finetune-live');
    });

    it('a pretraining run live, cancelled from the keyboard', async () => {
      const { page } = e2e;
      await open('#/select/pretrain', 'Train from scratch');
      // a slice: the run must be live, and on all of tinyshakespeare it first spends seconds learning its tokenizer
      await page.getByLabel('Corpus', { exact: true }).fill(writeCorpusSlice(e2e.studio, CORPUS, 200_000));
      await page.getByLabel('Steps').fill('2000');
      await page.getByLabel('Evaluate every').fill('5');
      await page.getByLabel('Save every').fill('5');
      await page.getByLabel('Threads').fill('1');
      await page.getByRole('button', { name: /Start pretraining/ }).focus();
      await page.keyboard.press('Enter');
      await auditLiveRunThenCancel('pretraining running', 'pretrain-live');
    });

    it('an alignment (DPO) run live, cancelled from the keyboard', async () => {
      const { page } = e2e;
      await open('#/adapt/align', 'Adapt & align');
      await page.getByRole('form', { name: 'Align setup' }).waitFor();
      await page.getByLabel('Dataset').selectOption({ label: 'story-preferences' });
      await page.getByTestId('align-pair').first().waitFor();
      await fillTrainingForm(page, { 'Max steps': 2000, 'Sequence length': 64, 'Evaluate every': 5, 'Save every': 5 });
      await page.getByRole('button', { name: 'Start DPO' }).focus();
      await page.keyboard.press('Enter');
      await auditLiveRunThenCancel('DPO running', 'align-live');
    });

    it("a model's delete confirmation", async () => {
      const { page } = e2e;
      await open('#/select');
      await page.getByRole('button', { name: 'Delete', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.getByRole('dialog', { name: /^Delete s260k/ }).waitFor();
      expect(await focused()).toBe("button 'Keep it'");
      await expectAccessible('model delete confirmation', 'confirm-delete-model');
      await page.keyboard.press('Escape');
    });

    it('left no page errors', () => {
      expect(e2e.pageErrors).toEqual([]);
    });
  });
});
