// What a second new-user walk through the CLI found: `dataset import` printed 'imported 500 rows from … as dataset
// ds_…' before its progress reached 100 % and then said it again; `dataset list` showed ROWS 61486 where `dataset
// show` says 61,486, and `reward score` '3031 validation examples'; empty `runs list`, `dataset list` and `jobs list`
// said '(none)' where `model list` says what to do; `pretrain --corpus nope.txt` said '(ENOENT)'.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { exampleCounts } from '../../native/cli/eval.ts';
import { errorMessage } from '../../native/cli/file-errors.ts';
import { classifierAccuracyText, pairwiseAccuracyText } from '../../native/cli/reward.ts';
import { lastMetricsText } from '../../native/cli/runs.ts';
import { fileProblem } from '../../native/models/atomic.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { scratchDataDir } from '../fixtures/scratch-data-dir.ts';

const scratch = scratchDataDir('walk-lists');

/** A JSONL file of `n` rows (text, label), and `bad` lines that are not JSON after them. */
function jsonl(name: string, n: number, bad = 0): string {
  const file = path.join(scratch.dir, name);
  const rows = Array.from({ length: n }, (_, i) => JSON.stringify({ text: `row ${i}`, label: i % 2 }));
  fs.writeFileSync(file, [...rows, ...Array.from({ length: bad }, () => '{not json')].join('\n') + '\n');
  return file;
}

/** `lathe ARGS` in this process, with stderr as a pipe: console.error's lines and process.stderr's writes, in order. */
async function withPipedStderr(args: string[]): Promise<{ code: number; stderr: string[]; stdout: string }> {
  const stderr: string[] = [];
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.map(String).join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.map(String).join(' ')));
  try {
    const { main } = await import('../../native/cli.ts');
    return { code: await main(['--data-dir', scratch.data, ...args]), stderr, stdout: out.join('\n') };
  } finally {
    write.mockRestore();
    vi.restoreAllMocks();
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
}

describe('dataset import on stderr', () => {
  it('ends at the 100 % line, once: no earlier "imported … as dataset" line', async () => {
    const r = await withPipedStderr(['dataset', 'import', jsonl('rows.jsonl', 5), '--name', 'rows']);
    expect(r.code, r.stderr.join('\n')).toBe(0);
    expect(r.stderr.at(-1)).toBe('importing: 100% — imported 5 rows');
    expect(r.stderr.filter((l) => /imported 5 rows/.test(l))).toEqual(['importing: 100% — imported 5 rows']);
    expect(r.stdout).toMatch(/^Imported dataset ds_/);
  });

  it('still warns of skipped rows, after the 100 %', async () => {
    const r = await withPipedStderr(['dataset', 'import', jsonl('bad.jsonl', 4, 1), '--name', 'bad', '--skip-invalid']);
    expect(r.code, r.stderr.join('\n')).toBe(0);
    const done = r.stderr.indexOf('importing: 100% — imported 4 rows');
    expect(done).toBeGreaterThanOrEqual(0);
    expect(r.stderr.slice(done + 1).join('\n')).toMatch(/^warning: skipped 1 invalid row \(see .*skipped\.jsonl\)$/);
  });
});

describe('counts people read have thousands separators', () => {
  it('dataset list: ROWS 1,200, as dataset show says it', async () => {
    expect((await latheInProcess(['dataset', 'import', jsonl('big.jsonl', 1200), '--name', 'big'], scratch.data)).code).toBe(0);
    const list = await latheInProcess(['dataset', 'list'], scratch.data);
    expect(list.stdout.split('\n')[1]).toMatch(/\sbig\s+1,200\s/);
    expect((await latheInProcess(['dataset', 'show', 'big', '--rows', '0'], scratch.data)).stdout).toMatch(/^rows: +1,200 /m);
    // --json keeps the number
    expect(JSON.parse((await latheInProcess(['dataset', 'list', '--json'], scratch.data)).stdout)[0].rowCount).toBe(1200);
  });

  it('reward score, eval and runs show', () => {
    expect(classifierAccuracyText({ examples: 3031, accuracy: 0.91, majorityClass: 'positive', majorityShare: 0.5 }, 'validation'))
      .toBe("3,031 validation examples: accuracy 0.91; majority class 'positive' 0.5");
    expect(classifierAccuracyText({ examples: 1, accuracy: 1, majorityClass: 'a', majorityShare: 1 }, 'test')).toMatch(/^1 test example: /);
    expect(pairwiseAccuracyText({ pairs: 1200, accuracy: 0.6, meanMargin: 0.25, skipped: 1500 }, 'validation'))
      .toBe('1,200 validation pairs: pairwise accuracy 0.6 (chance 0.5); mean margin 0.25; 1,500 rows made no pair and were left out');
    expect(exampleCounts({ examples: 3031, plannedExamples: 5000, requestedExamples: 6000, shotsUsedMean: null }))
      .toBe('3,031 of 5,000 examples (limit 6,000 asked for more rows than the split had)');
    expect(lastMetricsText([{ name: 'loss', step: 12000, value: 1.5 }], false)).toMatch(/loss\s+1\.5\s+12,000$/m);
  });
});

