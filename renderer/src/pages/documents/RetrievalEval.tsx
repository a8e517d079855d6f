// Evaluating a collection's retrieval: a dataset whose rows hold a query and the document that answers it, searched
// in each mode; one evaluation run per mode (recall@k, MRR, nDCG@10), opened side by side in Compare.
import { useState, type FormEvent } from 'react';
import { RETRIEVAL_METRICS, SEARCH_MODES, type Collection, type RetrievalEvalResult, type SearchMode } from '../../../../native/api/rag.ts';
import type { Job } from '../../../../native/api/schemas.ts';
import { errorMessage } from '../../api/errors.ts';
import { isFinished } from '../../domain/jobs.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { Button, Callout, Card, CardHeader, Field, ProgressBar, Select } from '../../ui/primitives.tsx';
import { openCompare } from '../compare/route.tsx';
import { useJobProgress } from '../datasets/useJobProgress.ts';
import { formatMetric, metricLabel } from '../evaluate/metrics.ts';
import { SEARCH_MODE_LABEL } from './searchModes.ts';

/** A dataset column picked for one role (the query, the relevant document); disabled until a dataset is chosen. */
function ColumnField({ label, help, columns, value, onChange }: { label: string; help: string; columns: readonly string[] | undefined; value: string; onChange: (column: string) => void }) {
  return (
    <Field label={label} help={help}>
      {(id, d) => (
        <Select id={id} aria-describedby={d} value={value} disabled={!columns} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {columns?.map((c) => <option key={c} value={c}>{c}</option>)}
        </Select>
      )}
    </Field>
  );
}

export function RetrievalEval({ collection, projectId }: { collection: Collection; projectId: string | null }) {
  const studio = useStudio();
  const datasets = useQuery('datasets.list', {});
  const [datasetId, setDatasetId] = useState('');
  const [queryColumn, setQueryColumn] = useState('');
  const [relevantColumn, setRelevantColumn] = useState('');
  const [modes, setModes] = useState<SearchMode[]>(collection.embedModel ? [...SEARCH_MODES] : ['bm25']);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<RetrievalEvalResult | null>(null);
  const progress = useJobProgress((job: Job) => {
    if (job.state === 'succeeded') setResult(job.result as RetrievalEvalResult);
    else setError(job.error ?? `The evaluation ended ${job.state}.`);
  });
  const list = datasets.data ?? [];
  const dataset = list.find((d) => d.id === datasetId);
  const running = progress.job !== null && !isFinished(progress.job);

  async function start(e: FormEvent) {
    e.preventDefault();
    if (!dataset || !queryColumn || !relevantColumn || !modes.length || running) return;
    setError(null);
    setResult(null);
    try {
      progress.follow(await studio.call('collections.evaluate', { collection: collection.id, dataset: dataset.id, split: 'all', queryColumn, relevantColumn, modes, projectId }));
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const toggle = (m: SearchMode) => setModes((prev) => (prev.includes(m) ? prev.filter((x) => x !== m) : SEARCH_MODES.filter((x) => x === m || prev.includes(x))));
  return (
    <Card aria-label="Evaluate retrieval">
      <CardHeader title="Evaluate retrieval" subtitle="Questions whose answering document you know: how often each search mode finds it, and how high. Each mode becomes an evaluation run you can compare." />
      <form className="card-body stack" onSubmit={start} aria-label="Evaluate retrieval">
        <div className="form-grid">
          <Field label="Dataset" help="Every row of it is a query.">
            {(id, d) => (
              <Select id={id} aria-describedby={d} value={datasetId} onChange={(e) => { setDatasetId(e.target.value); setQueryColumn(''); setRelevantColumn(''); }}>
                <option value="">Choose a dataset…</option>
                {list.map((ds) => <option key={ds.id} value={ds.id}>{ds.name}</option>)}
              </Select>
            )}
          </Field>
          <ColumnField label="Query column" help="The question searched for." columns={dataset?.columns} value={queryColumn} onChange={setQueryColumn} />
          <ColumnField label="Relevant document column" help="The document’s file name (with or without its extension) or id; rows naming no document here score 0." columns={dataset?.columns} value={relevantColumn} onChange={setRelevantColumn} />
          <fieldset className="field field-group">
            <legend className="field-label">Modes</legend>
            <div className="field-group-options">
              {SEARCH_MODES.map((m) => (
                <label key={m} className="checkbox small"><input type="checkbox" checked={modes.includes(m)} disabled={m !== 'bm25' && !collection.embedModel} onChange={() => toggle(m)} /><span>{SEARCH_MODE_LABEL[m]}</span></label>
              ))}
            </div>
            <p className="field-help">{collection.embedModel ? 'Each mode becomes an evaluation run.' : 'Dense and hybrid search need an embedding model; this collection has none.'}</p>
          </fieldset>
        </div>
        <div className="row">
          <span className="spacer" />
          <Button type="submit" variant="primary" disabled={running || !dataset || !queryColumn || !relevantColumn || !modes.length}>{running ? 'Evaluating…' : 'Evaluate'}</Button>
        </div>
        {progress.job && running && <ProgressBar label="Evaluation progress" value={progress.job.progress} state={progress.job.state} />}
        {error && <Callout tone="danger" title="The evaluation did not run"><div className="pre-wrap">{error}</div></Callout>}
        {result && (
          <div className="stack gap-2" role="status">
            <div className="table-wrap">
              <table className="table" aria-label="Retrieval by mode">
                <thead><tr><th>Mode</th>{RETRIEVAL_METRICS.map((m) => <th key={m}>{metricLabel(m)}</th>)}</tr></thead>
                <tbody>
                  {result.runs.map((r) => (
                    <tr key={r.runId}><td>{r.mode}</td>{RETRIEVAL_METRICS.map((m) => <td key={m} className="mono">{r.metrics[m] === undefined ? '—' : formatMetric(m, r.metrics[m])}</td>)}</tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="row">
              <span className="small muted">{result.queries} queries{result.unmatched ? `; ${result.unmatched} name no document of this collection` : ''}.</span>
              <span className="spacer" />
              <Button size="sm" onClick={() => openCompare(result.runs.map((r) => r.runId))}>Open in Compare</Button>
            </div>
          </div>
        )}
      </form>
    </Card>
  );
}
