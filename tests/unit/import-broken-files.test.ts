// A file whose structure is broken is refused by the dataset import naming the file, and the line where the parser
// knows it, leaving nothing behind: a CSV header naming a column twice, a .json file that is not an array, gzip that
// does not decompress, UTF-16 text with a byte order mark (either order). A UTF-8 byte order mark is read past.
// (An unclosed CSV quote: import-nul-and-unclosed-quote; UTF-16 without a byte order mark: import-utf16-without-bom;
// a JSON array cut off: tests/integration/cli-dataset; a missing file: import-up-front and import-upload-names.)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { refusal, tempStudios } from './studio-calls.ts';

const studios = tempStudios('lathe-import-broken-', 'cli');
const JSONL = '{"prompt":"Hi?","chosen":"Hello!","rejected":"Go away."}\n{"prompt":"How?","chosen":"Well.","rejected":"Badly."}\n';
const CSV = 'prompt,chosen,rejected\nHi?,Hello!,Go away.\nHow?,Well.,Badly.\n';

describe('dataset import of a broken file', () => {
  it('names the file and the line of a broken structure, or the file of broken gzip, and imports nothing', async () => {
    const { studio, dataDir } = studios.open();
    const ctx = { store: studio.store, dataDir };
    const withBom = 'the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8 and import it again.';
    const cases: [string, string | Buffer, RegExp | string, number | undefined][] = [
      ['twice.csv', 'prompt,chosen,chosen\nHi?,Hello!,Go away.\n', "twice.csv line 1: the header names column 'chosen' twice: column names must be unique.", 1],
      ['object.json', '{"prompt": "Hi?"}\n', 'object.json line 1: a .json dataset must be an array of objects ([{…}, {…}]); for one object per line use .jsonl.', 1],
      ['rows.jsonl.gz', zlib.gzipSync(JSONL.repeat(50)).subarray(0, 40), /^rows\.jsonl\.gz: not a valid gzip file \(.+\)\. Decompress it to check it, or import the uncompressed file\.$/, undefined],
      ['le-bom.jsonl', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSONL, 'utf16le')]), `le-bom.jsonl line 1: ${withBom}`, 1],
      ['be-bom.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(CSV, 'utf16le').swap16()]), `be-bom.csv line 1: ${withBom}`, 1],
    ];
    for (const [name, body, message, line] of cases) {
      const file = path.join(dataDir, name);
      fs.writeFileSync(file, body);
      for (const skipInvalid of [false, true]) {
        const err = await refusal(importDataset({ path: file, name, skipInvalid }, ctx));
        if (typeof message === 'string') expect(err.message, name).toBe(message);
        else expect(err.message, name).toMatch(message);
        expect([err.code, err.details], name).toEqual(['invalid_params', line === undefined ? { file } : { file, line }]);
      }
    }
    expect(studio.store.datasets.list()).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'datasets'))).toEqual([]);
  });

  it('reads past a UTF-8 byte order mark: the first column is named without it', async () => {
    const { studio, dataDir } = studios.open();
    for (const [name, body] of [['bom.jsonl', JSONL], ['bom.csv', CSV]]) {
      const file = path.join(dataDir, name);
      fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]));
      const dataset = await importDataset({ path: file, name }, { store: studio.store, dataDir });
      expect([dataset.columns, dataset.rowCount], name).toEqual([['prompt', 'chosen', 'rejected'], 2]);
    }
  });
});
