// Compare's pages read every compared run's predictions: kept while each file is unchanged, re-read once it changes.
import { describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { EvalExample } from '../../native/api/eval.ts';
import { examplesPage } from '../../native/eval/compare.ts';
import { FileCache } from '../../native/eval/file-cache.ts';
import { predictionsPath, savePredictions } from '../../native/eval/predictions.ts';
import type { Store } from '../../native/store/db.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-predictions-cache-');

const example = (i: number, prediction: string, score: number): EvalExample => ({
  index: i, id: `test:${i}`, input: `dialogue ${i}`, references: [`summary ${i}`], prediction, scores: { rougeL: score },
  promptTokens: 10, truncatedTokens: 0, generatedTokens: 5, latencyMs: 1,
});

async function evaluation(store: Store, dir: string, prediction: string): Promise<string> {
  const run = store.runs.create({ kind: 'evaluation', name: `eval ${prediction}`, status: 'succeeded', config: {} });
  await savePredictions(store, dir, run.id, Array.from({ length: 200 }, (_, i) => example(i, `${prediction} ${i}`, i / 200)));
  return run.id;
}

/** How many whole predictions files (of `bytes` each) were read from disk while `fn` ran: a page's own lines count 0. */
function readWholeFiles(bytes: number, fn: () => void): number {
  const read = vi.spyOn(fs, 'readSync');
  try {
    fn();
    return Math.floor(read.mock.results.reduce((n, r) => n + Number(r.value ?? 0), 0) / bytes); // bytes read, not asked for
  } finally {
    read.mockRestore();
  }
}

describe('runs.examples on unchanged predictions', () => {
  it('reads each file once for many pages, and again once a run is evaluated anew', async () => {
    const dir = tempDir();
    const store = open(dir);
    const runIds = [await evaluation(store, dir, 'base'), await evaluation(store, dir, 'tuned')];
    const page = (offset: number) => examplesPage(store, dir, { runIds, sort: 'index', offset, limit: 50 });
    const bytes = fs.statSync(predictionsPath(dir, runIds[0])).size;
    // a file outlined is read twice (its line index, then its lines' ids and scores), and once more for its inputs'
    // hashes, as these runs (no dataset in their configs) join by input text: three reads a file
    const predictionReads = (fn: () => void) => readWholeFiles(3 * bytes, fn);

    expect(predictionReads(() => page(0))).toBe(2);
    expect(predictionReads(() => [50, 100, 150].forEach(page))).toBe(0);
    expect(page(150).rows[0].outputs.map((o) => o?.prediction)).toEqual(['base 150', 'tuned 150']);

    // savePredictions replaces the file (write, rename), as a resumed or re-scored evaluation does
    await savePredictions(store, dir, runIds[1], Array.from({ length: 200 }, (_, i) => example(i, `rescored ${i}`, 1)));
    expect(predictionReads(() => expect(page(150).rows[0].outputs.map((o) => o?.prediction)).toEqual(['base 150', 'rescored 150']))).toBe(1);
  });

  it('sees a file edited in place, even to the same size', async () => {
    const dir = tempDir();
    const store = open(dir);
    const runIds = [await evaluation(store, dir, 'base'), await evaluation(store, dir, 'next')];
    examplesPage(store, dir, { runIds, sort: 'index', limit: 1 });
    const file = predictionsPath(dir, runIds[0]);
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('"base 0"', '"BASE 0"'));
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a clock tick later, as a later edit is
    expect(examplesPage(store, dir, { runIds, sort: 'index', limit: 1 }).rows[0].outputs[0]?.prediction).toBe('BASE 0');
  });
});

describe('FileCache', () => {
  it('keeps at most maxBytes of files, dropping the least recently used first', () => {
    const dir = tempDir();
    const files = ['a', 'b', 'c'].map((name) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, name.repeat(100));
      return file;
    });
    const reads: string[] = [];
    const cache = new FileCache(250, (file) => (reads.push(path.basename(file)), fs.readFileSync(file, 'utf8')));
    cache.get(files[0]);
    cache.get(files[1]);
    cache.get(files[0]); // a is now the more recent of the two
    cache.get(files[2]); // 300 bytes: b goes
    cache.get(files[0]);
    cache.get(files[1]);
    expect(reads).toEqual(['a', 'b', 'c', 'b']);
  });

  it('does not keep a file larger than the bound, and passes a missing file to the reader', () => {
    const dir = tempDir();
    const big = path.join(dir, 'big');
    fs.writeFileSync(big, 'x'.repeat(100));
    let reads = 0;
    const cache = new FileCache(50, (file) => (reads++, fs.readFileSync(file, 'utf8')));
    cache.get(big);
    cache.get(big);
    expect(reads).toBe(2);
    expect(() => cache.get(path.join(dir, 'missing'))).toThrow(/ENOENT/);
  });
});
