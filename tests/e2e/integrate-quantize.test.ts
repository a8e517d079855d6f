// The Integrate page's merge / quantise / export section in Chromium against `lathe serve`: stories260K is
// imported through the API and a PEFT LoRA adapter written for it; the page merges the adapter into a new model
// (which it then selects), quantises that to int4 with the comparison measured on held-out text (the table must
// list fp32 and q4), and exports it as a GGUF file that the page lists with its size.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHfFolder } from '../../native/models/checkpoint.ts';
import { loraAName, loraBName, loraModules, type LoraConfig } from '../../native/models/lora.ts';
import { writePeftAdapter } from '../../native/models/peft.ts';
import type { Tensor } from '../../native/models/safetensors.ts';
import { browserSkipReason, callApi, launchChromium, openWatchedPage, SHARED_DATA, shootSchemes, startStudio, STORIES260K, type RunningStudio } from './harness.ts';

const TEXT = path.join(SHARED_DATA, 'corpora/tinyshakespeare.txt');
const skipReason = browserSkipReason() ?? (existsSync(STORIES260K.checkpoint) && existsSync(TEXT) ? null : `${STORIES260K.checkpoint} or ${TEXT} is absent (the shared data kit is not mounted)`);
if (skipReason) console.log(`e2e integrate quantize tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('Quantise and export on the Integrate page', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  let tmp: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-quant-'));
    // A short held-out file keeps the measurement quick.
    writeFileSync(path.join(tmp, 'held-out.txt'), readFileSync(TEXT, 'utf8').slice(-3000));
    studio = await startStudio();
    const job = await callApi<{ id: string }>(studio, 'models.importLlama2c', { checkpoint: STORIES260K.checkpoint, tokenizer: STORIES260K.tokenizer, name: 'stories' });
    for (let i = 0; i < 600; i++) {
      const j = await callApi<{ state: string }>(studio, 'jobs.get', { id: job.id });
      if (j.state === 'succeeded') break;
      if (['failed', 'cancelled', 'interrupted'].includes(j.state)) throw new Error(`import ${j.state}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const [model] = await callApi<{ path: string }[]>(studio, 'models.list', {});
    const spec = readHfFolder(model.path).spec;
    const config: LoraConfig = { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj'] };
    const weights = new Map<string, Tensor>();
    for (const m of loraModules(spec, config)) {
      weights.set(loraAName(m.module), { shape: [config.r, m.inFeatures], data: new Float32Array(config.r * m.inFeatures).fill(0.02) });
      weights.set(loraBName(m.module), { shape: [m.outFeatures, config.r], data: new Float32Array(m.outFeatures * config.r).fill(0.02) });
    }
    await writePeftAdapter(path.join(tmp, 'adapter'), spec, config, weights, 'stories');
    browser = await launchChromium();
    page = await openWatchedPage(browser, pageErrors);
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('merges an adapter, quantises the merge to int4 with the comparison table, then exports GGUF and lists the file', async () => {
    await page.goto(`${studio.origin}/?token=${studio.token}#/integrate`);
    const section = page.locator('[aria-label="Merge, quantise and export"]');
    await section.waitFor();
    await section.getByLabel('LoRA adapter folder').fill(path.join(tmp, 'adapter'));
    await section.getByLabel('Merged model name').fill('stories-tuned');
    await section.getByRole('button', { name: 'Merge', exact: true }).click();
    await section.getByTestId('merge-result').waitFor({ timeout: 120_000 });
    expect(await section.getByTestId('merge-result').innerText()).toContain('merged model stories-tuned (fp32)');
    await expect.poll(() => section.getByLabel('Source model', { exact: true }).inputValue().then(async (id) => (await callApi<{ id: string; name: string }[]>(studio, 'models.list', {})).find((m) => m.id === id)?.name)).toBe('stories-tuned');
    await section.getByLabel('Held-out text file').fill(path.join(tmp, 'held-out.txt'));
    await section.getByRole('button', { name: 'Quantise', exact: true }).click();
    const table = section.getByRole('table', { name: 'Quantisation report' });
    await table.waitFor({ timeout: 120_000 });
    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['fp32', 'q4']);
    await expect.poll(() => section.getByText(/stories-tuned-q4: onnx\/model_q4\.onnx/).count()).toBe(1);

    const out = path.join(tmp, 'stories-tuned.q8_0.gguf');
    await section.getByLabel('Write to').fill(out);
    await section.getByRole('button', { name: 'Export', exact: true }).click();
    await section.getByTestId('export-result').waitFor({ timeout: 120_000 });
    expect(existsSync(out)).toBe(true);
    const listed = await section.getByTestId('export-result').innerText();
    expect(listed).toContain('GGUF q8_0');
    expect(listed).toContain(out);
    expect(statSync(out).size).toBeGreaterThan(0);
    await shootSchemes(page, 'integrate-quantize');
    expect(pageErrors).toEqual([]);
  });
});
