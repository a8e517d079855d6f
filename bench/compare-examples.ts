// runs.examples (Compare, example by example) in one process, on a data directory `bench/runs-api.ts seed` filled:
// the first page of the two newest evaluations (joining and sorting read every compared file), nine later pages,
// and the heap the first page leaves behind (what the cache keeps), after a GC.
//   node --expose-gc --import tsx bench/compare-examples.ts DIR [--lathe CHECKOUT]
// CHECKOUT: the code before a change, on the same data. One JSON line.
import path from 'node:path';

const dir = process.argv[2];
const at = process.argv.indexOf('--lathe');
const checkout = path.resolve(at > 0 ? process.argv[at + 1] : path.join(import.meta.dirname, '..'));
if (!dir) {
  console.error('usage: node --expose-gc --import tsx bench/compare-examples.ts DIR [--lathe CHECKOUT]');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run node with --expose-gc: the heap kept is measured after a collection');
const { openStore } = (await import(path.join(checkout, 'native/store/db.ts'))) as typeof import('../native/store/db.ts');
const { examplesPage } = (await import(path.join(checkout, 'native/eval/compare.ts'))) as typeof import('../native/eval/compare.ts');
const store = openStore(path.resolve(dir));
try {
  const runIds = store.runs.list({ kind: 'evaluation' }).slice(-2).map((r) => r.id);
  gc();
  const heap = process.memoryUsage().heapUsed;
  let t = performance.now();
  examplesPage(store, path.resolve(dir), { runIds, offset: 0, limit: 50 });
  const first = performance.now() - t;
  gc();
  const kept = process.memoryUsage().heapUsed - heap;
  const later: number[] = [];
  for (let i = 0; i < 9; i++) {
    t = performance.now();
    examplesPage(store, path.resolve(dir), { runIds, offset: 1950, limit: 50 });
    later.push(performance.now() - t);
  }
  later.sort((a, b) => a - b);
  console.log(JSON.stringify({ checkout: path.basename(checkout), firstMs: +first.toFixed(1), laterMinMs: +later[0].toFixed(1), laterMedianMs: +later[4].toFixed(1), heapKeptMiB: +(kept / 2 ** 20).toFixed(1) }));
} finally {
  store.close();
}
