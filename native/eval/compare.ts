// Comparing evaluation runs: a table of aggregates with their intervals, and the same examples joined across
// runs (input, references, each run's output and score), sortable by how much the score changed. The pure
// functions (compareMetrics, joinExamples, sortJoined) take records; the *ForRuns ones read the store.
import { StudioError } from '../api/errors.ts';
import { withArticle } from '../api/format.ts';
import { isIntervalEnd, recordedInterval } from '../api/intervals.ts';
import { EXAMPLE_SORTS, intervalKind, LOWER_IS_BETTER, NOT_RANKED, oneRelevantPerQuery, type Comparison, type EvalExample, type ExamplesPage, type ExamplesQuery, type JoinedExample } from '../api/eval.ts';
import { ExamplesQuery as ExamplesQuerySchema } from '../api/eval.ts';
import type { Run, RunMetric } from '../api/schemas.ts';
import type { Store } from '../store/db.ts';
import { withPairedDifferences } from './paired.ts';
import { openPredictions, type OpenPredictions } from './predictions.ts';

type Sort = (typeof EXAMPLE_SORTS)[number];

interface RunConfigView {
  model: string | null;
  template: string | null;
  dataset: string | null;
  datasetKey: string | null;
  split: string | null;
  metrics: string[];
}

/** The parts of an evaluation run's config that comparisons show; tolerant of other run kinds. */
export function configView(run: Run): RunConfigView {
  const c = (run.config ?? {}) as Record<string, unknown>;
  const model = c.model as { name?: string } | undefined;
  const dataset = c.dataset as { name?: string; contentHash?: string; splitSeed?: number } | undefined;
  const template = c.template as { label?: string } | null | undefined;
  const metrics = Array.isArray(c.metrics) ? (c.metrics as string[]) : [];
  return {
    model: model?.name ?? null,
    template: template === null ? 'perplexity' : (template?.label ?? null),
    dataset: dataset?.name ?? null,
    datasetKey: dataset ? `${dataset.contentHash}:${dataset.splitSeed}:${c.split}` : null,
    split: typeof c.split === 'string' ? c.split : null,
    metrics,
  };
}

/** The latest value of each metric name (an evaluation writes each once; training series keep their last step). */
function latest(metrics: readonly RunMetric[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of [...metrics].sort((a, b) => a.step - b.step)) out.set(m.name, m.value);
  return out;
}

/** Counts and times a run records beside its metrics: the table's legend says them; they are nothing to rank. */
const BOOKKEEPING = new Set(['examples', 'planned_examples', 'requested_examples', 'total_seconds', 'shots_used_mean']);

/** The metrics table: one row per metric any run has (the runs' own metrics first), best run marked. */
export function compareMetrics(runs: readonly { run: Run; metrics: readonly RunMetric[] }[]): Comparison {
  const values = runs.map((r) => latest(r.metrics));
  const names: string[] = [];
  for (const r of runs) for (const m of configView(r.run).metrics) if (!names.includes(m)) names.push(m);
  for (const v of values) for (const name of v.keys()) if (!names.includes(name) && !isIntervalEnd(name) && !BOOKKEEPING.has(name)) names.push(name);
  const metrics = names
    .filter((name) => values.some((v) => v.has(name)))
    .map((name) => {
      const higherIsBetter = !LOWER_IS_BETTER.includes(name);
      const cells = values.map((v, i) => {
        const value = v.get(name);
        if (value === undefined) return null;
        const oneRelevant = oneRelevantPerQuery(runs[i].run.config);
        const ci95 = recordedInterval(name, value, (n) => v.get(n), oneRelevant);
        return ci95 ? { value, ci95, ci95Kind: intervalKind(name, oneRelevant) } : { value, ci95 };
      });
      let best: number | null = null;
      cells.forEach((c, i) => {
        if (c && (best === null || (higherIsBetter ? c.value > cells[best]!.value : c.value < cells[best]!.value))) best = i;
      });
      // An exact tie for the top value has no best run (the UI marks none either).
      const tied = best !== null && cells.some((c, i) => c !== null && i !== best && c.value === cells[best!]!.value);
      const bestRunId = best === null || runs.length < 2 || tied || NOT_RANKED.includes(name) ? null : runs[best].run.id;
      return { name, higherIsBetter, values: cells, bestRunId };
    });
  return {
    runs: runs.map(({ run }, i) => {
      const view = configView(run);
      return { id: run.id, name: run.name, kind: run.kind, status: run.status, model: view.model, template: view.template, dataset: view.dataset, split: view.split, examples: values[i].get('examples') ?? 0 };
    }),
    metrics,
  };
}

