// What every chart shares: a <figure> with a visible title and caption, the SVG (role img, labelled by the
// same title and a description), and the numbers as a real table under "Show as table" for screen readers,
// copying and anyone who prefers figures to shapes.
import { useId, type ReactNode } from 'react';
import type { AxisScale } from './useAxisScale.ts';

export interface TableFallback {
  columns: string[];
  rows: (string | number)[][];
}

/**
 * `actions` (an axis switch) sit beside the caption, on its first line; `note` says under it what the chart cannot
 * do (a log axis for values at or below 0), with `noteId` as its id for the control it explains to name. The note and
 * the legend share one block (.chart-key), so every chart has the same four parts: caption, key, plot, table; in a
 * grid of charts (.charts-aligned) each part takes one row across the grid's row, and the plots side by side start level.
 */
export function ChartFrame({ title, description, legend, actions, note, noteId, table, children }: { title: string; description: string; legend?: ReactNode; actions?: ReactNode; note?: ReactNode; noteId?: string; table: TableFallback; children: (ids: { titleId: string; descId: string }) => ReactNode }) {
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  return (
    <figure className={actions ? 'chart chart-with-actions' : 'chart'}>
      <figcaption className="chart-caption">
        <span className="chart-title" id={titleId}>{title}</span>
        <span className="chart-desc" id={descId}>{description}</span>
      </figcaption>
      {actions && <div className="chart-actions">{actions}</div>}
      <div className="chart-key">
        {note && <p className="chart-note" id={noteId} role="status">{note}</p>}
        {legend}
      </div>
      {children({ titleId, descId })}
      <details className="chart-table">
        <summary>Show as table</summary>
        <div className="table-wrap">
          <table className="table" aria-label={`${title} (data)`}>
            <thead><tr>{table.columns.map((c, i) => <th key={c} className={i > 0 ? 'num' : undefined}>{c}</th>)}</tr></thead>
            <tbody>
              {table.rows.map((row, r) => (
                <tr key={r}>{row.map((cell, i) => <td key={i} className={i > 0 ? 'num mono' : undefined}>{cell}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

export function Legend({ items }: { items: { label: string; color: string; dashed?: boolean }[] }) {
  return (
    <div className="chart-legend" aria-hidden>
      {items.map((item) => (
        <span key={item.label} className="chart-legend-item">
          <span className={item.dashed ? 'chart-swatch chart-swatch-dashed' : 'chart-swatch'} style={{ background: item.dashed ? undefined : item.color, borderColor: item.color }} />
          {item.label}
        </span>
      ))}
    </div>
  );
}

/**
 * Linear or log for a chart's y axis: a small two-option group (arrow keys move inside it, as in every segmented
 * control), labelled by the chart's title so each chart's switch says which chart it turns. `scale` is the axis as
 * drawn. Where the values rule a log axis out, Log stays in view but cannot be chosen (arrow keys pass it by), and
 * `logUnavailableReason`, the id of the chart's note, says why.
 */
export function AxisScaleSwitch({ chart, scale, onChange, logUnavailableReason }: { chart: string; scale: AxisScale; onChange(next: AxisScale): void; logUnavailableReason?: string }) {
  return (
    <div className="segmented chart-scale" role="radiogroup" aria-label={`${chart}: y axis scale`}>
      {(['linear', 'log'] as const).map((option) => {
        const unavailable = option === 'log' && logUnavailableReason !== undefined;
        return (
          <button key={option} type="button" role="radio" aria-checked={scale === option} disabled={unavailable} aria-describedby={unavailable ? logUnavailableReason : undefined} title={unavailable ? 'Log scale needs values above 0' : undefined} onClick={() => option !== scale && onChange(option)}>
            {option === 'linear' ? 'Linear' : 'Log'}
          </button>
        );
      })}
    </div>
  );
}
