// `lathe metrics …` end to end through the CLI entry point: file formats, JSON output, and errors that name
// the file and line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../native/cli.ts';
import { corpusBleu } from '../../native/eval/bleu.ts';
import { rougeScoreMulti } from '../../native/eval/rouge.ts';

let dir: string;
const file = (name: string) => path.join(dir, name);

const PREDICTIONS = ['the cat sat on the mat', 'a dog barked at the mailman', 'it rained all day'];
const REFS_A = ['the cat is on the mat', 'the dog barked at a mailman', 'rain fell all day long'];
const REFS_B = ['a cat sat on a mat', 'a dog was barking', 'it was raining all day'];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-eval-cli-'));
  fs.writeFileSync(file('pred.txt'), PREDICTIONS.join('\n') + '\n');
  fs.writeFileSync(file('ref-a.txt'), REFS_A.join('\r\n') + '\r\n');
  fs.writeFileSync(file('ref-b.txt'), REFS_B.join('\n'));
  fs.writeFileSync(file('short.txt'), REFS_A.slice(0, 2).join('\n') + '\n');
  const rows = PREDICTIONS.map((prediction, i) => JSON.stringify({ prediction, references: [REFS_A[i], REFS_B[i]] }));
  fs.writeFileSync(file('examples.jsonl'), rows.join('\n') + '\n');
  fs.writeFileSync(file('broken.jsonl'), `${rows[0]}\n{"prediction": "x"}\n`);
  fs.writeFileSync(file('latin1.txt'), Buffer.concat([Buffer.from('fine\n'), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from('\nok\n')]));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('lathe metrics', () => {
  it('refuses a prediction file that is not UTF-8, naming its line', async () => {
    const { code, stderr } = await run(['metrics', 'bleu', '--pred', file('latin1.txt'), '--ref', file('ref-a.txt')]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file('latin1.txt')}:2: the text is not valid UTF-8`);
  });

  it('scores BLEU from parallel reference files (CRLF and missing final newline included)', async () => {
    const { code, stdout } = await run(['metrics', 'bleu', '--pred', file('pred.txt'), '--ref', file('ref-a.txt'), '--ref', file('ref-b.txt'), '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    const expected = corpusBleu(PREDICTIONS, PREDICTIONS.map((_, i) => [REFS_A[i], REFS_B[i]]));
    expect(result.score).toBeCloseTo(expected.score, 12);
    expect(result).toMatchObject({ metric: 'bleu', examples: 3, tokenize: '13a', smooth: 'exp' });
  });

  it('reads JSONL rows and gives the same ROUGE as the parallel files', async () => {
    const fromJsonl = JSON.parse((await run(['metrics', 'rouge', '--pred', file('examples.jsonl'), '--stem', '--json'])).stdout);
    const fromText = JSON.parse((await run(['metrics', 'rouge', '--pred', file('pred.txt'), '--ref', file('ref-a.txt'), '--ref', file('ref-b.txt'), '--stem', '--json'])).stdout);
    expect(fromJsonl.scores).toEqual(fromText.scores);
    const perExample = PREDICTIONS.map((p, i) => rougeScoreMulti([REFS_A[i], REFS_B[i]], p, { stem: true }));
    const meanF1 = perExample.reduce((s, x) => s + x.rouge1.fmeasure, 0) / 3;
    expect(fromJsonl.scores.rouge1.fmeasure).toBeCloseTo(meanF1, 12);
    expect(fromJsonl.scores.rouge1.fmeasureCI95.low).toBeLessThanOrEqual(fromJsonl.scores.rouge1.fmeasureCI95.high);
  });

  it('prints a table for people', async () => {
    const { code, stdout } = await run(['metrics', 'chrf', '--pred', file('pred.txt'), '--ref', file('ref-a.txt'), '--word-order', '2']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^CHRF2\+\+ \(0–100, sacrebleu scale\)\n *\d+\.\d\d/);
    const em = await run(['metrics', 'em-f1', '--pred', file('pred.txt'), '--ref', file('ref-a.txt')]);
    expect(em.stdout).toMatch(/EXACT_MATCH \(0–100, SQuAD script scale\)\s+F1/);
  });

  it('prints each metric on its reference package\'s scale and names it: ROUGE 0–1, BLEU 0–100', async () => {
    const rouge = await run(['metrics', 'rouge', '--pred', file('pred.txt'), '--ref', file('ref-a.txt')]);
    expect(rouge.stdout).toMatch(/^ROUGE \(0–1, rouge-score scale\)/);
    const f = Number(/rouge1\s+\S+\s+\S+\s+(\S+)/.exec(rouge.stdout)![1]);
    expect(f).toBeGreaterThan(0);
    expect(f).toBeLessThanOrEqual(1);
    const json = JSON.parse((await run(['metrics', 'rouge', '--pred', file('pred.txt'), '--ref', file('ref-a.txt'), '--json'])).stdout);
    expect(json.scale).toBe('0–1, rouge-score scale');
    const bleu = await run(['metrics', 'bleu', '--pred', file('pred.txt'), '--ref', file('ref-a.txt')]);
    expect(bleu.stdout).toMatch(/^BLEU \(0–100, sacrebleu scale\)/);
  });

  it('names the file and line on a line-count mismatch', async () => {
    const { code, stderr } = await run(['metrics', 'bleu', '--pred', file('pred.txt'), '--ref', file('short.txt')]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file('short.txt')}:3: line count mismatch: 2 reference lines but 3 predictions`);
    // one line in the singular ('1 reference lines' before)
    fs.writeFileSync(file('one.txt'), `${REFS_A[0]}\n`);
    expect((await run(['metrics', 'rouge', '--pred', file('pred.txt'), '--ref', file('one.txt')])).stderr).toContain(`${file('one.txt')}:2: line count mismatch: 1 reference line but 3 predictions`);
  });

  it('names the file and line of a bad JSONL row', async () => {
    const { code, stderr } = await run(['metrics', 'em-f1', '--pred', file('broken.jsonl')]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file('broken.jsonl')}:2: field "references" must be a string or a non-empty array of strings`);
  });

  it('refuses an empty prediction file, and a folder, naming the file, for every metric', async () => {
    fs.writeFileSync(file('empty.txt'), '');
    for (const metric of ['rouge', 'bleu', 'chrf', 'em-f1']) {
      const empty = await run(['metrics', metric, '--pred', file('empty.txt'), '--ref', file('empty.txt')]);
      expect([empty.code, empty.stderr], metric).toEqual([2, `lathe metrics ${metric}: ${file('empty.txt')}: the file is empty: nothing to score (one prediction per line)`]);
      expect(empty.stdout, metric).toBe('');
    }
    const folder = await run(['metrics', 'rouge', '--pred', dir, '--ref', file('ref-a.txt')]);
    expect([folder.code, folder.stderr]).toEqual([2, `lathe metrics rouge: ${dir}: is a folder; give the text file of one example per line (or a .jsonl file) in it`]);
  });

  it('refuses unknown options values and missing inputs', async () => {
    expect((await run(['metrics', 'bleu', '--pred', file('pred.txt'), '--ref', file('ref-a.txt'), '--tokenize', 'moses'])).stderr).toMatch(/--tokenize must be one of 13a, intl, none/);
    expect((await run(['metrics', 'rouge', '--ref', file('ref-a.txt')])).stderr).toMatch(/--pred FILE is required/);
    expect((await run(['metrics', 'rouge', '--pred', file('missing.txt'), '--ref', file('ref-a.txt')])).stderr).toContain(`${file('missing.txt')}: no such file; check the path`);
  });
});
