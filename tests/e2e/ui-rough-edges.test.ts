// Rough edges of the design system, checked in Chromium against `lathe serve`: the Select page's "Add a model" shows
// its import as every import does (ImportProgress: one stage said once, the bar, Cancel beside it; no bar for one that
// stopped at 0%) and refuses a file that is no llama2.c checkpoint on its field, the column mapping
// editor asks only for the fields of the format the mapping is complete for and offers every other format to map, and
// a fine-tune run's before / after samples read as one unit per example, not a debug dump; Evaluate, Integrate's merge
// step and the Playground's next-token panel say what is so for a project with no metric, a LoRA run without an adapter
// and a prompt being read. Shots in light and dark land in
// tests/e2e/screenshots/rough-edges-*.png.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { openStore } from '../../native/store/db.ts';
import { runDir, SAMPLES_FILE } from '../../native/train/run-env.ts';
import { importS260k, importStoryPairs } from './cli-setup.ts';
import { browserSkipReason, latheJson, SCREENSHOTS, shootSchemes, showScheme, STORIES260K, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason() ?? ([STORIES260K.checkpoint, STORIES260K.tokenizer].some((f) => !existsSync(f)) ? `${STORIES260K.checkpoint} is absent (the shared data kit is not mounted)` : null);
if (skipReason) console.log(`e2e rough-edges tests skipped: ${skipReason}`);

// As the trainer writes them: a continuation starts with the space after its prompt; the base model's first one ran
// into the token limit mid-word (beforeCut), the second sample comes from a run that did not record cuts.
const SAMPLES = [
  { prompt: 'Instruction:\nContinue the story.\n\nInput:\nTom found a red ball.\nOutput:', before: ' "I\'m sorry," said the ball.\n"It\'s', after: ' He gave the ball to his sister. The end.', reference: 'He shared it.', beforeCut: true, afterCut: false },
  { prompt: 'Lily saw a big dog.', before: null, after: ' She was not afraid', reference: null },
];

describe.skipIf(skipReason !== null)('rough edges of the design system, in Chromium', () => {
  let run: Run | null = null;
  const e2e = studioInChromium({
    expectedErrorUrl: /\/api\/rpc\/models\.importLlama2c$/, // refused on purpose: a tokenizer given as the checkpoint
    async setup({ studio }) {
      // A question-answering project fed an instruction set (instruction / input / output): no column is a question.
      const projectId = (await latheJson<{ id: string }>(studio, 'project', 'create', '--name', 'Story questions', '--task', 'qa', '--description', 'Answer questions about a story.')).id;
      await importS260k(studio);
      await importStoryPairs(studio, projectId, 40);
      const store = openStore(studio.dataDir);
      try {
        const created = store.runs.create({ kind: 'finetune', name: 'lora · with samples', projectId, config: { method: 'lora', modelName: 's260k', dataset: 'story-pairs', lr: 0.001, maxSteps: 2, lora: { r: 8, alpha: 16 } } });
        store.runs.setStatus(created.id, 'succeeded');
        run = store.runs.get(created.id)!;
      } finally {
        store.close();
      }
      mkdirSync(runDir(studio.dataDir, run.id), { recursive: true });
      writeFileSync(path.join(runDir(studio.dataDir, run.id), SAMPLES_FILE), JSON.stringify(SAMPLES));
    },
  });

  it('Add a model refuses a file that is no llama2.c checkpoint on its field, and shows a failed import said once, without an empty bar', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/select`);
    await page.getByRole('button', { name: 'Add a model' }).click();
    const form = page.getByRole('form', { name: 'Add a model' });
    // A tokenizer is no checkpoint: refused at once, under Checkpoint path, in the app's words (the engine's names
    // the CLI's --tokenizer flag), and no job starts.
    const checkpoint = form.getByLabel('Checkpoint path');
    await checkpoint.fill(STORIES260K.tokenizer);
    await form.getByLabel('Tokenizer path').fill(STORIES260K.tokenizer);
    await form.getByLabel('Model name').fill('not-a-model');
    await form.getByRole('button', { name: /^Import/ }).click();
    await expect.poll(() => checkpoint.getAttribute('aria-invalid')).toBe('true');
    const why = page.locator(`#${await checkpoint.getAttribute('aria-describedby')}`);
    expect(await why.textContent()).toMatch(/^This file is not a llama2\.c checkpoint: its header gives hiddenDim = 0, which no model has\. A tokenizer \(tok512\.bin, tokenizer\.bin\) goes under Tokenizer path/);
    expect(await form.textContent()).not.toMatch(/--tokenizer/);
    expect(await form.getByTestId('model-job-progress').count()).toBe(0);
    await shootSchemes(page, 'rough-edges-add-model-refused');

    // A GGUF import reads the file in its job: this one fails before any progress, and says so once, with no bar.
    await form.getByRole('radio', { name: /GGUF file/ }).click();
    await form.getByLabel('GGUF file path').fill(STORIES260K.tokenizer);
    await form.getByLabel('Model name').fill('not-a-model');
    await form.getByRole('button', { name: /^Import/ }).click();
    const progress = form.getByTestId('model-job-progress');
    await progress.getByRole('status').filter({ hasText: 'Import failed' }).waitFor({ timeout: 60_000 });
    // The old panel read 'Import stopped' + the job's message + its percentage: the stop said three times.
    expect(await progress.textContent()).toBe('Import failed');
    expect(await progress.getByRole('progressbar').count()).toBe(0);
    await form.getByRole('alert').waitFor();
    expect(await form.getByRole('button', { name: /Cancel import|Pause/ }).count()).toBe(0);
    await shootSchemes(page, 'rough-edges-add-model-failed');
  });

  it('the mapping editor saves an instruction set in a question-answering project: its format is complete', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/datasets`);
    const editor = page.getByRole('region', { name: 'Column mapping' }).or(page.locator('[aria-label="Column mapping"]')).first();
    await editor.waitFor();
    await editor.getByTestId('mapping-others').locator('summary').click();
    // Point the instruction at another column: an edit the old editor would not save, for want of a Question column.
    await editor.getByLabel(/^instruction/).selectOption('input');
    expect(await editor.getByText(/Still needed/).count()).toBe(0);
    expect(await editor.getByTestId('mapping-complete-as').textContent()).toMatch(/^Complete as Instruction → output/);
    const save = editor.getByRole('button', { name: 'Save mapping' });
    expect(await save.isEnabled()).toBe(true);
    await shootSchemes(page, 'rough-edges-datasets');
    const head = page.getByRole('table', { name: 'Dataset rows' }).locator('thead');
    for (const scheme of ['light', 'dark'] as const) {
      await showScheme(page, scheme);
      await head.screenshot({ path: path.join(SCREENSHOTS, `rough-edges-preview-head-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await save.click();
    await editor.getByText('Saved', { exact: true }).waitFor();
    const [dataset] = await latheJson<{ mapping: Record<string, string> }[]>(studio, 'dataset', 'list');
    expect(dataset.mapping.instruction).toBe('input');
  });

  it('the mapping editor maps another format from its other-formats section, by keyboard', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/datasets`);
    const editor = page.locator('[aria-label="Column mapping"]').first();
    await editor.waitFor();
    const others = editor.getByTestId('mapping-others');
    await others.locator('summary').click();
    // The note beside a summary reads as a note, not as more of the bold title.
    const weight = await others.locator('summary > .faint').evaluate((el) => getComputedStyle(el).fontWeight);
    expect(Number(weight)).toBeLessThan(500);
    // Every other training format is offered, mapped or not; the one the dataset maps is chosen.
    const formats = others.getByRole('radiogroup', { name: 'Format to map' });
    const instruction = formats.getByRole('radio', { name: /^Instruction → output/ });
    expect(await instruction.getAttribute('aria-checked')).toBe('true');
    expect(await instruction.textContent()).toMatch(/ mapped$/);
    expect(await formats.getByRole('radio').allTextContents()).toEqual([
      expect.stringMatching(/^Instruction → output/), 'Chat messages not mapped', expect.stringMatching(/^Input → target (not|partly) mapped$/),
      'Entity tagging (NER) not mapped', 'Classification not mapped', 'Plain text not mapped',
    ]);
    // By keyboard: Tab-stop on the chosen format, the arrows choose another, and its fields show to map.
    await instruction.focus();
    await page.keyboard.press('ArrowRight'); // Chat messages
    await page.keyboard.press('ArrowRight'); // Input → target
    const summary = formats.getByRole('radio', { name: /^Input → target/ });
    expect(await summary.getAttribute('aria-checked')).toBe('true');
    await editor.getByLabel(/^target/).selectOption('output');
    // The fields already mapped stay shown, to edit or drop.
    expect(await editor.getByLabel(/^instruction/).count()).toBe(1);
    await shootSchemes(page, 'rough-edges-mapping-formats');
    await editor.getByRole('button', { name: 'Save mapping' }).click();
    await editor.getByText('Saved', { exact: true }).waitFor();
    const [dataset] = await latheJson<{ mapping: Record<string, string> }[]>(studio, 'dataset', 'list');
    expect(dataset.mapping.target).toBe('output');
    expect(dataset.mapping.output).toBe('output');
  });

  it('a fine-tune run’s samples read as one unit per example: the prompt labelled, then Before, After and Reference side by side', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/finetune`);
    await page.getByText(run!.name, { exact: true }).first().click();
    const samples = page.getByTestId('run-samples');
    await samples.getByText('He gave the ball to his sister. The end.').waitFor();
    const units = samples.getByTestId('sample');
    expect(await units.count()).toBe(2);
    const first = units.first();
    // the prompt is labelled and reads in the page's type, its template's headings apart from their content
    expect(await first.textContent()).toContain('Example 1 · prompt');
    const prompt = first.getByTestId('sample-prompt');
    expect(await prompt.evaluate((el) => getComputedStyle(el).fontFamily)).not.toMatch(/mono/i);
    expect(await prompt.locator('.ft-prompt-heading').allTextContents()).toEqual(['Instruction:', 'Input:', 'Output:']);
    // Before / After / Reference inside the unit, on one line at this width, each under its heading
    const columns = first.locator('.ft-sample-col');
    expect(await columns.locator('.ft-sample-label').allTextContents()).toEqual(['Before', 'After', 'Reference']);
    const tops = await columns.evaluateAll((cols) => cols.map((c) => Math.round(c.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);
    // trimmed, and an ellipsis only where the run recorded the token limit cut the text
    expect(await first.getByTestId('sample-before').textContent()).toBe('"I\'m sorry," said the ball.\n"It\'s…');
    expect(await first.getByTestId('sample-after').textContent()).toBe('He gave the ball to his sister. The end.');
    expect(await units.nth(1).getByTestId('sample-after').textContent()).toBe('She was not afraid'); // not recorded: no mark
    expect(await units.nth(1).getByTestId('sample-reference').count()).toBe(0);
    await samples.scrollIntoViewIfNeeded();
    await shootSchemes(page, 'rough-edges-samples');
  });

  it('a card of facts (Settings’ Studio) keeps the card body’s inset, as every other card does', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/settings`);
    const facts = page.locator('#content .card-body > dl.dl').first();
    await facts.waitFor();
    // The browser's own 1em margin put the facts 16px deeper than the body's padding, above and below.
    const insets = await facts.evaluate((dl) => {
      const body = dl.parentElement!;
      const [b, d] = [body.getBoundingClientRect(), dl.getBoundingClientRect()];
      return { top: d.top - b.top, bottom: b.bottom - d.bottom, padding: parseFloat(getComputedStyle(body).paddingTop) };
    });
    expect(insets.top).toBeCloseTo(insets.padding, 0);
    expect(insets.bottom).toBeCloseTo(insets.padding, 0);
    await shootSchemes(page, 'rough-edges-settings');
  });

  it('a table that fills its card (Projects) keeps the card’s round corners', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/projects`);
    const table = page.getByRole('table', { name: 'Projects' });
    await table.waitFor();
    // The header's square sunken background drew over the card's rounded top corners.
    const radii = await table.evaluate((t) => {
      const [wrap, card] = [t.parentElement!, t.parentElement!.parentElement!];
      const r = (el: Element, corner: string) => parseFloat(getComputedStyle(el).getPropertyValue(`border-${corner}-radius`));
      return { card: r(card, 'top-left'), corners: ['top-left', 'top-right', 'bottom-left', 'bottom-right'].map((c) => r(wrap, c)) };
    });
    expect(radii.card).toBeGreaterThan(0);
    for (const corner of radii.corners) expect(corner).toBeCloseTo(radii.card - 1, 0);
    await shootSchemes(page, 'rough-edges-projects');
  });

  it('Evaluate: a project with no success metric gets its task’s metrics suggested, none called the project’s', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/evaluate`);
    const chips = page.getByRole('group', { name: 'Metrics' });
    await chips.getByRole('checkbox').first().waitFor();
    // the project has no metric: the task's first is "suggested", and no chip says "project"
    expect(await chips.locator('.badge').allTextContents()).toEqual(['suggested']);
    expect(await chips.getByRole('checkbox').first().textContent()).toMatch(/suggested$/);
  });

  it('Evaluate: Examples starts at a small split’s size, and keeps a number typed', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/evaluate`);
    // story-pairs' test split holds a few rows: Examples starts at all of them, not "50 of 4" with a note it cannot be 50
    const examples = page.getByLabel('Examples');
    const [dataset] = await latheJson<{ splits: Record<string, number> }[]>(studio, 'dataset', 'list');
    const rows = dataset.splits.test;
    expect(rows).toBeLessThan(50);
    await expect.poll(() => examples.inputValue()).toBe(String(rows));
    expect(await page.getByText(/will be evaluated, not/).count()).toBe(0);
    await shootSchemes(page, 'rough-edges-evaluate-setup');
    // a number the person types stays theirs when the split changes
    await examples.fill('2');
    await page.getByRole('radiogroup', { name: 'Split' }).getByRole('radio', { name: 'Train' }).click();
    expect(await examples.inputValue()).toBe('2');
  });

  it('Integrate: a LoRA run that finished without an adapter is not "no run yet": the merge step says why and how to get one', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/integrate`);
    const merge = page.getByRole('form', { name: 'Merge an adapter' });
    await merge.getByText('No adapter to merge').waitFor();
    expect(await merge.getByText('No finished LoRA run yet').count()).toBe(0);
    expect(await merge.locator('.empty-text').textContent()).toMatch(/^The finished run of this project left no LoRA adapter: lora · with samples has no adapter files any more\. A run saves its adapter when it trains with the LoRA method and runs to its last step/);
    await merge.scrollIntoViewIfNeeded();
    await shootSchemes(page, 'rough-edges-merge-no-adapter');
  });

  it('Playground: the next-token panel says it is reading a prompt it has, not to write one', async () => {
    const { studio, page } = e2e;
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    let asked = 0;
    await page.route('**/api/rpc/generate.nextToken', async (route) => {
      asked++;
      await released;
      await route.fallback();
    });
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/adapt`);
      await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('Once upon a time');
      await expect.poll(() => asked, { message: 'the next token was never asked for' }).toBeGreaterThan(0);
      const panel = page.getByTestId('next-token-panel');
      await panel.getByRole('status').filter({ hasText: 'Reading the prompt…' }).waitFor();
      expect(await panel.getByText('Write a prompt to see the candidates.').count()).toBe(0);
      await page.locator('[aria-label="Next token"]').scrollIntoViewIfNeeded();
      await shootSchemes(page, 'rough-edges-next-token-reading');
      release();
      await panel.getByTestId('nt-row').first().waitFor();
      // an empty prompt still asks for one
      await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('');
      await panel.getByText('Write a prompt to see the candidates.').waitFor();
    } finally {
      release();
      await page.unroute('**/api/rpc/generate.nextToken');
    }
  });

  it('left no page errors', () => {
    expect(e2e.pageErrors).toEqual([]);
  });
});