describe('an empty list says what to do next', () => {
  it('runs list, dataset list, jobs list and project list', async () => {
    const said = async (args: string[]) => {
      const r = await latheInProcess(args, scratch.data);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('(none)');
      return r.stdout;
    };
    expect(await said(['runs', 'list'])).toMatch(/^no runs yet: fine-tune a model with 'lathe train --model M --dataset D', or score one with 'lathe eval /);
    expect(await said(['dataset', 'list'])).toBe("no datasets yet: import one with 'lathe dataset import FILE --name N' (JSONL, JSON, CSV or TSV)");
    expect(await said(['jobs', 'list'])).toMatch(/^no jobs yet: jobs are the work the studio runs in the background .*'lathe runs list'$/);
    expect(await said(['project', 'list'])).toMatch(/^no projects yet: create one with 'lathe project create --name N --task T'/);
    // --json stays an empty list
    expect(JSON.parse((await latheInProcess(['runs', 'list', '--json'], scratch.data)).stdout)).toEqual([]);
  });

  it('with a filter, says none matched it and how to see them all', async () => {
    expect((await latheInProcess(['runs', 'list', '--kind', 'finetune'], scratch.data)).stdout).toBe("no runs match --kind finetune: run 'lathe runs list' without it to see every run");
    expect((await latheInProcess(['project', 'create', '--name', 'p', '--task', 'classification'], scratch.data)).code).toBe(0);
    expect((await latheInProcess(['dataset', 'list', '--project', 'p'], scratch.data)).stdout).toMatch(/^project p has no datasets yet: import one into it with 'lathe dataset import FILE --name N --project p'/);
  });
});

describe('file errors in words, not errno', () => {
  it('pretrain --corpus: no such file, is a folder', async () => {
    const missing = await latheInProcess(['pretrain', '--corpus', path.join(scratch.dir, 'nope.txt')], scratch.data);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`corpus file ${path.join(scratch.dir, 'nope.txt')}: no such file; check the path`);
    expect(missing.stderr).not.toMatch(/ENOENT/);
    const folder = await latheInProcess(['pretrain', '--corpus', scratch.dir], scratch.data);
    expect(folder.stderr).toContain(`corpus ${scratch.dir} is a folder; give a plain-text file`);
  });

  it('fileProblem says each errno in words, with what to do', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: something, open 'f'`), { code });
    expect(fileProblem('f', err('ENOENT'))).toBe('no such file; check the path');
    expect(fileProblem('f', err('EISDIR'), { want: 'a text file' })).toBe('is a folder; give a text file');
    expect(fileProblem('f', err('EACCES'))).toMatch(/^permission denied: this user may not read it; /);
    expect(fileProblem('f', err('EACCES'), { writing: true })).toMatch(/^permission denied: this user may not write there; /);
    const inWay = path.join(scratch.dir, 'a-file');
    fs.writeFileSync(inWay, '');
    expect(fileProblem(path.join(inWay, 'x.txt'), err('ENOTDIR'))).toBe(`no such file: ${inWay} is a file, not a folder; check the path`);
  });

  it("a file error no command worded is said as the file and its problem, not node's 'ENOENT: no such file or directory'", () => {
    let raw: Error | undefined;
    try {
      fs.readFileSync(path.join(scratch.dir, 'absent.json'));
    } catch (e) {
      raw = e as Error;
    }
    expect(errorMessage(raw!)).toBe(`${path.join(scratch.dir, 'absent.json')}: no such file; check the path`);
    expect(errorMessage(new Error('dataset too small'))).toBe('dataset too small');
  });
});
