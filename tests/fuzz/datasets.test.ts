// Dataset files: JSONL, JSON arrays, CSV and TSV, written from random rows (values with delimiters, quotes,
// newlines, non-ASCII, prototype-named columns), then mutated. Two levels:
// - the streaming parsers behind LineDecoder, fed in random chunk sizes: only FormatError, lines in range,
//   the same outcome whatever the chunking, and an unmutated file reads back exactly the rows written;
// - CSV and TSV read with quoting 'none', from text of quotes, delimiters and line breaks in any order: exactly the
//   rows a line-by-line model gives, every field the raw text between two delimiters;
// - importDataset end to end (plain and gzip, truncated or corrupted): a dataset, or a StudioError naming
//   the file and, when it has one, the line.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../native/api/errors.ts';
import { LineDecoder } from '../../native/data/decode.ts';
import type { DataFormat } from '../../native/data/formats.ts';
import { importDataset } from '../../native/data/import.ts';
import { createParser, FormatError, type ParserOptions, type RecordSink } from '../../native/data/parsers.ts';
import { openStore, type Store } from '../../native/store/db.ts';
import { check, expectReaderOutcome, scratch, TEST_TIMEOUT } from './harness.ts';
import { byteMutation } from './mutate.ts';

const dir = scratch('data');
const enc = new TextEncoder();
const FORMATS: DataFormat[] = ['jsonl', 'json', 'csv', 'tsv'];

const columnName = fc.oneof(fc.constantFrom('prompt', 'completion', 'text', 'label', '__proto__', 'constructor', 'a,b', 'say "hi"', 'é'), fc.string({ minLength: 1, maxLength: 6 }).filter((s) => s.trim() === s && s.trim() !== ''));
const cellText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('', ' ', 'a,b', 'a\tb', 'say "hi"', '"', '""', 'two\nlines', '\n', 'x\r', 'crlf\r\nline', '\r\n', 'naïve 日本 🙂', '\ufeffbom', '[1,2]', '{"a":1}'),
);

interface Table {
  format: DataFormat;
  columns: string[];
  rows: Record<string, unknown>[];
  trailingNewline: boolean;
}

const tables: fc.Arbitrary<Table> = fc
  .record({ format: fc.constantFrom(...FORMATS), columns: fc.uniqueArray(columnName, { minLength: 1, maxLength: 4 }), nRows: fc.integer({ min: 1, max: 6 }), trailingNewline: fc.boolean(), cells: fc.array(fc.oneof(cellText, fc.jsonValue({ maxDepth: 2 })), { minLength: 24, maxLength: 24 }) })
  .map(({ format, columns, nRows, trailingNewline, cells }) => {
    const rows = Array.from({ length: nRows }, (_, r) =>
      Object.fromEntries(columns.map((c, k) => {
        const v = cells[(r * columns.length + k) % cells.length];
        // CSV/TSV cells are text; serialise quotes one holding a CR, whose line breaks (CRLF too) read back as written. A
        // raw NUL is refused in any row (parsers.ts' nulReason), so a file meant to be valid holds none; JSON escapes it.
        return [c, format === 'csv' || format === 'tsv' ? (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\0/g, '') : v];
      })),
    );
    return { format, columns, rows, trailingNewline };
  });

function quote(v: string, d: string): string {
  return v === '' || v.includes(d) || v.includes('"') || v.includes('\n') || v.includes('\r') || v.trim() !== v ? `"${v.replace(/"/g, '""')}"` : v;
}

export function serialise(t: Table): string {
  const nl = t.trailingNewline ? '\n' : '';
  switch (t.format) {
    case 'jsonl':
      return t.rows.map((r) => JSON.stringify(r)).join('\n') + nl;
    case 'json':
      return `[\n${t.rows.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]${nl}`;
    default: {
      const d = t.format === 'csv' ? ',' : '\t';
      return [t.columns, ...t.rows.map((r) => t.columns.map((c) => r[c] as string))].map((fields) => fields.map((f) => quote(f, d)).join(d)).join('\n') + nl;
    }
  }
}

