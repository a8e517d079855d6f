// eval.examples pages through a predictions file by a byte index of its lines: the same pages as reading the whole
// file (readPredictions), read from only the page's bytes, and re-indexed when the file changes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { EvalExample } from '../../native/api/eval.ts';
import { readPredictions, readPredictionsPage } from '../../native/eval/predictions.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir } = tempStores('lathe-predictions-page-');

const example = (i: number, prediction: string): EvalExample => ({
  index: i, id: `test:${i}`, input: `dialogue ${i} — café 東京 🍵`, references: [`summary ${i}`], prediction, scores: { rougeL: i / 1000 },
  promptTokens: 10, truncatedTokens: 0, generatedTokens: 5, latencyMs: 1,
});

/** The page as the whole file read and split gives it (eval.examples before the index). */
function wholeFilePage(file: string, offset: number, limit: number) {
  const all = readPredictions(file);
  return { total: all.length, rows: all.slice(offset, offset + limit) };
}

/**
 * A file of 2,000 examples (about 2.4 MB: three 1 MiB read chunks) with what a line split must get right: CRLF
 * endings, blank and white-space-only lines (U+00A0 and U+2028 are white space to trim()), no final newline, and a
 * three-byte '€' cut by the first chunk's end.
 */
function awkwardFile(dir: string): string {
  for (let pad = 0; pad < 3; pad++) {
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify(example(i, `${'€'.repeat(300 + (i === 0 ? pad : 0))} ${i}`)));
    lines.splice(5, 0, '', '   \t', '\u00a0', '\u2028 ');
    lines[1000] += '\r';
    const bytes = Buffer.from(lines.join('\n'), 'utf8');
    if ((bytes[2 ** 20] & 0xc0) !== 0x80) continue; // not inside a character: pad the first line by one more '€'
    const file = path.join(dir, `awkward-${pad}.jsonl`);
    fs.writeFileSync(file, bytes);
    return file;
  }
  throw new Error('no padding puts a chunk boundary inside a character');
}

describe('readPredictionsPage', () => {
  it('gives the pages reading the whole file gives: first, middle, last, partly and wholly past the end', () => {
    const file = awkwardFile(tempDir());
    expect(readPredictions(file)).toHaveLength(2000);
    for (const [offset, limit] of [[0, 3], [0, 1000], [3, 4], [999, 3], [1234, 50], [1950, 50], [1998, 50], [2000, 5], [2500, 5]]) {
      expect(readPredictionsPage(file, offset, limit), `offset ${offset}, limit ${limit}`).toEqual(wholeFilePage(file, offset, limit));
    }
  });

  it('reads only the page once the file is indexed', () => {
    const file = awkwardFile(tempDir());
    readPredictionsPage(file, 0, 3);
    const whole = vi.spyOn(fs, 'readFileSync');
    const chunks = vi.spyOn(fs, 'readSync');
    try {
      const page = readPredictionsPage(file, 1500, 3);
      expect(page.rows.map((e) => e.id)).toEqual(['test:1500', 'test:1501', 'test:1502']);
      const pageBytes = page.rows.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)) + 1, 0);
      const bytesRead = chunks.mock.calls.reduce((n, call) => n + Number((call as unknown[])[3]), 0); // (fd, buffer, offset, length, position)
      expect(whole.mock.calls.filter(([f]) => f === file)).toHaveLength(0);
      expect(bytesRead).toBeGreaterThan(0);
      expect(bytesRead).toBeLessThanOrEqual(pageBytes);
    } finally {
      whole.mockRestore();
      chunks.mockRestore();
    }
  });

  it('indexes the file again once it is replaced, or edited in place to the same size', () => {
    const dir = tempDir();
    const file = path.join(dir, 'predictions.jsonl');
    const write = (predictions: string[]) => fs.writeFileSync(file, predictions.map((p, i) => JSON.stringify(example(i, p))).join('\n') + '\n');
    write(['a', 'bb', 'ccc', 'dddd']);
    expect(readPredictionsPage(file, 2, 1).rows[0].prediction).toBe('ccc');

    const other = path.join(dir, 'other.jsonl');
    fs.writeFileSync(other, ['x', 'y', 'z'].map((p, i) => JSON.stringify(example(i, p))).join('\n'));
    fs.renameSync(other, file); // a new inode, as savePredictions's atomic write makes
    expect(readPredictionsPage(file, 0, 10)).toEqual(wholeFilePage(file, 0, 10));

    write(['a', 'bb', 'ccc', 'dddd']);
    readPredictionsPage(file, 0, 1);
    write(['aaaa', 'ccc', 'bb', 'd']); // the same bytes in all, the lines' boundaries moved
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a clock tick later, as a later edit is
    expect(readPredictionsPage(file, 1, 2).rows.map((e) => e.prediction)).toEqual(['ccc', 'bb']);
  });

  it('names the file it cannot read, and the file and line of a damaged example', () => {
    const dir = tempDir();
    // in words, not the errno ('(ENOENT)', '(EISDIR)')
    expect(() => readPredictionsPage(path.join(dir, 'missing.jsonl'), 0, 3)).toThrow(/missing\.jsonl: cannot read the predictions: no such file; check the path$/);
    expect(() => readPredictionsPage(dir, 0, 3)).toThrow(/cannot read the predictions: is a folder; give the predictions file$/);
    const file = path.join(dir, 'damaged.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(example(0, 'ok'))}\n\n{"index": 1, "broken\n`);
    expect(readPredictionsPage(file, 0, 1).total).toBe(2);
    expect(() => readPredictionsPage(file, 1, 1)).toThrow(/damaged\.jsonl:3: not valid JSON/);
  });
});
