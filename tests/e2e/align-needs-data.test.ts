// The Align tab of a project with no preference data, in Chromium against `lathe serve`: a model but no dataset, the
// page teaches the next step in place of a new run — what to import (a prompt with a chosen and a rejected answer,
// one example row, the layouts recognised on import) and how (Import a file on Datasets, or the CLI command with this
// project's name) — and its button is reached by Tab alone, shows its focus ring and takes Enter to the Datasets
// page's open import form. With only instruction pairs in the project, DPO's data preview teaches the same instead
// of sending the user to map columns the dataset does not have; once the pairs are imported as the page says (the
// CLI command it shows), the preview reads them. A start refused because the mapping changed after the preview was
// read (the engine's sentence names 'lathe dataset map … --text-column C') is worded by the page, pointing at the
// preview's Map button, which the preview, read again, then shows. On the Datasets page, the column mapping editor shows and keeps
// every mapped field: a pair's, and an instruction dataset's instruction and output, which the generation task does not
// show as its own; saving the task's fields kept only those (and the pair's). Light and dark shots land in
// tests/e2e/screenshots/align-needs-* and mapping-*.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeStoryPreferences } from '../fixtures/story-preferences.ts';
import { importS260k, importStoryPairs } from './cli-setup.ts';
import { browserSkipReason, callApi, latheJson, SHARED_DATA, shootFromTop, STORIES260K, studioInChromium, untilEnabled } from './harness.ts';

const skipReason = browserSkipReason() ?? ([STORIES260K.checkpoint, STORIES260K.tokenizer].some((f) => !existsSync(f)) ? `${SHARED_DATA} (stories260K) is absent: the shared data kit is not mounted` : null);
if (skipReason) console.log(`e2e align-needs-data tests skipped: ${skipReason}`);

/** A name that needs quoting in a shell: the command the page shows must still name this project. */
const PROJECT = 'Kind stories';

