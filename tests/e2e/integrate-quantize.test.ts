// The Integrate page's guided path in Chromium against `lathe serve`: stories260K is imported through the API and
// fine-tuned with LoRA for a few steps (a real finished run in a project, with a validation loss); the page lists
// that run, merges it by picking it (no path typed), quantises the merge to int4 with the comparison measured on
// held-out text (the table must list fp32 and q4, beside the size/speed/quality charts), and exports it as a GGUF
// file that the page lists with its size. A browser has no shell, so each listed file offers "Copy path" with the
// reason, not "Open folder". Screenshots at 1440 and 1024 px, light and dark.
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanBytes } from '../../native/api/format.ts';
import { formatLoss } from '../../renderer/src/pages/finetune/runFormat.ts';
import { writeStoryPairs } from '../fixtures/train-story-pairs.ts';
import { openDesktopWindow } from './desktop-window.ts';
import { browserSkipReason, callApi, fullPageHeight, launchChromium, openWatchedPage, SCREENSHOTS, SHARED_DATA, shootSchemes, startStudio, STORIES260K, type RunningStudio } from './harness.ts';

const TEXT = path.join(SHARED_DATA, 'corpora/tinyshakespeare.txt');
const skipReason = browserSkipReason() ?? (existsSync(STORIES260K.checkpoint) && existsSync(TEXT) ? null : `${STORIES260K.checkpoint} or ${TEXT} is absent (the shared data kit is not mounted)`);
if (skipReason) console.log(`e2e integrate quantize tests skipped: ${skipReason}`);