/** One more row whose every field nests 20000 arrays deep: JSON.parse reads it, JSON.stringify overflows. */
function withDeepRow(text: string, t: Table): string {
  const deep = '['.repeat(20000) + ']'.repeat(20000);
  const row = `{${t.columns.map((c) => `${JSON.stringify(c)}:${deep}`).join(',')}}`;
  return t.format === 'jsonl' ? `${text.replace(/\n?$/, '\n')}${row}\n` : text.replace(/\]\n?$/, `,\n${row}\n]\n`);
}

interface Outcome {
  records: { line: number; json: string }[];
  invalid: { line: number; reason: string }[];
  error: { line: number; message: string } | null;
}

/** Parse `bytes` fed in chunks of `chunk` bytes (0: all at once). */
function parse(format: DataFormat, bytes: Uint8Array, chunk: number, opts: ParserOptions = {}): Outcome {
  const out: Outcome = { records: [], invalid: [], error: null };
  const sink: RecordSink = { record: (values, line) => out.records.push({ line, json: JSON.stringify(values) }), invalid: (line, reason) => out.invalid.push({ line, reason }) };
  const parser = createParser(format, sink, opts);
  const decoder = new LineDecoder();
  try {
    const size = chunk || bytes.length || 1;
    for (let i = 0; i < bytes.length; i += size) for (const p of decoder.decode(bytes.subarray(i, i + size))) parser.feed(p);
    for (const p of decoder.end()) parser.feed(p);
    parser.end();
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    out.error = { line: err.line, message: err.message };
  }
  return out;
}

function lineCount(bytes: Uint8Array): number {
  let n = 1;
  for (const b of bytes) if (b === 0x0a) n++;
  return n;
}

describe('fuzz: dataset parsers', () => {
  it(
    'only FormatError, lines in range, the same outcome for any chunking, and valid files read back exactly',
    async () => {
      const cases = fc.record({ table: tables, mutations: fc.array(byteMutation, { maxLength: 3 }), chunk: fc.integer({ min: 1, max: 64 }) });
      await check(
        cases,
        async ({ table, mutations, chunk }) => {
          const bytes = mutations.reduce<Uint8Array>((b, m) => m(b), enc.encode(serialise(table)));
          await expectReaderOutcome(
            () => {
              const whole = parse(table.format, bytes, 0);
              const lines = lineCount(bytes);
              const inRange = (line: number) => Number.isInteger(line) && line >= 1 && line <= lines + 1;
              for (const { line } of [...whole.records, ...whole.invalid, ...(whole.error ? [whole.error] : [])]) if (!inRange(line)) throw new Error(`line ${line} outside 1..${lines + 1}`);
              // Where chunks break may change which of two faults is reported first (bad UTF-8 is flagged per
              // piece), so compare what does not depend on it: the error's line, or the rows and skipped lines.
              const chunked = parse(table.format, bytes, chunk);
              const same = (o: Outcome) => JSON.stringify(o.error ? { error: o.error.line } : { records: o.records, invalid: o.invalid.map((i) => i.line) });
              if (same(chunked) !== same(whole)) {
                throw new Error(`${table.format} read in ${chunk}-byte chunks differs from whole: ${JSON.stringify(new TextDecoder().decode(bytes))}\nchunked: ${JSON.stringify(chunked)}\nwhole:   ${JSON.stringify(whole)}`);
              }
              if (mutations.length === 0) {
                expect(whole.error).toBeNull();
                expect(whole.invalid).toEqual([]);
                expect(whole.records.map((r) => r.json)).toEqual(table.rows.map((r) => JSON.stringify(r)));
              }
              if (whole.error) throw new FormatError(whole.error.line, whole.error.message); // counted as refused
              return whole;
            },
            { reader: `dataset parsers`, file: '', bytes: bytes.length, place: /./, errors: [FormatError] },
          );
        },
        200,
      );
    },
    TEST_TIMEOUT,
  );
});

