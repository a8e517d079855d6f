// `lathe eval --metrics judge`: the judge flags are checked before anything loads, and each error names its flag.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../native/cli.ts';
import { parseJudgeFlags } from '../../native/cli/eval.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-judge-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const code = await main(['--data-dir', dir, ...args]);
  vi.restoreAllMocks();
  return { code, stderr: err.join('\n') };
}

const base = ['eval', '--model', 'm', '--dataset', 'd'];

describe('lathe eval judge flags', () => {
  it.each([
    [['--metrics', 'judge'], /--metrics judge needs a judge model: --judge MODEL/],
    [['--metrics', 'rougeL', '--judge', 'j'], /--judge needs the judge metric: add it with --metrics …,judge/],
    [['--metrics', 'rougeL', '--rubric', 'summary'], /--rubric needs the judge metric/],
    [['--metrics', 'judge', '--judge', 'j', '--judge-mode', 'both'], /--judge-mode must be pointwise or pairwise; got 'both'/],
    [['--metrics', 'judge', '--judge', 'j', '--rubric', 'kindness'], /--rubric must be one of helpfulness, faithfulness, summary; got 'kindness' \(for your own rubric text use --rubric-file FILE\)/],
    [['--metrics', 'judge', '--judge', 'j', '--rubric-file', path.join(dir, 'absent.txt')], /--rubric-file .*absent\.txt: no such file; check the path/],
    [['--metrics', 'judge', '--judge', 'j', '--rubric-file', dir], /--rubric-file .*: is a folder; give a file$/],
    [['--metrics', 'rougeL', '--prompt', dir], /--prompt .*: is a folder; give a file$/],
    [['--metrics', 'judge', '--judge', 'j', '--judge-mode', 'pairwise', '--judge-labels', 'score'], /--judge-labels holds 1–5 scores for pointwise judging/],
  ])('%j is refused, naming the flag', async (flags, message) => {
    const r = await run([...base, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('reads a rubric file, and refuses an empty one or two rubrics at once', () => {
    const file = path.join(dir, 'rubric.txt');
    fs.writeFileSync(file, '  Prefer answers that cite a source.\n');
    expect(parseJudgeFlags({ judge: 'j', 'rubric-file': file }, ['judge'])).toEqual({
      model: 'j', mode: 'pointwise', rubric: undefined, rubricText: 'Prefer answers that cite a source.', responseColumn: undefined, labelColumn: undefined,
    });
    fs.writeFileSync(path.join(dir, 'empty.txt'), '\n');
    expect(() => parseJudgeFlags({ judge: 'j', 'rubric-file': path.join(dir, 'empty.txt') }, ['judge'])).toThrow(/--rubric-file .*empty\.txt: the file is empty/);
    expect(() => parseJudgeFlags({ judge: 'j', rubric: 'summary', 'rubric-file': file }, ['judge'])).toThrow(/--rubric and --rubric-file both name the rubric/);
    expect(parseJudgeFlags({}, ['rougeL'])).toBeUndefined();
  });
});
