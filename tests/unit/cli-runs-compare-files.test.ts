// `lathe runs compare --csv FILE --json-file FILE`: as an export's --out, missing folders on the way are created,
// and said on stderr;
// a path that cannot be written as a file (a folder, a path through a file) is refused before the comparison, naming
// the flag (it failed after it with a bare "ENOTDIR: not a directory, stat '…'"), and so is one file named for both
// formats (the JSON silently replaced the CSV).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvalExample } from '../../native/api/eval.ts';
import { savePredictions } from '../../native/eval/predictions.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-compare-files-');

const example = (i: number, prediction: string): EvalExample => ({
  index: i, id: `test:${i}`, input: `dialogue ${i}`, references: [`summary ${i}`], prediction, scores: { rougeL: i / 4 },
  promptTokens: 10, truncatedTokens: 0, generatedTokens: 5, latencyMs: 1,
});

/** A data directory with two evaluation runs of three examples; their ids. */
async function twoRuns(): Promise<{ dataDir: string; runIds: string[] }> {
  const dataDir = tempDir();
  const store = open(dataDir);
  const runIds: string[] = [];
  for (const name of ['base', 'tuned']) {
    const run = store.runs.create({ kind: 'evaluation', name, status: 'succeeded', config: { metrics: ['rougeL'], template: { label: 'zero-shot' }, split: 'test' } });
    await savePredictions(store, dataDir, run.id, [0, 1, 2].map((i) => example(i, `${name} ${i}`)));
    runIds.push(run.id);
  }
  store.close();
  return { dataDir, runIds };
}

describe('runs compare output files', () => {
  it('writes the CSV and JSON, creating missing folders as an export does', async () => {
    const { dataDir, runIds } = await twoRuns();
    const root = tempDir();
    const csv = path.join(root, 'new', 'deeper', 'comparison.csv');
    const json = path.join(tempDir(), 'comparison.json');
    const { code, stderr, stdout } = await latheInProcess(['runs', 'compare', ...runIds, '--csv', csv, '--json-file', json], dataDir);
    // the folders it made are said, once, by the outermost: a mistyped folder does not pass unseen; the JSON's folder was there
    expect([code, stderr]).toEqual([0, `--csv: created the folder ${path.join(root, 'new')}`]);
    expect(stdout).toContain(`wrote ${csv}\n\nwrote ${json}`);
    expect(fs.readFileSync(csv, 'utf8').split('\r\n')[0]).toBe(`key,input,references,${runIds[0]}.prediction,${runIds[0]}.rougeL,${runIds[1]}.prediction,${runIds[1]}.rougeL,delta,spread`);
    expect(JSON.parse(fs.readFileSync(json, 'utf8')).examples.rows).toHaveLength(3);
  });

  it('refuses a folder, a path through a file, and one file for both, naming the flag and writing nothing', async () => {
    const { dataDir, runIds } = await twoRuns();
    const out = tempDir();
    const notes = path.join(out, 'notes.txt');
    fs.writeFileSync(notes, 'my notes\n');
    const refused = async (args: string[]) => {
      const { code, stderr } = await latheInProcess(['runs', 'compare', ...runIds, ...args], dataDir);
      expect(code).toBe(2);
      return stderr;
    };
    expect(await refused(['--csv', out])).toBe(`lathe runs compare: --csv ${out}: this is a folder; give the path of the file to write, e.g. ${path.join(out, 'comparison.csv')}`);
    expect(await refused(['--json-file', path.join(notes, 'sub', 'c.json')])).toBe(`lathe runs compare: --json-file ${path.join(notes, 'sub', 'c.json')}: ${notes} is a file, not a folder; choose a path in a folder (missing folders are created)`);
    const both = path.join(out, 'c.out');
    expect(await refused(['--csv', both, '--json-file', both])).toContain(`lathe runs compare: --csv and --json-file both name ${both}; the second would replace the first: give two files.`);
    expect(fs.readdirSync(out)).toEqual(['notes.txt']);
    expect(fs.readFileSync(notes, 'utf8')).toBe('my notes\n');
  });

  it('keeps an existing file unless --force, and then replaces it whole', async () => {
    // before: --csv my-data.csv replaced the user's file in silence
    const { dataDir, runIds } = await twoRuns();
    const out = tempDir();
    const csv = path.join(out, 'mine.csv');
    const json = path.join(out, 'mine.json');
    fs.writeFileSync(csv, 'my,data\n');
    fs.writeFileSync(json, '{"mine": true}\n');
    const kept = await latheInProcess(['runs', 'compare', ...runIds, '--csv', csv], dataDir);
    expect([kept.code, kept.stderr]).toEqual([2, `lathe runs compare: --csv ${csv}: this file exists and is not replaced; choose a new file, or give --force to replace it`]);
    const keptJson = await latheInProcess(['runs', 'compare', ...runIds, '--json-file', json], dataDir);
    expect(keptJson.stderr).toContain(`--json-file ${json}: this file exists and is not replaced`);
    expect(fs.readFileSync(csv, 'utf8')).toBe('my,data\n');
    expect(fs.readFileSync(json, 'utf8')).toBe('{"mine": true}\n');
    const forced = await latheInProcess(['runs', 'compare', ...runIds, '--csv', csv, '--json-file', json, '--force'], dataDir);
    expect([forced.code, forced.stderr]).toEqual([0, '']);
    expect(fs.readFileSync(csv, 'utf8')).toMatch(/^key,input,references,/);
    expect(JSON.parse(fs.readFileSync(json, 'utf8')).examples.rows).toHaveLength(3);
    // written through a temporary file renamed into place: nothing else is left beside them
    expect(fs.readdirSync(out).sort()).toEqual(['mine.csv', 'mine.json']);
    const alone = await latheInProcess(['runs', 'compare', ...runIds, '--force'], dataDir);
    expect([alone.code, alone.stderr]).toEqual([2, expect.stringContaining('--force replaces the files --csv and --json-file name; give one of them.')]);
  });
});
