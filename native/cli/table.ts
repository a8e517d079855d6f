// Plain-text tables and fields for the CLI's human output.

/**
 * A number as a table shows one: '12,345', '-0.5', '3e-4', '87%', '260K', '1.2 MiB'. The dash for 'no value' and an
 * empty cell are also allowed in a numeric column (numericColumn), but do not make one.
 */
const NUMBER_CELL = /^[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?(e[-+]?\d+)?(%| ?[KMGT]i?B|[KMBT])?$/i;
const BLANK_CELL = /^(|—|-)$/;

/** A column whose cells are all numbers (or blank, with at least one number): right-aligned, so digits line up. */
export function numericColumn(cells: readonly string[]): boolean {
  return cells.some((c) => /\d/.test(c) && NUMBER_CELL.test(c)) && cells.every((c) => BLANK_CELL.test(c) || (/\d/.test(c) && NUMBER_CELL.test(c)));
}

/**
 * A table in the CLI's one style (every list and every metrics table): the header as the caller writes it, in
 * capitals ('ID', 'NAME', 'ROWS'; no underline), one line per row, cells cut to `maxCell`; a column of numbers
 * (numericColumn) right-aligned, others left. Write counts with formatValue so they are grouped (12,345). `empty`:
 * what a list with no rows says instead, the next step in it ('no datasets yet: import one with …', as `model list`
 * says); without it, the header and '(none)' (a table inside a longer answer).
 */
export function formatTable(header: string[], rows: (string | number | null | undefined)[][], maxCell = 48, empty?: string): string {
  const cell = (v: string | number | null | undefined) => {
    const s = (v ?? '').toString().replace(/\s+/g, ' ');
    return s.length > maxCell ? `${s.slice(0, maxCell - 1)}…` : s;
  };
  const cells = rows.map((r) => header.map((_, i) => cell(r[i])));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const right = header.map((_, i) => rows.length > 0 && numericColumn(cells.map((r) => r[i])));
  const line = (r: string[]) => r.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  if (rows.length === 0) return empty ?? `${line(header)}\n(none)`;
  return [line(header), ...cells.map(line)].join('\n');
}

/** Key: value lines for one record. */
export function formatFields(fields: [string, unknown][]): string {
  const width = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n');
}

/**
 * A nested record (a run's config) as indented `key: value` lines, one field a line and a nested object's fields
 * under its key, rather than one long JSON line: a list of plain values on one line ('q_proj, v_proj'), anything
 * else as JSON. A value that is not an object is one line.
 */
export function nestedFields(value: unknown, indent = '  '): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${indent}${plainValue(value)}`];
  const entries = Object.entries(value);
  if (entries.length === 0) return [`${indent}—`];
  return entries.flatMap(([k, v]) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) return [`${indent}${k}:`, ...nestedFields(v, `${indent}  `)];
    return [`${indent}${k}: ${plainValue(v)}`];
  });
}

function plainValue(v: unknown): string {
  if (typeof v === 'string') return v === '' ? "''" : v;
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.length === 0 ? '[]' : v.map((x) => String(x)).join(', ');
  return JSON.stringify(v) ?? String(v);
}
