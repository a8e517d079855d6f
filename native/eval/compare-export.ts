// Exporting a comparison: CSV with one line per joined example (input, references, each run's prediction and
// score, delta), or JSON with the metrics table and every joined example. CSV quoting follows RFC 4180.
import type { Comparison, ExamplesPage } from '../api/eval.ts';

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The joined examples as CSV; columns per run are named by run id. */
export function examplesToCsv(page: Omit<ExamplesPage, 'total'>): string {
  const metric = page.metric ?? 'score';
  const header = ['key', 'input', 'references', ...page.runIds.flatMap((id) => [`${id}.prediction`, `${id}.${metric}`]), 'delta', 'spread'];
  const lines = [header.map(csvCell).join(',')];
  for (const row of page.rows) {
    const cells: (string | number | null)[] = [row.key, row.input, row.references.join('\n')];
    for (const out of row.outputs) cells.push(out?.prediction ?? null, out?.score ?? null);
    cells.push(row.delta, row.spread);
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function comparisonToJson(comparison: Comparison, page: Omit<ExamplesPage, 'total'>): string {
  const { metric, joinedBy, baselineRunId, candidateRunId, rows } = page;
  return `${JSON.stringify({ ...comparison, examples: { metric, joinedBy, baselineRunId, candidateRunId, rows } }, null, 2)}\n`;
}