/**
 * What quoting 'none' must read from `text`, worked out from the lines alone: each line (less the CR of a CRLF; the
 * last line, which no newline ends, keeps its CR) is one row, blank lines are none, the first row names the columns
 * (trimmed; one unnamed or named twice fails the file on its line), and every field is the raw text between two
 * delimiters, quotes and all; a row of another field count is refused on its line.
 */
function quoteFreeModel(text: string, d: string): Outcome {
  const out: Outcome = { records: [], invalid: [], error: null };
  const lines = text.replace(/^\ufeff/, '').split('\n');
  let header: string[] | null = null;
  for (const [i, raw] of lines.entries()) {
    const line = i < lines.length - 1 && raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    const fields = line.split(d);
    if (header === null) {
      header = fields.map((f) => f.trim());
      if (header.some((name, k) => name === '' || header!.indexOf(name) !== k)) return { ...out, error: { line: i + 1, message: '' } };
    } else if (fields.length !== header.length) out.invalid.push({ line: i + 1, reason: '' });
    else out.records.push({ line: i + 1, json: JSON.stringify(Object.fromEntries(header.map((name, k) => [name, fields[k]]))) });
  }
  return out;
}

describe('fuzz: quoting none', () => {
  // Text of quotes (opening, closing, doubled, after spaces), both delimiters, CR, LF and CRLF in any order: whatever
  // the CSV reading would make of it, quoting 'none' must give the fields as they stand between delimiters.
  const bit = fc.oneof(fc.constantFrom('"', '""', ' "', '" ', ',', '\t', '\r', '\n', '\r\n', 'a', 'b', ' ', 'é', '🙂'), fc.string({ maxLength: 4 }));

  it(
    'every field is the raw text between delimiters, one line one row, whatever the chunking',
    async () => {
      const cases = fc.record({ format: fc.constantFrom<DataFormat>('csv', 'tsv'), bits: fc.array(bit, { maxLength: 40 }), chunk: fc.integer({ min: 1, max: 16 }) });
      await check(
        cases,
        async ({ format, bits, chunk }) => {
          const text = bits.join('');
          const bytes = enc.encode(text);
          await expectReaderOutcome(
            () => {
              const got = parse(format, bytes, chunk, { quoting: 'none' });
              const want = quoteFreeModel(text, format === 'csv' ? ',' : '\t');
              const shape = (o: Outcome) => ({ records: o.records, invalid: o.invalid.map((i) => i.line), error: o.error?.line ?? null });
              expect(shape(got), `${format} ${JSON.stringify(text)} in ${chunk}-byte chunks`).toEqual(shape(want));
              if (got.error) throw new FormatError(got.error.line, got.error.message); // counted as refused
              return got;
            },
            { reader: 'dataset parsers, quoting none', file: '', bytes: bytes.length, place: /./, errors: [FormatError] },
          );
        },
        300,
      );
    },
    TEST_TIMEOUT,
  );
});

