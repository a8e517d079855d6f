// Exporting a comparison: CSV with one line per joined example (input, references, each run's prediction and
// score, delta) — or, for training runs, one line per metric — or JSON with the metrics table and any joined examples. CSV quoting follows RFC 4180.
import { bestVerdict, withVerdicts, type BestVerdict } from '../api/best-run.ts';
import { NOT_RANKED, type Comparison, type ExamplesPage } from '../api/eval.ts';

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The joined examples as CSV; columns per run are named by run id. When a run fed another input or scored against
 * other references for some example (runs.examples' outputs say so), each run also gets its own input and references
 * columns, filled wherever it has the example: `input` and `references` are then the first run's.
 */
export function examplesToCsv(page: Omit<ExamplesPage, 'total'>): string {
  const metric = page.metric ?? 'score';
  const ownSources = page.rows.some((row) => row.outputs.some((o) => o?.input !== undefined || o?.references !== undefined));
  const perRun = (id: string) => [`${id}.prediction`, `${id}.${metric}`, ...(ownSources ? [`${id}.input`, `${id}.references`] : [])];
  const header = ['key', 'input', 'references', ...page.runIds.flatMap(perRun), 'delta', 'spread'];
  const lines = [header.map(csvCell).join(',')];
  for (const row of page.rows) {
    const cells: (string | number | null)[] = [row.key, row.input, row.references.join('\n')];
    for (const out of row.outputs) {
      cells.push(out?.prediction ?? null, out?.score ?? null);
      if (ownSources) cells.push(out ? (out.input ?? row.input) : null, out ? (out.references ?? row.references).join('\n') : null);
    }
    cells.push(row.delta, row.spread);
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The comparison (and, for evaluation runs, every joined example) as JSON. */
export function comparisonToJson(comparison: Comparison, page: Omit<ExamplesPage, 'total'> | null): string {
  const examples = page && (({ metric, joinedBy, baselineRunId, candidateRunId, rows }) => ({ metric, joinedBy, baselineRunId, candidateRunId, rows }))(page);
  return `${JSON.stringify({ ...withVerdicts(comparison), ...(examples ? { examples } : {}) }, null, 2)}\n`;
}

/** How a verdict reads in the CSV, as the studio's Compare says it. */
function verdictSaid(verdict: BestVerdict, higherIsBetter: boolean): string {
  switch (verdict.kind) {
    case 'none': return '';
    case 'best': return 'best';
    case 'within-noise': return 'within noise';
    case 'untested': return higherIsBetter ? 'highest' : 'lowest';
  }
}

/**
 * The metrics table as CSV, for runs without per-example output (training): one line per metric, a column per run,
 * then the run with the top value and the verdict on it (bestVerdict, as Compare says it: best, within noise, or
 * highest/lowest where there is no interval). A 'best' column once named the top run, called best with no interval.
 */
export function metricsToCsv(comparison: Comparison): string {
  const runIds = comparison.runs.map((r) => r.id);
  const header = ['metric', 'better', ...runIds, 'top', 'verdict'];
  const lines = [header.map(csvCell).join(',')];
  for (const m of comparison.metrics) {
    const better = NOT_RANKED.includes(m.name) ? '' : m.higherIsBetter ? 'higher' : 'lower';
    const verdict = bestVerdict(m, runIds);
    const top = verdict.kind === 'none' ? null : verdict.runId;
    lines.push([m.name, better, ...m.values.map((v) => v?.value ?? null), top, verdictSaid(verdict, m.higherIsBetter)].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
