// A plain-text table for the CLI's human output: a header, one line per row, cells cut to a width.
export function formatTable(header: string[], rows: (string | number | null | undefined)[][], maxCell = 48): string {
  const cell = (v: string | number | null | undefined) => {
    const s = (v ?? '').toString().replace(/\s+/g, ' ');
    return s.length > maxCell ? `${s.slice(0, maxCell - 1)}…` : s;
  };
  const cells = rows.map((r) => r.map(cell));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  if (rows.length === 0) return `${line(header)}\n(none)`;
  return [line(header), ...cells.map(line)].join('\n');
}

/** Key: value lines for one record. */
export function formatFields(fields: [string, unknown][]): string {
  const width = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n');
}
