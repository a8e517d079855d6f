// `lathe dataset import --quoting none` and DatasetImportInput.quoting 'none': a CSV/TSV file in IANA
// text/tab-separated-values' quote-free style (GLUE-style corpora) imports with every quote as text and one line per
// row. Read with the default (CSV) quoting, `"a title"` silently lost its quotes and `"Hi<TAB>1` + `Bye"<TAB>0`
// silently became one row, and a refusal of such a quote could only suggest rewriting the file with pandas. The
// option is refused for JSON and JSON Lines, naming it, rather than silently doing nothing. The quoting a CSV or TSV
// dataset was read with is saved with it and shown, so a dataset imported with quoting 'none' says so.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QUOTES_AS_TEXT_LABEL, QUOTING_LABELS } from '../../native/api/labels.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { failedJobError, refusal, tempStudios } from './studio-calls.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-import-quoting-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const GLUE = 'text\tlabel\n"a title"\t1\n"Hi\t1\nBye"\t0\n';
/** A quote-free TSV the default (quoted) reading refuses: text after the quote that closes `"Hi,"`. */
const SAID = 'text\tlabel\n"Hi," she said\t1\nok\t0\n';

function file(name: string, text: string): string {
  const f = path.join(root, name);
  fs.writeFileSync(f, text);
  return f;
}

let n = 0;
const dataDir = () => path.join(root, `data-${++n}`);

async function previewOf(dir: string, name: string): Promise<Record<string, unknown>[]> {
  const shown = await latheInProcess(['dataset', 'show', name, '--rows', '10', '--split', 'all', '--json'], dir);
  expect(shown.code, shown.stderr).toBe(0);
  return (JSON.parse(shown.stdout) as { preview: Record<string, unknown>[] }).preview;
}

