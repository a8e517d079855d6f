// Plain-text tables and fields for the CLI's human output.

/**
 * A table: a header, one line per row, cells cut to a width. `empty`: what a list with no rows says instead, the
 * next step in it ('no datasets yet: import one with …', as `model list` says); without it, the header and '(none)'
 * (a table inside a longer answer).
 */
export function formatTable(header: string[], rows: (string | number | null | undefined)[][], maxCell = 48, empty?: string): string {
  const cell = (v: string | number | null | undefined) => {
    const s = (v ?? '').toString().replace(/\s+/g, ' ');
    return s.length > maxCell ? `${s.slice(0, maxCell - 1)}…` : s;
  };
  const cells = rows.map((r) => r.map(cell));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
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
