// `lathe runs compare` as printed: the per-example view (with two runs, the examples in the order sorted by, under a
// heading that names that order, with their deltas; with one
// run, its examples and scores alone: no "— − run" heading, no "delta —" on every row), and the metrics table, whose
// training-run values read as `lathe runs show` prints them (a learning rate of 2e-5, never 0.0000).
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXAMPLE_SORT, EXAMPLE_SORTS, ExamplesQuery, type Comparison, type ExamplesPage } from '../../native/api/eval.ts';
import { comparisonTable, examplesText } from '../../native/cli/runs.ts';
import { withVerdicts } from '../../native/api/best-run.ts';
import { comparisonToJson } from '../../native/eval/compare-export.ts';

const output = (prediction: string, score: number) => ({ prediction, score, scores: { rouge1: score } });
const row = (key: string, outputs: ExamplesPage['rows'][number]['outputs'], delta: number | null) => ({ key, input: `input of ${key}`, references: [`reference of ${key}`], outputs, delta, spread: null });

describe('runs compare examples', () => {
  it('lists one run’s examples with their scores, without a change to rank by', () => {
    const text = examplesText({ runIds: ['run_a'], metric: 'rouge1', joinedBy: 'example-id', baselineRunId: 'run_a', candidateRunId: null, rows: [row('test:0', [output('a cat', 0.25)], null)] }, 5);
    expect(text).toBe('Examples of run_a by rouge1:\n\ntest:0\n  input: input of test:0\n  reference: reference of test:0\n  [1] 0.2500  a cat');
  });

  it('says why there are no per-example changes when the runs share no metric (before: nothing at all)', () => {
    const text = examplesText({ runIds: ['run_a', 'run_b'], metric: null, joinedBy: 'input-text', baselineRunId: 'run_a', candidateRunId: 'run_b', rows: [] }, 5);
    expect(text).toBe('No per-example changes: the runs share no per-example metric (see the table); give --metric M to list the examples by one of them.');
    expect(examplesText({ runIds: ['run_a', 'run_b'], metric: null, joinedBy: 'input-text', baselineRunId: 'run_a', candidateRunId: 'run_b', rows: [] }, 0)).toBe('');
  });

  it('says when the runs share no example (different datasets), instead of rows that each name one run', () => {
    const page = { runIds: ['run_a', 'run_b'], metric: 'rouge1', joinedBy: 'input-text' as const, baselineRunId: 'run_a', candidateRunId: 'run_b', rows: [row('test:4', [output('a cat', 0.25), null], null)] };
    expect(examplesText(page, 5).split('\n').slice(0, 2)).toEqual([
      'Examples by biggest change in rouge1 (run_b − run_a; joined by input-text):',
      'None of these examples is in more than one run: the runs evaluated different inputs (different datasets or splits), so there is no change to rank.',
    ]);
    const shared = { ...page, rows: [row('test:0', [output('a cat', 0.25), output('the cat', 0.5)], 0.25), ...page.rows] };
    expect(examplesText(shared, 5)).not.toContain('None of these examples');
    // of three runs, the second and third share an example the first lacks (before: "None of these examples…")
    const laterTwo = { ...page, runIds: ['run_a', 'run_b', 'run_c'], rows: [row('test:0', [null, output('a cat', 0.25), output('the cat', 0.5)], null)] };
    expect(examplesText(laterTwo, 5)).not.toContain('None of these examples');
  });

  it('shows under a run’s answer the input and reference it had where they differ from the first run’s', () => {
    const own = { ...output('topics', 0.5), input: 'topic of test:0', references: ['topic reference'] };
    const text = examplesText({ runIds: ['run_a', 'run_b'], metric: 'rouge1', joinedBy: 'example-id', baselineRunId: 'run_a', candidateRunId: 'run_b', rows: [row('test:0', [output('a cat', 0.25), own], 0.25)] }, 5);
    expect(text.split('\n').slice(2)).toEqual([
      'test:0  delta 0.2500',
      '  input of [1]: input of test:0',
      '  reference of [1]: reference of test:0',
      '  [1] 0.2500  a cat',
      '  [2] 0.5000  topics',
      '      input of [2]: topic of test:0',
      '      reference of [2]: topic reference',
    ]);
  });

  it('heads two runs’ examples with the change and its direction', () => {
    const text = examplesText({ runIds: ['run_a', 'run_b'], metric: 'rouge1', joinedBy: 'example-id', baselineRunId: 'run_a', candidateRunId: 'run_b', rows: [row('test:0', [output('a cat', 0.25), output('the cat', 0.5)], 0.25)] }, 5);
    expect(text.split('\n').slice(0, 3)).toEqual(['Examples by biggest change in rouge1 (run_b − run_a; joined by example-id):', '', 'test:0  delta 0.2500']);
  });

  // The heading said "Largest changes" above rows sorted by delta-desc (+0.05, 0, 0, −0.01, −0.06), while the real
  // largest changes (−0.15, −0.13) were further down: it now names the order the rows are in.
  it('names the order the examples were sorted in, as the studio’s sort buttons do', () => {
    const page = { runIds: ['run_a', 'run_b'], metric: 'rouge1', joinedBy: 'example-id' as const, baselineRunId: 'run_a', candidateRunId: 'run_b', rows: [row('test:0', [output('a cat', 0.25), output('the cat', 0.5)], 0.25)] };
    const heading = (sort: (typeof EXAMPLE_SORTS)[number], higherIsBetter = true) => examplesText(page, 5, { sort, higherIsBetter }).split('\n')[0];
    expect(EXAMPLE_SORTS.map((s) => heading(s))).toEqual([
      'Examples by biggest gain in rouge1 (run_b − run_a; joined by example-id):',
      'Examples by biggest loss in rouge1 (run_b − run_a; joined by example-id):',
      'Examples by biggest change in rouge1 (run_b − run_a; joined by example-id):',
      'Examples by most disagreement between the runs in rouge1 (run_b − run_a; joined by example-id):',
      'Examples in dataset order, with their change in rouge1 (run_b − run_a; joined by example-id):',
    ]);
    // a rise in perplexity is a loss
    expect(heading('delta-desc', false)).toBe('Examples by biggest loss in rouge1 (run_b − run_a; joined by example-id):');
  });

  it('ranks by the biggest change either way unless told otherwise, in the CLI and the studio alike', () => {
    expect(DEFAULT_EXAMPLE_SORT).toBe('abs-delta');
    expect(ExamplesQuery.parse({ runIds: ['run_a', 'run_b'] }).sort).toBe(DEFAULT_EXAMPLE_SORT);
  });
});