/**
 * The key that joins one run's examples to the others': the id, or else the input, numbered by how often the same
 * input came before it in that run (so repeated inputs pair up in order). One per run.
 */
function joinKeys(byId: boolean): (id: string, input: string) => string {
  const seen = new Map<string, number>();
  return (id, input) => {
    if (byId) return id;
    const n = seen.get(input) ?? 0;
    seen.set(input, n + 1);
    return n > 0 ? `${input}\u0000${n}` : input;
  };
}

/** What a run's example says of its source where the row says otherwise: its own input and references, only those that differ. */
function ownSource(e: { input: string; references: readonly string[] }, row: { input: string; references: readonly string[] }): { input?: string; references?: string[] } {
  const own: { input?: string; references?: string[] } = {};
  if (e.input !== row.input) own.input = e.input;
  if (e.references.length !== row.references.length || e.references.some((r, i) => r !== row.references[i])) own.references = [...e.references];
  return own;
}

/** One run's output in a joined row: the prediction and scores, and its own input and references where they differ from the row's. */
function outputOf(e: EvalExample, metric: string | null, row: { input: string; references: readonly string[] }): NonNullable<JoinedExample['outputs'][number]> {
  return { prediction: e.prediction, score: metric === null ? null : (e.scores[metric] ?? null), scores: e.scores, ...(e.judge ? { judge: e.judge } : {}), ...ownSource(e, row) };
}

/**
 * A run whose examples repeat an id cannot be joined by id: its two examples would share one row (one's input beside
 * the other's output) and the other runs' example of that id could be paired with either. Lathe writes one example
 * per id; a repeat means the file was changed after the run.
 */
function repeatedId(id: string, where: string, first: string, again: string, details: Record<string, unknown> = {}): StudioError {
  return new StudioError('internal', `${where}${again}: example id '${id}' is repeated (first at ${first}); Compare pairs the runs' examples by id and cannot tell which of the two is meant. Lathe writes one line per example: remove the repeated line, or evaluate the run again`, { id, ...details });
}

/**
 * Join examples across runs. With the same dataset content, split seed and split everywhere, examples match
 * by id (`test:17`; a run that repeats an id is refused); otherwise by their input text (duplicates matched in
 * order). A row shows the input and references of the first run that has the example; another run's output carries
 * its own where they differ (another input column, other reference columns), never silently shown as the first's.
 */
export function joinExamples(perRun: readonly (readonly EvalExample[])[], metric: string | null, byId: boolean): JoinedExample[] {
  const rows = new Map<string, JoinedExample>();
  perRun.forEach((examples, r) => {
    const keyOf = joinKeys(byId);
    const firstAt = new Map<string, number>();
    examples.forEach((e, position) => {
      if (byId && firstAt.has(e.id)) throw repeatedId(e.id, `the examples of run ${r + 1}, `, `example ${firstAt.get(e.id)! + 1}`, `example ${position + 1}`);
      firstAt.set(e.id, position);
      const key = keyOf(e.id, e.input);
      let row = rows.get(key);
      if (!row) {
        row = { key: byId ? key : e.id, input: e.input, references: e.references, outputs: perRun.map(() => null), delta: null, spread: null };
        rows.set(key, row);
      }
      row.outputs[r] = outputOf(e, metric, row);
    });
  });
  return [...rows.values()];
}

/**
 * An example joined across runs before its lines are read: the first run that has it (its input and references are
 * the row's, as in joinExamples), its position in each run's outline and its score there.
 */
interface OutlineRow {
  key: string;
  originRun: number;
  positions: (number | null)[];
  outputs: ({ score: number | null } | null)[];
  delta: number | null;
  spread: number | null;
}

