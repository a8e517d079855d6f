// A dataset published as several files (train.jsonl, dev.jsonl, test.jsonl) imports as one dataset: each extra file
// is one split whole, the first file keeps its own split (whole or fractions), and errors name the file and its own
// line. Refusals come before any byte is read where they can, and a failure in a later file leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { datasetDir, datasetsRoot, readRows } from '../../native/data/files.ts';
import { refusal, tempStudios } from './studio-calls.ts';

const studios = tempStudios('lathe-import-several-', 'serve');
function setUp() {
  const { studio, dataDir } = studios.open();
  const write = (name: string, lines: unknown[]) => {
    const file = path.join(dataDir, name);
    fs.writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    return file;
  };
  const rows = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ text: `${tag} ${i}`, label: i % 2 }));
  return { studio, dataDir, write, rows, ctx: { store: studio.store, dataDir } };
}

describe('importing a dataset from several files', () => {
  it('puts each extra file in its split, whole and in order, and splits the first file on its own', async () => {
    const { write, rows, ctx, dataDir } = setUp();
    const train = write('train.jsonl', rows(20, 'train'));
    const dev = write('dev.jsonl', rows(5, 'dev'));
    const test = write('test.jsonl', rows(7, 'test'));
    const dataset = await importDataset({ path: train, name: 'three', split: { train: 0.8, validation: 0.2, test: 0 }, extraFiles: [{ path: dev, split: 'validation' }, { path: test, split: 'test' }] }, ctx);
    expect(dataset.rowCount).toBe(32);
    expect(dataset.splits).toEqual({ train: 16, validation: 9, test: 7 });
    expect(dataset.sourcePath).toBe(`${train} + ${dev} + ${test}`);
    const dir = datasetDir(dataDir, dataset.id);
    const texts = (split: 'train' | 'validation' | 'test') => readRows(dir, split, 0, 100).rows.map((r) => String(r.text));
    expect(texts('test')).toEqual(rows(7, 'test').map((r) => r.text));
    expect(texts('validation').filter((t) => t.startsWith('dev'))).toEqual(rows(5, 'dev').map((r) => r.text));
    expect(texts('validation').filter((t) => t.startsWith('train'))).toHaveLength(4);
    expect(texts('train').every((t) => t.startsWith('train'))).toBe(true);
    // the content hash covers every file: another dev file gives another hash
    const other = write('dev2.jsonl', rows(5, 'other'));
    const second = await importDataset({ path: train, name: 'three-b', split: { train: 0.8, validation: 0.2, test: 0 }, extraFiles: [{ path: other, split: 'validation' }, { path: test, split: 'test' }] }, ctx);
    expect(second.contentHash).not.toBe(dataset.contentHash);
  });

  // the record said 'seed 42' of every dataset, also of one whose files were each kept whole: no seed placed a row
  it('records which splits its seed drew, and the store keeps it', async () => {
    const { write, rows, ctx } = setUp();
    const train = write('train.jsonl', rows(20, 'train'));
    const dev = write('dev.jsonl', rows(5, 'dev'));
    const test = write('test.jsonl', rows(7, 'test'));
    const whole = await importDataset({ path: train, name: 'whole', split: 'train', extraFiles: [{ path: dev, split: 'validation' }, { path: test, split: 'test' }] }, ctx);
    expect(whole.drawnSplits).toEqual([]);
    const mixed = await importDataset({ path: train, name: 'mixed', split: { train: 0.8, validation: 0.2, test: 0 }, seed: 7, extraFiles: [{ path: test, split: 'test' }] }, ctx);
    expect(mixed.drawnSplits).toEqual(['train', 'validation']);
    const drawn = await importDataset({ path: train, name: 'drawn', split: { train: 0.5, validation: 0.25, test: 0.25 } }, ctx);
    expect(drawn.drawnSplits).toEqual(['train', 'validation', 'test']);
    expect(['whole', 'mixed', 'drawn'].map((name) => ctx.store.datasets.find(name).drawnSplits)).toEqual([[], ['train', 'validation'], ['train', 'validation', 'test']]);
  });

  it('names the file and its own line when a later file has a bad row, and leaves nothing behind', async () => {
    const { write, rows, ctx, dataDir } = setUp();
    const train = write('train.jsonl', rows(10, 'train'));
    const dev = write('dev.jsonl', [{ text: 'ok', label: 1 }, { text: 'no label' }]);
    const err = await refusal(importDataset({ path: train, name: 'bad', split: 'train', extraFiles: [{ path: dev, split: 'test' }] }, ctx));
    expect(err.message).toMatch(/^dev\.jsonl line 2: missing field 'label' \(every row needs the columns of the first row of train\.jsonl: text, label\)/);
    expect(err.details).toMatchObject({ file: dev, line: 2 });
    expect(ctx.store.datasets.list()).toHaveLength(0);
    expect(fs.readdirSync(datasetsRoot(dataDir)).filter((f) => !f.startsWith('.'))).toEqual([]);
    // with skip-invalid the bad line is listed with its file
    const kept = await importDataset({ path: train, name: 'kept', split: 'train', skipInvalid: true, extraFiles: [{ path: dev, split: 'test' }] }, ctx);
    expect(kept.splits).toEqual({ train: 10, validation: 0, test: 1 });
    expect(kept.skippedRows).toEqual([{ line: 2, reason: expect.stringContaining("missing field 'label'"), file: 'dev.jsonl' }]);
  });

  it('refuses, before reading, a file given twice, a missing one, another format; and an extra file with no rows', async () => {
    const { write, rows, ctx, studio } = setUp();
    const train = write('train.jsonl', rows(4, 'train'));
    const twice = await refusal(studio.call('datasets.import', { path: train, name: 'x', extraFiles: [{ path: train, split: 'test' }] }));
    expect(twice.message).toBe(`${train} is given twice; give each file of the dataset once.`);
    expect(twice.details).toMatchObject({ field: 'extraFiles[0].path' });
    const missing = await refusal(studio.call('datasets.import', { path: train, name: 'x', extraFiles: [{ path: `${train}.nope`, split: 'test' }] }));
    expect(missing.message).toMatch(/train\.jsonl\.nope: no such file/);
    const csv = write('dev.csv', ['text,label', 'a,1']);
    const format = await refusal(studio.call('datasets.import', { path: train, name: 'x', extraFiles: [{ path: csv, split: 'test' }] }));
    expect(format.message).toBe(`${csv} is csv but ${train} is jsonl: the files of one dataset share one format. Convert one of them, or import them as two datasets.`);
    const empty = write('empty.jsonl', []);
    const none = await refusal(importDataset({ path: train, name: 'x', extraFiles: [{ path: empty, split: 'test' }] }, ctx));
    expect(none.message).toBe('empty.jsonl has no data rows (an empty file, or a header alone). Check that it is the right file.');
    expect(ctx.store.datasets.list()).toHaveLength(0);
  });

  it('the studio job resolves every path before the job runs', async () => {
    const { write, rows, studio } = setUp();
    const train = write('train.jsonl', rows(6, 'train'));
    const test = write('test.jsonl', rows(3, 'test'));
    const cwd = process.cwd();
    process.chdir(path.dirname(train));
    try {
      const job = await studio.call('datasets.import', { path: 'train.jsonl', name: 'rel', split: 'train', extraFiles: [{ path: 'test.jsonl', split: 'test' }] });
      expect(job.params).toMatchObject({ path: train, extraFiles: [{ path: test, split: 'test' }] });
    } finally {
      process.chdir(cwd);
    }
  });
});
