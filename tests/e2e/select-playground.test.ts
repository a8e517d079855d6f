// Select and the prompt playground end to end in Chromium against `lathe serve`: stories260K is imported
// through the UI (llama2.c checkpoint + tokenizer paths), its card shows the parameter breakdown and memory
// table, the playground streams a generation (the text grows while it runs), and the next-token panel changes
// when temperature moves. Screenshots of both pages in light and dark land in tests/e2e/screenshots/.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, generateButton, shootSchemes, STORIES260K, studioInChromium, untilEnabled } from './harness.ts';

const { checkpoint: CHECKPOINT, tokenizer: TOKENIZER } = STORIES260K;
const skipReason = browserSkipReason() ?? (existsSync(CHECKPOINT) ? null : `${CHECKPOINT} is absent (the shared data kit is not mounted)`);
if (skipReason) console.log(`e2e select/playground tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('Select and the playground in Chromium', () => {
  // The refused import answers 400 on purpose; anything else is a fault.
  const e2e = studioInChromium({ expectedErrorUrl: /\/api\/rpc\/models.importLlama2c$/ });

  const shoot = (name: string) => shootSchemes(e2e.page, name, { prepare: () => e2e.page.evaluate(() => document.getElementById('content')?.scrollTo(0, 0)) });

  it('imports stories260K through the Select page and shows its card', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/select`);
    await page.getByText('No models yet').waitFor();
    await shoot('select-empty');

    await page.getByRole('radio', { name: /llama2\.c checkpoint/ }).click();
    await page.getByLabel('Checkpoint path').fill('/nonexistent/model.bin');
    await page.getByLabel('Tokenizer path').fill(TOKENIZER);
    await page.getByRole('button', { name: 'Import', exact: false }).filter({ hasText: /^Import/ }).click();
    await page.getByText('/nonexistent/model.bin: no such file').waitFor(); // the error names the file and the field

    await page.getByLabel('Checkpoint path').fill(CHECKPOINT);
    expect(await page.getByLabel('Model name').inputValue()).toBe('stories260K'); // named after the file
    await page.getByLabel('Checkpoint path').press('Control+Enter');

    const card = page.getByTestId('model-card');
    await card.getByRole('heading', { name: /stories260K/ }).waitFor();
    await card.getByText('LlamaForCausalLM').first().waitFor();
    const breakdown = card.getByRole('table', { name: 'Parameters by component' });
    await breakdown.getByText('32,768').waitFor(); // embeddings: 512 × 64
    await breakdown.getByText('165,120').waitFor(); // MLP: 5 layers × 3 × 64 × 172
    // the table's numbers share one style: Share in the same mono figures as Parameters beside it
    expect(new Set(await breakdown.locator('td.num').evaluateAll((cells) => cells.map((c) => getComputedStyle(c).fontFamily))).size).toBe(1);
    expect(await card.getByRole('img', { name: /Parameters by component: Embeddings 12\.6%/ }).count()).toBe(1);
    await card.getByRole('cell', { name: /Key\/value heads/ }).waitFor();
    await card.getByRole('table', { name: 'Memory estimates' }).getByText('Full fine-tuning').waitFor();
    await shoot('select');
  });

  it('streams a generation in the playground and the next-token panel follows temperature', async () => {
    const { studio, page } = e2e;
    await page.getByRole('button', { name: 'Try it in the playground' }).click();
    await page.getByRole('heading', { name: 'Adapt & align' }).waitFor();
    // chosen once the model list arrives, after the page is drawn
    await expect.poll(() => page.getByLabel('Model', { exact: true }).locator('option:checked').textContent()).toBe('stories260K');

    await page.getByRole('textbox', { name: 'Prompt' }).fill('Once upon a time, there was a little');
    await page.getByLabel('Max new tokens value').fill('400');
    const output = page.getByTestId('output-A');
    await untilEnabled(generateButton(page), 'the playground’s Generate'); // before then the shortcut does nothing
    const started = Date.now();
    await page.keyboard.press('Control+Enter');
    // Streaming: sample the text's length while it runs; it must grow in several steps, not arrive at once.
    const lengths: number[] = [];
    while (Date.now() - started < 60_000) {
      lengths.push(((await output.textContent()) ?? '').length);
      if (await page.getByText('reached max new tokens').or(page.getByText('ended by the model')).count()) break;
      await page.waitForTimeout(25);
    }
    const distinct = [...new Set(lengths)];
    expect(distinct.length, `output lengths seen while streaming: ${distinct.join(', ')}`).toBeGreaterThanOrEqual(3);
    expect(distinct).toEqual([...distinct].sort((a, b) => a - b));
    await expect.poll(() => page.getByText(/tokens\/s$/).count()).toBeGreaterThan(0);
    await page.getByText(/^\d+ ms$/).first().waitFor(); // time to first token

    // Under the prompt: its tokens of the model's context, and a warning before Generate when the answer cannot run
    // to max new tokens (400 here).
    const budget = page.getByTestId('prompt-budget');
    await expect.poll(() => budget.textContent()).toMatch(/^\d+ tokens of stories260K's 512-token context: room for \d+ new tokens\.$/);
    expect(await budget.getAttribute('data-tone')).toBe('ok');
    await page.getByRole('textbox', { name: 'Prompt' }).fill('Once upon a time there was a cat. '.repeat(20));
    await expect.poll(() => budget.getAttribute('data-tone')).toBe('short');
    expect(await budget.textContent()).toMatch(/the answer will stop after \d+ tokens, not the 400 of max new tokens/);
    await page.getByRole('textbox', { name: 'Prompt' }).fill('Once upon a time there was a cat. '.repeat(60));
    await expect.poll(() => budget.getAttribute('data-tone')).toBe('full');
    // the next-token panel refuses the same prompt, saying why; the page logs its 400, which is this one and no other
    await page.getByTestId('next-token-panel').getByText(/reads at most 512/).waitFor();
    expect(await page.getByTestId('nt-row').count()).toBe(0); // not the odds of the prompt before, beside the refusal
    const refused = /status of 400 \(Bad Request\) \(http:[^)]*\/api\/rpc\/generate\.nextToken\)$/;
    await expect.poll(() => e2e.pageErrors.some((e) => refused.test(e))).toBe(true); // the console's line comes as an event of its own
    e2e.pageErrors.splice(0, Infinity, ...e2e.pageErrors.filter((e) => !refused.test(e)));
    await shoot('playground-prompt-full');
    await page.getByRole('textbox', { name: 'Prompt' }).fill('Once upon a time, there was a little');
    await expect.poll(() => budget.getAttribute('data-tone')).toBe('ok');

    // Next-token panel: switch to sampling, then move temperature; the top candidate's "after" odds change.
    const panel = page.getByTestId('next-token-panel');
    await panel.getByTestId('nt-row').first().waitFor();
    const outputHeader = page.getByRole('region', { name: 'Output' }).locator('.card-header');
    expect(await outputHeader.textContent()).toContain('stories260K · Greedy');
    expect(await outputHeader.textContent()).not.toContain('changed since');
    await page.getByRole('radio', { name: 'Sampling' }).click();
    // the answer shown was made greedily: the label keeps saying so, and that the settings changed since
    expect(await outputHeader.textContent()).toContain('stories260K · Greedy — settings changed since');
    // and the grey lead-in is the prompt that made it, not what the editor holds since
    const promptBox = page.getByRole('textbox', { name: 'Prompt' });
    await promptBox.fill('A different beginning');
    expect(await output.locator('.output-prompt').textContent()).toBe('Once upon a time, there was a little');
    await promptBox.fill('Once upon a time, there was a little');
    /**
     * The "after" odds the panel shows for `temperature`, read once it shows the engine's answer for it: the panel asks
     * again 150 ms after a knob moves and keeps the odds before until then, so a read at once (or at the first change)
     * caught an older setting's odds (a loaded run compared 0.3's against 0.8's). Its subtitle's uncertainty after the
     * settings, from the same answer, says which odds are drawn.
     */
    const oddsAt = async (temperature: number, change: () => Promise<void>): Promise<string[]> => {
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/rpc/generate.nextToken') && (r.request().postDataJSON() as { settings?: { temperature?: number } } | null)?.settings?.temperature === temperature);
      await change();
      const { result } = (await (await answered).json()) as { result: { entropyAfter: number } };
      await expect.poll(() => page.getByRole('region', { name: 'Next token' }).locator('.card-subtitle').textContent()).toContain(`→ ${result.entropyAfter.toFixed(2)} bits`);
      return panel.getByTestId('nt-after').allTextContents();
    };
    const cold = await oddsAt(0.3, async () => {
      await page.getByLabel('Top-k value').fill('0');
      await page.getByLabel('Temperature value').fill('0.3');
    });
    const hot = await oddsAt(2, () => page.getByLabel('Temperature value').fill('2'));
    expect(parseFloat(hot[0])).toBeLessThan(parseFloat(cold[0])); // a hotter temperature flattens the top token's odds
    await shoot('playground-next-token');

    // The generation was recorded as a run.
    const runs = await fetch(`${studio.origin}/api/rpc/runs.list`, { method: 'POST', body: JSON.stringify({ kind: 'generation' }), headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${studio.token}` } });
    const { result } = (await runs.json()) as { result: { status: string }[] };
    expect(result.map((r) => r.status)).toEqual(['succeeded']);

    await page.getByLabel('Temperature value').fill('0.8');
    await page.getByLabel('Top-k value').fill('40');
    await shoot('playground');
  });

  it('compares two settings side by side and stops with Esc', async () => {
    const { page, pageErrors } = e2e;
    await page.getByLabel('Compare A / B').check();
    // A samples (set above), so B opens greedy: the first comparison already shows two different settings.
    expect(await page.getByRole('region', { name: 'B' }).locator('.card-header').textContent()).toMatch(/Greedy/);
    await page.getByRole('radio', { name: 'Side B' }).click();
    await page.getByRole('radio', { name: 'Sampling' }).click();
    await page.getByLabel('Temperature value').fill('1.5');
    await page.getByLabel('Max new tokens value').fill('60');
    await page.keyboard.press('Control+Enter');
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await page.getByTestId('output-A').textContent())?.length ?? 0).toBeGreaterThan(0);
    await expect.poll(() => page.getByText('Generating…').count(), { timeout: 30_000 }).toBe(0);
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByText('Generating…').count(), { timeout: 60_000 }).toBe(0);
    expect(await page.getByTestId('output-B').textContent()).not.toContain('press Generate');
    expect(await page.getByRole('region', { name: 'B' }).textContent()).toMatch(/T\u00a01\.5/); // a setting and its value never part at a line's end
    await shoot('playground-compare');
    expect(pageErrors).toEqual([]);
  });
});
