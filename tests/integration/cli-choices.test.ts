// Flags that take a value from a fixed set answer a typo with the valid choices, before any work starts.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const dataDir = tempDir('cli-choices');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('choice flags', () => {
  it('lathe eval --metrics names the unknown metric and lists the valid ones', async () => {
    const r = await inProcessLathe(dataDir, ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge,nonsense']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--metrics: unknown metric 'nonsense'; choose from .*rougeL.*bleu/);
    expect(r.stderr).not.toMatch(/metrics\.0/);
  });

  it('a refused value clearly meant as a valid one is named: did you mean', async () => {
    const rogue = await inProcessLathe(dataDir, ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rogue']);
    expect(rogue.code).toBe(2);
    expect(rogue.stderr).toMatch(/--metrics: unknown metric 'rogue'; choose from .*\. Did you mean 'rouge'\?\n/);
    const two = await inProcessLathe(dataDir, ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge-l,bleau']);
    expect(two.stderr).toMatch(/Did you mean 'rougeL' for 'rouge-l', 'bleu' for 'bleau'\?\n/);
    const task = await inProcessLathe(dataDir, ['project', 'create', '--name', 'p', '--task', 'summarisation']);
    expect(task.code).toBe(2);
    expect(task.stderr).toMatch(/--task must be one of .*; got 'summarisation'\. Did you mean 'summarization'\?\n/);
    const metric = await inProcessLathe(dataDir, ['project', 'create', '--name', 'p', '--task', 'summarization', '--metric', 'rouge-l']);
    expect(metric.stderr).toMatch(/--metric must be one of .*; got 'rouge-l'\. Did you mean 'rougeL'\?\n/);
    // a schema's fixed set (zod), as --method is checked
    const method = await inProcessLathe(dataDir, ['train', '--model', 'm', '--dataset', 'd', '--method', 'lorra']);
    expect(method.stderr).toMatch(/--method must be one of lora, full; got 'lorra'\. Did you mean 'lora'\?\n/);
    // merge, quantize and export's --dtype word it as every other choice flag does (they said "--dtype: 'bf61' is not one of …")
    const merge = await inProcessLathe(dataDir, ['merge', '--model', 'm', '--adapter', 'a', '--name', 'x', '--dtype', 'bf61']);
    expect(merge.code).toBe(2);
    expect(merge.stderr).toMatch(/^lathe merge: --dtype must be one of fp32, fp16, bf16; got 'bf61'\. Did you mean 'bf16'\?\nUsage: lathe merge /);
    const quantize = await inProcessLathe(dataDir, ['quantize', '--model', 'm', '--dtype', 'q4,q3']);
    expect(quantize.stderr).toMatch(/^lathe quantize: --dtype must be one of fp16, q8, int8, q4; got 'q3'\.\nUsage: lathe quantize /);
    const smooth = await inProcessLathe(dataDir, ['metrics', 'bleu', '--pred', 'p.txt', '--ref', 'r.txt', '--smooth', 'expp']);
    expect(smooth.stderr).toMatch(/^lathe metrics bleu: --smooth must be one of .*; got 'expp'\. Did you mean 'exp'\?\n/);
    // rouge1, rouge2 and rouge are as near: no guess
    const ambiguous = await inProcessLathe(dataDir, ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge3']);
    expect(ambiguous.stderr).toMatch(/unknown metric 'rouge3'; choose from /);
    expect(ambiguous.stderr).not.toMatch(/Did you mean/);
  });

  it('lathe dataset import and show --split, and --add SPLIT=, echo the value, list the splits and guess the one meant', async () => {
    const file = `${dataDir}/rows.jsonl`;
    fs.writeFileSync(file, '{"text":"a"}\n');
    const typo = await inProcessLathe(dataDir, ['dataset', 'import', file, '--name', 'x', '--split', 'tset']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/--split takes three fractions .* \(train, validation or test\); got 'tset'\. Did you mean 'test'\?\nUsage: /);
    const fractions = await inProcessLathe(dataDir, ['dataset', 'import', file, '--name', 'x', '--split', '0.8,0.2']);
    expect(fractions.stderr).toMatch(/got '0\.8,0\.2'\.\nUsage: /);
    const added = await inProcessLathe(dataDir, ['dataset', 'import', file, '--name', 'x', '--split', 'train', '--add', `valdation=${file}`]);
    expect(added.code).toBe(2);
    expect(added.stderr).toMatch(/--add takes SPLIT=FILE, the split being train, validation or test .*; got 'valdation=.*'\. Did you mean 'validation'\?\n/);
    // without --split too: the misspelled split is said first, naming the valid ones, and the missing --split beside it
    const both = await inProcessLathe(dataDir, ['dataset', 'import', file, '--name', 'x', '--add', `tset=${file}`]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^lathe dataset import: --add takes SPLIT=FILE, the split being train, validation or test .*; got 'tset=.*'\. Did you mean 'test'\?\nAnd with --add, say how FILE itself is split: --split train/);
    const shown = await inProcessLathe(dataDir, ['dataset', 'show', 'x', '--split', 'Tests']);
    expect(shown.code).toBe(2);
    expect(shown.stderr).toMatch(/--split must be train, validation, test or all; got 'Tests'\. Did you mean 'test'\?\nUsage: lathe dataset show/);
    // nothing near enough: the valid splits, no guess
    const far = await inProcessLathe(dataDir, ['dataset', 'show', 'x', '--split', 'holdout']);
    expect(far.stderr).toMatch(/--split must be train, validation, test or all; got 'holdout'\.\nUsage: /);
  });

  it('lathe runs list --kind refuses a kind that no run has', async () => {
    const r = await inProcessLathe(dataDir, ['runs', 'list', '--kind', 'bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--kind must be one of .*finetune.*evaluation.*; got 'bogus'/);
    expect((await inProcessLathe(dataDir, ['runs', 'list', '--kind', 'evaluation', '--json'])).code).toBe(0);
  });
});
