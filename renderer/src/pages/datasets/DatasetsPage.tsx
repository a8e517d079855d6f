// Datasets: import files into the current project, then inspect, map and preview each one.
import { useEffect, useState } from 'react';
import { useProjects } from '../../app/ProjectsContext.tsx';
import type { PageId } from '../../app/routes.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { formatCount } from '../../domain/format.ts';
import { Button, Card, CardHeader, EmptyState, PageHeader } from '../../ui/primitives.tsx';
import { DatasetDetail } from './DatasetDetail.tsx';
import { ImportPanel } from './ImportPanel.tsx';

export function DatasetsPage({ navigate }: { navigate(page: PageId): void }) {
  const { current, loading: projectsLoading } = useProjects();
  const list = useQuery('datasets.list', projectsLoading ? null : { projectId: current?.id ?? null });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const datasets = [...(list.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const selected = datasets.find((d) => d.id === selectedId) ?? datasets[0] ?? null;

  useEffect(() => setSelectedId(null), [current?.id]);

  return (
    <div className="page">
      <PageHeader
        title="Datasets"
        lede={current ? `Examples for “${current.name}”. Import them once; the studio validates every row, fingerprints the file and fixes the train / validation / test split.` : 'Datasets belong to a project, which says what the rows are for.'}
      />
      {!current && !projectsLoading && (
        <Card><EmptyState icon="folder" title="Scope a project first" action={<Button variant="primary" onClick={() => navigate('scope')}>Go to Scope</Button>}>The project’s task decides which fields a dataset must supply — a summary for summarisation, a label for classification.</EmptyState></Card>
      )}
      {current && (
        <>
          {list.data && <ImportPanel projectId={current.id} startCollapsed={list.data.length > 0} onImported={(id) => { setSelectedId(id); list.reload(); }} />}
          {list.error && <p className="field-error">Could not load datasets: {list.error.message}</p>}
          {list.data && datasets.length === 0 && (
            <Card><EmptyState icon="database" title="No datasets in this project yet">Import a file above. A few hundred good examples are enough to evaluate prompts; fine-tuning usually wants thousands.</EmptyState></Card>
          )}
          {selected && (
            <div className="split">
              <Card aria-label="Dataset list">
                <CardHeader title="In this project" subtitle={`${datasets.length} dataset${datasets.length === 1 ? '' : 's'}`} />
                <div>
                  {datasets.map((d) => (
                    <button key={d.id} className="list-item" aria-current={d.id === selected.id} onClick={() => setSelectedId(d.id)}>
                      <strong>{d.name}</strong>
                      <span className="muted small">{formatCount(d.rowCount)} rows · {d.format.toUpperCase()}</span>
                    </button>
                  ))}
                </div>
              </Card>
              <DatasetDetail key={selected.id} dataset={selected} task={current.task} onChanged={() => list.reload()} />
            </div>
          )}
        </>
      )}
    </div>
  );
}
