// `lathe runs list|show|metrics|compare`: what was run (evaluations, and later training and exports), an
// evaluation's aggregates with intervals, and a side-by-side comparison of runs with their per-example
// differences (exportable as CSV or JSON).
import path from 'node:path';
import type { Comparison, ExamplesPage } from '../api/eval.ts';
import { bestVerdict, verdictTestSaid, withVerdicts, type BestVerdict } from '../api/best-run.ts';
import { DEFAULT_EXAMPLE_SORT, EXAMPLE_SORTS, hasRecallAtK, intervalsSaid, oneRelevantPerQuery, NOT_RANKED, sortLabel, type ExampleSort } from '../api/eval.ts';
import { shownRunConfig } from '../api/run-config.ts';
import { RUN_KINDS, RunTag, type RunMetric } from '../api/schemas.ts';
import { UserError, type CliCommand } from './command.ts';
import { choiceFlagError, numberFlag } from './options.ts';
import { checkOutputFile, sayCreatedFolder, writeOutputFile } from './output-file.ts';
import { exampleCounts, metricsTable } from './eval.ts';
import { intervalEndOf, isIntervalEnd, withRecordedIntervalEnds } from '../api/intervals.ts';
import { callStudio } from './studio-call.ts';
import { formatFields, formatTable, nestedFields } from './table.ts';
import { existingProjectId, projectIdOf, projectLabel, projectNames } from './project-ref.ts';
import { formatValue, plural } from '../api/format.ts';
import { figure, formatMetric } from './figures.ts';


/**
 * The table's mark by the top run of a metric, as the studio's Compare judges it (api/best-run.ts bestVerdict): best
 * only where its interval clears every other run's, and what each mark means, said under the table.
 */
const VERDICT_MARKS: Record<Exclude<BestVerdict['kind'], 'none'>, { mark: string; said: string }> = {
  best: { mark: '*', said: "* best: its 95% interval clears every other run's" },
  'within-noise': { mark: '~', said: "~ top value but within noise: its interval overlaps another run's" },
  untested: { mark: '+', said: '+ top value (highest, or lowest where lower is better) with no interval to test it against the noise, so not called best' },
};

/** The marks said where some runs were tested paired: the sample, not the intervals alone, tells the runs apart (verdictTestSaid says how). */
const PAIRED_MARKS = { best: '* best: the sample tells it from every other run', 'within-noise': '~ top value but within noise: the sample cannot tell it from another run' };

const COMPARE_USAGE = `lathe runs compare RUN RUN… [--metric M] [--sort ${EXAMPLE_SORTS.join('|')}] [--examples N] [--csv FILE] [--json-file FILE] [--force] [--json]`;

