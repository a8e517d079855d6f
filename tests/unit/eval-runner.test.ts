// The evaluation runner's pure parts: joining and sorting examples across runs, the metrics table, the
// scorecard's pass/fail, metric expansion, prompt fitting, perplexity windows, corpus bootstrap, CSV quoting,
// and which dataset columns become references.
import { describe, expect, it } from 'vitest';
import type { EvalExample } from '../../native/api/eval.ts';
import type { Dataset, Project, Run, RunMetric } from '../../native/api/schemas.ts';
import { compareMetrics, joinExamples, sortJoined } from '../../native/eval/compare.ts';
import { csvCell, examplesToCsv, metricsToCsv } from '../../native/eval/compare-export.ts';
import { defaultTemplate, inputColumnOf, loadShotPool, referenceColumnsOf, shotColumnsView } from '../../native/eval/runner-data.ts';
import { twoSidedZ, wilsonInterval } from '../../native/api/wilson.ts';
import { fitPrompt } from '../../native/text/fit-prompt.ts';
import { tokenWindows } from '../../native/eval/runner-perplexity.ts';
import { scorecardOf } from '../../native/eval/scorecard.ts';
import { summarizeRun } from '../../native/eval/summary.ts';
import { aggregateGeneration, aggregatePerplexity, bootstrapStatistic, expandMetrics, scoreExample } from '../../native/eval/scoring.ts';

function example(id: string, input: string, prediction: string, rougeL: number): EvalExample {
  return { index: 0, id, input, references: [`ref of ${input}`], prediction, scores: { rougeL }, promptTokens: 1, truncatedTokens: 0, generatedTokens: 1, latencyMs: 1 };
}

function run(id: string, over: Partial<Run> = {}): Run {
  return { id, projectId: 'prj', kind: 'evaluation', name: id, status: 'succeeded', config: { metrics: ['rougeL'], template: { label: 'zero-shot' } }, parentRunId: null, createdAt: '', startedAt: null, finishedAt: null, tags: [], note: '', ...over };
}

function metric(runId: string, name: string, value: number): RunMetric {
  return { runId, step: 1, name, value, time: '' };
}