describe.skipIf(skipReason !== null)('the Align tab of a project with no preference data', () => {
  let projectId = '';
  const e2e = studioInChromium({
    expectedErrorUrl: /\/api\/rpc\/align\.reward$/, // the start refused on purpose
    async setup({ studio }) {
      projectId = (await latheJson<{ id: string }>(studio, 'project', 'create', '--name', PROJECT, '--task', 'generation')).id;
      await importS260k(studio);
    },
  });

  /** The command the page shows for a terminal; the second test runs it. */
  let command = '';

  /** What has focus, as its tag and text. */
  const focused = () => e2e.page.evaluate(() => `${document.activeElement?.tagName.toLowerCase()} '${(document.activeElement?.textContent ?? '').trim()}'`);

  it('with no dataset, says what to import and how, and its button is reached by Tab and taken by Enter to the import form', async () => {
    const { studio, page, pageErrors } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/align`);
    const state = page.locator('.empty').filter({ hasText: 'No preference data yet' });
    await state.waitFor();
    expect(await page.getByRole('form', { name: 'Align setup' }).count()).toBe(0);
    const help = state.getByTestId('preference-data-help');
    // What: the shape of a pair, an example row that is one valid JSON object with the three columns, the layouts.
    expect(await help.textContent()).toMatch(/a prompt with a chosen \(better\) and a rejected \(worse\) answer/);
    const example = JSON.parse((await help.getByLabel('An example preference pair').textContent())!) as Record<string, string>;
    expect(Object.keys(example)).toEqual(['prompt', 'chosen', 'rejected']);
    expect(await help.textContent()).toMatch(/JSONL, JSON, CSV or TSV/);
    expect(await help.textContent()).toMatch(/LLaMA-Factory.*HH-RLHF/);
    // How: the page and its button's name, and the CLI command with this project's name quoted as one word.
    expect(await help.textContent()).toContain('on the Datasets page with Import a file');
    command = (await help.getByLabel('The same from a terminal').textContent())!;
    expect(command).toBe(`npx lathe dataset import pairs.jsonl --name pairs --project '${PROJECT}'`);
    await shootFromTop(page, 'align-needs-data');

    // By keyboard from the top of the page: Tab reaches the button (past the sidebar, top bar and tabs), its ring shows.
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/align`);
    await state.waitFor();
    const button = state.getByRole('button', { name: 'Import preference pairs on Datasets' });
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await button.evaluate((el) => el === document.activeElement);
    }
    expect(reached, `Tab never reached the button; focus ended on ${await focused()}`).toBe(true);
    const ring = await button.evaluate((el) => {
      const s = getComputedStyle(el);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), visible: el.matches(':focus-visible') };
    });
    expect(ring).toEqual({ style: 'solid', width: 2, visible: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/datasets');
    // No dataset anywhere: the import form is open, nothing else to click first.
    await page.locator('form[aria-label="Import a dataset"]').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('with only instruction pairs, DPO’s preview teaches the import instead of a column mapping; done as it says, it reads the pairs', async () => {
    const { studio, page, pageErrors } = e2e;
    await importStoryPairs(studio, projectId, 12);
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/align`);
    await page.getByRole('form', { name: 'Align setup' }).waitFor();
    expect(await page.getByTestId('align-method-dpo').getAttribute('aria-checked')).toBe('true');
    const preview = page.getByTestId('align-preview');
    await preview.getByText('No preference pairs in this project yet').waitFor();
    expect(await preview.getByTestId('preference-data-help').count()).toBe(1);
    expect(await preview.textContent()).not.toContain('This dataset cannot feed this method yet');
    // The engine's sentence names 'lathe dataset map … --chosen-column C': the page words its own, pointing at its button.
    const why = await preview.locator('.callout').textContent();
    expect(why).toMatch(/story-pairs has no column mapped as chosen and rejected \(it maps [^)]*\)\. Preference training reads the chosen and the rejected answer of each pair from the columns mapped as chosen and rejected: point them at this dataset’s columns with “Map this dataset’s columns” below\./);
    expect(why).not.toMatch(/lathe|--/);
    const importButton = preview.getByRole('button', { name: 'Import preference pairs on Datasets' });
    await importButton.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await importButton.evaluate((el) => el.matches(':focus-visible'))).toBe(true);
    expect(await page.getByRole('button', { name: 'Start DPO' }).isDisabled()).toBe(true);
    await shootFromTop(page, 'align-needs-pairs');

    // As the page says: a JSONL file of prompt / chosen / rejected, imported with the very command it shows (its
    // words as a shell splits them, the file's path in place of pairs.jsonl).
    const pairs = path.join(studio.dataDir, 'pairs.jsonl');
    writeStoryPreferences(pairs, 24);
    const words = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
    expect(words.slice(0, 4)).toEqual(['npx', 'lathe', 'dataset', 'import']);
    await latheJson(studio, 'dataset', 'import', ...words.slice(4).map((w) => (w === 'pairs.jsonl' ? pairs : w)));
    await page.reload();
    await page.getByRole('form', { name: 'Align setup' }).waitFor();
    await page.getByTestId('align-pair').first().waitFor();
    expect(await page.getByText('No preference pairs in this project yet').count()).toBe(0);
    expect(await page.getByLabel('Dataset').inputValue()).not.toBe('');
    expect(pageErrors).toEqual([]);
  });

  it('with pairs in another dataset of the project, a dataset without them gets the plain warning, not the import lesson', async () => {
    const { page } = e2e;
    await page.getByLabel('Dataset').selectOption({ label: 'story-pairs' });
    await page.getByTestId('align-preview').getByText('This dataset cannot feed this method yet').waitFor();
    expect(await page.getByTestId('preference-data-help').count()).toBe(0);
  });

  it('a mapping changed after its preview was read: the refused start is worded by the page, without CLI flags, and the preview shows its Map button', async () => {
    const { studio, page, pageErrors } = e2e;
    await page.getByTestId('align-method-reward').click();
    await page.getByLabel('Dataset').selectOption({ label: 'pairs' });
    await page.getByTestId('align-pair').first().waitFor();
    const start = page.getByRole('button', { name: /^Train the reward model/ });
    await untilEnabled(start, 'Train the reward model');
    // elsewhere (the CLI, another window), the pairs lose their rejected column's mapping; this page still shows the pairs
    const pairs = (await callApi<{ id: string; name: string }[]>(studio, 'datasets.list', {})).find((d) => d.name === 'pairs')!;
    await callApi(studio, 'datasets.setMapping', { id: pairs.id, mapping: { prompt: 'prompt', chosen: 'chosen' } });
    await start.click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Could not start the alignment run' });
    await refusal.waitFor();
    const words = await refusal.textContent();
    expect(words).toContain('pairs has no column mapped as rejected, nor as text and label (it maps prompt ← prompt, chosen ← chosen). '
      + 'A reward model on Auto reads pairs from the columns mapped as chosen and rejected, or labelled texts from those mapped as text and label: '
      + 'point them at this dataset’s columns with “Map columns on the Datasets page” under the dataset’s preview.');
    expect(words).not.toMatch(/lathe|--/);
    const preview = page.getByTestId('align-preview');
    await preview.getByText('This dataset cannot feed this method yet').waitFor();
    await preview.getByRole('button', { name: 'Map columns on the Datasets page' }).waitFor();
    expect(await start.isDisabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(skipReason !== null)('a dataset of preference pairs on the Datasets page', () => {
  let pairsId = '';
  let instructionsId = '';
  const e2e = studioInChromium({
    async setup({ studio }) {
      const projectId = (await latheJson<{ id: string }>(studio, 'project', 'create', '--name', PROJECT, '--task', 'generation')).id;
      await importS260k(studio);
      const pairs = path.join(studio.dataDir, 'pairs.jsonl');
      writeStoryPreferences(pairs, 24);
      pairsId = (await latheJson<{ id: string }>(studio, 'dataset', 'import', pairs, '--name', 'pairs', '--project', projectId)).id;
      await importStoryPairs(studio, projectId, 12);
      instructionsId = (await latheJson<{ id: string }>(studio, 'dataset', 'show', 'story-pairs', '--rows', '0')).id;
    },
  });

  it('shows its pair mapped and saved; a field of the task saved beside it keeps the pair, which Align still reads', async () => {
    const { studio, page, pageErrors } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/datasets/${pairsId}`);
    const card = page.getByRole('region', { name: 'Column mapping' });
    await card.waitFor();
    // As imported: the pair is mapped, so nothing is pending (it read "Not saved" and "Still needed: Text").
    await card.getByText('Saved', { exact: true }).waitFor();
    expect(await card.getByText(/^Still needed/).count()).toBe(0);
    const pair = card.getByTestId('mapping-pairs');
    expect(await pair.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await pair.getByLabel('Chosen answer').inputValue()).toBe('chosen');
    expect(await pair.getByLabel('Rejected answer').inputValue()).toBe('rejected');
    await shootFromTop(page, 'mapping-pairs');

    // Mapping the generation task's Text too (the chosen answers as text to learn) saves all of it: the pair stays.
    await card.getByLabel('Text', { exact: true }).selectOption('chosen');
    await card.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByRole('status').filter({ hasText: 'Column mapping saved' }).waitFor();
    const saved = await callApi<{ mapping: Record<string, string> }>(studio, 'datasets.get', { id: pairsId });
    expect(saved.mapping).toEqual({ target: 'chosen', prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' });
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/align`);
    await page.getByTestId('align-pair').first().waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('shows the fields mapped for another format and keeps them when a task field is saved', async () => {
    const { studio, page, pageErrors } = e2e;
    // Imported as an instruction dataset: instruction, input and output. The generation task shows input (Prompt)
    // and target (Text); instruction and output are the instruction format's, which Fine-tune's Auto trains on.
    const before = await callApi<{ mapping: Record<string, string> }>(studio, 'datasets.get', { id: instructionsId });
    expect(before.mapping).toEqual({ instruction: 'instruction', input: 'input', output: 'output' });
    await page.goto(`${studio.origin}/?token=${studio.token}#/datasets/${instructionsId}`);
    const card = page.getByRole('region', { name: 'Column mapping' });
    await card.waitFor();
    // Saving the task's Text keeps what the import mapped for the instruction format (it kept only input and target).
    // Text ← output is what the column names suggest, so the footer's save reads "Save suggestion" until it is saved.
    await card.getByLabel('Text', { exact: true }).selectOption('output');
    await card.getByRole('button', { name: 'Save suggestion' }).click();
    await page.getByRole('status').filter({ hasText: 'Column mapping saved' }).waitFor();
    const saved = await callApi<{ mapping: Record<string, string> }>(studio, 'datasets.get', { id: instructionsId });
    expect(saved.mapping).toEqual({ instruction: 'instruction', input: 'input', output: 'output', target: 'output' });

    // They are shown, folded, by their own names, so the user sees what a save keeps.
    const others = card.getByTestId('mapping-others');
    expect(await others.locator('summary').textContent()).toContain('Also mapped, for other formats: instruction, output');
    expect(await others.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await others.locator('summary').click();
    expect(await others.getByLabel('instruction').inputValue()).toBe('instruction');
    expect(await others.getByLabel('output').inputValue()).toBe('output');
    await shootFromTop(page, 'mapping-others');

    // A field goes only when the user sets it to None.
    await others.getByLabel('instruction').selectOption('');
    await card.getByRole('button', { name: 'Save mapping' }).click();
    await expect.poll(async () => (await callApi<{ mapping: Record<string, string> }>(studio, 'datasets.get', { id: instructionsId })).mapping)
      .toEqual({ input: 'input', output: 'output', target: 'output' });
    await card.getByText('Saved', { exact: true }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
