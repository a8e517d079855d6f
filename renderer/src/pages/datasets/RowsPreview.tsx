// The rows themselves, a page at a time, from any split, so the user can check what was imported.
import { useState } from 'react';
import type { Dataset, TaskType } from '../../../../native/api/schemas.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { Icon } from '../../ui/icons.tsx';
import { ColumnName, columnFit } from '../../ui/cells.tsx';
import { Button, Card, CardHeader, ReadError } from '../../ui/primitives.tsx';
import { mappedFields, namesItself } from './mappingFields.ts';
import { PAGE_SIZE, pagerOf, pageRowsText, samePage, type PreviewPage } from './previewPager.ts';

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * `task`: the project's, whose labels the column badges take (the mapping editor's, mappedFields); null for a dataset
 * in no project, whose badges name the fields themselves.
 */
export function RowsPreview({ dataset, task }: { dataset: Dataset; task: TaskType | null }) {
  const [asked, setAsked] = useState<PreviewPage>({ split: 'all', offset: 0 });
  /** Rows shown whole (by their number in the split); long cells are clipped to three lines otherwise. */
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (n: number) => setOpen((was) => {
    const next = new Set(was);
    if (!next.delete(n)) next.add(n);
    return next;
  });
  const rows = useQuery('datasets.rows', { id: dataset.id, ...asked, limit: PAGE_SIZE });
  // The rows on screen and the page they are: until the asked page's answer arrives the last one stays (greyed,
  // aria-busy), numbered as the rows they are; if it fails they stay, and the pager and the split counted from them.
  const [shown, setShown] = useState({ data: rows.data, ...asked });
  if (rows.data !== shown.data) setShown({ data: rows.data, ...asked });
  const asking = rows.error ? 'failed' : samePage(shown, asked) ? 'done' : 'loading';
  const pager = pagerOf(shown.data ? { offset: shown.offset, total: shown.data.total } : null, asking);
  const split = asking === 'failed' && shown.data ? shown.split : asked.split;
  /** Asks for `page`; asked again when it is the page that failed (Next after a failed Next). */
  const go = (page: PreviewPage) => (samePage(page, asked) ? rows.reload() : setAsked(page));
  const columns = shown.data?.columns ?? dataset.columns;
  // A column's badges: the fields it feeds, but not one its own name already says ("instruction instruction").
  const mapped = task ? mappedFields(task, dataset.mapping) : Object.entries(dataset.mapping).map(([field, column]) => ({ field, label: field, column }));
  const badgesOf = (column: string) => mapped.filter((f) => f.column === column && !namesItself(f));
  const fit = new Map(columns.map((c) => [c, columnFit((shown.data?.rows ?? []).map((row) => cellText(row[c])))]));

  return (
    <Card aria-label="Preview">
      <CardHeader
        title="Preview"
        subtitle="The rows as stored after import. Click a row, or press Enter on its number, to read it whole."
        actions={
          <div className="segmented" role="radiogroup" aria-label="Split">
            {(['all', 'train', 'validation', 'test'] as const).map((s) => (
              <button key={s} role="radio" aria-checked={split === s} onClick={() => { go({ split: s, offset: 0 }); setOpen(new Set()); }}>{s === 'all' ? 'All' : s[0].toUpperCase() + s.slice(1)}</button>
            ))}
          </div>
        }
      />
      <ReadError className="card-body" what={`Could not read ${pageRowsText(asked)}`} read={rows} />
      <div className="table-wrap table-wrap-tall rows-preview" aria-busy={asking === 'loading'}>
        <table className="table" aria-label="Dataset rows">
          <thead><tr><th className="num">#</th>{columns.map((c) => <th key={c}><ColumnName name={c} />{badgesOf(c).map((f) => <span key={f.field} className="badge badge-accent column-badge" title={`The ${f.field} field`}>{f.label}</span>)}</th>)}</tr></thead>
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
        <span>{pager.text}</span>
        <span className="spacer" />
        <Button size="sm" aria-label="Previous page" disabled={pager.previous === null} onClick={() => pager.previous !== null && go({ split: shown.split, offset: pager.previous })}><Icon name="chevronLeft" size={14} /></Button>
        <Button size="sm" aria-label="Next page" disabled={pager.next === null} onClick={() => pager.next !== null && go({ split: shown.split, offset: pager.next })}><Icon name="chevronRight" size={14} /></Button>
      </div>
    </Card>
  );
}