describe('joining examples across runs', () => {
  const a = [example('test:0', 'x', 'a0', 0.5), example('test:1', 'y', 'a1', 0.2), example('test:2', 'z', 'a2', 0.9)];
  const b = [example('test:1', 'y', 'b1', 0.6), example('test:0', 'x', 'b0', 0.1), example('test:3', 'w', 'b3', 0.3)];

  it('matches the same example id and sorts by candidate − baseline', () => {
    const rows = sortJoined(joinExamples([a, b], 'rougeL', true), 'delta-desc', 0, 1);
    expect(rows.map((r) => r.key)).toEqual(['test:1', 'test:0', 'test:2', 'test:3']);
    expect(rows[0].delta).toBeCloseTo(0.4);
    expect(rows[0].outputs.map((o) => o?.prediction)).toEqual(['a1', 'b1']);
    expect(rows[1].delta).toBeCloseTo(-0.4);
    // present in one run only: no delta, sorted last, the other side null
    expect(rows[2].delta).toBeNull();
    expect(rows[2].outputs[1]).toBeNull();
    expect(rows[3].outputs[0]).toBeNull();
  });

  it('sorts ascending, by absolute change, by spread, or keeps the order', () => {
    const joined = () => joinExamples([a, b], 'rougeL', true);
    expect(sortJoined(joined(), 'delta-asc', 0, 1).map((r) => r.key).slice(0, 2)).toEqual(['test:0', 'test:1']);
    const abs = sortJoined(joined(), 'abs-delta', 0, 1);
    expect(abs.slice(0, 2).map((r) => Math.abs(r.delta!))).toEqual([expect.closeTo(0.4), expect.closeTo(0.4)]);
    expect(sortJoined(joined(), 'spread', 0, 1)[0].spread).toBeCloseTo(0.4);
    expect(sortJoined(joined(), 'index', 0, 1).map((r) => r.key)).toEqual(['test:0', 'test:1', 'test:2', 'test:3']);
    // the baseline can be the second run: the sign flips
    expect(sortJoined(joined(), 'delta-desc', 1, 0)[0].key).toBe('test:0');
  });

  it('falls back to matching by input text, keeping duplicates apart', () => {
    const c = [example('all:7', 'x', 'c0', 0.3), example('all:8', 'x', 'c1', 0.4)];
    const d = [example('test:0', 'x', 'd0', 0.1), example('test:5', 'x', 'd1', 0.9)];
    const rows = joinExamples([c, d], 'rougeL', false);
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.outputs.map((o) => o?.prediction))).toEqual([['c0', 'd0'], ['c1', 'd1']]);
  });

  it('exports CSV with quoting and one column pair per run', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    const rows = sortJoined(joinExamples([a, b], 'rougeL', true), 'index', 0, 1);
    const csv = examplesToCsv({ runIds: ['A', 'B'], metric: 'rougeL', joinedBy: 'example-id', baselineRunId: 'A', candidateRunId: 'B', rows });
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('key,input,references,A.prediction,A.rougeL,B.prediction,B.rougeL,delta,spread');
    expect(lines[1]).toBe('test:0,x,ref of x,a0,0.5,b0,0.1,-0.4,0.4');
    expect(lines[4]).toBe('test:3,w,ref of w,,,b3,0.3,,');
  });

  it('exports each run’s own input and references when a run was fed or scored on others for an example', () => {
    const other = [{ ...b[0], input: 'topic y' }, { ...b[1], references: ['ref of x', 'another'] }, b[2]];
    const rows = sortJoined(joinExamples([a, other], 'rougeL', true), 'index', 0, 1);
    const lines = examplesToCsv({ runIds: ['A', 'B'], metric: 'rougeL', joinedBy: 'example-id', baselineRunId: 'A', candidateRunId: 'B', rows }).trim().split('\r\n');
    expect(lines[0]).toBe('key,input,references,A.prediction,A.rougeL,A.input,A.references,B.prediction,B.rougeL,B.input,B.references,delta,spread');
    expect(lines[1]).toBe('test:0,x,ref of x,a0,0.5,x,ref of x,b0,0.1,x,"ref of x\nanother",-0.4,0.4');
    expect(lines[2]).toBe('test:1,y,ref of y,a1,0.2,y,ref of y,b1,0.6,topic y,ref of y,0.39999999999999997,0.39999999999999997');
    expect(lines[4]).toBe('test:3,w,ref of w,,,,,b3,0.3,w,ref of w,,');
  });
});

