// The path fields of Select and Integrate (PathField), in Chromium against `lathe serve`. In the browser there is no
// native dialog, so no Browse… button, and a typed path imports the model. In a window whose bridge has pickPath (a
// stand-in for Electron's preload: the Studio API over this server's HTTP, and a pickPath that records the options
// and answers what the test set), each path field has a Browse… button that asks for the dialog the field needs (a
// file with its types, a folder, or where to save) and fills the box with the chosen path; a cancel leaves the box
// as it was, and a refused dialog is said under the field. Main's checking of those options is covered by
// tests/unit/electron-pick-path.test.ts.
import { existsSync } from 'node:fs';
import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { openDesktopWindow } from './desktop-window.ts';
import { browserSkipReason, STORIES260K, studioInChromium } from './harness.ts';

const { checkpoint: CHECKPOINT, tokenizer: TOKENIZER } = STORIES260K;
const skipReason = browserSkipReason() ?? (existsSync(CHECKPOINT) ? null : `${CHECKPOINT} is absent (the shared data kit is not mounted)`);
if (skipReason) console.log(`e2e path field tests skipped: ${skipReason}`);

const browseButtons = (page: Page) => page.getByRole('button', { name: /^Browse/ });

describe.skipIf(skipReason !== null)('Path fields: typed in the browser, browsed in the desktop app', () => {
  const e2e = studioInChromium();

  it('in the browser: no Browse… button anywhere, and typed paths import the model', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/select`);
    await page.getByText('No models yet').waitFor();
    await page.getByRole('radio', { name: /llama2\.c checkpoint/ }).click();
    await page.getByLabel('Checkpoint path').fill(CHECKPOINT);
    await page.getByLabel('Tokenizer path').fill(TOKENIZER);
    expect(await browseButtons(page).count()).toBe(0);
    await page.getByRole('button', { name: /^Import/ }).click();
    await page.getByTestId('model-card').getByRole('heading', { name: /stories260K/ }).waitFor();
    await page.getByRole('button', { name: 'Add a model' }).click(); // folded again once a model exists
    for (const way of [/Hugging Face folder/, /GGUF file/]) {
      await page.getByRole('radio', { name: way }).click();
      expect(await browseButtons(page).count(), String(way)).toBe(0);
    }

    await page.goto(`${studio.origin}/?token=${studio.token}#/integrate`);
    const section = page.locator('[aria-label="Merge, quantise and export"]');
    await section.getByLabel('Write to').waitFor();
    await section.getByRole('radio', { name: 'An adapter folder' }).click();
    await section.getByLabel('LoRA adapter folder').fill('/typed/adapter');
    await section.getByLabel('Held-out text file').fill('/typed/held-out.txt');
    await section.getByLabel('Write to').fill('/typed/model.gguf');
    expect([await section.getByLabel('LoRA adapter folder').inputValue(), await section.getByLabel('Held-out text file').inputValue(), await section.getByLabel('Write to').inputValue()])
      .toEqual(['/typed/adapter', '/typed/held-out.txt', '/typed/model.gguf']);
    expect(await browseButtons(page).count()).toBe(0);
  });

  it('in the desktop app: each Browse… asks for the dialog its field needs and fills the field', async () => {
    const { studio, pageErrors } = e2e;
    const { page: desktop, answerPicks: answerNext, picks } = await openDesktopWindow(e2e);

    await desktop.goto(`${studio.origin}/#/select`);
    await desktop.getByRole('button', { name: 'Add a model' }).click(); // the panel is folded once a model exists
    await desktop.getByRole('radio', { name: /llama2\.c checkpoint/ }).click();
    expect(await browseButtons(desktop).allInnerTexts()).toEqual(['Browse…', 'Browse…']);
    const checkpoint = desktop.getByLabel('Checkpoint path', { exact: true });
    const tokenizer = desktop.getByLabel('Tokenizer path', { exact: true });

    await answerNext({ ok: true, result: CHECKPOINT });
    await desktop.getByRole('button', { name: 'Browse: Checkpoint path' }).click();
    await expect.poll(() => checkpoint.inputValue()).toBe(CHECKPOINT);
    expect(await desktop.getByLabel('Model name').inputValue()).toBe('stories260K'); // named after the chosen file, as when typed
    // a refused dialog is said under its field, and the box stays usable; a cancel changes nothing
    await answerNext({ ok: false, error: { code: 'invalid_params', message: 'pickPath: title: too long' } });
    await desktop.getByRole('button', { name: 'Browse: Tokenizer path' }).click();
    await desktop.getByText('The file dialog did not open: pickPath: title: too long. Type the path instead.').waitFor();
    await answerNext({ ok: true, result: null });
    await desktop.getByRole('button', { name: 'Browse: Tokenizer path' }).click();
    await answerNext({ ok: true, result: TOKENIZER });
    await desktop.getByRole('button', { name: 'Browse: Tokenizer path' }).click();
    await expect.poll(() => tokenizer.inputValue()).toBe(TOKENIZER);
    expect(await desktop.getByText('The file dialog did not open').count()).toBe(0);
    const llama2c = [{ name: 'llama2.c files', extensions: ['bin'] }, { name: 'All files', extensions: ['*'] }];
    expect(await picks()).toEqual([
      { kind: 'file', title: 'A llama2.c checkpoint', filters: llama2c },
      ...Array(3).fill({ kind: 'file', title: 'Its llama2.c tokenizer', filters: llama2c }),
    ]);
    await desktop.getByLabel('Model name').fill('stories-browsed');
    await desktop.getByRole('button', { name: /^Import/ }).click();
    await desktop.getByTestId('model-card').getByRole('heading', { name: /stories-browsed/ }).waitFor();

    await answerNext({ ok: true, result: null });
    await desktop.getByRole('radio', { name: /Hugging Face folder/ }).click();
    await desktop.getByRole('button', { name: 'Browse: Folder path' }).click();
    await desktop.getByRole('radio', { name: /GGUF file/ }).click();
    await desktop.getByRole('button', { name: 'Browse: GGUF file path' }).click();
    expect(await picks()).toEqual([
      { kind: 'folder', title: 'A Hugging Face model folder' },
      { kind: 'file', title: 'A GGUF file', filters: [{ name: 'GGUF', extensions: ['gguf'] }, { name: 'All files', extensions: ['*'] }] },
    ]);

    await desktop.goto(`${studio.origin}/#/integrate`);
    const section = desktop.locator('[aria-label="Merge, quantise and export"]');
    const writeTo = section.getByLabel('Write to', { exact: true });
    await writeTo.waitFor();
    await section.getByRole('radio', { name: 'An adapter folder' }).click();
    await answerNext({ ok: true, result: '/chosen/adapter' });
    await section.getByRole('button', { name: 'Browse: LoRA adapter folder' }).click();
    await expect.poll(() => section.getByLabel('LoRA adapter folder', { exact: true }).inputValue()).toBe('/chosen/adapter');
    await answerNext({ ok: true, result: '/chosen/held-out.txt' });
    await section.getByRole('button', { name: 'Browse: Held-out text file' }).click();
    await expect.poll(() => section.getByLabel(/^Held-out text file/).inputValue()).toBe('/chosen/held-out.txt');
    await answerNext({ ok: true, result: '/chosen/model.gguf' });
    await section.getByRole('button', { name: 'Browse: Write to' }).click();
    await expect.poll(() => writeTo.inputValue()).toBe('/chosen/model.gguf');
    await section.getByLabel('Format').selectOption('onnx');
    await answerNext({ ok: true, result: '/chosen/onnx-folder' });
    await section.getByRole('button', { name: 'Browse: Write to' }).click();
    await expect.poll(() => writeTo.inputValue()).toBe('/chosen/onnx-folder');
    expect(await picks()).toEqual([
      { kind: 'folder', title: 'LoRA adapter folder' },
      { kind: 'file', title: 'Held-out text file', filters: [{ name: 'Text', extensions: ['txt', 'md'] }, { name: 'All files', extensions: ['*'] }] },
      { kind: 'save', title: 'Write the GGUF file to', filters: [{ name: 'GGUF', extensions: ['gguf'] }] },
      { kind: 'folder', title: 'Write the ONNX (transformers.js layout) to' },
    ]);
    await desktop.close();
    expect(pageErrors).toEqual([]);
  });
});
