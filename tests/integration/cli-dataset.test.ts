// `lathe dataset …` on the shared data kit: real files, refusals that name the line, nothing half-imported,
// and imports whose memory stays bounded (run under a small V8 heap that a whole-file read would overflow).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../native/api/schemas.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { HAS_SHARED_DATA, lathe, SHARED_DATA, SKIP_SHARED_REASON, tempDir } from './helpers/lathe.ts';

if (!HAS_SHARED_DATA) console.warn(SKIP_SHARED_REASON);
const DIALOGSUM = path.join(SHARED_DATA, 'datasets/dialogsum/train.jsonl');
const work = tempDir('cli-dataset-files');
const dirs = [work];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function dataDir(): string {
  const d = tempDir('cli-dataset');
  dirs.push(d);
  return d;
}
function datasetFolders(dir: string): string[] {
  const root = path.join(dir, 'datasets');
  return fs.existsSync(root) ? fs.readdirSync(root) : [];
}

describe.skipIf(!HAS_SHARED_DATA)('lathe dataset import (shared data kit)', () => {
  it('imports DialogSum train: 12,460 rows, its columns, a suggested mapping and the file hash', async () => {
    const dir = dataDir();
    const r = await inProcessLathe(dir, ['dataset', 'import', DIALOGSUM, '--name', 'dialogsum', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const d = r.json<Dataset>();
    expect(d.rowCount).toBe(12_460);
    expect(d.columns).toEqual(['fname', 'dialogue', 'summary', 'topic']);
    expect(d.mapping).toEqual({ input: 'dialogue', target: 'summary' });
    expect(d.splits).toEqual({ train: 9968, validation: 1246, test: 1246 });
    expect(d.contentHash).toBe(crypto.createHash('sha256').update(fs.readFileSync(DIALOGSUM)).digest('hex'));
    const listed = (await inProcessLathe(dir, ['dataset', 'list', '--json'])).json<Dataset[]>();
    expect(listed.map((x) => x.id)).toEqual([d.id]);
    const shown = (await inProcessLathe(dir, ['dataset', 'show', d.id, '--rows', '2', '--json'])).json<Dataset & { preview: { fname: string }[] }>();
    expect(shown.preview.map((row) => row.fname)).toEqual(['train_0', 'train_1']);
  });

  it('imports SST-2 as published, train/dev/GLUE-dev files, into one dataset with those splits (--add)', async () => {
    const dir = dataDir();
    const sst2 = (name: string) => path.join(SHARED_DATA, 'datasets/sst2', name);
    const r = await inProcessLathe(dir, ['dataset', 'import', sst2('train.tsv'), '--name', 'sst2', '--split', 'train', '--add', `validation=${sst2('dev.tsv')}`, '--add', `test=${sst2('glue_dev.tsv')}`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Dataset>().splits).toEqual({ train: 60_614, validation: 6_735, test: 872 });
    const test = (await inProcessLathe(dir, ['dataset', 'show', 'sst2', '--split', 'test', '--rows', '1', '--json'])).json<{ preview: { sentence: string }[] }>();
    expect(test.preview[0].sentence.trim()).toBe("it 's a charming and often affecting journey ."); // glue_dev.tsv's first row, in file order
    const shown = (await inProcessLathe(dir, ['dataset', 'show', 'sst2'])).stdout;
    expect(shown).toMatch(/^source:\s+\S+train\.tsv \+ \S+dev\.tsv \+ \S+glue_dev\.tsv \(tsv\)$/m);
    // each file kept whole as its split: no seed placed a row, so none is said (it said 'seed 42')
    expect(shown).toMatch(/^rows:\s+68,221 \(train 60,614, validation 6,735, test 872\)$/m);
    // DialogSum's published test file has three summaries a row (summary1..3), not train's one: refused by name and line
    const dialogsum = (name: string) => path.join(SHARED_DATA, 'datasets/dialogsum', name);
    const mixed = await inProcessLathe(dir, ['dataset', 'import', DIALOGSUM, '--name', 'dialogsum', '--split', '0.9,0.1,0', '--add', `test=${dialogsum('test.jsonl')}`]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/test\.jsonl line 1: missing field 'summary' \(every row needs the columns of the first row of train\.jsonl: fname, dialogue, summary, topic\)/);
    expect((await inProcessLathe(dir, ['dataset', 'list', '--json'])).json<Dataset[]>().map((d) => d.name)).toEqual(['sst2']);
    const unsaid = await inProcessLathe(dir, ['dataset', 'import', DIALOGSUM, '--name', 'x', '--add', `validation=${dialogsum('dev.jsonl')}`]);
    expect(unsaid.code).toBe(2);
    expect(unsaid.stderr).toMatch(/with --add, say how FILE itself is split: --split train/);
    const malformed = await inProcessLathe(dir, ['dataset', 'import', DIALOGSUM, '--name', 'x', '--split', 'train', '--add', dialogsum('dev.jsonl')]);
    expect(malformed.stderr).toMatch(/--add takes SPLIT=FILE, the split being train, validation or test/);
  });

  it('refuses a copy with one corrupted line, naming the line, and leaves nothing behind', async () => {
    const dir = dataDir();
    const lines = fs.readFileSync(DIALOGSUM, 'utf8').split('\n');
    lines[6999] = lines[6999].slice(0, 40); // line 7000 cut in the middle of a string
    const bad = path.join(work, 'dialogsum-corrupt.jsonl');
    fs.writeFileSync(bad, lines.join('\n'));
    const r = await inProcessLathe(dir, ['dataset', 'import', bad, '--name', 'broken', '--json']);
    expect(r.code).toBe(2);
    expect(r.json<{ error: string }>().error).toMatch(/dialogsum-corrupt\.jsonl line 7000: the line is not valid JSON.*--skip-invalid/);
    expect((await inProcessLathe(dir, ['dataset', 'list', '--json'])).json()).toEqual([]);
    expect(datasetFolders(dir)).toEqual([]);

    const skipped = (await inProcessLathe(dir, ['dataset', 'import', bad, '--name', 'partial', '--skip-invalid', '--json'])).json<Dataset>();
    expect(skipped.rowCount).toBe(12_459);
    expect(skipped.skippedRows).toEqual([{ line: 7000, reason: expect.stringMatching(/not valid JSON/) }]);
    expect(fs.readFileSync(path.join(dir, 'datasets', skipped.id, 'skipped.jsonl'), 'utf8')).toContain('"line":7000');
  });

  it('reads a JSON array, gzipped JSONL and TSV with the same seed-determined splits', async () => {
    const dir = dataDir();
    const alpaca = (await inProcessLathe(dir, ['dataset', 'import', path.join(SHARED_DATA, 'datasets/alpaca/alpaca_5k.json'), '--name', 'alpaca', '--json'])).json<Dataset>();
    expect([alpaca.rowCount, alpaca.format, alpaca.columns]).toEqual([5000, 'json', ['instruction', 'input', 'output']]);
    const hh = (await inProcessLathe(dir, ['dataset', 'import', path.join(SHARED_DATA, 'datasets/preferences/hh_rlhf_harmless_test.jsonl.gz'), '--name', 'hh', '--json'])).json<Dataset>();
    expect([hh.rowCount, hh.compressed, hh.mapping]).toEqual([2312, true, { chosen: 'chosen', rejected: 'rejected' }]);
    const sst = async (seed: string, name: string) =>
      (await inProcessLathe(dir, ['dataset', 'import', path.join(SHARED_DATA, 'datasets/sst2/glue_dev.tsv'), '--name', name, '--seed', seed, '--split', '0.5,0.25,0.25', '--json'])).json<Dataset>();
    const [a, b, c] = [await sst('7', 'sst2-a'), await sst('7', 'sst2-b'), await sst('8', 'sst2-c')]; // names are unique
    expect([a.rowCount, a.splits]).toEqual([872, { train: 436, validation: 218, test: 218 }]);
    const firstTest = async (d: Dataset) => (await inProcessLathe(dir, ['dataset', 'show', d.id, '--rows', '5', '--split', 'test', '--json'])).json<{ preview: unknown[] }>().preview;
    expect(await firstTest(a)).toEqual(await firstTest(b));
    expect(await firstTest(a)).not.toEqual(await firstTest(c));
  });
});

describe('lathe dataset import: bad input', () => {
  it('keeps a published test file whole as the test split (--split test) instead of re-splitting it', async () => {
    const dir = dataDir();
    const test = path.join(dir, 'published-test.jsonl'); // written here: this block runs without the shared data kit
    fs.writeFileSync(test, Array.from({ length: 50 }, (_, i) => JSON.stringify({ dialogue: `#Person1#: hello ${i}`, summary: `greeting ${i}` })).join('\n') + '\n');
    const devFile = path.join(dir, 'published-dev.jsonl');
    fs.writeFileSync(devFile, Array.from({ length: 3 }, (_, i) => JSON.stringify({ dialogue: `#Person1#: bye ${i}`, summary: `farewell ${i}` })).join('\n') + '\n');
    const r = await inProcessLathe(dir, ['dataset', 'import', test, '--name', 'dialogsum-test', '--split', 'test', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Dataset>().splits).toEqual({ train: 0, validation: 0, test: 50 });
    const shown = await inProcessLathe(dir, ['dataset', 'show', 'dialogsum-test', '--split', 'test', '--rows', '1', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    // no split was drawn, so no seed is said ('test 50; seed 42' named a seed that placed no row), in show as in import
    const summary = await inProcessLathe(dir, ['dataset', 'import', test, '--name', 'dialogsum-test-2', '--split', 'test']);
    expect(summary.stdout).toMatch(/^rows:\s+50 \(train 0, validation 0, test 50\)$/m);
    expect((await inProcessLathe(dir, ['dataset', 'show', 'dialogsum-test'])).stdout).toMatch(/^rows:\s+50 \(train 0, validation 0, test 50\)$/m);
    // a split drawn at random still says its seed
    const drawn = await inProcessLathe(dir, ['dataset', 'import', test, '--name', 'dialogsum-drawn', '--split', '0.5,0.5,0', '--seed', '7']);
    expect(drawn.stdout).toMatch(/^rows:\s+50 \(train \d+, validation \d+, test 0; seed 7\)$/m);
    // files each kept whole in their own split say no seed; a file drawn beside a whole one names the splits it drew
    const wholeFiles = await inProcessLathe(dir, ['dataset', 'import', test, '--name', 'whole-files', '--split', 'train', '--add', `validation=${devFile}`, '--seed', '7']);
    expect(wholeFiles.stdout).toMatch(/^rows:\s+53 \(train 50, validation 3, test 0\)$/m);
    expect((await inProcessLathe(dir, ['dataset', 'show', 'whole-files', '--json'])).json<Dataset>().drawnSplits).toEqual([]);
    const mixed = await inProcessLathe(dir, ['dataset', 'import', test, '--name', 'drawn-and-whole', '--split', '0.8,0.2,0', '--add', `test=${devFile}`, '--seed', '7']);
    expect(mixed.stdout).toMatch(/^rows:\s+53 \(train 40, validation 10, test 3; train and validation drawn with seed 7\)$/m);
    const bad = await inProcessLathe(dir, ['dataset', 'import', test, '--name', 'x', '--split', 'tests']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--split takes three fractions .* or the one split the whole file is \(train, validation or test\); got 'tests'/);
    expect((await inProcessLathe(dir, ['dataset', 'import', '--help'])).stdout).toMatch(/--split.*the file already is that split/s);
  });

  it("shows a dataset's project by its name, as runs list does, in import, show, map and list", async () => {
    const dir = dataDir();
    const file = path.join(dir, 'pairs.jsonl');
    fs.writeFileSync(file, Array.from({ length: 10 }, (_, i) => JSON.stringify({ dialogue: `hello ${i}`, summary: `greeting ${i}` })).join('\n') + '\n');
    const project = (await inProcessLathe(dir, ['project', 'create', '--name', 'dialogue-summaries', '--task', 'summarization', '--json'])).json<{ id: string }>();
    const imported = await inProcessLathe(dir, ['dataset', 'import', file, '--name', 'pairs', '--project', 'dialogue-summaries']);
    expect(imported.code, imported.stderr).toBe(0);
    const label = new RegExp(`^project: +dialogue-summaries \\(${project.id}\\)$`, 'm');
    expect(imported.stdout).toMatch(label);
    expect((await inProcessLathe(dir, ['dataset', 'show', 'pairs', '--rows', '0'])).stdout).toMatch(label);
    expect((await inProcessLathe(dir, ['dataset', 'map', 'pairs', '--target-column', 'summary'])).stdout).toMatch(label);
    expect((await inProcessLathe(dir, ['dataset', 'list'])).stdout).toMatch(/^ds_\w+ +pairs +10 +dialogue, summary +jsonl +dialogue-summaries /m);
  });

  it('names the file, line and field, and imports nothing', async () => {
    const dir = dataDir();
    const cases: [string, string | Buffer, RegExp][] = [
      ['missing.csv', 'text,label\nfine,1\n"quoted, with comma",0\nno label here\n', /missing\.csv line 4: missing column 'label'/],
      ['fields.jsonl', '{"a":1,"b":2}\n{"a":3}\n', /fields\.jsonl line 2: missing field 'b'/],
      ['latin1.tsv', Buffer.concat([Buffer.from('text\tlabel\nok\t1\ncaf'), Buffer.from([0xe9]), Buffer.from('\t0\n')]), /latin1\.tsv line 3: the row is not valid UTF-8/],
      ['empty.jsonl', '', /empty\.jsonl has no data rows/],
      ['utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('text,label\nok,1\n', 'utf16le')]), /utf16\.csv line 1: the file is UTF-16 text \(it starts with a UTF-16 byte order mark\); save it as UTF-8/],
      ['data.parquet', 'PAR1', /unknown dataset format '\.parquet'/],
      ['truncated.json.gz', zlib.gzipSync('[{"a":1},\n{"a":'), /truncated\.json\.gz line 2: the file ends inside the array/],
    ];
    for (const [name, content, expected] of cases) {
      const file = path.join(work, name);
      fs.writeFileSync(file, content);
      const r = await inProcessLathe(dir, ['dataset', 'import', file, '--name', name]);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(expected);
    }
    const folder = await inProcessLathe(dir, ['dataset', 'import', work, '--name', 'folder']);
    expect([folder.code, folder.stderr]).toEqual([2, expect.stringMatching(/ is a folder; give the dataset file in it \(\.jsonl, /)]);
    expect((await inProcessLathe(dir, ['dataset', 'list', '--json'])).json()).toEqual([]);
    expect(datasetFolders(dir)).toEqual([]);
    const usage = await inProcessLathe(dir, ['dataset', 'import', path.join(work, 'missing.csv')]);
    expect(usage.stderr).toMatch(/--name is required\.\nUsage: lathe dataset import FILE --name N/);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('lathe dataset import: memory', () => {
  // 64 MB of V8 heap: the CLI itself needs a fraction of it, while reading one of these ~85 MB files into
  // a string (or parsing it whole) cannot fit, so a non-streaming import fails here with "heap out of memory".
  const HEAP = ['--max-old-space-size=64'];
  const REPEAT = 7;
  const source = () => fs.readFileSync(DIALOGSUM);

  it('streams a large JSONL file under a small heap', async () => {
    const file = path.join(work, 'big.jsonl');
    const chunk = source();
    fs.writeFileSync(file, '');
    for (let i = 0; i < REPEAT; i++) fs.appendFileSync(file, chunk);
    expect(fs.statSync(file).size).toBeGreaterThan(80e6);
    const r = lathe(dataDir(), ['dataset', 'import', file, '--name', 'big', '--json'], { nodeArgs: HEAP, timeoutMs: 90_000 });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(r.json<Dataset>().rowCount).toBe(12_460 * REPEAT);
    fs.rmSync(file);
  });

  it('streams a large one-line JSON array under a small heap', async () => {
    const file = path.join(work, 'big.json');
    const objects = source().toString('utf8').trimEnd().split('\n').join(',');
    fs.writeFileSync(file, '[');
    for (let i = 0; i < REPEAT; i++) fs.appendFileSync(file, i === 0 ? objects : `,${objects}`);
    fs.appendFileSync(file, ']');
    const r = lathe(dataDir(), ['dataset', 'import', file, '--name', 'big', '--json'], { nodeArgs: HEAP, timeoutMs: 90_000 });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(r.json<Dataset>().rowCount).toBe(12_460 * REPEAT);
    fs.rmSync(file);
  });
});

describe('lathe dataset map', () => {
  it('sets, replaces and unsets mapping fields, refusing a column the dataset lacks with the columns it has', async () => {
    const dir = dataDir();
    const file = path.join(work, 'pairs.jsonl');
    fs.writeFileSync(file, Array.from({ length: 10 }, (_, i) => JSON.stringify({ ask: `q${i}`, reply: `a${i}`, note: 'n' })).join('\n'));
    expect((await inProcessLathe(dir, ['dataset', 'import', file, '--name', 'pairs'])).code).toBe(0);
    const r = await inProcessLathe(dir, ['dataset', 'map', 'pairs', '--instruction-column', 'ask', '--output-column', 'reply', '--input-column', 'note', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Dataset>().mapping).toMatchObject({ instruction: 'ask', output: 'reply', input: 'note' });
    const unset = (await inProcessLathe(dir, ['dataset', 'map', 'pairs', '--unset', 'input', '--json'])).json<Dataset>();
    expect(unset.mapping.input).toBeUndefined();
    expect(unset.mapping).toMatchObject({ instruction: 'ask', output: 'reply' });
    const bad = await inProcessLathe(dir, ['dataset', 'map', 'pairs', '--output-column', 'answer']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--output-column: dataset pairs has no column 'answer'; its columns are ask, reply, note");
    const none = await inProcessLathe(dir, ['dataset', 'map', 'pairs']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give at least one --FIELD-column');
    expect((await inProcessLathe(dir, ['dataset', 'map', '--help'])).stdout).toContain('--output-column VALUE');
  });
});