describe('metrics table', () => {
  it('lists each metric with intervals and marks the best run (lower is better for perplexity)', () => {
    const c = compareMetrics([
      { run: run('A', { config: { metrics: ['rougeL', 'perplexity'] } }), metrics: [metric('A', 'rougeL', 0.3), metric('A', 'rougeL.ci95_low', 0.2), metric('A', 'rougeL.ci95_high', 0.4), metric('A', 'perplexity', 9), metric('A', 'examples', 8)] },
      { run: run('B', { config: { metrics: ['rougeL', 'perplexity'] } }), metrics: [metric('B', 'rougeL', 0.35), metric('B', 'perplexity', 12)] },
    ]);
    expect(c.metrics.map((m) => m.name)).toEqual(['rougeL', 'perplexity']);
    expect(c.metrics[0].values[0]).toEqual({ value: 0.3, ci95: { low: 0.2, high: 0.4 }, ci95Kind: 'bootstrap' });
    expect(c.metrics[0].values[1]).toEqual({ value: 0.35, ci95: null });
    expect(c.metrics[0].bestRunId).toBe('B');
    expect(c.metrics[1].bestRunId).toBe('A');
    expect(c.runs[0].examples).toBe(8);
  });

  it('marks no best run on an exact tie for the top value', () => {
    const c = compareMetrics([
      { run: run('A'), metrics: [metric('A', 'rougeL', 0.3)] },
      { run: run('B'), metrics: [metric('B', 'rougeL', 0.3)] },
      { run: run('C'), metrics: [metric('C', 'rougeL', 0.1)] },
    ]);
    expect(c.metrics[0].bestRunId).toBeNull();
  });

  it('ranks training runs by their last loss, lower first, and marks no best learning rate or gradient norm', () => {
    const training = (id: string, steps: [number, number][]) => ({
      run: run(id, { kind: 'finetune', config: {} }),
      metrics: steps.flatMap(([loss, lr], i) => [{ ...metric(id, 'loss', loss), step: i + 1 }, { ...metric(id, 'lr', lr), step: i + 1 }, { ...metric(id, 'grad_norm', lr * 10), step: i + 1 }]),
    });
    const c = compareMetrics([training('A', [[4, 1e-3], [2.5, 5e-4]]), training('B', [[4, 2e-3], [3.1, 1e-3]])]);
    const byName = Object.fromEntries(c.metrics.map((m) => [m.name, m]));
    expect(byName.loss).toMatchObject({ higherIsBetter: false, bestRunId: 'A', values: [{ value: 2.5 }, { value: 3.1 }] });
    expect(byName.lr.bestRunId).toBeNull();
    expect(byName.grad_norm.bestRunId).toBeNull();
    const csv = metricsToCsv(c).split('\r\n');
    // the top run and the verdict on it, as Compare says it: training runs have no interval, so 'lowest', never 'best'
    expect(csv[0]).toBe('metric,better,A,B,top,verdict');
    expect(csv).toContain('loss,lower,2.5,3.1,A,lowest');
    expect(csv).toContain('lr,,0.0005,0.001,,');
  });

  it('leaves the limit a run asked for out of the metrics (before: a row "requested_examples 10.00", ranked best)', () => {
    const c = compareMetrics([
      { run: run('A'), metrics: [metric('A', 'rougeL', 0.3), metric('A', 'examples', 3), metric('A', 'planned_examples', 3), metric('A', 'requested_examples', 10)] },
      { run: run('B'), metrics: [metric('B', 'rougeL', 0.2), metric('B', 'examples', 3), metric('B', 'requested_examples', 20)] },
    ]);
    expect(c.metrics.map((m) => m.name)).toEqual(['rougeL']);
    expect(c.runs.map((r) => r.examples)).toEqual([3, 3]);
  });

  it('says in the summary when the limit asked for more rows than the split had', () => {
    const metrics = [metric('A', 'rougeL', 0.3), metric('A', 'examples', 50), metric('A', 'planned_examples', 50), metric('A', 'requested_examples', 100)];
    expect(summarizeRun(run('A'), metrics, null)).toMatchObject({ examples: 50, plannedExamples: 50, requestedExamples: 100 });
    expect(summarizeRun(run('A'), metrics.slice(0, 3), null).requestedExamples).toBeNull();
  });
});

