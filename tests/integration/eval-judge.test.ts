// LLM-as-judge in evaluation runs, on two tiny random Llamas (one generates, one judges): a pairwise run as a
// Studio job, a pointwise run beside it in Compare with each example's judge prompts and probabilities, a
// judge-only run over a labelled column through the real `lathe eval` (agreement = argmax equals the label),
// and the errors that name the field.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalSummary } from '../../native/api/eval.ts';
import { importDataset } from '../../native/data/import.ts';
import { readPredictions } from '../../native/eval/predictions.ts';
import { runEvaluation } from '../../native/eval/runner.ts';
import { Studio } from '../../native/studio/studio.ts';
import { writeWriterJudgeAndRows } from '../fixtures/models/judge-fixture.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const ROWS = [
  { dialogue: 'Tom: Lunch? Ann: Yes, at noon.', summary: 'Tom and Ann meet for lunch at noon.', candidate: 'They meet at noon.', score: 4 },
  { dialogue: 'Bob: I lost my keys. Sue: Check the car.', summary: 'Sue tells Bob to look in the car.', candidate: 'Bob is happy.', score: 1 },
  { dialogue: 'Kim: Is it raining? Lee: No, it is sunny.', summary: 'Lee says it is sunny.', candidate: 'It is sunny.', score: 5 },
  { dialogue: 'Max: The bus is late. Eva: Take a cab.', summary: 'Eva suggests a cab.', candidate: 'Eva wants a cab.', score: 3 },
];

let dataDir: string;
let studio: Studio;

beforeAll(async () => {
  dataDir = tempDir('eval-judge');
  const src = tempDir('eval-judge-src');
  const file = await writeWriterJudgeAndRows(dataDir, src, ROWS);
  studio = new Studio({ dataDir, mode: 'serve' });
  await importDataset({ path: file, name: 'rated', split: 'test', mapping: { input: 'dialogue', target: 'summary' } }, { store: studio.store, dataDir });
  fs.rmSync(src, { recursive: true, force: true });
});