/** joinExamples over the runs' outlines: the same rows, in the same order, with positions for the page to read. */
export function joinOutlines(perRun: readonly OpenPredictions[], metric: string | null, byId: boolean): OutlineRow[] {
  const rows = new Map<string, OutlineRow>();
  perRun.forEach((file, r) => {
    const { outline } = file;
    const inputKeys = byId ? [] : file.inputKeys();
    const keyOf = joinKeys(byId);
    const firstAt = new Map<string, number>();
    outline.ids.forEach((id, position) => {
      const line = outline.index.lines[position];
      if (byId && firstAt.has(id)) throw repeatedId(id, `${file.file}:`, `line ${outline.index.lines[firstAt.get(id)!]}`, `${line}`, { file: file.file, line });
      firstAt.set(id, position);
      const key = keyOf(id, inputKeys[position]);
      let row = rows.get(key);
      if (!row) {
        row = { key: byId ? key : id, originRun: r, positions: perRun.map(() => null), outputs: perRun.map(() => null), delta: null, spread: null };
        rows.set(key, row);
      }
      row.positions[r] = position;
      row.outputs[r] = { score: metric === null ? null : (outline.scores[position][metric] ?? null) };
    });
  });
  return [...rows.values()];
}

/** The rows with their examples read: each run's line of each row, the first run's input and references, and another's where they differ. */
function readRows(rows: readonly OutlineRow[], files: readonly OpenPredictions[], metric: string | null): JoinedExample[] {
  return rows.map((row) => {
    const examples = row.positions.map((position, r) => (position === null ? null : files[r].example(position)));
    const first = examples[row.originRun]!;
    return {
      key: row.key, input: first.input, references: first.references,
      outputs: examples.map((e) => (e === null ? null : outputOf(e, metric, first))),
      delta: row.delta, spread: row.spread,
    };
  });
}

/** The scores sortJoined reads of a row. */
interface ScoredRow {
  outputs: readonly ({ score: number | null } | null)[];
  delta: number | null;
  spread: number | null;
}

/** Fill delta (candidate − baseline) and spread (max − min), then sort; ties and missing scores keep input order. */
export function sortJoined<R extends ScoredRow>(rows: R[], sort: Sort, baseline: number, candidate: number | null): R[] {
  for (const row of rows) {
    const scores = row.outputs.map((o) => o?.score ?? null);
    const present = scores.filter((s): s is number => s !== null);
    row.spread = present.length >= 2 ? Math.max(...present) - Math.min(...present) : null;
    const b = scores[baseline];
    const c = candidate === null ? null : scores[candidate];
    row.delta = b !== null && c !== null && c !== undefined ? c - b : null;
  }
  const keyed = rows.map((row, i) => ({ row, i }));
  const value = (row: R): number | null => {
    switch (sort) {
      case 'delta-desc':
        return row.delta;
      case 'delta-asc':
        return row.delta === null ? null : -row.delta;
      case 'abs-delta':
        return row.delta === null ? null : Math.abs(row.delta);
      case 'spread':
        return row.spread;
      case 'index':
        return null;
    }
  };
  if (sort !== 'index') {
    keyed.sort((a, b) => {
      const va = value(a.row);
      const vb = value(b.row);
      if (va === null || vb === null) return va === vb ? a.i - b.i : va === null ? 1 : -1;
      return vb - va || a.i - b.i;
    });
  }
  return keyed.map((k) => k.row);
}

function loadRuns(store: Store, runIds: readonly string[]): Run[] {
  return runIds.map((id) => store.runs.find(id, 'runIds'));
}

/**
 * Runs side by side, their metrics marked best. Evaluations sit with evaluations and training runs with training
 * runs (as the Runs page offers them): across the two, a metric of one name measures different things (an
 * evaluation's tokens/s is generation, a fine-tune's is training), and one would be marked best over the other.
 * With `dataDir` (the studio's), evaluations scored on the same examples carry their paired differences from the
 * top run (withPairedDifferences), by which bestVerdict tells them apart.
 */
