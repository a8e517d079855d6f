// The rows themselves, a page at a time, from any split, so the user can check what was imported.
import { useState } from 'react';
import type { Dataset } from '../../../../native/api/schemas.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { formatCount } from '../../domain/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { ColumnName, columnFit } from '../../ui/cells.tsx';
import { Button, Card, CardHeader, ReadError } from '../../ui/primitives.tsx';

const PAGE_SIZE = 10;
type Split = 'all' | 'train' | 'validation' | 'test';

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function RowsPreview({ dataset }: { dataset: Dataset }) {
  const [split, setSplit] = useState<Split>('all');
  const [offset, setOffset] = useState(0);
  /** Rows shown whole (by their number in the split); long cells are clipped to three lines otherwise. */
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (n: number) => setOpen((was) => {
    const next = new Set(was);
    if (!next.delete(n)) next.add(n);
    return next;
  });
  const rows = useQuery('datasets.rows', { id: dataset.id, split, offset, limit: PAGE_SIZE });
  // The rows on screen and the page they are: until the next page's answer arrives the last one stays (greyed,
  // aria-busy), numbered as the rows they are — they were once numbered as the page asked for.
  const [shown, setShown] = useState({ data: rows.data, split, offset });
  if (rows.data !== shown.data) setShown({ data: rows.data, split, offset });
  const stale = (shown.split !== split || shown.offset !== offset) && !rows.error;
  const total = shown.data?.total ?? 0;
  const columns = shown.data?.columns ?? dataset.columns;
  const fit = new Map(columns.map((c) => [c, columnFit((shown.data?.rows ?? []).map((row) => cellText(row[c])))]));

  return (
    <Card aria-label="Preview">
      <CardHeader
        title="Preview"
        subtitle="The rows as stored after import. Click a row, or press Enter on its number, to read it whole."
        actions={
          <div className="segmented" role="radiogroup" aria-label="Split">
            {(['all', 'train', 'validation', 'test'] as const).map((s) => (
              <button key={s} role="radio" aria-checked={split === s} onClick={() => { setSplit(s); setOffset(0); setOpen(new Set()); }}>{s === 'all' ? 'All' : s[0].toUpperCase() + s.slice(1)}</button>
            ))}
          </div>
        }
      />
      <ReadError className="card-body" what="Could not read rows" read={rows} />
      <div className="table-wrap table-wrap-tall rows-preview" aria-busy={stale}>
        <table className="table" aria-label="Dataset rows">
          <thead><tr><th className="num">#</th>{columns.map((c) => <th key={c}><ColumnName name={c} />{Object.entries(dataset.mapping).filter(([, col]) => col === c).map(([field]) => <span key={field} className="badge badge-accent column-badge">{field}</span>)}</th>)}</tr></thead>
          <tbody>
            {(shown.data?.rows ?? []).map((row, i) => {
              const n = shown.offset + i;
              const whole = open.has(n);
              return (
                // The row opens on a click anywhere in it; its number is a button so the keyboard and a screen
                // reader get the same toggle, with its state (aria-expanded is not allowed on a table row).
                <tr key={n} className="row-expandable" data-testid="preview-row" onClick={() => toggle(n)}>
                  <td className="num faint mono small"><button type="button" className="row-toggle" aria-label={`Row ${n + 1}`} aria-expanded={whole}>{n + 1}</button></td>
                  {columns.map((c) => <td key={c}><div className={[whole ? 'cell-whole' : 'cell-clip', fit.get(c)].join(' ')}>{cellText(row[c])}</div></td>)}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <span>{stale || total === 0 ? (rows.loading || stale ? 'Loading…' : 'No rows in this split') : `Rows ${formatCount(offset + 1)}–${formatCount(Math.min(offset + PAGE_SIZE, total))} of ${formatCount(total)}`}</span>
        <span className="spacer" />
        <Button size="sm" aria-label="Previous page" disabled={stale || offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}><Icon name="chevronLeft" size={14} /></Button>
        <Button size="sm" aria-label="Next page" disabled={stale || offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}><Icon name="chevronRight" size={14} /></Button>
      </div>
    </Card>
  );
}