afterAll(async () => {
  await studio?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const common = { model: 'writer', dataset: 'rated', split: 'test' as const, generation: { maxNewTokens: 6 }, threads: 1 };

describe('LLM-as-judge evaluation runs', () => {
  it('runs pairwise as a job and shows each example in Compare with its prompts and probabilities', async () => {
    const job = await studio.call('eval.start', { ...common, metrics: ['rougeL', 'judge'], judge: { model: 'judge', mode: 'pairwise', rubric: 'summary' }, name: 'pairwise' });
    await studio.queue.whenFinished(job.id);
    const pairwise = await studio.call('jobs.get', { id: job.id });
    expect(pairwise.state, pairwise.error ?? '').toBe('succeeded');

    const pointwise = await runEvaluation({ ...common, metrics: ['judge'], judge: { model: 'judge', rubricText: 'Rate how short the response is.' }, name: 'pointwise' }, { store: studio.store, dataDir });

    const summary: EvalSummary = await studio.call('eval.get', { id: pairwise.runId! });
    const judge = summary.metrics.find((m) => m.name === 'judge')!;
    expect(judge.value).toBeGreaterThan(0);
    expect(judge.value).toBeLessThan(1);
    expect(judge.ci95!.low).toBeLessThanOrEqual(judge.value);
    const config = summary.run.config as { judge: { model: { name: string }; mode: string; rubric: string; rubricText: string } };
    expect(config.judge).toMatchObject({ model: { name: 'judge' }, mode: 'pairwise', rubric: 'summary' });
    expect(config.judge.rubricText).toMatch(/judge of summaries/);

    const page = await studio.call('runs.examples', { runIds: [pairwise.runId!, pointwise.runId], metric: 'judge', sort: 'index' });
    expect(page.total).toBe(ROWS.length);
    let winSum = 0;
    for (const row of page.rows) {
      const [a, b] = row.outputs;
      expect(a!.judge!.mode).toBe('pairwise');
      const [first, second] = a!.judge!.verdicts;
      expect(first.responseAs).toBe('A');
      expect(second.responseAs).toBe('B');
      expect(first.prompt).toContain(`Response A:\n${a!.prediction}\n\nResponse B:\n${row.references[0]}`);
      expect(second.prompt).toContain(`Response A:\n${row.references[0]}\n\nResponse B:\n${a!.prediction}`);
      expect(first.probs[0] + first.probs[1]).toBe(1);
      expect(a!.score).toBeCloseTo((first.probs[0] + second.probs[1]) / 2, 12);
      winSum += a!.score!;
      expect(b!.judge!.mode).toBe('pointwise');
      expect(b!.judge!.verdicts[0].prompt.startsWith('Rate how short the response is.')).toBe(true);
      expect(b!.judge!.verdicts[0].labels).toEqual(['1', '2', '3', '4', '5']);
      expect(b!.score).toBeCloseTo((b!.judge!.expected! - 1) / 4, 12);
    }
    expect(judge.value).toBeCloseTo(winSum / ROWS.length, 12);
    // the run's other metrics are computed as usual beside the judge
    expect(summary.metrics.map((m) => m.name)).toEqual(['rougeL', 'judge']);
  }, 120_000);

  it('judges a labelled column through lathe eval and reports agreement with the labels', async () => {
    const r = await inProcessLathe(dataDir, ['eval', '--dataset', 'rated', '--metrics', 'judge', '--judge', 'judge', '--judge-responses', 'candidate', '--judge-labels', 'score', '--rubric', 'faithfulness', '--threads', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const outcome = r.json<{ runId: string; metrics: { name: string; value: number }[]; predictionsPath: string }>();
    const examples = readPredictions(outcome.predictionsPath);
    expect(examples.map((e) => e.prediction)).toEqual(ROWS.map((row) => row.candidate));
    expect(examples.every((e) => e.generatedTokens === 0)).toBe(true);
    expect(examples.every((e) => e.latencyMs === e.judge!.latencyMs && e.latencyMs > 0)).toBe(true); // nothing generated: the judge's time
    const agreed = examples.filter((e, i) => e.judge!.argmax === ROWS[i].score).length;
    expect(examples.map((e) => e.judge!.label)).toEqual(ROWS.map((row) => row.score));
    const byName = Object.fromEntries(outcome.metrics.map((m) => [m.name, m.value]));
    expect(byName.judge_agreement).toBeCloseTo(agreed / ROWS.length, 12);
    expect(byName.judge).toBeCloseTo(examples.reduce((s, e) => s + (e.judge!.expected! - 1) / 4, 0) / ROWS.length, 12);
    expect((await inProcessLathe(dataDir, ['eval', '--dataset', 'rated', '--metrics', 'judge', '--judge', 'judge', '--judge-responses', 'candidate', '--threads', '1'])).stdout).toMatch(/judge: pointwise \(expected 1–5 score − 1\) \/ 4/);
  }, 120_000);

  it('names the field when the judge options are wrong', async () => {
    const ctx = { store: studio.store, dataDir };
    const fails = (input: Parameters<typeof runEvaluation>[0]) => runEvaluation(input, ctx).then(() => null, (err: { message: string; details?: { field?: string } }) => err);
    expect(await fails({ ...common, metrics: ['judge'] })).toMatchObject({ details: { field: 'judge.model' }, message: expect.stringMatching(/needs a judge model/) });
    expect(await fails({ ...common, metrics: ['rougeL'], judge: { model: 'judge' } })).toMatchObject({ details: { field: 'metrics' } });
    expect(await fails({ ...common, metrics: ['judge'], judge: { model: 'nobody' } })).toMatchObject({ message: expect.stringMatching(/nobody/) });
    expect(await fails({ ...common, metrics: ['judge'], judge: { model: 'judge', responseColumn: 'candidate' } })).toMatchObject({ details: { field: 'model' }, message: expect.stringMatching(/must be the judge \(judge\), not writer/) });
    expect(await fails({ ...common, metrics: ['judge'], judge: { model: 'judge', labelColumn: 'nope' } })).toMatchObject({ details: { field: 'judge.labelColumn' } });
    expect(await fails({ ...common, metrics: ['judge'], judge: { model: 'judge', labelColumn: 'summary' } })).toMatchObject({ details: { field: 'judge' }, message: expect.stringMatching(/example test:0: label column 'summary' holds "Tom and Ann/) });
  }, 60_000);
});
