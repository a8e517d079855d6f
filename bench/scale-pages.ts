// The pages of a grown data directory in Chromium (bench/scale.ts seeds it): time from navigation until each page shows
// its content (a fresh tab each time, the bundle from the browser's cache after the first),
// the DOM it built, the SVG nodes its charts drew and the JS heap after. `--lathe DIR` serves another checkout
// (a build of the code before a change) against the same data.
//   npx vite build && node --import tsx bench/scale-pages.ts DATA_DIR [--lathe CHECKOUT]
import path from 'node:path';
import { launchChromium } from '../tests/e2e/harness.ts';
import Database from 'better-sqlite3';
import { startServe } from './scale.ts';

const dir = path.resolve(process.argv[2]);
const at = process.argv.indexOf('--lathe');
const checkout = at > 0 ? path.resolve(process.argv[at + 1]) : path.resolve(import.meta.dirname, '..');

// Read-only and without the store: opening it would migrate the file, and the older checkout would then refuse it.
const db = new Database(path.join(dir, 'lathe.db'), { readonly: true });
const newest = (kind: string) => (db.prepare('SELECT id FROM runs WHERE kind = ? ORDER BY created_at DESC, rowid DESC LIMIT 2').all(kind) as { id: string }[]).map((r) => r.id).reverse();
const [older, train] = newest('finetune').map((id) => ({ id }));
const evals = newest('evaluation').map((id) => ({ id }));
db.close();

const pages: [string, string, string][] = [
  ['Runs list', '#/runs', '.runs-table tbody tr'],
  ['Run page (2,000-step loss chart)', `#/runs/${train.id}`, '[data-testid="run-chart-loss"] path'],
  ['Compare 2 training runs', `#/runs/compare/${older.id},${train.id}`, '.chart-canvas path'],
  ['Compare 2 evaluations', `#/runs/compare/${evals.map((r) => r.id).join(',')}`, 'table'],
  ['Datasets (viewer)', '#/datasets', '[aria-label="Preview"] tbody tr'],
];

const serve = await startServe(dir, path.join(checkout, 'bin/lathe.mjs'));
const browser = await launchChromium();
console.log('| page | shown after | DOM elements | SVG elements | JS heap |');
console.log('|---|---:|---:|---:|---:|');
for (const [label, hash, ready] of pages) {
  const times: number[] = [];
  let facts = { dom: 0, svg: 0, heap: 0 };
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const t0 = performance.now();
    await page.goto(`${serve.url.origin}/?token=${serve.url.searchParams.get('token')}${hash}`);
    await page.waitForSelector(ready, { timeout: 60_000 });
    times.push(performance.now() - t0);
    await page.waitForLoadState('networkidle'); // the page's later calls (logs, examples) land before it is counted
    facts = await page.evaluate(() => ({
      dom: document.querySelectorAll('*').length,
      svg: document.querySelectorAll('svg *').length,
      heap: (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
    }));
    await page.close();
  }
  times.sort((a, b) => a - b);
  console.log(`| ${label} | ${times[1].toFixed(0)} ms | ${facts.dom.toLocaleString('en-US')} | ${facts.svg.toLocaleString('en-US')} | ${(facts.heap / 2 ** 20).toFixed(1)} MiB |`);
}
await browser.close();
serve.stop();
