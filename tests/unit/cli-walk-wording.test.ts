// Words a new user's walk through the CLI found out of line with the rest: `quantize` counted '1 embedding table(s)';
// a flag's message after its colon began with a capital ('--target: This metric runs …'); `runs delete` said
// 'deleted run …' where `dataset delete` and `project delete` say 'Deleted …'; `dataset map` listed the columns
// for a near miss ('dialog') without naming the one meant; a second `quantize` said 'delete it first' with no
// `lathe model delete` to do it with; `train` on a test set said only '0 training row(s) and no validation split'.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../native/store/db.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { scratchDataDir } from '../fixtures/scratch-data-dir.ts';
import { SHARED_DATA } from '../integration/helpers/lathe.ts';

const stories = path.join(SHARED_DATA, 'models/stories260K');
const hasStories = fs.existsSync(path.join(stories, 'stories260K.bin'));
if (!hasStories) console.log(`cli-walk-wording: quantize check skipped: ${stories}/stories260K.bin is absent (the shared data kit is not mounted)`);

const scratch = scratchDataDir('walk-wording');

describe('CLI wording', () => {
  it('project create --target out of range: the message goes on in lower case after the flag', async () => {
    const r = await latheInProcess(['project', 'create', '--name', 'p', '--task', 'summarization', '--metric', 'rougeL', '--target', '30'], scratch.data);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--target: this metric runs from 0 to 1 — e\.g\. 0\.35 for 35 %/);
  });

  it('runs delete says Deleted, as dataset delete and project delete do', async () => {
    const store = openStore(scratch.data);
    const id = store.runs.create({ kind: 'finetune', name: 'ft', status: 'succeeded', config: {} }).id;
    store.close();
    const r = await latheInProcess(['runs', 'delete', id], scratch.data);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Deleted run ${id}.`);
  });

  it('dataset map --input-column with a near miss names the column meant', async () => {
    const file = path.join(scratch.dir, 'dialogsum.jsonl');
    fs.writeFileSync(file, '{"dialogue":"#Person1#: hi","summary":"they greet"}\n');
    const imp = await latheInProcess(['dataset', 'import', file, '--name', 'ds'], scratch.data);
    expect(imp.code, imp.stderr).toBe(0);
    const r = await latheInProcess(['dataset', 'map', 'ds', '--input-column', 'dialog'], scratch.data);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--input-column: dataset ds has no column 'dialog'; its columns are dialogue, summary. Did you mean 'dialogue'?");
  });

  it.skipIf(!hasStories)('quantize counts one embedding table in the singular', async () => {
    const imp = await latheInProcess(['model', 'import-llama2c', path.join(stories, 'stories260K.bin'), '--tokenizer', path.join(stories, 'tok512.bin'), '--name', 's260k'], scratch.data);
    expect(imp.code, imp.stderr).toBe(0);
    const r = await latheInProcess(['quantize', '--model', 's260k', '--dtype', 'q8'], scratch.data);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/q8: s260k-q8 \(\S+\) .*, \d+ projections and 1 embedding table quantised$/m);
    // a second time: the CLI has no model delete, so the refusal says where a model is deleted
    const again = await latheInProcess(['quantize', '--model', 's260k', '--dtype', 'q8'], scratch.data);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("a model named 's260k-q8' already exists; quantise one dtype at a time with --dtype D --name NEW, leave out the dtypes already made, or delete it first ('lathe model delete NAME', or Delete on its card on the Select page)");
  }, 120_000);

  it.skipIf(!hasStories)('train on a test set says it is one, not only that it has 0 training rows', async () => {
    const imp = await latheInProcess(['model', 'import-llama2c', path.join(stories, 'stories260K.bin'), '--tokenizer', path.join(stories, 'tok512.bin'), '--name', 's260k'], scratch.data);
    expect(imp.code, imp.stderr).toBe(0);
    const file = path.join(scratch.dir, 'test.jsonl');
    fs.writeFileSync(file, '{"dialogue":"#Person1#: hi","summary":"they greet"}\n{"dialogue":"#Person1#: bye","summary":"they part"}\n');
    const ds = await latheInProcess(['dataset', 'import', file, '--name', 'dialogsum-test', '--split', 'test'], scratch.data);
    expect(ds.code, ds.stderr).toBe(0);
    for (const args of [['train', '--model', 's260k', '--dataset', 'dialogsum-test', '--max-steps', '1'], ['align', 'dpo', '--model', 's260k', '--dataset', 'dialogsum-test', '--max-steps', '1']]) {
      const r = await latheInProcess(args, scratch.data);
      expect(r.code, args.join(' ')).toBe(2);
      if (args[0] === 'train') expect(r.stderr).toContain('dataset dialogsum-test is a test set: all 2 rows are its test split, kept for evaluation, so training has nothing to learn from; train on a dataset with a train split, or import the file again split into train, validation and test (such as 0.8,0.1,0.1)');
      expect(r.stderr, args.join(' ')).not.toMatch(/^\s+at /m);
    }
    const runs = path.join(scratch.data, 'runs');
    expect(fs.existsSync(runs) ? fs.readdirSync(runs) : [], 'no run folder is left half-made').toEqual([]);
    const store = openStore(scratch.data);
    expect(store.runs.list({}), 'no run is recorded').toEqual([]);
    store.close();
  }, 120_000);
});