describe('scorecard', () => {
  const project = (over: Partial<Project> = {}): Project => ({ id: 'prj', name: 'P', task: 'summarization', description: '', metric: 'rougeL', target: 0.3, constraints: { device: 'any', memoryBudgetMb: null, maxLatencyMs: null }, createdAt: '', updatedAt: '', ...over });
  // train rows by dataset id: one split 80/10/10, one test set imported whole
  const trainRows = (id: string) => ({ ds_split: 80, ds_test_only: 0 } as Record<string, number | undefined>)[id];
  const scored = (id: string, value: number, low: number, high: number, over: Partial<Run> = {}) => ({ run: run(id, over), metrics: [metric(id, 'rougeL', value), metric(id, 'rougeL.ci95_low', low), metric(id, 'rougeL.ci95_high', high)] });

  it('passes on the best finished run, with a signed margin and the interval check', () => {
    const card = scorecardOf(project(), [scored('A', 0.25, 0.2, 0.3), scored('B', 0.34, 0.28, 0.4), scored('C', 0.9, 0.8, 1, { status: 'cancelled' })], trainRows);
    expect(card.status).toBe('pass');
    expect(card.best?.runId).toBe('B');
    expect(card.margin).toBeCloseTo(0.04);
    expect(card.passesWithConfidence).toBe(false);
    expect(card.runsConsidered).toBe(2);
  });

  it('fails below the target, and inverts for lower-is-better metrics', () => {
    expect(scorecardOf(project({ target: 0.5 }), [scored('A', 0.4, 0.3, 0.45)], trainRows)).toMatchObject({ status: 'fail', margin: expect.closeTo(-0.1) });
    const ppl = (id: string, v: number) => ({ run: run(id, { config: { metrics: ['perplexity'] } }), metrics: [metric(id, 'perplexity', v), metric(id, 'perplexity.ci95_low', v - 1), metric(id, 'perplexity.ci95_high', v + 1)] });
    const card = scorecardOf(project({ metric: 'perplexity', target: 12 }), [ppl('A', 15), ppl('B', 10)], trainRows);
    expect(card).toMatchObject({ status: 'pass', higherIsBetter: false, margin: 2, passesWithConfidence: true, best: { runId: 'B' } });
  });

  it('counts only held-out evaluations: one on the train split, or all rows of a dataset with train rows, is left out', () => {
    const on = (split: string, dataset = 'ds_split') => ({ config: { metrics: ['rougeL'], template: { label: 'zero-shot' }, split, dataset: { id: dataset, name: dataset } } });
    const card = scorecardOf(project(), [scored('T', 0.9, 0.85, 0.95, on('train')), scored('A', 0.6, 0.5, 0.7, on('all')), scored('V', 0.32, 0.3, 0.34, on('validation')), scored('E', 0.31, 0.29, 0.33, on('test'))], trainRows);
    expect(card).toMatchObject({ status: 'pass', best: { runId: 'V' }, runsConsidered: 2, runsNotHeldOut: 2 });
    expect(scorecardOf(project(), [scored('T', 0.9, 0.85, 0.95, on('train'))], trainRows)).toMatchObject({ status: 'no-runs', best: null, runsConsidered: 0, runsNotHeldOut: 1 });
    // all the rows of a test set imported whole are held out; a run that recorded no split, or whose dataset is gone, counts
    expect(scorecardOf(project(), [scored('W', 0.5, 0.4, 0.6, on('all', 'ds_test_only'))], trainRows)).toMatchObject({ best: { runId: 'W' }, runsNotHeldOut: 0 });
    expect(scorecardOf(project(), [scored('G', 0.5, 0.4, 0.6, on('all', 'ds_deleted'))], trainRows)).toMatchObject({ best: { runId: 'G' }, runsNotHeldOut: 0 });
    expect(scorecardOf(project(), [scored('X', 0.4, 0.3, 0.5)], trainRows)).toMatchObject({ best: { runId: 'X' }, runsNotHeldOut: 0 });
  });

  it('says what is missing: metric, target or runs', () => {
    expect(scorecardOf(project({ metric: null }), [], trainRows).status).toBe('no-metric');
    expect(scorecardOf(project(), [], trainRows).status).toBe('no-runs');
    expect(scorecardOf(project({ target: null }), [scored('A', 0.2, 0.1, 0.3)], trainRows)).toMatchObject({ status: 'no-target', best: { runId: 'A' } });
  });
});

