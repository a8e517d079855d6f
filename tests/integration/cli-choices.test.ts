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

  it('lathe runs list --kind refuses a kind that no run has', () => {
    const r = lathe(dataDir, ['runs', 'list', '--kind', 'bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--kind must be one of .*finetune.*evaluation.*; got 'bogus'/);
    expect(lathe(dataDir, ['runs', 'list', '--kind', 'evaluation', '--json']).code).toBe(0);
  });
});
