// One dataset: its facts (rows, splits, format, a CSV or TSV file's quoting, content hash), the rows skipped at import, the column mapping
// for the project's task, and a preview of the rows; Delete asks first, saying which runs used it.
import { useState, type ReactNode } from 'react';
import { splitSeedWords } from '../../../../native/api/format.ts';
import { QUOTING_LABELS } from '../../../../native/api/labels.ts';
import type { Dataset, TaskType } from '../../../../native/api/schemas.ts';
import { formatCount, formatDate, shortHash } from '../../domain/format.ts';
import { Badge, DeleteAction, Callout, Card, CardHeader, Stat } from '../../ui/primitives.tsx';
import { DeleteDatasetDialog } from './DeleteDatasetDialog.tsx';
import { MappingEditor } from './MappingEditor.tsx';
import { RowProblemsTable } from './RowProblemsTable.tsx';
import { RowsPreview } from './RowsPreview.tsx';
import './datasets.css';

/** `attach`: shown for a dataset in no project, in place of the mapping, which needs the project's task. */
export function DatasetDetail({ dataset, task, attach, onChanged, onDeleted }: { dataset: Dataset; task: TaskType | null; attach?: ReactNode; onChanged(dataset: Dataset): void; onDeleted(): void }) {
  const [confirming, setConfirming] = useState(false);
  const seed = splitSeedWords(dataset); // none for files kept whole as their splits, or a draw made before Lathe recorded it
  const splitTotal = (dataset.splits.train ?? 0) + (dataset.splits.validation ?? 0) + (dataset.splits.test ?? 0) || 1;
  return (
    <div className="stack" aria-label={`Dataset ${dataset.name}`}>
      <Card>
        <CardHeader
          title={dataset.name}
          subtitle={<span className="mono">{dataset.sourcePath}</span>}
          actions={<div className="row"><Badge>{dataset.format.toUpperCase()}{dataset.compressed ? ' · gzip' : ''}</Badge><span className="faint small">{formatDate(dataset.createdAt)}</span><DeleteAction size="sm" onClick={() => setConfirming(true)}>Delete</DeleteAction></div>}
        />
        <div className="card-body stack">
          <div className="grid-4">
            <Stat label="Rows" value={formatCount(dataset.rowCount)} />
            <Stat label="Columns" value={dataset.columns.length} />
            <Stat label="Skipped rows" value={formatCount(dataset.skippedRows.length)} />
            <div className="stat" title={dataset.contentHash}>
              <span className="stat-label">Content hash</span>
              <span className="stat-value mono" data-testid="content-hash">{shortHash(dataset.contentHash)}</span>
            </div>
          </div>
          {dataset.quoting && (
            <div className="row small"><strong>Quoting</strong><span className="muted" data-testid="dataset-quoting">{QUOTING_LABELS[dataset.quoting]}</span></div>
          )}
          <div className="stack gap-label">
            <div className="row small"><strong>Splits</strong>{seed && <span className="muted" data-testid="split-seed">{seed} — the same rows and seed always give the same split</span>}</div>
            <div className="split-bar" aria-hidden>
              {/* each part as wide as its share of the rows: the data gives the flex */}
              {(['train', 'validation', 'test'] as const).map((s) => <div key={s} data-split={s} style={{ flex: dataset.splits[s] ?? 0 }} />)}
            </div>
            <div className="row gap-4 small muted split-legend">
              {(['train', 'validation', 'test'] as const).map((s) => (
                <span key={s} data-testid={`split-${s}`}><span className="swatch" data-split={s} aria-hidden />{s}: <strong>{formatCount(dataset.splits[s] ?? 0)}</strong> ({Math.round(((dataset.splits[s] ?? 0) / splitTotal) * 100)}%)</span>
              ))}
            </div>
          </div>
        </div>
      </Card>
      {dataset.skippedRows.length > 0 && (
        <Callout tone="warning" title={`${formatCount(dataset.skippedRows.length)} ${dataset.skippedRows.length === 1 ? 'row was' : 'rows were'} skipped at import`}>
          <RowProblemsTable problems={dataset.skippedRows.map((r) => ({ line: r.line, field: null, message: r.reason }))} />
        </Callout>
      )}
      {task ? (
        <MappingEditor key={dataset.id} dataset={dataset} task={task} onSaved={onChanged} />
      ) : attach ? (
        attach
      ) : (
        <Callout title="Column mapping needs a project">This dataset belongs to no project; choose or create a project so the studio knows which fields its task needs.</Callout>
      )}
      <RowsPreview dataset={dataset} task={task} />
      {confirming && <DeleteDatasetDialog dataset={dataset} onClose={() => setConfirming(false)} onDeleted={onDeleted} />}
    </div>
  );
}