export function comparisonTable(c: Comparison): string {
  const evaluations = c.runs.every((r) => r.template !== null);
  // Evaluations' scores are fractions, read to four places; a training run's metrics are read as `lathe runs show`
  // prints them (figure), so a learning rate of 2e-5 or a KL of 3e-6 is not shown as 0.0000.
  const shown = evaluations ? formatMetric : figure;
  const header = ['metric', ...c.runs.map((r, i) => `[${i + 1}] ${r.id}`)];
  const runIds = c.runs.map((r) => r.id);
  const used = new Set<keyof typeof VERDICT_MARKS>();
  const rows = c.metrics.map((m) => {
    const verdict = bestVerdict(m, runIds);
    if (verdict.kind !== 'none') used.add(verdict.kind);
    return [
      `${m.name}${NOT_RANKED.includes(m.name) || m.higherIsBetter ? '' : ' (lower better)'}`,
      ...m.values.map((v, i) => {
        if (v === null) return '—';
        const interval = v.ci95 ? ` [${shown(v.ci95.low)}–${shown(v.ci95.high)}]` : '';
        const mark = verdict.kind !== 'none' && verdict.runId === runIds[i] ? ` ${VERDICT_MARKS[verdict.kind].mark}` : '';
        return `${shown(v.value)}${interval}${mark}`;
      }),
    ];
  });
  // an evaluation's default name ends with its prompt kind ('s260k · sst2/test · zero-shot'): said there, not again
  const template = (r: Comparison['runs'][number]) => (r.template && !r.name.endsWith(` · ${r.template}`) ? `, ${r.template}` : '');
  const legend = c.runs.map((r, i) => `[${i + 1}] ${r.id}  ${r.name}  (${r.status}${evaluations ? `, ${plural(r.examples, 'example')}` : ''}${template(r)})`);
  // only the marks the table has (one run has none)
  const test = verdictTestSaid(c.metrics, runIds);
  const anyPaired = c.metrics.some((m) => (m.paired?.length ?? 0) > 0);
  const said = (k: keyof typeof VERDICT_MARKS) => (anyPaired && k !== 'untested' ? PAIRED_MARKS[k] : VERDICT_MARKS[k].said);
  // the test right after the marks it decided (best, within noise), before the mark of a value it could not test
  const tested = (['best', 'within-noise'] as const).filter((k) => used.has(k)).map(said);
  const marks = [...tested, ...(anyPaired && test ? [test] : []), ...(used.has('untested') ? [said('untested')] : [])].join('; ');
  const note = evaluations
    ? `${marks ? `${marks}; ` : ''}intervals are 95%: ${intervalsSaid('names', hasRecallAtK(c.metrics.map((m) => m.name)))}. Scores are fractions in [0, 1].`
    : marks ? `${marks} (training runs: each metric's last recorded value)` : "each metric's last recorded value";
  // 100 examples beside 10 read as a like-for-like comparison, its mark naming a winner over different rows
  const counts = [...new Set(c.runs.map((r) => r.examples))];
  const unequal = evaluations && counts.length > 1
    ? [`The runs scored different numbers of examples (${c.runs.map((r) => formatValue(r.examples)).join(', ')}): each aggregate is over its own rows, so a difference may be the rows, not the model; evaluate on the same split with the same --limit to compare like with like.`]
    : [];
  return [...legend, '', formatTable(header, rows, 60), note, ...unequal].join('\n');
}

/** How the examples were ordered, and so what the list under the heading is. */
export interface ExamplesOrder {
  sort: ExampleSort;
  /** The metric's direction: for perplexity the largest delta is the biggest loss. */
  higherIsBetter: boolean;
}

/** The heading of two or more runs' examples: it names the order they are in, the sort the rows were ranked by. */
function changesHeading(page: Omit<ExamplesPage, 'total'>, order: ExamplesOrder): string {
  const change = `${page.candidateRunId} − ${page.baselineRunId}; joined by ${page.joinedBy}`;
  if (order.sort === 'index') return `Examples in dataset order, with their change in ${page.metric} (${change}):`;
  const first = order.sort === 'spread' ? `${sortLabel(order.sort, order.higherIsBetter).toLowerCase()} between the runs` : sortLabel(order.sort, order.higherIsBetter).toLowerCase();
  return `Examples by ${first} in ${page.metric} (${change}):`;
}

