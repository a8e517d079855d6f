// runs.examples (Compare, example by example) joins and sorts on each file's outline (id, input, scores) and reads
// only its page's lines: every page equals the old one, read from the whole files (readPredictions, then the same
// joinExamples and sortJoined), for both joins, every sort, baselines named or not, a run lacking examples,
// duplicated inputs (and, joined by input, ids), missing scores, judge records and blank or CRLF lines. A later page
// reads its lines only. A run that repeats an id is refused when joining by id, naming the file and both lines; a run
// fed another input or scored against other references for an example shows its own under its output.
import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { EXAMPLE_SORTS, type EvalExample, type ExamplesQuery } from '../../native/api/eval.ts';
import { examplesPage, joinExamples, joinedExamplesForRuns, sortJoined } from '../../native/eval/compare.ts';
import { predictionsPath, readPredictions, savePredictions } from '../../native/eval/predictions.ts';
import type { Store } from '../../native/store/db.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-compare-page-');

/** `repeatIds`: every 37th example takes an earlier one's id, as only a join by input text lets pass. */
const example = (i: number, run: number, repeatIds = false): EvalExample => ({
  index: i, id: `test:${repeatIds && i % 37 === 5 ? 4 : i}`, input: i % 11 === 3 ? 'the same dialogue' : `dialogue ${i} ✓`, references: [`summary ${i}`],
  prediction: `run ${run} says ${i}`, scores: i % 13 === 7 && run === 1 ? { bleu: 0.5 } : { rougeL: ((i * (run + 3)) % 17) / 17, bleu: (i % 5) / 5 },
  promptTokens: 10, truncatedTokens: 0, generatedTokens: 5, latencyMs: 1,
  ...(i % 9 === 2 ? { judge: { mode: 'pointwise', verdicts: [], expected: i / 10, truncatedChars: 0 } } : {}),
} as EvalExample);

/** Three evaluations: the second lacks every 4th example, the third has 20 more; `sameData` makes them join by id. */
async function evaluations(store: Store, dir: string, sameData: boolean): Promise<string[]> {
  const ids: string[] = [];
  for (const [run, count, skip] of [[0, 120, 0], [1, 120, 4], [2, 140, 0]]) {
    const config = { metrics: ['rougeL', 'bleu'], split: 'test', ...(sameData ? { dataset: { name: 'd', contentHash: 'h', splitSeed: 42 } } : {}) };
    const r = store.runs.create({ kind: 'evaluation', name: `eval ${run}`, status: 'succeeded', config });
    const examples = Array.from({ length: count }, (_, i) => example(i, run, !sameData)).filter((_, i) => !skip || i % skip !== 1);
    await savePredictions(store, dir, r.id, examples);
    ids.push(r.id);
  }
  // blank and CRLF lines, as a hand-edited file has
  const file = predictionsPath(dir, ids[2]);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('\n').map((l, i) => (i % 10 === 3 ? `${l}\r\n\n  ` : l)).join('\n'));
  return ids;
}

/** The page as runs.examples answered it before: every file read whole, joined, sorted, sliced. */
function oldPage(store: Store, dir: string, q: ExamplesQuery & { offset: number; limit: number }, byId: boolean) {
  const all = joinedExamplesForRuns(store, dir, q); // for metric and the baseline/candidate it picked
  const perRun = q.runIds.map((id) => readPredictions(predictionsPath(dir, id)));
  const baseline = q.runIds.indexOf(all.baselineRunId);
  const candidate = all.candidateRunId === null ? null : q.runIds.indexOf(all.candidateRunId);
  const rows = sortJoined(joinExamples(perRun, all.metric, byId), q.sort ?? 'delta-desc', baseline, candidate);
  return { ...all, total: rows.length, rows: rows.slice(q.offset, q.offset + q.limit) };
}

