// Integrate → Serve end to end in Chromium against `lathe serve`: the studio starts its OpenAI-compatible server
// from the page, the copied curl snippet (read back from the clipboard) runs as it stands and gets an answer,
// the request appears in the page's log with the answer's token counts, and the server stops from the page.
// Screenshots in light and dark land in tests/e2e/screenshots/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, callApi, shootSchemes, STORIES260K, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason()
  ?? (existsSync(STORIES260K.checkpoint) ? null : `${STORIES260K.checkpoint} is absent (the shared data kit is not mounted)`)
  ?? (existsSync('/usr/bin/curl') ? null : '/usr/bin/curl is absent: the test runs the copied curl snippet as it stands');
if (skipReason) console.log(`e2e serve-api tests skipped: ${skipReason}`);

interface ChatAnswer {
  choices: { message: { role: string; content: string }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number };
}

describe.skipIf(skipReason !== null)('Integrate → Serve in Chromium', () => {
  const e2e = studioInChromium({
    async setup({ studio, page }) {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: studio.origin });
      const job = await callApi<{ id: string }>(studio, 'models.importLlama2c', { checkpoint: STORIES260K.checkpoint, tokenizer: STORIES260K.tokenizer, name: 'stories260K' });
      for (let state = ''; state !== 'succeeded';) {
        await new Promise((r) => setTimeout(r, 200));
        const j = await callApi<{ state: string; error: string | null }>(studio, 'jobs.get', { id: job.id });
        if (j.state === 'failed') throw new Error(`import failed: ${j.error}`);
        state = j.state;
      }
    },
  });

  it('numbers the path alike in the map at the top, the guided pills and the section headings', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/integrate`);
    // the map said 1 Merge, 2 Quantise, 3 Export, 4 Serve above pills and headings that said 3 Compare, 4 Export
    const map = page.getByRole('region', { name: 'The path to an application' });
    await map.locator('h3').first().waitFor();
    const numbered = new Map((await map.locator('h3').allTextContents()).map((t) => [t.split(' · ')[1], t.split(' · ')[0]] as const));
    expect([...numbered.keys()]).toEqual(['Merge', 'Quantise', 'Compare', 'Export', 'Serve']);
    const pills = page.getByRole('list', { name: 'Guided path' }).getByRole('listitem');
    await pills.first().waitFor();
    for (const pill of await pills.all()) {
      const title = (await pill.locator('strong').textContent())!;
      expect((await pill.locator('.stat-label').textContent())!.split(' · ')[0], `the ${title} pill`).toBe(numbered.get(title));
    }
    const headings = [...await page.locator('.guided-form h3').allTextContents(), (await page.getByRole('region', { name: 'Serve to applications' }).locator('h2').textContent())!];
    const named = headings.flatMap((h) => [...h.matchAll(/(\d+) · (\w+)/g)].map(([, n, word]) => [word, n]));
    expect(named.map(([word]) => word)).toEqual(['Merge', 'Quantise', 'Compare', 'Export', 'Serve']);
    for (const [word, n] of named) expect(n, `the ${word} heading`).toBe(numbered.get(word));
    await shootSchemes(page, 'integrate-path');
  });

  it('starts the API from the page, runs the copied curl snippet and shows the request in the log', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/integrate`);
    const card = page.getByLabel('Serve to applications');
    await card.getByText('Stopped', { exact: true }).waitFor();
    await card.getByText('No requests yet').waitFor();
    // the command and flags in the hint are never broken at a hyphen ("--" at one line's end, "api-key" on the next at
    // 1440 px, 2026-12-06): each stays on one line at any width
    const hint = card.getByText(/^Start the server to get ready-to-run snippets/);
    for (const width of [1440, 1280, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      const lines = await hint.locator('.mono').evaluateAll((spans) => spans.map((s) => `${s.textContent} ${s.getClientRects().length}`));
      expect(lines, `at ${width} px`).toEqual(['npx lathe serve-api --model NAME 1', '--host 1', '--api-key 1', '--cors-origin 1']);
      // the Port box ends where Start server does, at the card's right edge: each field as wide as its help line, it
      // stopped 187 px short at 1440 px (2026-12-07)
      const right = async (box: ReturnType<typeof card.locator>) => (await box.boundingBox())!.x + (await box.boundingBox())!.width;
      expect(await right(card.getByLabel('Port')), `at ${width} px`).toBeCloseTo(await right(card.getByRole('button', { name: 'Start server' })), 0);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await shootSchemes(page, 'integrate-serve-stopped');

    await page.getByLabel('Model', { exact: true }).selectOption({ label: 'stories260K' });
    await page.getByLabel('Port', { exact: true }).fill('0'); // any free port: 1234 may be taken on a shared machine
    await page.getByRole('button', { name: 'Start server' }).click();
    const url = await page.getByTestId('serve-url').textContent();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    // The key is a secret: hidden (in the snippet too) until Show key, a toggle the keyboard presses; Copy takes it whole.
    expect(await page.getByTestId('serve-key').textContent()).toBe(`lathe-${'•'.repeat(16)}`);
    // the dots are not read out, one by one: a screen reader hears that the key is hidden
    expect(await page.getByTestId('serve-key').getAttribute('aria-hidden')).toBe('true');
    expect(await card.locator('.serve-secret .visually-hidden').textContent()).toBe('hidden');
    const showKey = card.getByRole('button', { name: 'Show key' });
    expect(await showKey.getAttribute('aria-pressed')).toBe('false');
    await card.getByRole('button', { name: 'Copy the API key' }).click();
    await page.getByText('Copied the API key').waitFor();
    const key = await page.evaluate(() => navigator.clipboard.readText());
    expect(key).toMatch(/^lathe-[^•]{8,}$/);
    expect(await page.getByTestId('serve-snippet').textContent()).not.toContain(key);
    await card.getByRole('button', { name: 'Copy the base URL' }).click();
    await page.getByText('Copied the base URL').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    await showKey.focus();
    await page.keyboard.press('Space');
    expect(await showKey.getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('serve-key').textContent()).toBe(key);
    await card.getByText('Running', { exact: true }).waitFor();
    // While it runs, the Port field shows the port the server picked, not the 0 typed.
    expect(await page.getByLabel('Port', { exact: true }).inputValue()).toBe(new URL(url!).port);

    await page.getByRole('button', { name: 'Copy curl' }).click();
    await page.getByText('Copied the curl snippet').waitFor();
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(snippet).toBe(await page.getByTestId('serve-snippet').textContent());
    expect(snippet).toContain(`${url}/chat/completions`);
    expect(snippet).toContain(`Bearer ${key}`);

    const run = spawnSync('bash', ['-c', `${snippet} --silent --show-error --fail-with-body`], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const answer = JSON.parse(run.stdout) as ChatAnswer;
    expect(answer.choices[0].message.role).toBe('assistant');
    expect(answer.choices[0].message.content.length).toBeGreaterThan(0);

    // The log refreshes by itself: the request shows up with the answer's own token counts.
    const row = page.getByTestId('api-request-log').locator('tbody tr', { hasText: 'POST /v1/chat/completions' });
    await row.waitFor({ timeout: 10_000 });
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(2, 5)).toEqual(['stories260K', String(answer.usage.prompt_tokens), String(answer.usage.completion_tokens)]);
    expect(cells[7]).toMatch(/^200 · (finished|stopped at max tokens)$/);

    // A refused request says why on the page, not only in a tooltip a keyboard cannot reach.
    const refused = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'stories260K', messages: [{ role: 'user', content: 'hi' }], temperature: 3 }),
    });
    expect(refused.status).toBe(400);
    const refusedRow = page.getByTestId('api-request-log').locator('tbody tr', { hasText: '400' });
    await refusedRow.waitFor({ timeout: 10_000 });
    expect(await refusedRow.locator('td').last().textContent()).toContain("Invalid value for 'temperature': must be 2 or less; got 3");

    // The other snippets carry the same address and key, and copy from the keyboard: Tab from the chosen tab to its
    // Copy button (the snippet is the shared code block, not a stop of its own), Enter.
    await page.getByRole('tab', { name: 'Python' }).click();
    const python = page.getByTestId('serve-snippet');
    expect(await python.textContent()).toContain(`OpenAI(base_url="${url}", api_key="${key}")`);
    expect(await python.getAttribute('class')).toBe('code-block');
    await page.keyboard.press('Tab');
    const copyPython = page.getByRole('button', { name: 'Copy Python' });
    expect(await copyPython.evaluate((el) => el === document.activeElement && getComputedStyle(el).outlineStyle === 'solid')).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByText('Copied the Python snippet').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await python.textContent());
    await page.getByRole('tab', { name: 'curl' }).click();
    // the toasts would cover the log
    const dismiss = page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Dismiss' });
    while (await dismiss.count() > 0) await dismiss.first().click();
    await showKey.click(); // hidden again, as the page opens: the shot shows the mask
    expect(await page.getByTestId('serve-key').getAttribute('data-masked')).toBe('true');
    await shootSchemes(page, 'integrate-serve-running');
  });

  it('stops the server from the page', async () => {
    const { page, pageErrors } = e2e;
    const url = await page.getByTestId('serve-url').textContent();
    await page.getByRole('button', { name: 'Stop server' }).click();
    await page.getByLabel('Serve to applications').getByText('Stopped', { exact: true }).waitFor();
    expect(await fetch(`${url}/models`).then(() => 'answered', () => 'refused')).toBe('refused');
    await page.getByTestId('api-request-log').waitFor(); // the log stays, for what was asked
    expect(pageErrors).toEqual([]);
  });
});