describe('fuzz: dataset import', () => {
  let store: Store;
  const dataDir = path.join(dir, 'data-dir');
  beforeAll(() => {
    store = openStore(dataDir);
  });
  afterAll(() => store.close());

  it(
    'imports a dataset, or refuses with a StudioError naming the file and the line (plain and gzip)',
    async () => {
      const cases = fc.record({ table: tables, mutations: fc.array(byteMutation, { maxLength: 2 }), gzip: fc.boolean(), mutateCompressed: fc.boolean(), skipInvalid: fc.boolean(), deepRow: fc.boolean() });
      let n = 0;
      await check(
        cases,
        async ({ table, mutations, gzip, mutateCompressed, skipInvalid, deepRow }) => {
          let text = serialise(table);
          if (deepRow && (table.format === 'jsonl' || table.format === 'json')) text = withDeepRow(text, table);
          let bytes: Uint8Array = enc.encode(text);
          if (gzip && mutateCompressed) bytes = mutations.reduce<Uint8Array>((b, m) => m(b), new Uint8Array(zlib.gzipSync(bytes)));
          else {
            bytes = mutations.reduce<Uint8Array>((b, m) => m(b), bytes);
            if (gzip) bytes = new Uint8Array(zlib.gzipSync(bytes));
          }
          const name = `rows-${n++}.${table.format}${gzip ? '.gz' : ''}`;
          const file = path.join(dir, name);
          fs.writeFileSync(file, bytes);
          await expectReaderOutcome(() => importDataset({ path: file, name: `fuzz-${n}`, skipInvalid }, { store, dataDir }), {
            reader: `dataset import`,
            file: name,
            bytes: bytes.length,
            place: /line \d+|no data rows|not a valid gzip file/,
            errors: [StudioError],
            valid: (d) => {
              if (d.rowCount < 1 || d.columns.length < 1) throw new Error(`dataset of ${d.rowCount} rows, ${d.columns.length} columns`);
            },
          }).catch((err: unknown) => {
            throw err;
          });
          fs.rmSync(file);
        },
        30,
        0.05,
      );
    },
    TEST_TIMEOUT,
  );
});

describe('regressions found by fuzzing dataset files', () => {
  const bytesOf = (...parts: (string | number[])[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...enc.encode(p)] : p)));

  it('a CSV column named __proto__ is kept (it set the row object\'s prototype and vanished)', () => {
    expect(parse('csv', bytesOf('__proto__,b\nx,y\n'), 0).records.map((r) => r.json)).toEqual(['{"__proto__":"x","b":"y"}']);
  });
  it('bad bytes cut by a chunk boundary are still seen where they are (a streaming decoder reset dropped them)', () => {
    const file = bytesOf([0xef, 0xbb], '[\n{"a":1}\n]');
    for (const chunk of [0, 1, 2]) expect(parse('json', file, chunk).error?.message).toMatch(/not valid UTF-8/);
    const element = bytesOf('[\n', [0xff], '{"a":1}\n]');
    for (const chunk of [0, 1, 3]) expect(parse('json', element, chunk)).toMatchObject({ records: [], error: { line: 2 } });
  });
  it('a BOM is removed at the start of the file only, not at the start of every line', () => {
    expect(parse('csv', bytesOf([0xef, 0xbb, 0xbf], 'a\n', [0xef, 0xbb, 0xbf], 'x\n'), 1).records.map((r) => r.json)).toEqual(['{"a":"\ufeffx"}']);
  });
  it('a CSV header that is not UTF-8 or is mis-quoted fails the file instead of naming columns wrongly', () => {
    expect(parse('csv', bytesOf('a', [0xff], ',b\n1,2\n'), 0).error).toMatchObject({ line: 1, message: expect.stringMatching(/header row cannot be read: .*UTF-8/) });
    expect(parse('csv', bytesOf('"a"x,b\n1,2\n'), 0).error).toMatchObject({ line: 1, message: expect.stringMatching(/header row cannot be read: text after the closing quote/) });
  });
  it('a row nested too deeply to store is an invalid row on its line (RangeError from JSON.stringify before)', async () => {
    const dataDir = path.join(dir, 'deep-dir');
    const store = openStore(dataDir);
    try {
      const file = path.join(dir, 'deep.jsonl');
      fs.writeFileSync(file, `{"a":1}\n{"a":${'['.repeat(20000)}${']'.repeat(20000)}}\n`);
      await expect(importDataset({ path: file, name: 'deep' }, { store, dataDir })).rejects.toThrow(/deep.jsonl line 2: the row is nested too deeply to store/);
      expect((await importDataset({ path: file, name: 'deep', skipInvalid: true }, { store, dataDir })).rowCount).toBe(1);
    } finally {
      store.close();
    }
  });
});
