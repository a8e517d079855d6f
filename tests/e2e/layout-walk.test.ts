// Design-system leftovers, kept fixed, in Chromium against `lathe serve`, light and dark, at 700 and 1280 px: the pick
// boxes of the Runs and Evaluate tables set their accent inline instead of taking the shared .checkbox; Evaluate's
// first predictions squeezed a long prediction to a few words a line (no least width, as the dataset preview had);
// Compare's run swatch sat between the two lines of a wrapped run name; the dataset preview's header kept a long
// snake_case column name on one line, as wide as the name. Then shots of pages the earlier passes did not walk: Runs,
// a run's page, Inside, Settings, Documents, Projects, the shortcuts dialog and Select's model card.
// Shots land in tests/e2e/screenshots/walk-*.png.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import type { EvalExample } from '../../native/api/eval.ts';
import { createGenerationProject, importS260k, recordFinishedEvaluation, recordFinishedFinetune, withStudioStore } from './cli-setup.ts';
import { browserSkipReason, callApi, fullPageHeight, latheJson, SCREENSHOTS, settled, SHOT_TIMEOUT_MS, STORIES260K, studioInChromium, openAtWidth } from './harness.ts';

const skipReason = browserSkipReason() ?? ([STORIES260K.checkpoint, STORIES260K.tokenizer].some((f) => !existsSync(f)) ? `${STORIES260K.checkpoint} is absent (the shared data kit is not mounted)` : null);
if (skipReason) console.log(`e2e layout-walk tests skipped: ${skipReason}`);

const LONG_COLUMN = 'continuation_written_by_the_childrens_librarian_for_each_story_opening';
const LONG_RUN = 'LoRA s260k on the openings, a long run name that wraps to two lines in its header';
const SCHEMES = ['light', 'dark'] as const;
const WIDTHS = [700, 1280] as const;
const trainIds: string[] = [];
const evalIds: string[] = [];