describe('lathe dataset import --quoting', () => {
  it('none: every quote is text and each line one row', async () => {
    const dir = dataDir();
    const r = await latheInProcess(['dataset', 'import', file('glue.tsv', GLUE), '--name', 'glue', '--quoting', 'none', '--split', 'train', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowCount: 3, columns: ['text', 'label'] });
    expect(await previewOf(dir, 'glue')).toEqual([{ text: '"a title"', label: '1' }, { text: '"Hi', label: '1' }, { text: 'Bye"', label: '0' }]);
  });

  it('is saved with the dataset and shown by dataset show: none, csv by default, nothing for JSON Lines', async () => {
    const dir = dataDir();
    const none = await latheInProcess(['dataset', 'import', file('saved.tsv', GLUE), '--name', 'glue', '--quoting', 'none', '--json'], dir);
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ quoting: 'none' });
    const shown = await latheInProcess(['dataset', 'show', 'glue'], dir);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^quoting: +none — ${QUOTING_LABELS.none}$`, 'm'));
    expect(await latheInProcess(['dataset', 'import', file('plain.csv', 'text,label\nok,1\n'), '--name', 'plain'], dir)).toMatchObject({ code: 0 });
    const plain = await latheInProcess(['dataset', 'show', 'plain', '--json'], dir);
    expect(JSON.parse(plain.stdout)).toMatchObject({ quoting: 'csv' });
    expect((await latheInProcess(['dataset', 'show', 'plain'], dir)).stdout).toMatch(new RegExp(`^quoting: +csv — ${QUOTING_LABELS.csv.replace(/[()]/g, '\\$&')}$`, 'm'));
    expect(await latheInProcess(['dataset', 'import', file('rows.jsonl', '{"text":"a"}\n'), '--name', 'lines'], dir)).toMatchObject({ code: 0 });
    const lines = await latheInProcess(['dataset', 'show', 'lines'], dir);
    expect(lines.stdout).not.toMatch(/^quoting:/m);
    expect(JSON.parse((await latheInProcess(['dataset', 'show', 'lines', '--json'], dir)).stdout)).not.toHaveProperty('quoting');
  });

  it('applies to the --add files of the import too', async () => {
    const dir = dataDir();
    const test = file('glue-test.tsv', 'text\tlabel\n"quoted test"\t0\n');
    const r = await latheInProcess(['dataset', 'import', file('glue2.tsv', GLUE), '--name', 'glue', '--quoting', 'none', '--split', 'train', '--add', `test=${test}`, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowCount: 4, splits: { train: 3, test: 1 } });
    expect((await previewOf(dir, 'glue')).at(-1)).toEqual({ text: '"quoted test"', label: '0' });
  });

  it('csv (the default) refuses a quote the quoted reading breaks on, naming --quoting none', async () => {
    const said = file('said.tsv', SAID);
    const r = await latheInProcess(['dataset', 'import', said, '--name', 'said'], dataDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('said.tsv line 2: text after the closing quote of field 1 at column 6');
    expect(r.stderr).toContain('if every quote in the file is text, as IANA text/tab-separated-values has it, import it with --quoting none)');
    const unclosed = await latheInProcess(['dataset', 'import', file('open.tsv', 'text\tlabel\n"Hi there\t1\nok\t0\n'), '--name', 'open'], dataDir());
    expect(unclosed.code).toBe(2);
    expect(unclosed.stderr).toMatch(/open\.tsv line 2: a quoted field opens here and is never closed.*import it with --quoting none\)\.$/);
    const fixed = await latheInProcess(['dataset', 'import', said, '--name', 'said', '--quoting', 'none', '--split', 'train', '--json'], dataDir());
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ rowCount: 2 });
  });

  it('csv refuses a CSV field with spaces before a quote around a comma, naming the file, the line and --quoting none', async () => {
    const spaced = file('spaced.csv', 'title,author,year\nDune, "Herbert, 1965"\n');
    const r = await latheInProcess(['dataset', 'import', spaced, '--name', 'spaced'], dataDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('spaced.csv line 2: field 2 has spaces before its opening quote (column 7)');
    expect(r.stderr).toContain('if every quote in the file is text and every comma ends a field, import it with --quoting none). Fix or remove that line');
    const dir = dataDir();
    const asText = await latheInProcess(['dataset', 'import', spaced, '--name', 'spaced', '--quoting', 'none', '--split', 'train'], dir);
    expect(asText.code, asText.stderr).toBe(0);
    expect(await previewOf(dir, 'spaced')).toEqual([{ title: 'Dune', author: ' "Herbert', year: ' 1965"' }]);
  });

  it('is refused for JSON Lines, naming the flag, before anything is written', async () => {
    const dir = dataDir();
    const r = await latheInProcess(['dataset', 'import', file('rows.jsonl', '{"text":"a"}\n'), '--name', 'j', '--quoting', 'none'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`lathe dataset import: ${path.join(root, 'rows.jsonl')} is JSON Lines, and --quoting is for CSV and TSV files only (JSON quotes its strings its own way): import it without --quoting.`);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('takes csv or none, and says so', async () => {
    const r = await latheInProcess(['dataset', 'import', file('x.tsv', GLUE), '--name', 'x', '--quoting', 'nnoe'], dataDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lathe dataset import: --quoting takes csv or none; got 'nnoe'\. Did you mean 'none'\?/);
  });

  it('is in --help', async () => {
    const r = await latheInProcess(['dataset', 'import', '--help'], dataDir());
    expect(r.stdout + r.stderr).toMatch(/--quoting VALUE +how a CSV or TSV file quotes its fields, for FILE and every --add file: csv \(default;.*none \(IANA text\/tab-separated-values/);
  });
});

describe('the studio’s datasets.import with quoting', () => {
  const studios = tempStudios('lathe-import-quoting-studio-', 'serve');

  it('is refused for JSON, naming the field', async () => {
    const { studio, dataDir: dir } = studios.open();
    const json = path.join(dir, 'rows.json');
    fs.writeFileSync(json, '[{"text":"a"}]');
    const err = await refusal(studio.call('datasets.import', { path: json, name: 'j', quoting: 'csv' }));
    expect(err.message).toBe(`${json} is JSON, and quoting is for CSV and TSV files only (JSON quotes its strings its own way): import it without quoting.`);
    expect(err.details).toMatchObject({ field: 'quoting' });
  });

  it('whose job refuses a quote the quoted reading breaks on, naming the form’s checkbox', async () => {
    const { studio, dataDir: dir } = studios.open();
    const said = path.join(dir, 'said.tsv');
    fs.writeFileSync(said, SAID);
    const job = await studio.call('datasets.import', { path: said, name: 'said' });
    const error = await failedJobError(studio, job.id);
    expect(error).toContain(`as IANA text/tab-separated-values has it, tick “${QUOTES_AS_TEXT_LABEL}” and import it again)`);
    expect(error).not.toContain('--quoting');
  });
});