export function examplesText(page: Omit<ExamplesPage, 'total'>, n: number, order: ExamplesOrder = { sort: DEFAULT_EXAMPLE_SORT, higherIsBetter: true }): string {
  if (n === 0) return '';
  // Said rather than left out: a compare that printed no examples read as if nothing had changed.
  if (page.metric === null) return 'No per-example changes: the runs share no per-example metric (see the table); give --metric M to list the examples by one of them.';
  if (page.rows.length === 0) return '';
  // One run has no change to rank by: its examples are listed with their scores alone.
  const single = page.candidateRunId === null;
  // any two runs, not the first and another: of three runs, the last two may share examples the first lacks
  const shared = page.rows.some((r) => r.outputs.filter((o) => o !== null).length >= 2);
  const lines = [single
    ? `Examples of ${page.baselineRunId} by ${page.metric}:`
    : changesHeading(page, order)];
  if (!single && !shared) lines.push(`None of these examples is in more than one run: the runs evaluated different ${page.joinedBy === 'input-text' ? 'inputs (different datasets or splits)' : 'rows'}, so there is no change to rank.`);
  const inputLine = (text: string) => `${text.replace(/\s+/g, ' ').slice(0, 160)}${text.length > 160 ? '…' : ''}`;
  const referenceLine = (references: readonly string[]) => references[0]?.replace(/\s+/g, ' ') ?? '—';
  for (const row of page.rows.slice(0, n)) {
    lines.push(single ? `\n${row.key}` : `\n${row.key}  delta ${row.delta === null ? '—' : formatMetric(row.delta)}`);
    // A run fed another column or scored against other references for this example: the row's input and reference
    // are then named as the first run's, and each other run's own are shown under its output.
    const differs = row.outputs.some((o) => o?.input !== undefined || o?.references !== undefined);
    const whose = differs ? ` of [${row.outputs.findIndex((o) => o !== null) + 1}]` : '';
    lines.push(`  input${whose}: ${inputLine(row.input)}`);
    lines.push(`  reference${whose}: ${referenceLine(row.references)}`);
    row.outputs.forEach((o, i) => {
      lines.push(`  [${i + 1}] ${o ? `${o.score === null ? '—' : formatMetric(o.score)}  ${o.prediction.replace(/\s+/g, ' ') || '(empty)'}` : '(no such example)'}`);
      if (o?.input !== undefined) lines.push(`      input of [${i + 1}]: ${inputLine(o.input)}`);
      if (o?.references !== undefined) lines.push(`      reference of [${i + 1}]: ${referenceLine(o.references)}`);
    });
  }
  return lines.join('\n');
}


/** What `runs metrics` says under its table where it shows an interval end other than the one the run stored. */
export function reReadEndsNote(metrics: readonly { name: string; stored?: number }[]): string {
  const reRead = [...new Set(metrics.filter((m) => m.stored !== undefined).map((m) => intervalEndOf(m.name)?.metric ?? m.name))];
  if (reRead.length === 0) return '';
  return `${reRead.join(', ')}: interval ends are Wilson's, read from the value and the examples scored as every view of the run reads them; the run stored other ends (a bootstrap interval, from before proportions got Wilson's; --json keeps them as 'stored').`;
}

/** The metrics a training run's summary leads with; the rest follow by name. */
const HEADLINE_METRICS = ['loss', 'val_loss'];

type LastMetric = Pick<RunMetric, 'name' | 'step' | 'value'>;