export function compareRuns(store: Store, runIds: readonly string[], dataDir?: string): Comparison {
  const runs = loadRuns(store, runIds);
  const evaluation = runs.find((r) => r.kind === 'evaluation');
  const other = runs.find((r) => r.kind !== 'evaluation');
  if (evaluation && other) {
    throw new StudioError('invalid_params', `run ${other.id} is ${withArticle(other.kind)} run and run ${evaluation.id} an evaluation: compare evaluations with evaluations, or training runs with training runs (their metrics of one name measure different things)`, { field: 'runIds' });
  }
  const comparison = compareMetrics(runs.map((run) => ({ run, metrics: store.runs.latestMetrics(run.id) })));
  if (dataDir === undefined || evaluation === undefined) return comparison;
  const pairable = runs.map((run) => ({ id: run.id, datasetKey: configView(run).datasetKey }));
  return { ...comparison, metrics: withPairedDifferences(store, dataDir, pairable, comparison.metrics) };
}

/**
 * The joined examples of the runs, sorted as asked, and how many there are: rows [from, to) are read (all when
 * `to` is undefined). Joining and sorting need every example's id (or input) and score, so the first call reads
 * each compared file once into an outline (kept while the file is unchanged); a page then reads its own lines.
 */
function joinedRows(store: Store, dataDir: string, query: ExamplesQuery, from: number, to?: number): ExamplesPage {
  const q = ExamplesQuerySchema.parse(query);
  const runs = loadRuns(store, q.runIds);
  const views = runs.map(configView);
  const indexOf = (id: string | undefined, fallback: number | null, field: string): number | null => {
    if (id === undefined) return fallback;
    const i = q.runIds.indexOf(id);
    if (i < 0) throw new StudioError('invalid_params', `${field} ${id} is not one of the compared runs (${q.runIds.join(', ')})`, { field });
    return i;
  };
  const baseline = indexOf(q.baselineRunId, 0, 'baselineRunId')!;
  const candidate = indexOf(q.candidateRunId, runs.length > 1 ? (baseline === 1 ? 0 : 1) : null, 'candidateRunId');
  // a run against itself: every delta 0, every example "unchanged"
  if (candidate === baseline) throw new StudioError('invalid_params', `candidateRunId ${q.runIds[candidate]} is also the baseline; name another of the compared runs (${q.runIds.join(', ')}), or leave it out`, { field: 'candidateRunId' });
  const metric = q.metric ?? views[0].metrics.find((m) => views.every((v) => v.metrics.includes(m))) ?? null;
  if (metric !== null && !views.some((v) => v.metrics.includes(metric))) {
    throw new StudioError('invalid_params', `none of the runs has the per-example metric '${metric}' (they have: ${[...new Set(views.flatMap((v) => v.metrics))].join(', ')})`, { field: 'metric' });
  }
  const byId = views.every((v) => v.datasetKey !== null && v.datasetKey === views[0].datasetKey);
  const files: OpenPredictions[] = [];
  try {
    for (const run of runs) files.push(openPredictions(store, dataDir, run.id));
    const sorted = sortJoined(joinOutlines(files, metric, byId), q.sort, baseline, candidate);
    const rows = readRows(sorted.slice(from, to), files, metric);
    return { runIds: q.runIds, metric, joinedBy: byId ? 'example-id' : 'input-text', baselineRunId: q.runIds[baseline], candidateRunId: candidate === null ? null : q.runIds[candidate], total: sorted.length, rows };
  } finally {
    for (const f of files) f.close();
  }
}

/** All joined examples of the runs, sorted as asked (not paged). */
export function joinedExamplesForRuns(store: Store, dataDir: string, query: ExamplesQuery): Omit<ExamplesPage, 'total'> {
  const { total: _total, ...all } = joinedRows(store, dataDir, query, 0);
  return all;
}

/** A page of the joined examples (runs.examples): only its rows' lines are read once the files are outlined. */
export function examplesPage(store: Store, dataDir: string, query: ExamplesQuery): ExamplesPage {
  const q = ExamplesQuerySchema.parse(query);
  return joinedRows(store, dataDir, q, q.offset, q.offset + q.limit);
}