async function finished(studio: RunningStudio, jobId: string, what: string): Promise<void> {
  for (let i = 0; i < 1800; i++) {
    const j = await callApi<{ state: string; error: string | null }>(studio, 'jobs.get', { id: jobId });
    if (j.state === 'succeeded') return;
    if (['failed', 'cancelled', 'interrupted'].includes(j.state)) throw new Error(`${what} ${j.state}: ${j.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not finish within 180 s`);
}

describe.skipIf(skipReason !== null)('Quantise and export on the Integrate page', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  let tmp: string;
  const pageErrors: string[] = [];

  let runId = '';

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-quant-'));
    // A short held-out file keeps the measurement quick.
    writeFileSync(path.join(tmp, 'held-out.txt'), readFileSync(TEXT, 'utf8').slice(-3000));
    studio = await startStudio();
    await finished(studio, (await callApi<{ id: string }>(studio, 'models.importLlama2c', { checkpoint: STORIES260K.checkpoint, tokenizer: STORIES260K.tokenizer, name: 'stories' })).id, 'import');
    const project = await callApi<{ id: string }>(studio, 'projects.create', { name: 'Story helper', task: 'generation' });
    writeStoryPairs(path.join(tmp, 'pairs.jsonl'), 40);
    await finished(studio, (await callApi<{ id: string }>(studio, 'datasets.import', { path: path.join(tmp, 'pairs.jsonl'), name: 'pairs', projectId: project.id })).id, 'dataset import');
    const train = await callApi<{ id: string; runId: string | null }>(studio, 'train.start', {
      model: 'stories', dataset: 'pairs', method: 'lora', lora: { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj'] },
      maxSteps: 4, batchSize: 2, seqLen: 48, evalEvery: 2, evalBatches: 1, saveEvery: 0, threads: 1, merge: false, projectId: project.id, // no name: the default one reads "LoRA stories on pairs"
    });
    await finished(studio, train.id, 'LoRA training');
    runId = (await callApi<{ runId: string | null }>(studio, 'jobs.get', { id: train.id })).runId!;
    browser = await launchChromium();
    page = await openWatchedPage(browser, pageErrors);
    // the page works on the project the run belongs to
    await page.addInitScript((id) => window.localStorage.setItem('lathe.currentProject', id), project.id);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('merges a finished LoRA run picked from the list, quantises to int4 with the table, exports GGUF and lists it with its size', async () => {
    await page.goto(`${studio.origin}/?token=${studio.token}#/integrate`);
    const section = page.locator('[aria-label="Merge, quantise and export"]');
    await section.waitFor();
    const steps = section.getByRole('list', { name: 'Guided path' });
    expect(await steps.locator('[aria-current="step"]').innerText()).toContain('Merge');
    const runs = section.getByRole('table', { name: 'Finished LoRA runs' });
    await runs.waitFor();
    const row = runs.locator('tbody tr');
    expect(await row.count()).toBe(1);
    const listed = await row.first().innerText();
    expect(listed).toContain('LoRA stories on pairs');
    expect(listed).toContain('stories');
    // its final validation loss, as the run's page words a loss (it read to four decimals here alone)
    const [adapterRun] = await callApi<{ finalValLoss: number | null }[]>(studio, 'deploy.adapterRuns', {});
    expect(adapterRun.finalValLoss).not.toBeNull();
    expect(listed.split('\t').at(-1)?.trim()).toBe(formatLoss(adapterRun.finalValLoss!));
    await section.getByRole('radio', { name: 'LoRA stories on pairs' }).check();
    // the suggested name says what is merged into what, not a piece of the run id
    expect(await section.getByLabel('Merged model name').getAttribute('placeholder')).toBe('stories-lora-merged');
    await section.getByLabel('Merged model name').fill('stories-tuned');
    await section.getByRole('button', { name: 'Merge', exact: true }).click();
    await section.getByTestId('merge-result').waitFor({ timeout: 120_000 });
    expect(await section.getByTestId('merge-result').innerText()).toContain('merged model stories-tuned (fp32)');
    const merge = (await callApi<{ kind: string; params: { runId?: string; adapterPath: string } }[]>(studio, 'jobs.list', { limit: 5 })).find((j) => j.kind === 'deploy')!;
    expect(merge.params.runId).toBe(runId); // the page sent the run; the server found its adapter
    expect(merge.params.adapterPath).toBe(path.join(studio.dataDir, 'runs', runId, 'adapter'));
    await expect.poll(() => steps.locator('[aria-current="step"]').innerText()).toContain('Quantise');
    expect(await section.locator('form[aria-label="Quantise"]').getAttribute('data-next')).toBe('true');
    await shootSchemes(page, 'integrate-quantize-next'); // the quantise step highlighted as the next one
    await expect.poll(() => section.getByLabel('Source model', { exact: true }).inputValue().then(async (id) => (await callApi<{ id: string; name: string }[]>(studio, 'models.list', {})).find((m) => m.id === id)?.name)).toBe('stories-tuned');

    await section.getByLabel('Held-out text file').fill(path.join(tmp, 'held-out.txt'));
    await section.getByRole('button', { name: 'Quantise', exact: true }).click();
    const table = section.getByRole('table', { name: 'Quantisation report' });
    await table.waitFor({ timeout: 120_000 });
    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['fp32', 'q4']);
    // sizes in one unit system (the peak memory read "186 MiB" beside a file of "1.0 MB"), speeds in whole tokens per
    // second as the Speed chart prints them (decode read "2047.9" beside prefill's "8947"), thousands grouped ("34,700")
    for (const row of await table.locator('tbody tr').all()) {
      const [, file, , memory, prefill, decode] = await row.locator('td').allInnerTexts();
      expect(file).toMatch(/^\d+(\.\d)? (KB|MB|GB)$/);
      expect(memory).toMatch(/^\d+(\.\d)? (KB|MB|GB)$/);
      expect(prefill).toMatch(/^\d{1,3}(,\d{3})*$/);
      expect(decode).toMatch(/^\d{1,3}(,\d{3})*$/);
    }
    expect(await section.locator('figure.chart').count()).toBe(3);
    // the figures right-aligned as every table's numbers; each chart's axis says what it counts, the dashed fp32 line keyed
    expect(await table.locator('tbody tr').first().locator('td').nth(4).evaluate((td) => getComputedStyle(td).textAlign)).toBe('right');
    const chart = (title: string) => section.locator('figure.chart').filter({ has: page.locator('.chart-title', { hasText: title }) });
    for (const [title, unit] of [['Size', '× fp32'], ['Speed', 'tokens/s'], ['Quality', 'perplexity']]) {
      expect(await chart(title).locator('svg text').allTextContents(), `${title}'s axis`).toContain(unit);
    }
    // the fp32 line keyed with the table's own perplexity figure (columnFigure(): the CLI's report says it the same way)
    const fp32Perplexity = await table.locator('tbody tr').first().locator('td').nth(6).innerText();
    expect(fp32Perplexity).toMatch(/^\d+(\.\d+)?$/);
    expect(await chart('Quality').locator('.chart-legend').innerText()).toBe(`fp32 ${fp32Perplexity}`);
    // each axis ends at the tick at or just past its largest bar: Size drew 1.00× on 0–2, Speed 2,764 on 0–4k, Quality
    // 216 on 0–400, the bars filling half the plot
    for (const title of ['Size', 'Speed', 'Quality']) {
      const number = (text: string) => Number(text.replace(/[,×]/g, '').replace(/k$/, 'e3').replace(/M$/, 'e6'));
      const ticks = (await chart(title).locator('text.chart-tick').allTextContents()).filter((t) => /^[\d.]+[kM]?$/.test(t)).map(number);
      const top = Math.max(...(await chart(title).locator('text.chart-value').allTextContents()).map(number));
      const [step, end] = [ticks[1] - ticks[0], ticks[ticks.length - 1]];
      expect(end, `${title}: ${ticks.join(' ')} reaches ${top}`).toBeGreaterThanOrEqual(top);
      expect(end - top, `${title}: ${ticks.join(' ')} runs past ${top} by less than a step`).toBeLessThan(step);
    }
    await expect.poll(() => section.getByText(/stories-tuned-q4: onnx\/model_q4\.onnx/).count()).toBe(1);
    await expect.poll(() => steps.locator('[aria-current="step"]').innerText()).toContain('Export');

    const out = path.join(tmp, 'stories-tuned.q8_0.gguf');
    await section.getByLabel('Write to').fill(out);
    await section.getByRole('button', { name: 'Export', exact: true }).click();
    const exported = section.getByTestId('export-result');
    await exported.waitFor({ timeout: 120_000 });
    expect(existsSync(out)).toBe(true);
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]); // nothing half-written beside it
    const text = await exported.innerText();
    expect(text).toContain('GGUF q8_0');
    expect(text).toContain(out);
    expect(await exported.getByTestId('artifact-size').innerText()).toBe(humanBytes(statSync(out).size));
    // A browser has no shell: copy-path, saying why, and no open-folder button
    expect(await exported.getByRole('button', { name: /Open the folder/ }).count()).toBe(0);
    const copy = exported.getByRole('button', { name: 'Copy the path of GGUF q8_0' });
    expect(await copy.getAttribute('title')).toMatch(/browser.*cannot open folders/);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: studio.origin });
    await copy.click();
    await exported.getByRole('status').filter({ hasText: 'Path copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(out);
    expect(await steps.locator('[aria-current="step"]').count()).toBe(0); // every step done

    await shootSchemes(page, 'integrate-quantize');
    await page.setViewportSize({ width: 1024, height: 900 });
    // At 1024 px the three charts stack, each alone in its row: a chart with no key draws its plot one small gap
    // (8 px) under its caption, as outside a grid — the grid's row gap once reappeared inside it (+16 px).
    await expect.poll(() => section.locator('.quant-charts').evaluate((grid) => getComputedStyle(grid).gridTemplateColumns.split(' ').length)).toBe(1);
    const plotGap = (title: string) => chart(title).evaluate((figure) => Math.round(figure.querySelector('svg')!.getBoundingClientRect().top - figure.querySelector('.chart-caption')!.getBoundingClientRect().bottom));
    expect(await plotGap('Size'), 'Size: caption to plot').toBe(8);
    expect(await plotGap('Speed'), 'Speed: caption to plot').toBe(8);
    expect(await plotGap('Quality'), 'Quality: caption to plot, past its key').toBe(8 + (await chart('Quality').locator('.chart-key').evaluate((key) => Math.round(key.getBoundingClientRect().height))) + 8);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(200);
      const height = await fullPageHeight(page);
      await page.setViewportSize({ width: 1024, height: Math.max(900, height) });
      await page.screenshot({ path: path.join(SCREENSHOTS, `integrate-quantize-1024-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // Runs lists the three jobs by what each did, not three times "Merge / quantise / export".
    await page.goto(`${studio.origin}/?token=${studio.token}#/runs`);
    const jobs = page.getByRole('table', { name: 'Jobs' });
    await jobs.waitFor();
    await expect.poll(() => jobs.locator('tbody tr td:first-child > div:first-child').allInnerTexts()).toEqual(expect.arrayContaining(['Export · GGUF q8_0', 'Quantise · q4', 'Merge']));
    expect(await jobs.getByText('Merge / quantise / export').count()).toBe(0);
    // Fine-tune offers no quantised variant (the newest model now, but training refuses it once started), and at
    // 1024 px, where the run list stacks above the run, it scrolls with the page instead of sliding over the run.
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt`);
    await page.getByRole('tab', { name: 'Fine-tune' }).click();
    await page.getByRole('button', { name: 'New run' }).click();
    const modelPicker = page.getByLabel('Model', { exact: true });
    await expect.poll(() => modelPicker.locator('option').allInnerTexts()).toEqual(['stories-tuned', 'stories']);
    expect(await page.locator('.ft-runlist').evaluate((list) => getComputedStyle(list).position)).toBe('static');
    // Evaluate offers the run's adapter by the run's and the base model's names, never their ids.
    await page.getByRole('tab', { name: 'Evaluate' }).click();
    const adapter = page.getByLabel('Adapter');
    await expect.poll(() => adapter.locator('option').allInnerTexts()).toEqual(['None — the base model as it is', 'LoRA stories on pairs (on stories)']);
    // Select says where each made model came from, by names, not as its raw source (once a temporary adapter path
    // with no space to wrap at, which ran under the card's buttons).
    await page.goto(`${studio.origin}/?token=${studio.token}#/select`);
    const subtitle = page.getByTestId('model-card').locator('.card-subtitle').first();
    for (const [model, origin] of [['stories-tuned', `LoRA adapter merged into stories · run ${runId} · added`], ['stories-tuned-q4', 'Quantised (q4) from stories-tuned · added']]) {
      await page.getByText(model, { exact: true }).click();
      await expect.poll(() => subtitle.innerText()).toContain(origin);
      expect(await subtitle.evaluate((el) => el.scrollWidth <= el.clientWidth), model).toBe(true);
    }
    // the variant's card shows what running its file needs, and no training rows (it cannot be trained)
    const memory = page.getByRole('table', { name: 'Memory estimates' });
    await expect.poll(() => memory.locator('tbody td:first-child strong').allInnerTexts()).toEqual(['Weights', 'KV cache', 'Inference']);
    expect(await memory.innerText()).toContain('onnx/model_q4.onnx, stored as q4.');
    await expect.poll(() => page.getByRole('button', { name: 'Try it in the playground' }).count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('in a window whose bridge can open folders, offers Open folder and names the file by artifact id, never by path', async () => {
    // A stand-in for Electron's preload: the Studio API over this server's HTTP, and a revealArtifact that records
    // what the page asked for and resolves it through the engine as main does (electron/reveal.ts; the shell
    // itself is covered by tests/unit/electron-reveal.test.ts).
    const { page: desktop, answerPicks, revealed } = await openDesktopWindow({ studio, browser, pageErrors });
    await desktop.goto(`${studio.origin}/#/integrate`);
    const section = desktop.locator('[aria-label="Merge, quantise and export"]');
    await section.waitFor();
    // The page is drawn again, its form reset, when the current project arrives (pages are keyed by project):
    // fill the form after that, or a loaded machine exports the default type instead of the one typed.
    await expect.poll(() => desktop.getByRole('button', { name: 'Current project' }).innerText(), { timeout: 10_000 }).toContain('Story helper');
    const out = path.join(tmp, 'desktop.f16.gguf');
    await section.getByLabel('Weight types').fill('f16');
    // the path comes from the save dialog (Browse…), as a desktop user gives it
    await answerPicks({ ok: true, result: out });
    await section.getByRole('button', { name: 'Browse: Write to' }).click();
    await expect.poll(() => section.getByLabel('Write to', { exact: true }).inputValue()).toBe(out);
    expect(await section.getByLabel('Weight types').inputValue()).toBe('f16');
    await section.getByRole('button', { name: 'Export', exact: true }).click();
    const exported = section.getByTestId('export-result');
    await exported.waitFor({ timeout: 120_000 });
    expect(await exported.getByRole('button', { name: /Copy the path/ }).count()).toBe(0);
    await exported.getByRole('button', { name: 'Open the folder of GGUF f16' }).click();
    await expect.poll(async () => (await revealed()).length).toBe(1);
    const [asked] = await revealed<{ ok: boolean; result: { path: string; directory: boolean } }>();
    expect(asked.id).toMatch(/^job_[0-9a-f]+#0$/);
    expect(asked.answer).toMatchObject({ ok: true, result: { path: realpathSync(out), directory: false } });
    await desktop.close();
    expect(pageErrors).toEqual([]);
  });
});
