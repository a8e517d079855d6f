// Flags that take a value from a fixed set answer a typo with the valid choices, before any work starts.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { lathe, tempDir } from './helpers/lathe.ts';

const dataDir = tempDir('cli-choices');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('choice flags', () => {
  it('lathe eval --metrics names the unknown metric and lists the valid ones', () => {
    const r = lathe(dataDir, ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge,nonsense']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--metrics: unknown metric 'nonsense'; choose from .*rougeL.*bleu/);
    expect(r.stderr).not.toMatch(/metrics\.0/);
  });

  it('a refused value clearly meant as a valid one is named: did you mean', () => {
    const rogue = lathe(dataDir, ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rogue']);
    expect(rogue.code).toBe(2);
    expect(rogue.stderr).toMatch(/--metrics: unknown metric 'rogue'; choose from .*\. Did you mean 'rouge'\?\n/);
    const two = lathe(dataDir, ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge-l,bleau']);
    expect(two.stderr).toMatch(/Did you mean 'rougeL' for 'rouge-l', 'bleu' for 'bleau'\?\n/);
    const task = lathe(dataDir, ['project', 'create', '--name', 'p', '--task', 'summarisation']);
    expect(task.code).toBe(2);
    expect(task.stderr).toMatch(/--task must be one of .*; got 'summarisation'\. Did you mean 'summarization'\?\n/);
    const metric = lathe(dataDir, ['project', 'create', '--name', 'p', '--task', 'summarization', '--metric', 'rouge-l']);
    expect(metric.stderr).toMatch(/--metric must be one of .*; got 'rouge-l'\. Did you mean 'rougeL'\?\n/);
    // a schema's fixed set (zod), as --method is checked
    const method = lathe(dataDir, ['train', '--model', 'm', '--dataset', 'd', '--method', 'lorra']);
    expect(method.stderr).toMatch(/--method must be one of lora, full; got 'lorra' \(did you mean 'lora'\?\)\n/);
    // rouge1, rouge2 and rouge are as near: no guess
    const ambiguous = lathe(dataDir, ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge3']);
    expect(ambiguous.stderr).toMatch(/unknown metric 'rouge3'; choose from /);
    expect(ambiguous.stderr).not.toMatch(/Did you mean/);
  });

  it('lathe runs list --kind refuses a kind that no run has', () => {
    const r = lathe(dataDir, ['runs', 'list', '--kind', 'bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--kind must be one of .*finetune.*evaluation.*; got 'bogus'/);
    expect(lathe(dataDir, ['runs', 'list', '--kind', 'evaluation', '--json']).code).toBe(0);
  });
});