describe('scoring', () => {
  it('expands groups and refuses unknown names and perplexity mixed with generation', () => {
    expect(expandMetrics(['rouge', 'bleu', 'rougeL'])).toEqual(['rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'bleu']);
    expect(expandMetrics(['em_f1'])).toEqual(['exact_match', 'f1']);
    expect(() => expandMetrics(['rogue'])).toThrow(/unknown metric 'rogue'/);
    expect(() => expandMetrics(['perplexity', 'bleu'])).toThrow(/cannot share a run/);
  });

  it('scores an example against its best reference, on the [0, 1] scale', () => {
    const s = scoreExample(['rougeL', 'bleu', 'chrf', 'exact_match', 'f1', 'accuracy'], 'the cat sat', ['a dog ran', 'the cat sat']);
    expect(s.rougeL).toBe(1);
    expect(s.exact_match).toBe(1);
    expect(s.accuracy).toBe(1);
    expect(s.chrf).toBeCloseTo(1);
    expect(s.bleu).toBeCloseTo(1);
    expect(scoreExample(['bleu'], 'the cat', ['the cat sat on the mat']).bleu).toBeLessThan(0.5);
  });

  it('aggregates corpus BLEU from summed statistics, with an interval around it', () => {
    const examples = ['the cat sat on the mat', 'a dog ran in the park', 'birds fly south'].map((r, i) => ({ prediction: i === 2 ? 'fish swim' : r, references: [r], scores: {} }));
    const [bleu] = aggregateGeneration(['bleu'], examples, { samples: 200 });
    expect(bleu.name).toBe('bleu');
    expect(bleu.value).toBeGreaterThan(0.5);
    expect(bleu.value).toBeLessThan(1);
    expect(bleu.ci95!.low).toBeLessThanOrEqual(bleu.value);
    expect(bleu.ci95!.high).toBeGreaterThanOrEqual(bleu.ci95!.low);
  });

  // 0 of 20 right read 'accuracy 0.0000  0.0000–0.0000': every bootstrap resample of twenty 0s is 0
  it('gives 0/1 metrics Wilson’s interval, which stays open at 0 and 1, and the rest their bootstrap', () => {
    const examples = (right: number) => Array.from({ length: 20 }, (_, i) => ({ prediction: 'x', references: ['y'], scores: { accuracy: i < right ? 1 : 0, exact_match: i < right ? 1 : 0, rouge1: 0 } }));
    const ci = (right: number, metric: string) => aggregateGeneration(['accuracy', 'exact_match', 'rouge1'], examples(right), { samples: 100 }).find((m) => m.name === metric)!.ci95!;
    for (const metric of ['accuracy', 'exact_match']) {
      expect(ci(0, metric).low).toBe(0);
      expect(ci(0, metric).high).toBeCloseTo(0.1611, 4);
      expect(ci(20, metric).low).toBeCloseTo(0.8389, 4);
      expect(ci(20, metric).high).toBe(1);
      expect(ci(10, metric).low).toBeCloseTo(0.2993, 4); // Wilson's 95% for 10 of 20
      expect(ci(10, metric).high).toBeCloseTo(0.7007, 4);
    }
    expect(ci(0, 'rouge1')).toEqual({ low: 0, high: 0 }); // a continuous score keeps its bootstrap
    expect(twoSidedZ(0.95)).toBeCloseTo(1.959964, 5);
    expect(twoSidedZ(0.9)).toBeCloseTo(1.644854, 5);
    expect(wilsonInterval(3, 3, 0.9).low).toBeCloseTo(0.5258, 4);
  });

  it('takes corpus perplexity as exp(total NLL / total tokens), not a mean of per-text perplexities', () => {
    const parts = [{ nll: 10, tokens: 10, bytes: 40 }, { nll: 30, tokens: 10, bytes: 40 }];
    const [ppl, bpb] = aggregatePerplexity(['perplexity', 'bits_per_byte'], parts, { samples: 100 });
    expect(ppl.value).toBeCloseTo(Math.exp(2));
    expect(bpb.value).toBeCloseTo(40 / (Math.LN2 * 80));
    expect(ppl.ci95!.low).toBeGreaterThanOrEqual(Math.exp(1) - 1e-9);
    expect(ppl.ci95!.high).toBeLessThanOrEqual(Math.exp(3) + 1e-9);
  });

  it('bootstraps a statistic reproducibly from its seed', () => {
    const items = Array.from({ length: 50 }, (_, i) => i % 7);
    const meanOf = (s: number[]) => s.reduce((a, b) => a + b, 0) / s.length;
    expect(bootstrapStatistic(items, meanOf, { seed: 3 })).toEqual(bootstrapStatistic(items, meanOf, { seed: 3 }));
    const ci = bootstrapStatistic(items, meanOf);
    expect(ci.low).toBeLessThan(meanOf(items));
    expect(ci.high).toBeGreaterThan(meanOf(items));
  });
});

describe('prompts and windows', () => {
  it('cuts a long preference or PPO prompt from the left, keeping BOS (evaluation prompts lose their middle: prompt-cut.test.ts)', () => {
    expect(fitPrompt([1, 5, 6, 7, 8], 3, 1)).toEqual({ ids: [1, 7, 8], truncated: 2 });
    expect(fitPrompt([5, 6, 7], 2, 1)).toEqual({ ids: [6, 7], truncated: 1 });
    expect(fitPrompt([1, 5], 4, 1)).toEqual({ ids: [1, 5], truncated: 0 });
  });

  it('covers every token after the first exactly once with one-token overlaps', () => {
    expect(tokenWindows(10, 4)).toEqual([[0, 4], [3, 7], [6, 10]]);
    expect(tokenWindows(5, 8)).toEqual([[0, 5]]);
    const scored = tokenWindows(1000, 37).reduce((s, [a, b]) => s + (b - a - 1), 0);
    expect(scored).toBe(999);
  });

  it('takes every numbered reference column and builds the default prompt from the mapping', () => {
    const ds = { name: 'dialogsum', columns: ['fname', 'dialogue', 'summary1', 'topic1', 'summary2', 'summary3'], mapping: { input: 'dialogue', target: 'summary1' } } as unknown as Dataset;
    expect(referenceColumnsOf(ds)).toEqual(['summary1', 'summary2', 'summary3']);
    expect(referenceColumnsOf(ds, ['summary2'])).toEqual(['summary2']);
    expect(() => referenceColumnsOf(ds, ['nope'])).toThrow(/no column 'nope'/);
    // a column the user typed: the flag that gave it and, for a near miss, the column meant
    expect(() => referenceColumnsOf(ds, ['sumary1'])).toThrow("dataset dialogsum has no column 'sumary1' (--ref-columns; columns: fname, dialogue, summary1, topic1, summary2, summary3). Did you mean 'summary1'?");
    expect(() => inputColumnOf(ds, 'dialog')).toThrow("dataset dialogsum has no column 'dialog' (--input-column; columns: fname, dialogue, summary1, topic1, summary2, summary3). Did you mean 'dialogue'?");
    expect(defaultTemplate('/nonexistent', ds, 'dialogue', 'summary1')).toEqual({ instruction: 'Summarize the dialogue in one sentence.', input: 'Dialogue:\n{{dialogue}}', output: 'Summary: {{summary1}}', answerPrefix: 'Summary:' });
    // a question is asked after the passage its dataset maps as context: without it an extractive question has no answer
    const squad = { name: 'squad', columns: ['context', 'question', 'answers'], mapping: { context: 'context', question: 'question', answer: 'answers' } } as unknown as Dataset;
    expect(defaultTemplate('/nonexistent', squad, inputColumnOf(squad), referenceColumnsOf(squad)[0])).toEqual({ instruction: undefined, input: 'Context:\n{{context}}\n\nQuestion:\n{{question}}', output: 'Answers: {{answers}}', answerPrefix: 'Answers:' });
  });

  it('takes few-shot examples from another dataset only when it has the columns they are written from, by name or by mapping', () => {
    const dev = { id: 'ds_dev', name: 'glue-dev', columns: ['sentence', 'label'], mapping: { input: 'sentence', label: 'label' }, splits: { train: 0, validation: 0, test: 872 } } as unknown as Dataset;
    const sst2 = { id: 'ds_sst2', name: 'sst2', columns: ['idx', 'sentence', 'label'], mapping: { input: 'sentence', label: 'label' }, splits: { train: 60614, validation: 0, test: 0 } } as unknown as Dataset;
    const renamed = { id: 'ds_r', name: 'reviews', columns: ['text', 'label'], mapping: { input: 'text', label: 'label' }, splits: { train: 4, validation: 0, test: 0 } } as unknown as Dataset;
    const unmapped = { ...renamed, name: 'unmapped', mapping: { label: 'label' } } as unknown as Dataset;
    expect(shotColumnsView(sst2, dev, ['sentence', 'label'])).toBeUndefined();
    // the column the source maps to the same field stands in for the one the prompt reads
    expect(shotColumnsView(renamed, dev, ['sentence', 'label'])!({ text: 'a pure joy', label: 'positive' }, 'train:0')).toMatchObject({ sentence: 'a pure joy', label: 'positive' });
    let refusal: unknown;
    try {
      shotColumnsView(unmapped, dev, ['sentence', 'label']);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toMatchObject({ message: expect.stringMatching(/dataset unmapped need the column 'sentence' that the evaluation of glue-dev reads, but unmapped has none and maps no column to input \(columns: text, label\); map the column that holds it \('lathe dataset map unmapped --input-column C'\)/), details: { field: 'shotsFrom' } });
    // a test set on its own: the refusal says where else examples can come from
    expect(() => loadShotPool('/nonexistent', dev, dev, 2)).toThrow(/glue-dev has 0 train rows; .*--shots-from DATASET/);
  });
});
