// What a walk through the main pages in light and dark found, checked in Chromium against `lathe serve`: Pretrain's
// Start, grey while the corpus is empty, says beside it (and to a screen reader) what it waits for; Fine-tune's
// memory bars take the accent like every other bar, the warning colour being kept for a need that is tight (an
// always-orange full bar read as a warning beside "fits in 23.5 GB"); the Datasets import form gives a chosen file's
// size in the studio's one formatter (B, KB, MB), not in whole KB ("0 KB" for a small file). Shots land in tests/e2e/screenshots/walk-*.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGenerationProject, importS260k, importStoryPairs } from './cli-setup.ts';
import { browserSkipReason, SHARED_DATA, shootFromTop, STORIES260K, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason() ?? ([STORIES260K.checkpoint, STORIES260K.tokenizer].some((f) => !existsSync(f)) ? `${SHARED_DATA} (stories260K) is absent: the shared data kit is not mounted` : null);
if (skipReason) console.log(`e2e ui-walk tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('what a walk through the pages found', () => {
  const e2e = studioInChromium({
    async setup({ studio }) {
      const projectId = await createGenerationProject(studio, 'Story continuations', 'Finish a one-line story opening.');
      await importS260k(studio);
      await importStoryPairs(studio, projectId, 40);
    },
  });

  it('Pretrain: Start, grey while the corpus is empty, says why beside it; with a corpus it is ready', async () => {
    const { studio, page, pageErrors } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/select/pretrain`);
    const start = page.getByRole('button', { name: /Start pretraining/ });
    await start.waitFor();
    expect(await start.isDisabled()).toBe(true);
    const why = async () => page.locator(`[id="${await start.getAttribute('aria-describedby')}"]`).textContent();
    expect(await why()).toBe('To start, choose a corpus above: a plain-text file to learn from (Upload… or its path).');
    // The field itself is not marked wrong: an untouched form is not an error.
    expect(await page.getByLabel('Corpus', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    await shootFromTop(page, 'walk-pretrain-empty');
    await page.getByLabel('Corpus', { exact: true }).fill('/data/corpus.txt');
    await expect.poll(() => start.isDisabled()).toBe(false);
    expect(await why()).toBe('Trains a tokenizer first, then the model; runs as a job you can cancel and resume.');
    await page.getByLabel('Hidden size').fill('130');
    await expect.poll(() => start.isDisabled()).toBe(true);
    expect(await why()).toBe('To start, fix the fields marked above.');
    expect(pageErrors).toEqual([]);
  });

  it('Datasets: a chosen file\'s size reads in the one formatter\'s units (it said "0 KB" for a small file)', async () => {
    const { studio, page, pageErrors } = e2e;
    const small = path.join(studio.dataDir, 'tiny.jsonl');
    writeFileSync(small, '{"prompt": "Hi.", "output": "A greeting."}\n'); // 43 bytes
    const larger = path.join(studio.dataDir, 'larger.jsonl');
    writeFileSync(larger, `${'{"prompt": "Once upon a time", "output": "there was a fox."}\n'.repeat(45_000)}`); // 2,745,000 bytes, 2.6 MiB
    await page.goto(`${studio.origin}/?token=${studio.token}#/datasets`);
    await page.getByRole('button', { name: 'Import a file' }).click();
    await page.getByLabel('Dataset file').setInputFiles(small);
    await page.getByText('tiny.jsonl · 43 B', { exact: true }).waitFor();
    await page.getByLabel('Dataset file').setInputFiles(larger);
    await page.getByText('larger.jsonl · 2.6 MB', { exact: true }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('Fine-tune: a memory need that fits draws its bar in the accent, as the trainable-parameters bar beside it', async () => {
    const { studio, page, pageErrors } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/adapt/finetune`);
    const full = page.getByTestId('method-full');
    await full.getByText(/fits in/).waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
      for (const method of ['full', 'lora']) {
        const colours = await page.getByTestId(`method-${method}`).evaluate((card) => {
          const fill = (bar: Element | null) => getComputedStyle(bar!.firstElementChild!).backgroundColor;
          return { trainable: fill(card.querySelector('.ft-bar:not([data-testid])')), memory: fill(card.querySelector('[data-testid^="memory-bar-"]')) };
        });
        expect(colours.memory, `${scheme} ${method}`).toBe(colours.trainable);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await shootFromTop(page, 'walk-finetune-methods');
    expect(pageErrors).toEqual([]);
  });
});
