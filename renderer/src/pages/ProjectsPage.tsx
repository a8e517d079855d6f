// Projects: every use case in this data directory; opening one makes it current and goes to its Scope. Each row's
// Delete asks first with the same confirmation as Scope's (what goes, what stays in no project, refused while work
// runs in it); the row's other buttons are untouched by it. In a narrow window the device and date columns give way
// so that the row's Delete stays in view.
import { useState } from 'react';
import type { Project } from '../../../native/api/schemas.ts';
import { useProjects } from '../app/ProjectsContext.tsx';
import type { PageId } from '../app/routes.ts';
import { formatDate } from '../domain/format.ts';
import { METRIC_INFO, TASKS } from '../domain/tasks.ts';
import { Badge, Card, CreateAction, DeleteAction, EmptyState, PageHeader } from '../ui/primitives.tsx';
import { ProjectJourneyCell } from './journey/ProjectJourneyCell.tsx';
import { DeleteProjectDialog } from './scope/DeleteProjectDialog.tsx';

/**
 * Once the deleted project's row is gone and the page is drawn again (deleting the current project draws every page
 * afresh, for the project that becomes current), focus goes to the Delete of the row that took its place, else to
 * the page's New project: never to the top of the document.
 */
function focusOnceGone(id: string, index: number): void {
  const started = performance.now();
  const tick = () => {
    const drawn = document.querySelector('#content .page-header') !== null && document.querySelector(`[data-project-row="${CSS.escape(id)}"]`) === null;
    if (!drawn && performance.now() - started < 5000) return void requestAnimationFrame(tick);
    const deletes = [...document.querySelectorAll<HTMLElement>('table[aria-label="Projects"] [data-project-delete]')];
    (deletes[Math.min(index, deletes.length - 1)] ?? document.querySelector<HTMLElement>('#content .page-header button') ?? document.getElementById('content'))?.focus();
  };
  requestAnimationFrame(tick);
}

export function ProjectsPage({ navigate, onNewProject }: { navigate(page: PageId): void; onNewProject(): void }) {
  const { projects, current, select, loading, error, reload } = useProjects();
  const sorted = [...projects].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const [deleting, setDeleting] = useState<Project | null>(null);

  function afterDelete(project: Project) {
    focusOnceGone(project.id, sorted.findIndex((p) => p.id === project.id));
    setDeleting(null);
    // The current project gone, the newest left becomes current, as after Scope's Delete.
    if (project.id === current?.id) select(projects.filter((p) => p.id !== project.id).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]?.id ?? null);
    reload();
  }
  return (
    <div className="page">
      <PageHeader title="Projects" lede="Each project is one narrowly scoped use case, with its data, runs and models." actions={<CreateAction onClick={onNewProject}>New project</CreateAction>} />
      {error && <p className="field-error">Could not load projects: {error.message}</p>}
      {!loading && projects.length === 0 && !error && (
        <Card>
          <EmptyState icon="folder" title="No projects yet">
            Start with New project, top right: scope one use case — what the model should do, how you will measure success, and where it has to run.
          </EmptyState>
        </Card>
      )}
      {sorted.length > 0 && (
        <Card className="card-body flush">
          <div className="table-wrap">
            <table className="table" aria-label="Projects">
              <thead>
                <tr><th>Name</th><th>Task</th><th>Success</th><th className="hide-narrow">Runs on</th><th className="hide-narrow">Updated</th><th><span className="visually-hidden">Actions</span></th></tr>
              </thead>
              <tbody>
                {sorted.map((p) => (
                  <tr key={p.id} data-project-row={p.id} className="clickable" aria-selected={p.id === current?.id} onClick={() => { select(p.id); navigate('scope'); }}>
                    <td>
                      <button className="btn btn-ghost btn-sm project-name" onClick={(e) => { e.stopPropagation(); select(p.id); navigate('scope'); }}>{p.name}</button>
                      {p.description && <div className="faint small cell-clip cell-clip-1">{p.description}</div>}
                      <div className="small"><ProjectJourneyCell projectId={p.id} /></div>
                    </td>
                    <td><Badge tone="accent">{TASKS[p.task].label}</Badge></td>
                    <td className="nowrap">{p.metric ? <span>{METRIC_INFO[p.metric].label}{p.target !== null && <span className="muted"> {METRIC_INFO[p.metric].higherIsBetter ? "≥" : "≤"} {p.target}</span>}</span> : <span className="faint">not set</span>}</td>
                    <td className="muted hide-narrow nowrap">{p.constraints.device === 'any' ? 'any device' : p.constraints.device}{p.constraints.memoryBudgetMb ? ` · ${p.constraints.memoryBudgetMb} MB` : ''}{p.constraints.maxLatencyMs ? ` · ${p.constraints.maxLatencyMs} ms` : ''}</td>
                    <td className="muted small hide-narrow nowrap">{formatDate(p.updatedAt)}</td>
                    <td className="cell-end">
                      <DeleteAction size="sm" data-project-delete aria-label={`Delete ${p.name}`} onClick={(e) => { e.stopPropagation(); setDeleting(p); }}>Delete</DeleteAction>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
      {deleting && <DeleteProjectDialog project={deleting} onClose={() => setDeleting(null)} onDeleted={() => afterDelete(deleting)} />}
    </div>
  );
}