const run = (id: string, template: string | null) => ({ id, name: id, kind: 'evaluation', status: 'succeeded', model: null, template, dataset: null, split: null, examples: template ? 10 : 0 });
const metric = (name: string, higherIsBetter: boolean, values: (number | null)[], bestRunId: string | null = null): Comparison['metrics'][number] => ({ name, higherIsBetter, values: values.map((v) => (v === null ? null : { value: v, ci95: null })), bestRunId });
/** The table's cells by metric: the first column's name without its '(lower better)', then one cell per run. */
const cells = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(`${name} `))!.replace(' (lower better)', '').trim().split(/\s{2,}/).slice(1);

describe('runs compare metrics table', () => {
  it('prints training runs’ tiny values (learning rate, KL) in the notation of lathe runs show, not as 0.0000', () => {
    const text = comparisonTable({
      runs: [run('run_a', null), run('run_b', null)],
      metrics: [
        metric('loss', false, [2.3456789, 1.5], 'run_b'),
        metric('lr', false, [2e-5, 1.5e-6]),
        metric('objective/kl', false, [3e-6, 0.0125]),
        metric('grad_norm', false, [12.5, null]),
      ],
    });
    expect(cells(text, 'loss')).toEqual(['2.346', '1.5 +']); // the lowest, with no interval: not called best
    expect(cells(text, 'lr')).toEqual(['2e-5', '1.5e-6']);
    expect(cells(text, 'objective/kl')).toEqual(['3e-6', '0.0125']);
    expect(cells(text, 'grad_norm')).toEqual(['12.5', '—']);
    expect(text).not.toContain('0.0000');
  });

  it('keeps evaluations’ scores, fractions, to four places with their intervals', () => {
    const c: Comparison = { runs: [run('run_a', 'qa'), run('run_b', 'qa')], metrics: [metric('rouge1', true, [0.25, 0.5], 'run_b')] };
    c.metrics[0].values[0]!.ci95 = { low: 0.2, high: 0.3 };
    expect(cells(comparisonTable(c), 'rouge1')).toEqual(['0.2500 [0.2000–0.3000]', '0.5000 +']);
  });

  // the legend said 'zero-shot' twice a run: the default name ends with it, and the parenthesis added it again
  it("names each run's prompt kind once: in its default name, or after its counts when the name does not say it", () => {
    const named = { ...run('run_a', 'zero-shot'), name: 's260k · sst2/test · zero-shot' };
    const c: Comparison = { runs: [named, { ...run('run_b', 'few-shot:2'), name: 'my try' }], metrics: [metric('accuracy', true, [0.5, 0.75], 'run_b')] };
    expect(comparisonTable(c).split('\n').slice(0, 2)).toEqual([
      '[1] run_a  s260k · sst2/test · zero-shot  (succeeded, 10 examples)',
      '[2] run_b  my try  (succeeded, 10 examples, few-shot:2)',
    ]);
  });

  // The CLI marked the top value '*' (best) while the studio's Compare called it best only where its interval clears
  // every other run's: six examples' BLEU 0.004 against 0.003, intervals 0.002–0.006 both, was best here and within
  // noise there. Both now read bestVerdict.
  it('marks a run best only where its interval clears every other run’s, as the studio’s Compare does', () => {
    const withCi = (name: string, higherIsBetter: boolean, values: [number, number, number][], bestRunId: string): Comparison['metrics'][number] => ({
      name, higherIsBetter, bestRunId, values: values.map(([value, low, high]) => ({ value, ci95: { low, high } })),
    });
    const c: Comparison = {
      runs: [run('run_a', 'qa'), run('run_b', 'qa')],
      metrics: [
        withCi('bleu', true, [[0.004, 0.002, 0.006], [0.003, 0.002, 0.006]], 'run_a'),
        withCi('rougeL', true, [[0.015, 0.01, 0.02], [0.096, 0.08, 0.11]], 'run_b'),
        metric('latency_ms_mean', false, [120, 95], 'run_b'),
      ],
    };
    const text = comparisonTable(c);
    expect(cells(text, 'bleu')).toEqual(['0.0040 [0.0020–0.0060] ~', '0.0030 [0.0020–0.0060]']);
    expect(cells(text, 'rougeL')).toEqual(['0.0150 [0.0100–0.0200]', '0.0960 [0.0800–0.1100] *']);
    expect(cells(text, 'latency_ms_mean')).toEqual(['120.00', '95.00 +']);
    expect(text.split('\n').at(-1)).toBe([
      "* best: its 95% interval clears every other run's",
      "~ top value but within noise: its interval overlaps another run's",
      '+ top value (highest, or lowest where lower is better) with no interval to test it against the noise, so not called best',
      "intervals are 95%: Wilson's for exact_match, accuracy and judge_agreement (0/1 per example), bootstrap for the rest. Scores are fractions in [0, 1].",
    ].join('; '));
    // the legend names only the marks the table has
    const clear: Comparison = { ...c, metrics: [c.metrics[1]] };
    expect(comparisonTable(clear).split('\n').at(-1)).toMatch(/^\* best: its 95% interval clears every other run's; intervals are 95%/);
    // and the JSON (--json, --json-file, the studio's Export JSON) says the same verdict beside bestRunId, the top value
    expect(withVerdicts(c).metrics.map((m) => [m.name, m.bestRunId, m.verdict])).toEqual([['bleu', 'run_a', 'within-noise'], ['rougeL', 'run_b', 'best'], ['latency_ms_mean', 'run_b', 'untested']]);
    expect(JSON.parse(comparisonToJson(c, null)).metrics.map((m: { verdict: string }) => m.verdict)).toEqual(['within-noise', 'best', 'untested']);
  });

  it('says when evaluations scored different numbers of examples, and marks no best for one run', () => {
    const c: Comparison = { runs: [{ ...run('run_a', 'zero-shot'), examples: 100 }, run('run_b', 'zero-shot')], metrics: [metric('rougeL', true, [0.07, 0.11], 'run_b')] };
    expect(comparisonTable(c).split('\n').slice(-2)).toEqual([
      "+ top value (highest, or lowest where lower is better) with no interval to test it against the noise, so not called best; intervals are 95%: Wilson's for exact_match, accuracy and judge_agreement (0/1 per example), bootstrap for the rest. Scores are fractions in [0, 1].",
      'The runs scored different numbers of examples (100, 10): each aggregate is over its own rows, so a difference may be the rows, not the model; evaluate on the same split with the same --limit to compare like with like.',
    ]);
    const same = { ...c, runs: [run('run_a', 'zero-shot'), run('run_b', 'zero-shot')] };
    expect(comparisonTable(same)).not.toContain('different numbers of examples');
    const one: Comparison = { runs: [run('run_a', 'zero-shot')], metrics: [metric('rougeL', true, [0.07])] };
    expect(comparisonTable(one).split('\n').at(-1)).toBe("intervals are 95%: Wilson's for exact_match, accuracy and judge_agreement (0/1 per example), bootstrap for the rest. Scores are fractions in [0, 1].");
  });
});
