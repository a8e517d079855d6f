// The first page of a predictions file (which indexes it) and the next, in one process, against a checkout's reader:
//   node --import tsx bench/predictions-page.ts --lathe OLD_CHECKOUT FILE...
// e.g. the files `bench/runs-api.ts seed DIR` writes (DIR/runs/*/predictions.jsonl). One JSON line per file.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readPredictionsPage } from '../native/eval/predictions.ts';

const at = process.argv.indexOf('--lathe');
if (at < 0 || process.argv.length < at + 3) {
  console.error('usage: node --import tsx bench/predictions-page.ts --lathe OLD_CHECKOUT FILE...');
  process.exit(2);
}
const old = (await import(pathToFileURL(path.resolve(process.argv[at + 1], 'native/eval/predictions.ts')).href)) as { readPredictionsPage: typeof readPredictionsPage };
const files = process.argv.slice(2).filter((_, i) => i !== at - 2 && i !== at - 1);
const timed = (fn: () => unknown) => {
  const t = performance.now();
  fn();
  return +(performance.now() - t).toFixed(1);
};
for (const file of files) {
  const firstMs = timed(() => readPredictionsPage(file, 0, 3));
  const nextMs = timed(() => readPredictionsPage(file, 2500, 50));
  const beforeMs = timed(() => old.readPredictionsPage(file, 0, 3));
  console.log(JSON.stringify({ file: path.basename(path.dirname(file)), firstPageMs: firstMs, nextPageMs: nextMs, beforeEachPageMs: beforeMs }));
}
