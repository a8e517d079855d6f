// The confirmation before a dataset is deleted: it says which runs used it (they stay, with their scores, and show
// the dataset as deleted), and when a job still reads it, says so and offers no delete. "Keep it" has the focus.
import { useState } from 'react';
import { datasetRunsNote } from '../../../../native/api/deletion.ts';
import type { Dataset } from '../../../../native/api/schemas.ts';
import { errorMessage } from '../../api/errors.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { Button, Callout, ReadError } from '../../ui/primitives.tsx';
import { useToast } from '../../ui/Toasts.tsx';
import { runHash } from '../runs/address.ts';
import './datasets.css';

/** Runs named in the dialog; more are counted, not listed. */
const LISTED_RUNS = 5;

export function DeleteDatasetDialog({ dataset, onClose, onDeleted }: { dataset: Dataset; onClose(): void; onDeleted(): void }) {
  const studio = useStudio();
  const toast = useToast();
  const usage = useQuery('datasets.usage', { id: dataset.id });
  const [busy, setBusy] = useState(false);
  const runs = usage.data?.runs ?? [];

  async function remove() {
    setBusy(true);
    try {
      await studio.call('datasets.delete', { id: dataset.id });
      toast.show('success', `Deleted “${dataset.name}”`);
      onDeleted();
    } catch (err) {
      toast.show('error', 'Could not delete the dataset', errorMessage(err));
      setBusy(false);
      onClose();
    }
  }

  return (
    <Dialog title={`Delete ${dataset.name}?`} onClose={onClose}>
      <div className="stack">
        <p>Its {dataset.rowCount.toLocaleString()} rows, splits and column mapping are removed, with its folder in the studio’s data directory. The file it was imported from, <span className="mono small">{dataset.sourcePath}</span>, is not touched.</p>
        <ReadError what="Could not check which runs used it" read={usage} />
        {usage.data && (
          <div className="stack gap-label" data-testid="dataset-delete-runs">
            <p>{datasetRunsNote(runs.length)}</p>
            {runs.length > 0 && (
              <ul className="small dialog-list">
                {runs.slice(0, LISTED_RUNS).map((r) => <li key={r.id}><a href={runHash(r.id)}>{r.name}</a> <span className="faint">({r.status})</span></li>)}
                {runs.length > LISTED_RUNS && <li className="muted">and {runs.length - LISTED_RUNS} more</li>}
              </ul>
            )}
          </div>
        )}
        {usage.data?.busy && <Callout tone="warning" title="In use: it cannot be deleted now">{`The dataset is in use: ${usage.data.busy}.`}</Callout>}
        <div className="dialog-actions">
          <Button data-autofocus onClick={onClose}>Keep it</Button>
          <Button variant="danger" icon="x" disabled={busy || !usage.data || usage.data.busy !== null} onClick={() => void remove()}>{busy ? 'Deleting…' : 'Delete dataset'}</Button>
        </div>
      </div>
    </Dialog>
  );
}