/** Each metric's last recorded value and its step, headline metrics first: a training run's (or any non-evaluation run's) results. */
export function lastMetrics(points: readonly LastMetric[]): LastMetric[] {
  const last = new Map<string, LastMetric>();
  for (const p of points) if (!last.has(p.name) || p.step >= last.get(p.name)!.step) last.set(p.name, { name: p.name, step: p.step, value: p.value });
  const rank = (name: string) => (HEADLINE_METRICS.includes(name) ? HEADLINE_METRICS.indexOf(name) : HEADLINE_METRICS.length);
  return [...last.values()].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

/** `lathe runs show`'s table of a non-evaluation run's metrics: final once it has ended, latest while it runs. */
export function lastMetricsText(metrics: readonly LastMetric[], live: boolean): string {
  if (metrics.length === 0) return '';
  const table = formatTable(['METRIC', 'VALUE', 'STEP'], metrics.map((m) => [m.name, figure(m.value), formatValue(m.step)]), 60);
  return `${live ? 'latest' : 'final'} metrics (each one's last recorded value):\n${table}`;
}

/** What an empty `runs list` says: how to make a run, or, when flags chose the runs, that none matched them. */
export function noRunsText(values: Record<string, unknown>): string {
  const filters = (['project', 'kind', 'tag'] as const).filter((f) => values[f] !== undefined).map((f) => `--${f} ${String(values[f])}`);
  if (filters.length > 0) return `no runs match ${filters.join(' ')}: run 'lathe runs list' without ${filters.length > 1 ? 'them' : 'it'} to see every run`;
  return "no runs yet: fine-tune a model with 'lathe train --model M --dataset D', or score one with 'lathe eval --model M --dataset D --metrics …'";
}

export const commands: CliCommand[] = [
  {
    path: ['runs', 'list'],
    summary: 'List runs (evaluations, training, exports), newest first',
    usage: 'lathe runs list [--project ID] [--kind K] [--tag T]',
    help: { project: 'only the runs of this project (id or name)', kind: 'only runs of this kind, e.g. finetune or evaluation', tag: 'only the runs tagged T (lathe runs tag adds tags; default: all)' },
    options: { project: { type: 'string' }, kind: { type: 'string' }, tag: { type: 'string' } },
    async run({ values }, ctx) {
      const kind = values.kind as string | undefined;
      if (kind !== undefined && !(RUN_KINDS as readonly string[]).includes(kind)) throw choiceFlagError('kind', kind, RUN_KINDS);
      const tag = values.tag as string | undefined;
      const checked = tag === undefined ? null : RunTag.safeParse(tag);
      if (checked && !checked.success) throw new UserError(`--tag: ${checked.error.issues[0].message}; got '${tag}'.`);
      const listed = (await callStudio(ctx, 'runs.list', { projectId: await existingProjectId(ctx, values.project), kind, tag })).reverse(); // newest first
      // People know a project by its name; the JSON keeps projectId beside it (a deleted project's id has no name).
      const names = await projectNames(ctx);
      const runs = listed.map((r) => ({ ...r, projectName: r.projectId === null ? null : (names.get(r.projectId) ?? null) }));
      const row = (r: (typeof runs)[number]) => [r.id, r.kind, r.status, r.name, r.projectName ?? r.projectId ?? '', r.tags.join(','), r.createdAt.slice(0, 19).replace('T', ' ')];
      ctx.print(runs, () => formatTable(['ID', 'KIND', 'STATUS', 'NAME', 'PROJECT', 'TAGS', 'CREATED'], runs.map(row), 70, noRunsText(values)));
    },
  },
  {
    path: ['runs', 'show'],
    summary: "Show a run: its config, and an evaluation's aggregates with intervals or a training run's final metrics",
    usage: 'lathe runs show RUN [--json]',
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError('give one run id.\nUsage: lathe runs show RUN [--json]');
      const run = await callStudio(ctx, 'runs.get', { id: positionals[0] });
      const summary = run.kind === 'evaluation' ? await callStudio(ctx, 'eval.get', { id: run.id }) : null;
      // A training run's results are its metrics' last values: four points of each series (runs.metrics keeps the
      // last), not every step of a long run, and without runs.compare, which loads the engine.
      const finalMetrics = summary ? [] : lastMetrics(await callStudio(ctx, 'runs.metrics', { id: run.id, maxPoints: 4 }));
      const project = run.projectId === null ? '—' : await projectLabel(ctx, run.projectId);
      ctx.print(summary ?? { ...run, finalMetrics }, () => {
        const head = formatFields([
          ['id', run.id], ['kind', run.kind], ['name', run.name], ['status', run.status],
          // a failed run says why, as the command that ran it did
          ...(run.error ? [['error', run.error] as [string, string]] : []), ['project', project],
          ['created', run.createdAt], ['finished', run.finishedAt ?? '—'],
          // time spent running: a cancelled and resumed run's pause is not in it
          ['time running', run.activeSeconds != null ? `${formatValue(Number(run.activeSeconds.toFixed(1)))} s` : '—'], ['tags', run.tags.join(', ') || '—'], ['note', run.note || '—'],
        ]) + `\nconfig:\n${nestedFields(shownRunConfig(run.config)).join('\n')}`; // a field a line, not one long JSON line
        if (!summary) return [head, lastMetricsText(finalMetrics, run.status === 'queued' || run.status === 'running')].filter(Boolean).join('\n\n');
        const t = summary.timing;
        const speed = t.tokensPerSecond !== null ? `, ${figure(t.tokensPerSecond)} tokens/s` : '';
        const latency = t.latencyMsMean !== null ? `latency mean ${t.latencyMsMean.toFixed(0)} ms (p95 ${t.latencyMsP95?.toFixed(0)} ms)${speed}` : '';
        return [head, '', exampleCounts(summary), metricsTable(summary.metrics), latency, `predictions: ${summary.predictionsPath ?? '—'}`].join('\n');
      });
    },
  },
  {
    path: ['runs', 'metrics'],
    summary: "List a run's metric values",
    usage: 'lathe runs metrics RUN [--name M] [--json]',
    help: { name: 'only this metric, e.g. loss (default: all)' },
    positionals: true,
    options: { name: { type: 'string' } },
    async run({ values, positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError('give one run id.\nUsage: lathe runs metrics RUN [--name M] [--json]');
      const name = values.name as string | undefined;
      const selected = await callStudio(ctx, 'runs.metrics', { id: positionals[0], name });
      // an interval end is read from its metric's value and the examples (recordedInterval), which --name leaves out
      const all = name === undefined || !selected.some((m) => isIntervalEnd(m.name)) ? selected : await callStudio(ctx, 'runs.metrics', { id: positionals[0] });
      if (name !== undefined && selected.length === 0) {
        // a misspelt metric would print an empty table, which reads as 'nothing recorded yet'
        const names = [...new Set((await callStudio(ctx, 'runs.metrics', { id: positionals[0] })).map((m) => m.name))];
        if (names.length > 0) throw new UserError(`run ${positionals[0]} has no metric '${name}'; its metrics are ${names.join(', ')}.`);
      }
      // a retrieval run's recall@k is a proportion where its queries had one relevant document each (its config says)
      const oneRelevant = hasRecallAtK(selected.map((m) => intervalEndOf(m.name)?.metric ?? '')) && oneRelevantPerQuery((await callStudio(ctx, 'runs.get', { id: positionals[0] })).config);
      const metrics = withRecordedIntervalEnds(selected, all, oneRelevant);
      ctx.print(metrics, () => {
        const table = formatTable(['NAME', 'STEP', 'VALUE', 'TIME'], metrics.map((m) => [m.name, formatValue(m.step), figure(m.value), m.time.slice(0, 19).replace('T', ' ')]), 48,
          `run ${positionals[0]} has recorded no metrics yet: a run records them as it trains or evaluates ('lathe runs show ${positionals[0]}' says how it stands)`);
        return [table, reReadEndsNote(metrics)].filter(Boolean).join('\n');
      });
    },
  },
  {
    path: ['project', 'scorecard'],
    summary: "A project's success metric and target against its best finished evaluation on held-out rows",
    usage: 'lathe project scorecard PROJECT [--json]',
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError('give one project id.\nUsage: lathe project scorecard PROJECT [--json]');
      const card = await callStudio(ctx, 'projects.scorecard', { id: await projectIdOf(ctx, positionals[0]) });
      ctx.print(card, () => {
        const p = card.project;
        const goal = p.metric ? `${p.metric}${p.target !== null ? ` ${card.higherIsBetter === false ? '≤' : '≥'} ${p.target}` : ''}` : '—';
        const b = card.best;
        const interval = b?.ci95 ? ` [${formatMetric(b.ci95.low)}–${formatMetric(b.ci95.high)}]` : '';
        const best = b ? `${formatMetric(b.value)}${interval} (${b.runId}, ${b.runName})` : '—';
        const verdict = {
          pass: 'PASS', fail: 'FAIL', 'no-metric': 'no success metric set', 'no-target': 'no target set',
          'no-runs': 'no finished evaluation reports this metric yet',
        }[card.status];
        const margin = card.margin === null ? '—' : `${card.margin >= 0 ? '+' : ''}${formatMetric(card.margin)}`;
        const clears = card.passesWithConfidence === null ? '—' : card.passesWithConfidence ? 'yes' : 'no';
        return formatFields([
          ['project', `${p.name} (${p.id})`], ['goal', goal], ['best run', best], ['status', verdict], ['margin', margin],
          ['95% CI clears target', clears], ['runs considered', card.runsConsidered],
          ...(card.runsNotHeldOut > 0 ? [['not counted', `${plural(card.runsNotHeldOut, 'evaluation')} on the train split or all rows (scores on rows a fine-tune learns from flatter the model)`] as [string, string]] : []),
        ]);
      });
    },
  },
  {
    path: ['runs', 'compare'],
    summary: 'Compare runs: metrics with intervals, and the examples whose scores changed most',
    usage: COMPARE_USAGE,
    help: {
      metric: 'the metric to rank by (default: each run kind\'s headline metric)',
      sort: `order of the per-example view: abs-delta puts the biggest changes either way first, delta-desc the biggest rises, delta-asc the biggest falls, spread the most disagreement between the runs, index the dataset's order (default ${DEFAULT_EXAMPLE_SORT})`,
      examples: 'examples to print per run pair (default 5; 0: none)',
      csv: 'also write the comparison to this CSV file, every example joined (missing folders are created, and named on stderr; an existing file only with --force)',
      'json-file': 'also write the comparison to this JSON file (missing folders are created, and named on stderr; an existing file only with --force)',
      force: 'replace the files --csv and --json-file name if they exist (written whole through a temporary file, never partly)',
    },
    positionals: true,
    options: { metric: { type: 'string' }, sort: { type: 'string' }, examples: { type: 'string' }, csv: { type: 'string' }, 'json-file': { type: 'string' }, force: { type: 'boolean' } },
    async run({ values, positionals }, ctx) {
      if (positionals.length < 1) throw new UserError(`give the runs to compare.\nUsage: ${COMPARE_USAGE}`);
      const twice = positionals.find((id, i) => positionals.indexOf(id) !== i);
      if (twice !== undefined) throw new UserError(`run ${twice} is given twice; name each run once.\nUsage: ${COMPARE_USAGE}`);
      const given = (values.sort as string | undefined) ?? DEFAULT_EXAMPLE_SORT;
      if (!(EXAMPLE_SORTS as readonly string[]).includes(given)) throw choiceFlagError('sort', given, EXAMPLE_SORTS, COMPARE_USAGE);
      const sort = given as ExampleSort;
      const n = numberFlag(values, 'examples', COMPARE_USAGE, { min: 0 }) ?? 5;
      const csv = values.csv as string | undefined;
      const jsonFile = values['json-file'] as string | undefined;
      // refused before the comparison is made: a path that cannot be written, or one file named for both formats
      const force = Boolean(values.force);
      if (force && csv === undefined && jsonFile === undefined) throw new UserError(`--force replaces the files --csv and --json-file name; give one of them.\nUsage: ${COMPARE_USAGE}`);
      if (csv !== undefined) checkOutputFile('csv', csv, 'comparison.csv', undefined, force);
      if (jsonFile !== undefined) checkOutputFile('json-file', jsonFile, 'comparison.json', undefined, force);
      if (csv !== undefined && jsonFile !== undefined && path.resolve(csv) === path.resolve(jsonFile)) throw new UserError(`--csv and --json-file both name ${csv}; the second would replace the first: give two files.\nUsage: ${COMPARE_USAGE}`);
      const comparison = await callStudio(ctx, 'runs.compare', { runIds: positionals });
      const evaluations = comparison.runs.length > 0 && comparison.runs.every((r) => r.template !== null);
      const page = evaluations
        ? await callStudio(ctx, 'runs.examples', { runIds: positionals, metric: values.metric as string | undefined, sort, limit: Math.max(1, n) })
        : null;
      const written: string[] = [];
      for (const [flag, file, format] of [['csv', csv, 'csv'], ['json-file', jsonFile, 'json']] as const) {
        if (file === undefined) continue;
        const exported = await callStudio(ctx, 'runs.export', { runIds: positionals, format, metric: values.metric as string | undefined });
        const out = await writeOutputFile(flag, file, exported.content);
        sayCreatedFolder(ctx, flag, out.createdFolder);
        written.push(out.file);
      }
      ctx.print({ ...withVerdicts(comparison), examples: page }, () => {
        const higherIsBetter = comparison.metrics.find((m) => m.name === page?.metric)?.higherIsBetter ?? true;
        const parts = [comparisonTable(comparison), page ? examplesText(page, n, { sort, higherIsBetter }) : '', ...written.map((file) => `wrote ${file}`)];
        return parts.filter(Boolean).join('\n\n');
      });
    },
  },
];
