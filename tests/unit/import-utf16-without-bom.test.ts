// UTF-16 text without a byte order mark (PowerShell's Out-File -Encoding Unicode, many converters) is valid UTF-8 with
// a NUL beside every ASCII character: the import refuses it at line 1, saying what it is, instead of importing
// NUL-riddled columns (' l a b e l ') or failing at the last line with a missing-column error.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { refusal, tempStudios } from './studio-calls.ts';

const studios = tempStudios('lathe-utf16-', 'cli');

describe('dataset import of UTF-16 text without a byte order mark', () => {
  it('is refused at line 1 as UTF-16, little- or big-endian, plain or gzipped, leaving nothing behind', async () => {
    const { studio, dataDir } = studios.open();
    const ctx = { store: studio.store, dataDir };
    // no trailing newline: the last row parses, so this file used to import as a dataset of NUL-riddled text
    const table = 'text\tlabel\nhello there\t1\nnot at all\t0';
    const cases: [string, Buffer, string][] = [
      ['le.tsv', Buffer.from(table, 'utf16le'), 'little-endian'],
      ['be.tsv', Buffer.from(table, 'utf16le').swap16(), 'big-endian'],
      ['le.jsonl', Buffer.from('{"text":"a","label":1}\n{"text":"b","label":0}\n', 'utf16le'), 'little-endian'],
      ['le.tsv.gz', zlib.gzipSync(Buffer.from(table, 'utf16le')), 'little-endian'],
    ];
    for (const [name, bytes, order] of cases) {
      const file = path.join(dataDir, name);
      fs.writeFileSync(file, bytes);
      const err = await refusal(importDataset({ path: file, name }, ctx));
      expect(err.message, name).toBe(`${name} line 1: the file looks like UTF-16 text (${order}, with no byte order mark: every other byte is 0); save it as UTF-8 and import it again.`);
      expect(err.details, name).toMatchObject({ line: 1 });
    }
    expect(studio.store.datasets.list()).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'datasets'))).toEqual([]);
  });

  it('UTF-8 text with a NUL here and there, and non-Latin UTF-8, still import', async () => {
    const { studio, dataDir } = studios.open();
    const ctx = { store: studio.store, dataDir };
    const file = path.join(dataDir, 'mixed.jsonl');
    fs.writeFileSync(file, '{"text":"日本語のテキスト","label":1}\n{"text":"a\\u0000b","label":0}\n');
    expect((await importDataset({ path: file, name: 'mixed' }, ctx)).rowCount).toBe(2);
  });
});
