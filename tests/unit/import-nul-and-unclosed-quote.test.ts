// Two gaps in the importer's refusals. A raw NUL byte in a UTF-8 CSV/TSV row was imported silently into the field
// (and a JSONL line holding one was refused as "Bad control character" with no column): now the row is invalid,
// named by file, line and column, and skipInvalid leaves it out and counts it like other invalid rows. An unclosed
// CSV quote named the row's first line and said nothing of skipInvalid, which cannot recover from it: now it names
// the line the quote opened on and says why skipping cannot help, with or without skipInvalid, leaving nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { refusal, tempStudios } from './studio-calls.ts';

const studios = tempStudios('lathe-import-nul-', 'cli');

describe('a raw NUL byte in an import', () => {
  it('is refused naming the file, line and column; with skipInvalid the row is left out and counted', async () => {
    const { studio, dataDir } = studios.open();
    const ctx = { store: studio.store, dataDir };
    for (const [name, text] of [
      ['nul.csv', 'text,label\nfine,1\nbro\0ken,0\nlast,1\n'],
      ['nul.tsv', 'text\tlabel\nfine\t1\nbro\0ken\t0\nlast\t1\n'],
      ['nul.jsonl', '{"text":"fine","label":1}\n{"text":"bro\0ken","label":0}\n{"text":"last","label":1}\n'],
    ]) {
      const file = path.join(dataDir, name);
      fs.writeFileSync(file, text);
      const err = await refusal(importDataset({ path: file, name }, ctx));
      const line = name.endsWith('.jsonl') ? 2 : 3;
      const column = name.endsWith('.jsonl') ? 13 : 4;
      const what = name.endsWith('.jsonl') ? 'the line' : 'the row';
      expect(err.message, name).toMatch(new RegExp(`^${name.replace('.', '\\.')} line ${line}: ${what} holds a NUL byte \\(\\\\0\\) at column ${column};`));
      expect(err.details, name).toMatchObject({ file, line });
      const dataset = await importDataset({ path: file, name: `${name}-skip`, skipInvalid: true }, ctx);
      expect(dataset.rowCount, name).toBe(2);
      expect(dataset.skippedRows, name).toEqual([{ line, reason: expect.stringContaining(`holds a NUL byte (\\0) at column ${column}`) }]);
    }
    expect(studio.store.datasets.list().map((d) => d.name).sort()).toEqual(['nul.csv-skip', 'nul.jsonl-skip', 'nul.tsv-skip']);
  });
});

describe('an unclosed CSV quote', () => {
  it('is refused at the line it opened on, with and without skipInvalid, saying why skipping cannot help', async () => {
    const { studio, dataDir } = studios.open();
    const ctx = { store: studio.store, dataDir };
    const file = path.join(dataDir, 'open.csv');
    fs.writeFileSync(file, 'text,label\n"a legit\nmulti-line field",1\nfine,0\n"never closed,1\nmore,0\nlast,1\n');
    for (const skipInvalid of [false, true]) {
      const err = await refusal(importDataset({ path: file, name: 'open', skipInvalid }, ctx));
      expect(err.message).toMatch(/^open\.csv line 5: a quoted field opens here and is never closed, so every line after it was read as that one field; add the closing "/);
      expect(err.message).toContain('Skipping invalid rows cannot help: where the field was meant to end, and so which of the lines below are rows, cannot be known.');
      expect(err.details).toMatchObject({ line: 5 });
    }
    expect(studio.store.datasets.list()).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'datasets'))).toEqual([]);
  });
});