describe.skipIf(skipReason !== null)('design-system leftovers and a walk through more pages, in Chromium', () => {
  const e2e = studioInChromium({
    async setup({ studio }) {
      const projectId = await createGenerationProject(studio, 'Story continuations', 'Finish a one-line story opening.');
      const file = path.join(studio.dataDir, 'openings.jsonl');
      writeFileSync(file, Array.from({ length: 12 }, (_, i) => `${JSON.stringify({ opening: `Once upon a time, number ${i}`, [LONG_COLUMN]: 'there was a fox.' })}\n`).join(''));
      await latheJson(studio, 'dataset', 'import', file, '--name', 'openings', '--project', projectId);
      await importS260k(studio);
      await withStudioStore(studio, async (store) => {
        for (const name of [LONG_RUN, 'Full fine-tune baseline']) trainIds.push(recordFinishedFinetune(store, projectId, name));
        // A prediction a sentence long beside a reference a paragraph long: the table gave the prediction what was left.
        const reference = 'The fox looked at the moon for a long time, and then it went home to its mother, who had made a warm supper of berries and bread, and they sat together by the fire until the stars came out and the little fox fell asleep. '.repeat(2);
        for (const [r, name] of ['Zero-shot baseline', 'Three-shot prompt'].entries()) {
          const example = (i: number): EvalExample => ({
            index: i, id: `test:${i}`, input: `Once upon a time, number ${i}`, references: [reference], prediction: `Once upon a time there was a little fox who liked to run ${i}.`,
            scores: { rougeL: (r + i) / 12 }, promptTokens: 10, truncatedTokens: 0, generatedTokens: 12, latencyMs: 3,
          });
          evalIds.push(await recordFinishedEvaluation(store, projectId, name, {
            config: { metrics: ['rougeL'], template: { label: r ? 'three-shot' : 'zero-shot' }, split: 'test', dataset: { name: 'openings' }, model: { name: 's260k' } },
            scores: { rougeL: (r + 1.5) / 12 },
            predictions: [0, 1, 2].map(example),
          }));
        }
      });
    },
  });

  const open = (page: Page, hash: string, width: number) => openAtWidth(page, e2e.studio, hash, width);

  /** Light and dark shots of the whole page as it stands, at its width, as SCREENSHOTS/walk-<name>-<scheme>.png. */
  async function shoot(page: Page, name: string): Promise<void> {
    const width = page.viewportSize()!.width;
    await page.locator('.toast button[aria-label="Dismiss"]').evaluateAll((buttons) => buttons.forEach((b) => (b as HTMLButtonElement).click()));
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      await settled(page);
      await page.setViewportSize({ width, height: Math.max(800, await fullPageHeight(page)) });
      await settled(page);
      await page.screenshot({ path: path.join(SCREENSHOTS, `walk-${name}-${scheme}.png`), timeout: SHOT_TIMEOUT_MS });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width, height: 800 });
  }

  /** How each checkbox and radio in `table` is styled: its inline style and whether the shared .checkbox styles it. */
  function pickBoxes(table: Element) {
    return [...table.querySelectorAll<HTMLInputElement>('input[type="checkbox"], input[type="radio"]')].map((box) => ({
      inlineStyle: box.getAttribute('style'),
      shared: box.matches('.checkbox, .checkbox input'),
    }));
  }

  it('the pick boxes of the Runs and Evaluate tables take the shared .checkbox, not an inline accent', async () => {
    const { page } = e2e;
    for (const [hash, table] of [['#/runs', 'table.runs-table'], ['#/adapt/evaluate', 'table[aria-label="Evaluation runs"]']] as const) {
      await open(page, hash, 1280);
      await page.locator(`${table} input[type="checkbox"]`).first().waitFor();
      const boxes = await page.locator(table).first().evaluate(pickBoxes);
      expect(boxes.length, hash).toBeGreaterThanOrEqual(2);
      for (const box of boxes) expect(box, hash).toEqual({ inlineStyle: null, shared: true });
    }
  });

  it('Evaluate\'s first predictions keep a long prediction at least 16em wide, its longer reference under it', async () => {
    const { page } = e2e;
    for (const width of WIDTHS) {
      await open(page, '#/adapt/evaluate', width);
      await page.getByRole('row', { name: /Zero-shot baseline/ }).click();
      const table = page.getByRole('table', { name: 'First predictions' });
      await table.locator('tbody tr').first().waitFor();
      await table.scrollIntoViewIfNeeded();
      const first = await table.evaluate((el) => {
        const cell = el.querySelector('tbody tr td:first-child')!;
        return { width: cell.getBoundingClientRect().width, em: parseFloat(getComputedStyle(cell.firstElementChild!).fontSize) };
      });
      expect(first.width, `${width} px`).toBeGreaterThanOrEqual(16 * first.em);
      // the clipped reference reads whole in place from the keyboard (its title reached only a mouse), and clips again
      const row = table.locator('tbody tr').first();
      const toggle = row.getByRole('button', { name: 'Show all' });
      expect(await toggle.getAttribute('aria-expanded'), `${width} px`).toBe('false');
      const reference = row.locator('.eval-preview-ref > div');
      const cut = () => reference.evaluate((el) => el.scrollHeight > el.clientHeight + 1);
      expect(await cut(), `${width} px: the reference is clipped`).toBe(true);
      await toggle.focus();
      await page.keyboard.press('Enter');
      const less = row.getByRole('button', { name: 'Show less' });
      expect(await less.getAttribute('aria-expanded')).toBe('true');
      expect(await cut(), `${width} px: the reference is whole`).toBe(false);
      expect(await reference.textContent()).toContain('until the stars came out and the little fox fell asleep. The fox looked');
      await shoot(page, `evaluate-result-open-${width}`);
      await less.focus();
      await page.keyboard.press('Space');
      expect(await row.getByRole('button', { name: 'Show all' }).getAttribute('aria-expanded')).toBe('false');
      expect(await cut()).toBe(true);
      await shoot(page, `evaluate-result-${width}`);
    }
  });

  it('on Compare a run\'s swatch stands level with the first line of its wrapped name', async () => {
    const { page } = e2e;
    for (const width of WIDTHS) {
      await open(page, `#/runs/compare/${trainIds.join(',')}`, width);
      const header = page.getByRole('table', { name: 'Metrics by run' }).locator('thead th', { hasText: 'LoRA s260k' });
      await header.waitFor();
      const look = await header.evaluate((th) => {
        const swatch = th.querySelector('.run-swatch')!.getBoundingClientRect();
        const name = th.querySelector('.compare-run-name')!;
        const lineHeight = parseFloat(getComputedStyle(name).lineHeight);
        const box = name.getBoundingClientRect();
        return { lines: Math.round(box.height / lineHeight), offset: swatch.top + swatch.height / 2 - (box.top + lineHeight / 2) };
      });
      expect(look.lines, `${width} px`).toBe(2);
      expect(Math.abs(look.offset), `${width} px: the swatch's centre from the first line's`).toBeLessThanOrEqual(1.5);
      await shoot(page, `compare-${width}`);
    }
  });

  it('the dataset preview breaks a long snake_case column name at its underscores, whole in its title', async () => {
    const { page } = e2e;
    for (const width of WIDTHS) {
      await open(page, '#/datasets', width);
      const preview = page.getByRole('table', { name: 'Dataset rows' });
      await preview.locator('tbody tr').first().waitFor();
      const header = preview.locator('thead th', { hasText: 'continuation_' });
      // the name (its text, without the mapping badge after it) no wider than a long column's least width, 16em
      const look = await header.evaluate((th) => {
        const name = th.querySelector('[title]') ?? th;
        const range = document.createRange();
        range.selectNodeContents(name);
        return { width: range.getBoundingClientRect().width, em: parseFloat(getComputedStyle(th).fontSize), title: name.getAttribute('title') };
      });
      expect(look.title, `${width} px`).toBe(LONG_COLUMN);
      expect(look.width, `${width} px: the name ${LONG_COLUMN}`).toBeLessThanOrEqual(16 * look.em + 1);
      // it breaks only after an underscore: each line of the name ends in one, but the last
      const lines = await header.evaluate((th) => {
        const name = th.querySelector('[title]')!;
        const range = document.createRange();
        const tops = new Map<number, string>();
        for (const text of name.childNodes) {
          if (text.nodeType !== Node.TEXT_NODE) continue;
          range.selectNodeContents(text);
          const top = Math.round(range.getBoundingClientRect().top);
          tops.set(top, (tops.get(top) ?? '') + text.textContent);
        }
        return [...tops.values()];
      });
      expect(lines.length, `${width} px`).toBeGreaterThan(1);
      expect(lines.join(''), `${width} px`).toBe(LONG_COLUMN);
      for (const line of lines.slice(0, -1)) expect(line.endsWith('_'), `${width} px: '${line}'`).toBe(true);
      await preview.scrollIntoViewIfNeeded();
      await shoot(page, `dataset-preview-${width}`);
    }
  });

  it('at 700 px the Runs table fits its card: Kind on one line, the run name at least 12em wide, Duration padded from the edge', async () => {
    const { page } = e2e;
    for (const width of WIDTHS) {
      await open(page, '#/runs', width);
      const table = page.locator('table.runs-table');
      await table.locator('tbody tr').nth(3).waitFor();
      const look = await table.evaluate((el) => {
        const wrap = el.closest('.table-wrap')!;
        const lines = (node: Element) => {
          const range = document.createRange();
          range.selectNodeContents(node);
          return Math.round(range.getBoundingClientRect().height / parseFloat(getComputedStyle(node).lineHeight));
        };
        const headers = [...el.querySelectorAll('thead th')].map((th) => th.textContent!.trim());
        const kind = headers.indexOf('Kind');
        const rows = [...el.querySelectorAll('tbody tr')];
        const fineTuning = rows.map((tr) => tr.children[kind]).filter((td) => td.textContent === 'Fine-tuning');
        const longName = rows.map((tr) => tr.querySelector('.run-link')!).find((a) => a.textContent!.startsWith('LoRA s260k'))!;
        const runCell = longName.closest('td')!;
        const lastHeader = el.querySelector('thead th:last-child')!;
        const lastCell = rows[0].lastElementChild!;
        const edge = wrap.getBoundingClientRect().right;
        return {
          overflow: wrap.scrollWidth - wrap.clientWidth,
          kindLines: fineTuning.map(lines),
          runWidthEm: runCell.getBoundingClientRect().width / parseFloat(getComputedStyle(runCell).fontSize),
          nameLines: lines(longName),
          createdLines: lines(rows[0].children[headers.indexOf('Created')]),
          // the room between the last column's text and the card's edge, and the padding that should make it
          lastGap: [lastHeader, lastCell].map((cell) => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            return edge - range.getBoundingClientRect().right;
          }),
          lastPadding: parseFloat(getComputedStyle(lastCell).paddingRight),
        };
      });
      expect(look.overflow, `${width} px: the table scrolls sideways by`).toBeLessThanOrEqual(0);
      expect(look.kindLines, `${width} px: lines of each "Fine-tuning"`).toEqual([1, 1]);
      expect(look.runWidthEm, `${width} px: the Run column in em`).toBeGreaterThanOrEqual(12);
      expect(look.nameLines, `${width} px: lines of the long run name (it ran to six)`).toBeLessThanOrEqual(5);
      // the date gives way at 700 px (its time under it), and only there
      expect(look.createdLines, `${width} px: lines of Created`).toBe(width === 700 ? 2 : 1);
      for (const gap of look.lastGap) expect(gap, `${width} px: Duration's text from the card's edge`).toBeGreaterThanOrEqual(look.lastPadding - 0.5);
      expect(look.lastPadding).toBeGreaterThanOrEqual(8);
    }
  });

  it('on Documents, Chunk size and Overlap take the same form grid as Name and Embedding model', async () => {
    const { page } = e2e;
    for (const width of WIDTHS) {
      await open(page, '#/adapt/documents', width);
      const form = page.getByRole('form', { name: 'New collection' });
      await form.waitFor();
      const boxes = await form.evaluate((el) => Object.fromEntries([...el.querySelectorAll('.field-label')].map((label) => {
        const box = label.closest('.field')!.getBoundingClientRect();
        return [label.firstChild!.textContent!.trim(), { left: box.left, right: box.right }];
      })));
      expect(Object.keys(boxes), `${width} px`).toEqual(expect.arrayContaining(['Name', 'Embedding model', 'Chunk size', 'Overlap']));
      expect(Math.abs(boxes['Chunk size'].left - boxes.Name.left), `${width} px: Chunk size's left from Name's`).toBeLessThanOrEqual(1);
      expect(Math.abs(boxes['Chunk size'].right - boxes.Name.right), `${width} px: Chunk size's right from Name's`).toBeLessThanOrEqual(1);
      expect(Math.abs(boxes.Overlap.left - boxes['Embedding model'].left), `${width} px: Overlap's left from Embedding model's`).toBeLessThanOrEqual(1);
      expect(Math.abs(boxes.Overlap.right - boxes['Embedding model'].right), `${width} px: Overlap's right from Embedding model's`).toBeLessThanOrEqual(1);
    }
  });

  it('the shortcuts dialog ends every row\'s keys at one right edge, single keys as well as "g s or Ctrl 1"', async () => {
    const { page } = e2e;
    for (const width of WIDTHS) {
      await open(page, '#/projects', width);
      await page.keyboard.press('?');
      const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await dialog.waitFor();
      // each row's keys, by the row's middle: where its last key ends
      const rows = await dialog.locator('.shortcut-list').evaluate((list) => {
        const ends = new Map<number, { right: number; keys: string }>();
        for (const key of list.querySelectorAll('kbd')) {
          const box = key.getBoundingClientRect();
          const middle = Math.round(box.top + box.height / 2);
          const row = ends.get(middle) ?? { right: -Infinity, keys: '' };
          ends.set(middle, { right: Math.max(row.right, box.right), keys: `${row.keys} ${key.textContent}`.trim() });
        }
        return [...ends.values()];
      });
      expect(rows.length, `${width} px`).toBeGreaterThanOrEqual(12);
      const edge = Math.max(...rows.map((r) => r.right));
      for (const row of rows) expect(edge - row.right, `${width} px: the keys ${row.keys} end short of the column's edge by`).toBeLessThanOrEqual(1);
      await page.keyboard.press('Escape');
    }
  });

  it('the Projects list, Evaluate\'s runs and footer, the dataset preview and the next-token legend take shared classes, not inline styles', async () => {
    const { page } = e2e;
    const inline = (root: Element) => [...root.querySelectorAll('[style]')].map((el) => `<${el.tagName.toLowerCase()} class="${el.className}" style="${el.getAttribute('style')}">`);
    await open(page, '#/projects', 700);
    const projects = page.getByRole('table').first();
    await projects.locator('.project-name').first().waitFor();
    expect(await projects.evaluate(inline), 'Projects').toEqual([]);
    const name = await projects.locator('.project-name').first().evaluate((b) => {
      const style = getComputedStyle(b);
      const probe = document.createElement('span');
      probe.style.color = 'var(--text)';
      b.parentElement!.append(probe);
      const text = getComputedStyle(probe).color;
      probe.remove();
      return { padding: style.padding, weight: style.fontWeight, color: style.color === text };
    });
    expect(name).toEqual({ padding: '0px', weight: '550', color: true });

    await open(page, '#/adapt/evaluate', 1280);
    const runs = page.getByRole('table', { name: 'Evaluation runs' });
    await runs.locator('tbody tr').first().waitFor();
    expect(await runs.evaluate(inline), 'Evaluation runs').toEqual([]);
    expect(await runs.locator('tbody tr td:nth-child(2) > div:first-child').first().evaluate((d) => getComputedStyle(d).fontWeight)).toBe('550');
    const customLayout = page.locator('label.checkbox', { hasText: 'Custom layout' });
    expect(await customLayout.getAttribute('style'), 'Evaluate\'s Custom layout').toBeNull();
    const footer = page.locator('.card-footer', { hasText: 'Runs as a job in the background' });
    expect(await footer.evaluate(inline), 'Evaluate\'s footer').toEqual([]);

    await open(page, '#/datasets', 1280);
    const preview = page.getByRole('table', { name: 'Dataset rows' });
    await preview.locator('tbody tr').first().waitFor();
    const wrap = await preview.evaluate((t) => { const w = t.closest('.table-wrap')!; return { style: w.getAttribute('style'), maxHeight: getComputedStyle(w).maxHeight, overflowY: getComputedStyle(w).overflowY }; });
    expect(wrap).toEqual({ style: null, maxHeight: '460px', overflowY: 'auto' });

    await open(page, '#/adapt', 1280);
    const legend = page.getByTestId('next-token-panel').locator('.legend-swatch');
    await legend.first().waitFor();
    const swatches = await legend.evaluateAll((all) => all.map((s) => ({ style: s.getAttribute('style'), background: getComputedStyle(s).backgroundColor })));
    expect(swatches.map((s) => s.style)).toEqual([null, null]);
    expect(swatches[0].background).not.toBe(swatches[1].background);
    for (const s of swatches) expect(s.background).not.toBe('rgba(0, 0, 0, 0)');
  });

  it('shots of the pages the earlier passes did not walk, at 700 and 1280 px, light and dark', async () => {
    const { page, studio } = e2e;
    const [model] = await callApi<{ id: string }[]>(studio, 'models.list', {});
    const pages: [string, string][] = [
      ['runs', '#/runs'], ['run', `#/runs/${trainIds[0]}`], ['inside', '#/inside'], ['settings', '#/settings'],
      ['documents', '#/adapt/documents'], ['projects', '#/projects'], ['model-card', `#/select/${encodeURIComponent(model.id)}`], ['playground', '#/adapt'],
    ];
    for (const width of WIDTHS) {
      for (const [name, hash] of pages) {
        await open(page, hash, width); // drawn (gotoPage): its heading on the page, every API call answered
        await shoot(page, `${name}-${width}`);
      }
      await open(page, '#/projects', width);
      await page.keyboard.press('?');
      await page.getByRole('dialog').waitFor();
      await shoot(page, `shortcuts-${width}`);
      await page.keyboard.press('Escape');
    }
  });

  it('left no page errors', () => {
    expect(e2e.pageErrors).toEqual([]);
  });
});
