// Importing a Hugging Face folder through the Select page in Chromium against `lathe serve`: the folder is
// written first by the CLI (`lathe model import-llama2c` leaves one under its data directory's models/<id>/),
// then imported by path as a new model. The import runs as a job, so a progress bar must appear; a folder
// without tokenizer.json fails with the job's error naming the file; the card of the imported model shows.
// A sentence encoder's folder (a tiny BERT) imports the same way and shows as an embedding model: its card gives the
// vectors' width and pooling and sends the user to the Documents page instead of the playground.
// A GGUF file (exported by `lathe export --format gguf`) imports by path too, named after the file unless renamed.
// A Hub repository name the API refuses is marked under its field. The "?" dialog lists the playground's own shortcuts.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTinyBert } from '../fixtures/models/tiny-bert.ts';
import { browserSkipReason, ROOT, shootSchemes, STORIES260K, studioInChromium } from './harness.ts';

const { checkpoint: CHECKPOINT, tokenizer: TOKENIZER } = STORIES260K;
const skipReason = browserSkipReason() ?? (existsSync(CHECKPOINT) ? null : `${CHECKPOINT} is absent (the shared data kit is not mounted)`);
if (skipReason) console.log(`e2e select folder-import tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('Importing a Hugging Face folder on the Select page', () => {
  let tmp: string;
  let folder: string;
  let ggufFile: string;
  const e2e = studioInChromium({
    expectedErrorUrl: /\/api\/rpc\/models\.(importGguf|download)$/, // the refused missing file, the refused repository name
    async setup() {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-folder-'));
      const out = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'lathe.mjs'), '--data-dir', path.join(tmp, 'cli-data'), 'model', 'import-llama2c', CHECKPOINT, '--tokenizer', TOKENIZER, '--name', 'stories', '--json'], { cwd: ROOT, encoding: 'utf8' });
      folder = (JSON.parse(out) as { path: string }).path;
      // The same folder without its tokenizer: the import job must refuse it.
      cpSync(folder, path.join(tmp, 'no-tokenizer'), { recursive: true });
      rmSync(path.join(tmp, 'no-tokenizer', 'tokenizer.json'));
      await writeTinyBert(path.join(tmp, 'bert'), { pooling: 'cls' });
      ggufFile = path.join(tmp, 'stories.q8_0.gguf');
      execFileSync(process.execPath, [path.join(ROOT, 'bin', 'lathe.mjs'), '--data-dir', path.join(tmp, 'cli-data'), 'export', '--model', 'stories', '--format', 'gguf', '--dtype', 'q8_0', '--out', ggufFile], { cwd: ROOT, encoding: 'utf8' });
    },
  });

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Record, from inside the page, whether the import progress bar ever appeared (imports of a small model are quick). */
  const watchProgressBar = () =>
    e2e.page.evaluate(() => {
      const seen: { shown: boolean } = { shown: false };
      (window as unknown as { __importBar: { shown: boolean } }).__importBar = seen;
      const check = () => {
        if (document.querySelector('[role="progressbar"][aria-label="Import progress"]')) seen.shown = true;
      };
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  const progressBarShown = () => e2e.page.evaluate(() => (window as unknown as { __importBar: { shown: boolean } }).__importBar.shown);

  it('refuses a folder without tokenizer.json with the job error, then imports the folder and shows its card', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/select`);
    await page.getByText('No models yet').waitFor();
    await page.getByRole('radio', { name: /Hugging Face folder/ }).click();

    await watchProgressBar();
    await page.getByLabel('Folder path').fill(path.join(tmp, 'no-tokenizer'));
    await page.getByLabel('Model name').fill('broken');
    await page.getByLabel('Folder path').press('Control+Enter');
    const refusal = page.getByText(/tokenizer\.json: missing; Lathe needs the model's Hugging Face tokenizer/);
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(path.join(tmp, 'no-tokenizer', 'tokenizer.json'));
    expect(await progressBarShown()).toBe(true);

    await watchProgressBar();
    await page.getByLabel('Folder path').fill(folder);
    await page.getByLabel('Model name').fill('stories-folder');
    await page.getByRole('button', { name: /^Import/ }).click();
    const card = page.getByTestId('model-card');
    await card.getByRole('heading', { name: /stories-folder/ }).waitFor();
    expect(await progressBarShown()).toBe(true);
    await card.getByText('LlamaForCausalLM').first().waitFor();
    await card.getByRole('table', { name: 'Parameters by component' }).getByText('32,768').waitFor(); // embeddings: 512 × 64
    await card.getByRole('cell', { name: /Key\/value heads/ }).waitFor();
    const models = await fetch(`${studio.origin}/api/rpc/models.list`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${studio.token}` } });
    const { result } = (await models.json()) as { result: { name: string; path: string; source: string }[] };
    expect(result.map((m) => m.name)).toEqual(['stories-folder']);
    expect(result[0].path.startsWith(studio.dataDir)).toBe(true); // copied into the studio's own data directory
    expect(result[0].source).toBe(`import:${folder}`);
  });

  it('imports a BERT folder as an embedding model whose card shows its vectors, not the playground', async () => {
    const { page } = e2e;
    const expand = page.getByRole('button', { name: 'Add a model', exact: true });
    if (await expand.count()) await expand.click(); // the panel folds once the studio has a model
    await page.getByRole('radio', { name: /Hugging Face folder/ }).click();
    await page.getByLabel('Folder path').fill(path.join(tmp, 'bert'));
    await page.getByLabel('Model name').fill('minibert');
    await page.getByRole('button', { name: /^Import/ }).click();
    const card = page.getByTestId('model-card');
    await card.getByRole('heading', { name: /minibert/ }).waitFor();
    const embedding = card.locator('[aria-label="Embedding"]');
    await embedding.getByText('cls, normalised').waitFor();
    await embedding.getByText('128 tokens').waitFor();
    expect(await card.getByRole('button', { name: 'Try it in the playground' }).count()).toBe(0);
    expect(await card.locator('[aria-label="Memory"]').count()).toBe(0);
    await page.getByRole('button', { name: /minibert/ }).getByText(/embedding model/).waitFor();
    await shootSchemes(page, 'select-embedding-model');
  });

  it('imports a GGUF file by path, named after the file, and shows its card', async () => {
    const { page } = e2e;
    const expand = page.getByRole('button', { name: 'Add a model', exact: true });
    if (await expand.count()) await expand.click();
    await page.getByRole('radio', { name: /GGUF file/ }).click();
    await page.getByLabel('GGUF file path').fill(path.join(tmp, 'missing.gguf'));
    await page.getByLabel('Model name').fill('stories-gguf');
    await page.getByRole('button', { name: /^Import/ }).click();
    await page.getByText(/missing\.gguf: no such file; check the path of the GGUF file/).waitFor();

    await watchProgressBar();
    await page.getByLabel('Model name').fill('');
    await page.getByLabel('GGUF file path').fill(ggufFile);
    expect(await page.getByText(/missing\.gguf: no such file/).count()).toBe(0); // the refusal goes with the edit
    expect(await page.getByLabel('Model name').inputValue()).toBe('stories.q8_0');
    await page.getByLabel('Model name').fill('stories-gguf');
    await shootSchemes(page, 'select-import-gguf');
    await page.getByLabel('GGUF file path').press('Control+Enter');
    const card = page.getByTestId('model-card');
    await card.getByRole('heading', { name: /stories-gguf/ }).waitFor();
    expect(await progressBarShown()).toBe(true);
    await card.getByText(/GGUF file · stories\.q8_0\.gguf/).waitFor();
    await card.getByRole('table', { name: 'Parameters by component' }).getByText('32,768').waitFor();
  });

  it('refuses a Hub repository not written owner/name under its field, in words without the API’s method and path', async () => {
    const { page } = e2e;
    const add = page.getByRole('button', { name: 'Add a model' });
    if (await add.count()) await add.click(); // collapsed once the studio has a model
    await page.getByRole('radio', { name: /Download from the Hub/ }).click();
    await page.getByLabel('Repository').fill('not a repo');
    await page.getByLabel('Repository').press('Control+Enter');
    const error = page.locator('.field-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('write the repository as owner/name, e.g. HuggingFaceTB/SmolLM2-135M');
    expect(await page.getByLabel('Repository').getAttribute('aria-invalid')).toBe('true');
  });

  it("lists the playground's own shortcuts in the ? dialog", async () => {
    const { page, pageErrors } = e2e;
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    const playground = dialog.getByRole('group', { name: /Playground/ });
    await playground.getByText('Generate', { exact: true }).waitFor();
    await playground.getByText('Stop generating').waitFor();
    expect(await playground.locator('kbd').allTextContents()).toEqual(['Ctrl', 'Enter', 'Esc']);
    expect(pageErrors).toEqual([]);
  });
});
