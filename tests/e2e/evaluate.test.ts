// Evaluation in the UI end to end, in Chromium against `lathe serve`: a summarisation project (ROUGE-L ≥ 0.35),
// stories260K and DialogSum's test file are set up through the Studio API; then the Evaluate tab runs a
// zero-shot evaluation (progress, then metric cards with intervals) and a few-shot one with a custom layout,
// the comparison shows both runs' metrics, CI bar charts and the per-example view (sorted, paged, exported),
// the Runs page compares ticked runs, the project page shows the scorecard, and a pairwise LLM-judge run shows
// each example's judge probabilities and prompts in Compare, and an interrupted run says its scores are partial; an
// NER project gets Entity F1 offered and selected, and scored on a tagging dataset; a test-only dataset takes its few-shot
// examples from another dataset's train split (Examples from). Light and dark screenshots
// of each land in tests/e2e/screenshots/.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../native/store/db.ts';
import { browserSkipReason, callApi, SHARED_DATA as DATA, shootAtWidths, shootSchemes, STORIES260K, studioInChromium, submitWithShortcut } from './harness.ts';

const { checkpoint: CHECKPOINT, tokenizer: TOKENIZER } = STORIES260K;
const DIALOGSUM_TEST = path.join(DATA, 'datasets/dialogsum/test.jsonl');
const skipReason = browserSkipReason() ?? ([CHECKPOINT, TOKENIZER, DIALOGSUM_TEST].find((f) => !existsSync(f)) ? `${DATA} (stories260K, DialogSum) is absent: the shared data kit is not mounted` : null);
if (skipReason) console.log(`e2e evaluation tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('evaluation, comparison and scorecard in Chromium', () => {
  let projectId = '';
  const e2e = studioInChromium({
    acceptDownloads: true,
    async setup() {
      const project = await api<{ id: string }>('projects.create', { name: 'Dialogue summaries', task: 'summarization', description: 'One-sentence summaries of support dialogues.', metric: 'rougeL', target: 0.35 });
      projectId = project.id;
      await api('models.importLlama2c', { checkpoint: CHECKPOINT, tokenizer: TOKENIZER, name: 'stories260K' });
      const job = await api<{ id: string }>('datasets.import', { path: DIALOGSUM_TEST, name: 'dialogsum-test', projectId });
      for (let state = ''; state !== 'succeeded';) {
        await new Promise((r) => setTimeout(r, 200));
        const j = await api<{ state: string; error: string | null }>('jobs.get', { id: job.id });
        if (j.state === 'failed') throw new Error(`dataset import failed: ${j.error}`);
        state = j.state;
      }
    },
  });

  const api = <T,>(method: string, params: unknown) => callApi<T>(e2e.studio, method, params);

  /** Light and dark shots of the page as it stands, the viewport grown to the content (the page scrolls inside .content). */
  async function shoot(name: string) {
    const { page } = e2e;
    await page.locator('.toast button[aria-label="Dismiss"]').evaluateAll((buttons) => buttons.forEach((b) => (b as HTMLButtonElement).click()));
    await shootSchemes(page, name);
  }

  /** Records, from inside the page, whether the progress bar showed up and how far it got (a 6-example run can finish between two polls). */
  async function watchProgress() {
    const { page } = e2e;
    await page.evaluate(() => {
      const seen = { shown: false, max: 0 };
      (window as unknown as { __progress: typeof seen }).__progress = seen;
      const check = () => {
        const bar = document.querySelector('[role=progressbar][aria-label="Evaluation progress"]');
        if (!bar) return;
        seen.shown = true;
        seen.max = Math.max(seen.max, Number(bar.getAttribute('aria-valuenow') ?? 0));
      };
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  }

  it('shows what the scorecard needs before any evaluation', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/scope`);
    const card = page.getByTestId('scorecard');
    await card.getByText('No evaluation reports ROUGE-L yet').waitFor();
    await card.getByRole('button', { name: 'Run an evaluation' }).waitFor();
    await shoot('scorecard-empty');
  });

  it('runs a zero-shot evaluation from the Evaluate tab and shows its summary', async () => {
    const { page } = e2e;
    await page.getByTestId('scorecard').getByRole('button', { name: 'Run an evaluation' }).click();
    await page.getByRole('tab', { name: 'Evaluate' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Evaluate' }).getAttribute('aria-selected')).toBe('true');
    const form = page.getByRole('form', { name: 'Evaluation setup' });
    await expect.poll(() => form.getByLabel('Model', { exact: true }).locator('option:checked').textContent()).toBe('stories260K');
    await expect.poll(() => form.getByLabel('Dataset', { exact: true }).locator('option:checked').textContent()).toBe('dialogsum-test');
    const metrics = form.getByRole('group', { name: 'Metrics' });
    expect(await metrics.getByRole('checkbox').first().textContent()).toContain('ROUGE-L'); // the project's metric first
    expect(await metrics.getByRole('checkbox', { name: /ROUGE-L/ }).first().getAttribute('aria-checked')).toBe('true');
    await metrics.getByRole('checkbox', { name: 'BLEU' }).click();
    await page.getByText('No evaluations yet').waitFor();
    // one empty state says what to do first: the result pane's and the run list's both said it (2026-12-07)
    expect(await page.locator('.empty').count()).toBe(1);
    expect(await page.getByText(/zero-shot run/).count()).toBe(1);
    await shoot('evaluate-empty');

    await form.getByLabel(/^Examples/).fill('6');
    await form.getByLabel('Max new tokens').fill('24');
    await form.getByLabel(/^Run name/).fill('Zero-shot baseline');
    await watchProgress();
    await submitWithShortcut(form.getByLabel('Max new tokens'), form.getByRole('button', { name: /Start evaluation/ }), 'Start evaluation');
    const summary = page.getByTestId('eval-summary');
    await summary.getByRole('heading', { name: 'Zero-shot baseline' }).waitFor({ timeout: 120_000 });
    const progress = await page.evaluate(() => (window as unknown as { __progress: { shown: boolean; max: number } }).__progress);
    expect(progress.shown).toBe(true);
    await summary.getByText('succeeded').waitFor();
    const rougeL = summary.getByTestId('metric-rougeL');
    expect(await rougeL.textContent()).toMatch(/ROUGE-L.*project\d\.\d{3}95% CI \d\.\d{3}–\d\.\d{3}/);
    await summary.getByTestId('metric-bleu').waitFor();
    await summary.getByText('Tokens/s', { exact: true }).waitFor();
    await expect.poll(() => summary.getByRole('table', { name: 'First predictions' }).locator('tbody tr').count()).toBe(3);
    // every column of the first predictions inside the card, the score's too: the Reference ran past the card's edge,
    // cut mid-word, and the score column out of sight with nothing to say it was there (2026-12-07)
    const preview = summary.getByRole('table', { name: 'First predictions' });
    for (const width of [1440, 1280, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      const card = (await summary.boundingBox())!;
      for (const th of await preview.locator('th').all()) {
        const box = (await th.boundingBox())!;
        expect(box.x + box.width, `${await th.textContent()}'s right edge at ${width} px`).toBeLessThanOrEqual(card.x + card.width);
      }
      expect(await preview.evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth), `sideways scroll at ${width} px`).toBeLessThanOrEqual(0);
      // a clipped cell keeps its whole text, for the pointer
      for (const cell of await preview.locator('tbody .cell-clip').all()) {
        const text = await cell.textContent();
        expect(await cell.getAttribute('title')).toBe(text === '(empty)' ? null : text);
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('table', { name: 'Evaluation runs' }).getByText('Zero-shot baseline').waitFor();
  });

  it('runs a few-shot evaluation with a custom prompt layout and opens the comparison', async () => {
    const { page } = e2e;
    const form = page.getByRole('form', { name: 'Evaluation setup' });
    await form.getByRole('radio', { name: 'Few-shot' }).click();
    await form.getByLabel('Examples (K)').fill('2');
    // the examples come from this dataset's own train split unless another dataset is picked
    expect(await form.getByLabel('Examples from').locator('option:checked').textContent()).toBe('This dataset (dialogsum-test)');
    // Whole DialogSum dialogues do not fit stories260K's 512-token context twice over; the topic line does.
    await form.getByLabel('Custom layout').check();
    expect(await form.getByLabel('Prompt input').inputValue()).toBe('Dialogue:\n{{dialogue}}'); // starts from the default layout
    // Custom layout sits on the Prompt label's line, at its end, at either width: in the row of knobs it went wherever
    // the row wrapped, alone at the right end of a line of its own
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await form.getByLabel('Custom layout').evaluate((box) => {
        const line = box.closest('.field')!.querySelector('.field-label')!.getBoundingClientRect();
        const own = box.getBoundingClientRect();
        return { onLabelLine: own.top >= line.top && own.bottom <= line.bottom, fromEnd: Math.round(line.right - box.closest('label')!.getBoundingClientRect().right) };
      }), `${width} px`).toEqual({ onLabelLine: true, fromEnd: 0 });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await form.getByLabel('Prompt instruction').fill('Summarize.');
    await form.getByLabel('Prompt input').fill('Topic: {{topic1}}');
    await form.getByLabel('Prompt solved example').fill('Summary: {{summary1}}');
    await form.getByLabel('Prompt answer prefix').fill('Summary:');
    await form.getByLabel(/^Run name/).fill('Few-shot:2 on topics');
    await form.getByRole('button', { name: /Start evaluation/ }).click();
    const summary = page.getByTestId('eval-summary');
    await summary.getByRole('heading', { name: 'Few-shot:2 on topics' }).waitFor({ timeout: 120_000 });
    await summary.getByText('2 shots used').waitFor();
    await expect.poll(() => page.getByRole('table', { name: 'Evaluation runs' }).locator('tbody tr').count()).toBe(2);
    await page.getByRole('table', { name: 'Evaluation runs' }).locator('.best-mark').waitFor();
    // the list of evaluations fits its card at 1024 px: its Finished dates ran past the card's edge, to be scrolled to
    await page.setViewportSize({ width: 1024, height: 900 });
    expect(await page.getByRole('table', { name: 'Evaluation runs' }).evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });
    await shootAtWidths(page, 'evaluate');

    await summary.getByRole('button', { name: 'Compare with previous' }).click();
    await page.getByRole('heading', { name: 'Compare runs' }).waitFor();
    expect(page.url()).toMatch(/#\/runs\/compare\/run_[^,]+,run_/);
  });

  it('compares the two runs: metrics with intervals, CI bar charts, examples side by side, export', async () => {
    const { page } = e2e;
    const table = page.getByRole('table', { name: 'Metrics by run' });
    await table.getByText('Zero-shot baseline').waitFor();
    await table.getByText('Few-shot:2 on topics').waitFor();
    // Each run chip's buttons are named by the run's name, as the chip shows it, not by its id.
    const chips = page.getByLabel('Runs to compare');
    await chips.getByRole('button', { name: 'Set as baseline: Few-shot:2 on topics' }).waitFor();
    expect(await chips.getByRole('button', { name: /^Remove / }).evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')))).toEqual(['Remove Zero-shot baseline', 'Remove Few-shot:2 on topics']);
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThanOrEqual(5); // rouge1..rougeLsum, bleu (+ timings)
    // ROUGE-L's intervals part on these runs (0.015 against 0.096): a green "best", not "within noise"
    expect(await table.locator('.badge-success', { hasText: 'best' }).count()).toBeGreaterThan(0);
    expect(await table.textContent()).toMatch(/\d\.\d{3}–\d\.\d{3}/);
    const charts = page.getByLabel('Charts');
    await expect.poll(() => charts.getByRole('img').count()).toBeGreaterThanOrEqual(5);
    expect(await charts.getByRole('img').first().locator('title').first().textContent()).toMatch(/95% CI/);
    await charts.getByText('Show as table').first().click();
    await charts.getByRole('table').first().waitFor();

    const examples = page.getByLabel('Examples', { exact: true });
    await examples.getByText('6 examples matched by example id', { exact: false }).waitFor();
    await expect.poll(() => examples.getByTestId('example-output').count()).toBe(10); // 5 per page × 2 runs
    await examples.getByText('#Person1#').first().waitFor(); // the dialogue is shown as the input
    // The input is the shared code block, not a box of its own; a long dialogue scrolls, so it is a named Tab stop.
    const input = examples.locator('.example-input').first();
    expect(await input.evaluate((el) => `${el.tagName} ${el.className}`)).toBe('PRE code-block code-block-scroll example-input');
    await expect.poll(() => input.getAttribute('tabindex')).toBe('0');
    expect(await input.getAttribute('aria-label')).toMatch(/^Input of test:\d+$/);
    await examples.getByText('Examples 1–5 of 6').waitFor();
    await examples.getByRole('radio', { name: 'Biggest change' }).click();
    expect(await examples.getByRole('radio', { name: 'Biggest change' }).getAttribute('aria-checked')).toBe('true');
    await examples.getByRole('button', { name: 'Next page' }).click();
    await examples.getByText('Examples 6–6 of 6').waitFor();
    await page.keyboard.press('[');
    await examples.getByText('Examples 1–5 of 6').waitFor();
    await shoot('compare');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^compare-run_.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/run_[0-9a-f]+\.prediction/);
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    expect((JSON.parse(readFileSync((await json.path())!, 'utf8')) as { examples: { rows: unknown[] } }).examples.rows).toHaveLength(6);
  });

  it('compares runs ticked on the Runs page', async () => {
    const { page } = e2e;
    await page.evaluate(() => { window.location.hash = '/runs'; });
    const runs = page.getByRole('table', { name: 'Experiments' });
    await runs.getByRole('checkbox', { name: 'Compare Zero-shot baseline' }).check();
    await runs.getByRole('checkbox', { name: 'Compare Few-shot:2 on topics' }).check();
    await page.getByRole('button', { name: 'Compare (2)' }).click();
    await page.getByRole('table', { name: 'Metrics by run' }).getByText('Few-shot:2 on topics').waitFor();
  });

  it('shows the scorecard on the project page', async () => {
    const { page, pageErrors } = e2e;
    const expected = await api<{ status: string; best: { runName: string; value: number } }>('projects.scorecard', { id: projectId });
    await page.keyboard.press('Control+1'); // Scope: the project's page
    const card = page.getByTestId('scorecard');
    await card.getByTestId('scorecard-verdict').waitFor();
    expect(await card.getByTestId('scorecard-verdict').textContent()).toBe(expected.status === 'pass' ? 'Meets the target' : 'Below the target');
    await card.getByText(expected.best.runName).waitFor();
    expect(await card.locator('dd strong').first().textContent()).toBe(expected.best.value.toFixed(3));
    await card.getByText('2 finished evaluations').waitFor();
    await expect.poll(() => card.getByRole('img', { name: /ROUGE-L run by run/ }).count()).toBe(1);
    expect(await card.locator('svg text[data-axis="y"]').textContent(), 'the y axis says what its values are').toBe('ROUGE-L (0–1)');
    // the chart states the target as the card beside it does ("≥ 0.35"), not padded to the scores' three decimals
    expect(await card.locator('dd.mono').filter({ hasText: /^≥ / }).textContent()).toBe('≥ 0.35');
    expect(await card.getByText(/^Target 0\.35/).allTextContents()).toEqual(['Target 0.35', 'Target 0.35']); // legend, line label
    // the question the yes / no answers is said whole: "With confidence: no" under "Below the target" read as if the
    // score were not confidently below it
    const confidence = card.locator('dt', { hasText: 'confidence' });
    expect(await confidence.textContent()).toBe('Passes with confidence');
    if (expected.status !== 'pass') expect(await confidence.locator('+ dd').textContent()).toBe('no the best score is below the target');
    // ... on one line, its answer under it at the list's left edge (beside it, the long label squeezed every answer)
    expect(await confidence.evaluate((dt) => {
      const question = dt.getBoundingClientRect();
      const answer = dt.nextElementSibling!.getBoundingClientRect();
      return { lines: Math.round(question.height / parseFloat(getComputedStyle(dt).lineHeight)), under: answer.top >= question.bottom, left: answer.left === question.left };
    })).toEqual({ lines: 1, under: true, left: true });
    // the interval is never broken at its dash: all of it on one line
    expect(await card.getByText(/^\(95% CI /).evaluate((ci) => new Set([...ci.getClientRects()].map((r) => Math.round(r.top))).size)).toBe(1);
    await shootAtWidths(page, 'scorecard');
    expect(pageErrors).toEqual([]);
  });

  it('runs an LLM-judge evaluation and shows each example\'s judge probabilities and prompts in Compare', async () => {
    const { page, pageErrors } = e2e;
    await page.evaluate(() => { window.location.hash = '/adapt/evaluate'; });
    const form = page.getByRole('form', { name: 'Evaluation setup' });
    await form.getByRole('radio', { name: 'Zero-shot' }).click();
    await form.getByLabel('Custom layout').uncheck();
    await form.getByRole('group', { name: 'Metrics' }).getByRole('checkbox', { name: 'LLM judge' }).click();
    const judge = form.getByRole('group', { name: 'Judge' });
    await judge.getByText('Choose the model that judges the answers.').waitFor();
    expect(await form.getByRole('button', { name: /Start evaluation/ }).isDisabled()).toBe(true);
    await judge.getByLabel('Judge model').selectOption({ label: 'stories260K' });
    await judge.getByRole('radio', { name: 'Pairwise A/B' }).click();
    await judge.getByLabel('Rubric').selectOption('summary');
    await form.getByLabel(/^Examples/).fill('2');
    await form.getByLabel(/^Run name/).fill('Judged pairwise');
    await shoot('evaluate-judge');
    await form.getByRole('button', { name: /Start evaluation/ }).click();
    const summary = page.getByTestId('eval-summary');
    await summary.getByRole('heading', { name: 'Judged pairwise' }).waitFor({ timeout: 120_000 });
    await summary.getByText('succeeded').waitFor();
    expect(await summary.getByTestId('metric-judge').textContent()).toMatch(/LLM judge.*\d\.\d{3}/);

    await summary.getByRole('button', { name: 'Compare with previous' }).click();
    await page.getByRole('table', { name: 'Metrics by run' }).getByText('LLM judge').waitFor();
    const examples = page.getByLabel('Examples', { exact: true });
    const verdict = examples.getByTestId('judge-verdict').first();
    await verdict.getByText(/beats the reference \d+%/).waitFor();
    await verdict.getByRole('group', { name: 'Response shown as A' }).waitFor();
    await verdict.getByRole('group', { name: 'Response shown as B' }).waitFor();
    expect(await verdict.getByRole('meter').count()).toBe(4); // A and B, in both orders
    await verdict.getByText('Judge prompts (both orders)').click();
    expect(await verdict.locator('pre').first().textContent()).toMatch(/judge of summaries[\s\S]*Response A:[\s\S]*Better response:$/);
    // changes are signed as everywhere else in the studio, with the typographic minus: "Δ −0.105", not "Δ -0.105"
    const deltas = await examples.getByText(/^Δ /).allTextContents();
    expect(deltas.length).toBeGreaterThan(0);
    for (const delta of deltas) expect(delta).toMatch(/^Δ [+−±]\d\.\d{3}$/);
    expect(deltas.some((d) => d.startsWith('Δ −'))).toBe(true); // the judged run scored no ROUGE-L: it lost on some
    await shoot('compare-judge');
    expect(pageErrors).toEqual([]);
  });

  it('judges pairwise against an earlier run’s answers and says so in Compare', async () => {
    const { page, pageErrors } = e2e;
    await page.evaluate(() => { window.location.hash = '/adapt/evaluate'; });
    const form = page.getByRole('form', { name: 'Evaluation setup' });
    const judge = form.getByRole('group', { name: 'Judge' });
    const judgeMetric = form.getByRole('group', { name: 'Metrics' }).getByRole('checkbox', { name: 'LLM judge' });
    if ((await judgeMetric.getAttribute('aria-checked')) !== 'true') await judgeMetric.click();
    await judge.getByLabel('Judge model').selectOption({ label: 'stories260K' });
    await judge.getByRole('radio', { name: 'Pairwise A/B' }).click();
    await judge.getByLabel('Compare with').selectOption({ label: 'Against run: Judged pairwise' });
    await form.getByLabel(/^Examples/).fill('2');
    await form.getByLabel(/^Run name/).fill('Judged against a run');
    await form.getByRole('button', { name: /Start evaluation/ }).click();
    const summary = page.getByTestId('eval-summary');
    await summary.getByRole('heading', { name: 'Judged against a run' }).waitFor({ timeout: 120_000 });
    await summary.getByText('succeeded').waitFor();
    await summary.getByRole('button', { name: 'Compare with previous' }).click();
    // Compare puts the earlier run first; this run's verdicts are the ones against the other run.
    const verdict = page.getByLabel('Examples', { exact: true }).getByTestId('judge-verdict').filter({ hasText: /beats the other run \d+%/ }).first();
    await verdict.waitFor();
    await verdict.getByRole('group', { name: 'Response shown as A' }).getByText('other run').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('says an evaluation the app stopped has partial scores', async () => {
    const { studio, page, pageErrors } = e2e;
    // The state a studio killed mid-evaluation leaves (tests/integration/eval-cli-kill.test.ts makes it for real):
    // the run 'interrupted' with the scores of the examples it finished.
    const runs = await api<{ id: string; name: string }[]>('runs.list', { projectId });
    const store = openStore(studio.dataDir);
    try {
      store.runs.setStatus(runs.find((r) => r.name === 'Zero-shot baseline')!.id, 'interrupted');
    } finally {
      store.close();
    }
    await page.reload();
    await page.evaluate(() => { window.location.hash = '/adapt/evaluate'; });
    await page.getByRole('table', { name: 'Evaluation runs' }).getByText('Zero-shot baseline').click();
    const summary = page.getByTestId('eval-summary');
    await summary.getByRole('heading', { name: 'Zero-shot baseline' }).waitFor();
    await summary.getByText('Interrupted — partial results').waitFor();
    await summary.getByText(/these scores cover the 6 examples finished before then/).waitFor();
    await shoot('evaluate-interrupted');
    expect(pageErrors).toEqual([]);
  });

  it('offers an NER project Entity F1, selected, and scores a tagging dataset with it', async () => {
    const { studio, page, pageErrors } = e2e;
    const ner = await api<{ id: string }>('projects.create', { name: 'Entities', task: 'ner', metric: 'entity_f1', target: 0.5 });
    const file = path.join(studio.dataDir, 'ner-tiny.jsonl');
    const rows = [
      [['John', 'lives', 'in', 'Paris'], ['B-PER', 'O', 'O', 'B-LOC']], [['Acme', 'hired', 'Tom'], ['B-ORG', 'O', 'B-PER']],
      [['The', 'cat', 'sat'], ['O', 'O', 'O']], [['New', 'York', 'is', 'big'], ['B-LOC', 'I-LOC', 'O', 'O']],
    ];
    writeFileSync(file, rows.map(([tokens, ner_tags]) => JSON.stringify({ tokens, ner_tags })).join('\n') + '\n');
    const job = await api<{ id: string }>('datasets.import', { path: file, name: 'ner-tiny', projectId: ner.id, split: 'test' });
    for (let state = ''; state !== 'succeeded';) {
      await new Promise((r) => setTimeout(r, 200));
      const j = await api<{ state: string; error: string | null }>('jobs.get', { id: job.id });
      if (j.state === 'failed') throw new Error(`dataset import failed: ${j.error}`);
      state = j.state;
    }
    await page.evaluate((id) => window.localStorage.setItem('lathe.currentProject', id), ner.id);
    await page.reload();
    await page.evaluate(() => { window.location.hash = '/adapt/evaluate'; });
    const form = page.getByRole('form', { name: 'Evaluation setup' });
    await expect.poll(() => form.getByLabel('Dataset', { exact: true }).locator('option:checked').textContent()).toBe('ner-tiny');
    const metrics = form.getByRole('group', { name: 'Metrics' });
    expect(await metrics.getByRole('checkbox').first().textContent()).toContain('Entity F1'); // the project's metric first
    expect(await metrics.getByRole('checkbox', { name: /Entity F1/ }).getAttribute('aria-checked')).toBe('true');
    await form.getByText('Suggested for this task: Entity F1.', { exact: false }).waitFor();
    await form.getByLabel('Custom layout').check();
    expect(await form.getByLabel('Prompt input').inputValue()).toBe('Tokens: {{tokens}}'); // the NER layout, not {{target}}
    expect(await form.getByLabel('Prompt solved example').inputValue()).toBe('Tags: {{ner_tags}}');
    await form.getByLabel('Custom layout').uncheck();
    await form.getByLabel('Max new tokens').fill('12');
    await form.getByLabel(/^Run name/).fill('NER zero-shot');
    await form.getByRole('button', { name: /Start evaluation/ }).click();
    const summary = page.getByTestId('eval-summary');
    await summary.getByRole('heading', { name: 'NER zero-shot' }).waitFor({ timeout: 120_000 });
    await summary.getByText('succeeded').waitFor();
    expect(await summary.getByTestId('metric-entity_f1').textContent()).toMatch(/Entity F1.*project\d\.\d{3}95% CI \d\.\d{3}–\d\.\d{3}/);
    await shoot('evaluate-ner');
    expect(pageErrors).toEqual([]);
  });

  it('starts a classification dataset’s custom layout from the prompt the engine asks, naming the labels', async () => {
    const { studio, page, pageErrors } = e2e;
    const project = await api<{ id: string }>('projects.create', { name: 'Sentiment', task: 'classification', metric: 'accuracy' });
    const file = path.join(studio.dataDir, 'reviews-tiny.jsonl');
    const rows = [['a gripping film', 'positive'], ['dull and long', 'negative'], ['the cast is superb', 'positive'], ['I left early', 'negative']];
    writeFileSync(file, rows.map(([sentence, label]) => JSON.stringify({ sentence, label })).join('\n') + '\n');
    const job = await api<{ id: string }>('datasets.import', { path: file, name: 'reviews-tiny', projectId: project.id, split: 'test' });
    for (let state = ''; state !== 'succeeded';) {
      await new Promise((r) => setTimeout(r, 200));
      const j = await api<{ state: string; error: string | null }>('jobs.get', { id: job.id });
      if (j.state === 'failed') throw new Error(`dataset import failed: ${j.error}`);
      state = j.state;
    }
    await page.evaluate((id) => window.localStorage.setItem('lathe.currentProject', id), project.id);
    await page.reload();
    await page.evaluate(() => { window.location.hash = '/adapt/evaluate'; });
    const form = page.getByRole('form', { name: 'Evaluation setup' });
    await expect.poll(() => form.getByLabel('Dataset', { exact: true }).locator('option:checked').textContent()).toBe('reviews-tiny');
    // the labels arrive from the engine (datasets.promptLabels): Custom layout waits for them, then starts from them
    await form.getByLabel('Custom layout').check();
    expect(await form.getByLabel('Prompt instruction').inputValue()).toBe('Answer with one of: negative, positive.');
    expect(await form.getByLabel('Prompt input').inputValue()).toBe('Sentence:\n{{sentence}}');
    expect(await form.getByLabel('Prompt solved example').inputValue()).toBe('Label: {{label}}');
    await shoot('evaluate-classification-layout');
    // the default prompt an evaluation records is the same text
    const started = await api<{ id: string }>('eval.start', { model: 'stories260K', dataset: 'reviews-tiny', split: 'test', limit: 2, metrics: ['accuracy'], shots: 0, generation: { maxNewTokens: 2 }, projectId: project.id });
    let runId: string | null = null;
    for (let state = ''; state !== 'succeeded';) {
      await new Promise((r) => setTimeout(r, 200));
      const j = await api<{ state: string; error: string | null; runId: string | null }>('jobs.get', { id: started.id });
      if (j.state === 'failed') throw new Error(`evaluation failed: ${j.error}`);
      ({ state, runId } = j);
    }
    const run = await api<{ config: { template: { instruction?: string } } }>('runs.get', { id: runId });
    expect(run.config.template.instruction).toBe('Answer with one of: negative, positive.');
    expect(pageErrors).toEqual([]);
  });

  it('says a failed read of the labels once, in one sentence each, and Try again brings them to Custom layout', async () => {
    const { studio, page, pageErrors } = e2e;
    let calls = 0;
    await page.route('**/api/rpc/datasets.promptLabels', async (route) => {
      calls++;
      if (calls === 1) await route.fulfill({ status: 500, body: 'Internal Server Error' });
      else await route.fallback();
    });
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/evaluate`); // the Sentiment project stays current
      const form = page.getByRole('form', { name: 'Evaluation setup' });
      await expect.poll(() => form.getByLabel('Dataset', { exact: true }).locator('option:checked').textContent()).toBe('reviews-tiny');
      const error = form.getByRole('alert').filter({ hasText: 'Could not read the labels of reviews-tiny' });
      await error.waitFor();
      // the engine's message ends with its own full stop: not a second one before the next sentence
      expect(await error.textContent()).toBe('Could not read the labels of reviews-tiny: The studio answered HTTP 500 without an error message. A custom layout starts without them.');
      const failed = /status of 500 \(Internal Server Error\) \(http:[^)]*\/api\/rpc\/datasets\.promptLabels\)$/;
      await expect.poll(() => pageErrors.some((e) => failed.test(e)), { message: 'the 500 for datasets.promptLabels never reached the console' }).toBe(true);
      pageErrors.splice(0, Infinity, ...pageErrors.filter((e) => !failed.test(e)));
      // not a dead end: Try again asks once more, and Custom layout then starts from the labels
      await form.getByRole('button', { name: 'Try again' }).click();
      await error.waitFor({ state: 'detached' });
      expect(calls).toBe(2);
      await form.getByLabel('Custom layout').check();
      expect(await form.getByLabel('Prompt instruction').inputValue()).toBe('Answer with one of: negative, positive.');
      await form.getByLabel('Custom layout').uncheck();
    } finally {
      await page.unrouteAll({ behavior: 'wait' });
    }
    expect(pageErrors).toEqual([]);
  });

  it('takes a test-only dataset’s few-shot examples from another dataset’s train split', async () => {
    const { studio, page, pageErrors } = e2e;
    const projectId = await page.evaluate(() => window.localStorage.getItem('lathe.currentProject'));
    const file = path.join(studio.dataDir, 'reviews-train.jsonl');
    const rows = [['warm and funny', 'positive'], ['a tired mess', 'negative'], ['smart and sharp', 'positive'], ['painfully boring', 'negative']];
    writeFileSync(file, rows.map(([sentence, label]) => JSON.stringify({ sentence, label })).join('\n') + '\n');
    // and a train set with other columns, in no project (offered everywhere): its examples cannot fill this prompt
    const other = path.join(studio.dataDir, 'notes-train.jsonl');
    writeFileSync(other, [['hi there', 'a greeting'], ['see you', 'a farewell'], ['thanks', 'gratitude']].map(([dialogue, summary]) => JSON.stringify({ dialogue, summary })).join('\n') + '\n');
    for (const input of [{ path: file, name: 'reviews-train', projectId, split: 'train' }, { path: other, name: 'notes-train', split: 'train' }]) {
      const job = await api<{ id: string }>('datasets.import', input);
      for (let state = ''; state !== 'succeeded';) {
        await new Promise((r) => setTimeout(r, 200));
        const j = await api<{ state: string; error: string | null }>('jobs.get', { id: job.id });
        if (j.state === 'failed') throw new Error(`dataset import failed: ${j.error}`);
        state = j.state;
      }
    }
    await page.reload();
    await page.evaluate(() => { window.location.hash = '/adapt/evaluate'; });
    const form = page.getByRole('form', { name: 'Evaluation setup' });
    await expect.poll(() => form.getByLabel('Dataset', { exact: true }).locator('option', { hasText: 'reviews-train' }).count()).toBe(1);
    await form.getByLabel('Dataset', { exact: true }).selectOption({ label: 'reviews-tiny' });
    await form.getByRole('radio', { name: 'Few-shot' }).click();
    await form.getByLabel('Examples (K)').fill('2');
    await form.getByText('reviews-tiny has 0 train rows: take them from another dataset (Examples from).').waitFor();
    const notes = form.getByLabel('Examples from').locator('option', { hasText: 'notes-train' });
    expect(await notes.textContent()).toBe('notes-train · no column sentence');
    expect(await notes.isDisabled()).toBe(true);
    await form.getByLabel('Examples from').selectOption({ label: 'reviews-train · 4 train rows' });
    await form.getByText(/2 solved examples from the train split of reviews-train before each input/).waitFor();
    await form.getByRole('textbox', { name: /^Examples/ }).fill('2');
    await form.getByLabel('Max new tokens').fill('2');
    await form.getByLabel(/^Run name/).fill('Few-shot from reviews-train');
    await form.getByRole('button', { name: /Start evaluation/ }).click();
    const summary = page.getByTestId('eval-summary');
    await summary.getByRole('heading', { name: 'Few-shot from reviews-train' }).waitFor({ timeout: 120_000 });
    await summary.getByText('examples from reviews-train').waitFor();
    await shoot('evaluate-examples-from'); // the picker in the form, the source on the result
    const runs = await api<{ name: string; config: { template: { shotsFrom: { name: string } } } }[]>('runs.list', { kind: 'evaluation' });
    expect(runs.find((r) => r.name === 'Few-shot from reviews-train')!.config.template.shotsFrom.name).toBe('reviews-train');
    expect(pageErrors).toEqual([]);
  });
});
