// Datasets: import files into the current project, then inspect, map and preview each one. Datasets that
// belong to no project (a CLI import without --project) are listed apart, each with a way into this project.
// Deleting one (DatasetDetail) leaves the runs that used it, which show it as deleted.
import { useEffect, useRef, useState } from 'react';
import type { Dataset } from '../../../../native/api/schemas.ts';
import { errorMessage } from '../../api/errors.ts';
import { GoFirst } from '../../app/GoFirst.tsx';
import { useProjects } from '../../app/ProjectsContext.tsx';
import { useItemAddress, type PageId } from '../../app/routes.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { Button, Callout, Card, CardHeader, EmptyState, PageHeader, ReadError } from '../../ui/primitives.tsx';
import { useToast } from '../../ui/Toasts.tsx';
import { DatasetDetail } from './DatasetDetail.tsx';
import { datasetChoices, UNASSIGNED_LABEL } from './datasetChoices.tsx';
import { ImportPanel } from './ImportPanel.tsx';
import { plural } from '../../../../native/api/format.ts';

const count = (n: number) => plural(n, 'dataset');

function DatasetList({ title, subtitle, datasets, selectedId, onSelect }: { title: string; subtitle: string; datasets: Dataset[]; selectedId: string; onSelect(id: string): void }) {
  return (
    <section aria-label={title}>
      <CardHeader title={title} subtitle={subtitle} />
      <div className="list">
        {datasets.map((d) => (
          <button key={d.id} className="list-item" aria-current={d.id === selectedId} onClick={() => onSelect(d.id)}>
            <strong>{d.name}</strong>
            <span className="muted small">{plural(d.rowCount, 'row')} · {d.format.toUpperCase()}</span>
          </button>
        ))}
      </div>
    </section>
  );
}

export function DatasetsPage({ navigate }: { navigate(page: PageId): void }) {
  const studio = useStudio();
  const toast = useToast();
  const { current, loading: projectsLoading } = useProjects();
  const list = useQuery('datasets.list', projectsLoading ? null : {});
  // In the address (#/datasets/<id>): a reload, Back and Forward keep the dataset shown.
  const { id: selectedId, select: setSelectedId, forget } = useItemAddress('datasets');
  const [adding, setAdding] = useState(false);
  const { inProject, unassigned, offered } = datasetChoices(list.data, current?.id ?? null);
  const selected = offered.find((d) => d.id === selectedId) ?? offered[0] ?? null;


  // After a delete the dialog's Delete button is gone with the dataset shown: focus goes to the dataset the list
  // shows next, or to the page when none is left, never to the top of the document.
  const focusAfterDelete = useRef(false);
  function afterDelete() {
    focusAfterDelete.current = true;
    forget();
    list.reload();
  }
  useEffect(() => {
    if (!focusAfterDelete.current || list.loading) return;
    focusAfterDelete.current = false;
    (document.querySelector<HTMLElement>('[aria-label="Dataset list"] [aria-current="true"]') ?? document.getElementById('content'))?.focus();
  }, [list.loading, list.data]);

  async function addToProject(dataset: Dataset) {
    if (!current) return;
    setAdding(true);
    try {
      await studio.call('datasets.setProject', { id: dataset.id, projectId: current.id });
      toast.show('success', `Added ${dataset.name} to “${current.name}”`);
      setSelectedId(dataset.id);
      list.reload();
    } catch (err) {
      toast.show('error', `Could not add ${dataset.name} to the project`, errorMessage(err));
    } finally {
      setAdding(false);
    }
  }

  const attach = selected && selected.projectId === null && current
    ? (
      <Callout title={UNASSIGNED_LABEL}>
        <div className="stack gap-2">
          <span>This dataset was imported without a project. Add it to “{current.name}” to map its columns for the project’s task and keep it with the project’s runs.</span>
          <div><Button variant="primary" icon="plus" disabled={adding} onClick={() => void addToProject(selected)}>Add to “{current.name}”</Button></div>
        </div>
      </Callout>
    )
    : undefined;

  return (
    <div className="page">
      <PageHeader
        title="Datasets"
        lede={current ? `Examples for “${current.name}”. Import them once; the studio validates every row, fingerprints the file and fixes the train / validation / test split.` : 'Datasets belong to a project, which says what the rows are for.'}
      />
      {!current && !projectsLoading && (
        <GoFirst icon="folder" title="Scope a project first" page="scope" navigate={navigate}>
          The project’s task decides which fields a dataset must supply — a summary for summarisation, a label for classification.
          {unassigned.length > 0 && ` ${count(unassigned.length)} not in any project ${unassigned.length === 1 ? 'is' : 'are'} listed below.`}
        </GoFirst>
      )}
      {current && list.data && <ImportPanel projectId={current.id} startCollapsed={offered.length > 0} onImported={(id) => { if (id) setSelectedId(id); list.reload(); }} />}
      <ReadError what="Could not load datasets" read={list} />
      {current && list.data && inProject.length === 0 && (
        <Card>
          <EmptyState icon="database" title="No datasets in this project yet">
            {unassigned.length > 0
              ? `Import a file above, or add ${unassigned.length === 1 ? 'the dataset' : `one of the ${count(unassigned.length)}`} not in any project (listed below) to “${current.name}”.`
              : 'Import a file above. A few hundred good examples are enough to evaluate prompts; fine-tuning usually wants thousands.'}
          </EmptyState>
        </Card>
      )}
      {selected && (
        <div className="split">
          <Card aria-label="Dataset list">
            {current && inProject.length > 0 && <DatasetList title="In this project" subtitle={count(inProject.length)} datasets={inProject} selectedId={selected.id} onSelect={setSelectedId} />}
            {unassigned.length > 0 && <DatasetList title={UNASSIGNED_LABEL} subtitle={`${count(unassigned.length)} · imported without a project`} datasets={unassigned} selectedId={selected.id} onSelect={setSelectedId} />}
          </Card>
          <DatasetDetail key={selected.id} dataset={selected} task={selected.projectId && current ? current.task : null} attach={attach} onChanged={() => list.reload()} onDeleted={afterDelete} />
        </div>
      )}
    </div>
  );
}