describe('runs.examples pages from outlines', () => {
  it.each([true, false])('equal the pages read from whole files (join by id: %s)', async (sameData) => {
    const dir = tempDir();
    const store = open(dir);
    const runIds = await evaluations(store, dir, sameData);
    for (const sort of EXAMPLE_SORTS) {
      for (const choice of [{}, { baselineRunId: runIds[2], candidateRunId: runIds[1] }, { metric: 'bleu', baselineRunId: runIds[1] }]) {
        for (const [offset, limit] of [[0, 50], [37, 13], [130, 50], [500, 5], [0, 1000]]) {
          const q = { runIds, sort, ...choice, offset, limit };
          const page = examplesPage(store, dir, q);
          expect(page.joinedBy).toBe(sameData ? 'example-id' : 'input-text');
          expect(page).toEqual(oldPage(store, dir, q, sameData));
        }
      }
    }
  });

  it('reads only its own lines once the files are outlined', async () => {
    const dir = tempDir();
    const store = open(dir);
    const runIds = await evaluations(store, dir, true);
    const size = runIds.reduce((n, id) => n + fs.statSync(predictionsPath(dir, id)).size, 0);
    const bytesRead = (fn: () => void) => {
      const read = vi.spyOn(fs, 'readSync');
      try {
        fn();
        return read.mock.results.reduce((n, r) => n + Number(r.value ?? 0), 0); // bytes read, not asked for
      } finally {
        read.mockRestore();
      }
    };
    expect(bytesRead(() => examplesPage(store, dir, { runIds, offset: 0, limit: 5 }))).toBeGreaterThanOrEqual(size);
    const later = bytesRead(() => examplesPage(store, dir, { runIds, offset: 100, limit: 5 }));
    expect(later).toBeGreaterThan(0);
    expect(later).toBeLessThan(size / 10);
  });

  it('refuses a candidate that is the baseline (before: every delta 0)', async () => {
    const dir = tempDir();
    const store = open(dir);
    const runIds = await evaluations(store, dir, true);
    expect(() => examplesPage(store, dir, { runIds, baselineRunId: runIds[1], candidateRunId: runIds[1] })).toThrow(`candidateRunId ${runIds[1]} is also the baseline; name another of the compared runs (${runIds.join(', ')}), or leave it out`);
    expect(() => examplesPage(store, dir, { runIds, candidateRunId: runIds[0] })).toThrow(`candidateRunId ${runIds[0]} is also the baseline`);
    expect(examplesPage(store, dir, { runIds, baselineRunId: runIds[1] }).candidateRunId).toBe(runIds[0]);
  });

  it('names the file and line of a line that is not an example', async () => {
    const dir = tempDir();
    const store = open(dir);
    const runIds = await evaluations(store, dir, true);
    const file = predictionsPath(dir, runIds[0]);
    fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}{"id": 7}\nnot json\n`);
    expect(() => examplesPage(store, dir, { runIds })).toThrow(`${file}:121: not an evaluation example`);
  });
});

describe('runs joined by example id', () => {
  const plain = (i: number, over: Partial<EvalExample> = {}): EvalExample => ({
    index: i, id: `test:${i}`, input: `dialogue ${i}`, references: [`summary ${i}`], prediction: `answer ${i}`, scores: { rougeL: i / 10 },
    promptTokens: 10, truncatedTokens: 0, generatedTokens: 5, latencyMs: 1, ...over,
  });
  async function twoRuns(store: Store, dir: string, a: EvalExample[], b: EvalExample[], sameData = true): Promise<string[]> {
    const ids: string[] = [];
    for (const [n, examples] of [a, b].entries()) {
      const config = { metrics: ['rougeL'], split: 'test', ...(sameData ? { dataset: { name: 'd', contentHash: 'h', splitSeed: 42 } } : {}) };
      const r = store.runs.create({ kind: 'evaluation', name: `eval ${n}`, status: 'succeeded', config });
      await savePredictions(store, dir, r.id, examples);
      ids.push(r.id);
    }
    return ids;
  }

  it('refuses a run that repeats an id, naming the file and both lines (before: one row, one example’s input beside the other’s answer)', async () => {
    const dir = tempDir();
    const store = open(dir);
    const repeated = [...[0, 1, 2, 3, 4].map((i) => plain(i)), plain(5, { id: 'test:2', input: 'another dialogue' })];
    const runIds = await twoRuns(store, dir, repeated, [0, 1, 2, 3, 4].map((i) => plain(i)));
    const file = predictionsPath(dir, runIds[0]);
    const refusal = `${file}:6: example id 'test:2' is repeated (first at line 3); Compare pairs the runs' examples by id and cannot tell which of the two is meant. Lathe writes one line per example: remove the repeated line, or evaluate the run again`;
    expect(() => examplesPage(store, dir, { runIds })).toThrow(refusal);
    expect(() => joinedExamplesForRuns(store, dir, { runIds, sort: 'index' })).toThrow(refusal); // the CSV and JSON export
    expect(() => examplesPage(store, dir, { runIds: [runIds[0]] })).toThrow(refusal);
    expect(() => joinExamples([repeated], 'rougeL', true)).toThrow("the examples of run 1, example 6: example id 'test:2' is repeated (first at example 3)");
    // joined by input text, an id is only a label: both examples have their rows
    const byText = await twoRuns(store, dir, repeated, [0, 1, 2, 3, 4].map((i) => plain(i)), false);
    expect(examplesPage(store, dir, { runIds: byText, sort: 'index' }).rows.map((r) => r.input)).toEqual([0, 1, 2, 3, 4].map((i) => `dialogue ${i}`).concat('another dialogue'));
  });

  it('shows a run’s own input and references where they differ from the row’s, never the first run’s alone', async () => {
    const dir = tempDir();
    const store = open(dir);
    const a = [0, 1, 2].map((i) => plain(i));
    // the second run fed another column for test:1 and scored test:2 against other references
    const b = [plain(0), plain(1, { input: 'topic 1' }), plain(2, { references: ['topic ref 2', 'summary 2'] })];
    const runIds = await twoRuns(store, dir, a, b);
    const page = examplesPage(store, dir, { runIds, sort: 'index' });
    expect(page.rows.map((r) => [r.input, r.references])).toEqual([0, 1, 2].map((i) => [`dialogue ${i}`, [`summary ${i}`]]));
    const own = page.rows.map((r) => r.outputs.map((o) => ({ input: o?.input, references: o?.references })));
    expect(own).toEqual([
      [{}, {}],
      [{}, { input: 'topic 1' }],
      [{}, { references: ['topic ref 2', 'summary 2'] }],
    ].map((row) => row.map((o) => ({ input: undefined, references: undefined, ...o }))));
    expect(page.rows[0].outputs[1]).not.toHaveProperty('input'); // absent, not undefined, where they agree
    // the whole-file join (the export) says the same
    const all = joinExamples([a, b], 'rougeL', true);
    expect(all.map((r) => r.outputs.map((o) => [o?.input, o?.references]))).toEqual(own.map((r) => r.map((o) => [o.input, o.references])));
  });
});
