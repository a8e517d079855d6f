// Projects: every use case in this data directory; opening one makes it current and goes to its Scope.
import { useProjects } from '../app/ProjectsContext.tsx';
import type { PageId } from '../app/routes.ts';
import { formatDate } from '../domain/format.ts';
import { METRIC_INFO, TASKS } from '../domain/tasks.ts';
import { Badge, Button, Card, EmptyState, PageHeader } from '../ui/primitives.tsx';
import { ProjectJourneyCell } from './journey/ProjectJourneyCell.tsx';

export function ProjectsPage({ navigate, onNewProject }: { navigate(page: PageId): void; onNewProject(): void }) {
  const { projects, current, select, loading, error } = useProjects();
  const sorted = [...projects].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return (
    <div className="page">
      <PageHeader title="Projects" lede="Each project is one narrowly scoped use case, with its data, runs and models." actions={<Button variant="primary" icon="plus" onClick={onNewProject}>New project</Button>} />
      {error && <p className="field-error">Could not load projects: {error.message}</p>}
      {!loading && projects.length === 0 && !error && (
        <Card>
          <EmptyState icon="folder" title="No projects yet" action={<Button variant="primary" icon="plus" onClick={onNewProject}>Scope a use case</Button>}>
            Start by scoping a use case: what the model should do, how you will measure success, and where it has to run.
          </EmptyState>
        </Card>
      )}
      {sorted.length > 0 && (
        <Card className="card-body flush">
          <div className="table-wrap">
            <table className="table" aria-label="Projects">
              <thead>
                <tr><th>Name</th><th>Task</th><th>Success</th><th>Runs on</th><th>Updated</th></tr>
              </thead>
              <tbody>
                {sorted.map((p) => (
                  <tr key={p.id} className="clickable" aria-selected={p.id === current?.id} onClick={() => { select(p.id); navigate('scope'); }}>
                    <td>
                      <button className="btn btn-ghost btn-sm" style={{ padding: 0, color: 'var(--text)', fontWeight: 550 }} onClick={(e) => { e.stopPropagation(); select(p.id); navigate('scope'); }}>{p.name}</button>
                      {p.description && <div className="faint small cell-clip" style={{ WebkitLineClamp: 1 }}>{p.description}</div>}
                      <div className="small"><ProjectJourneyCell projectId={p.id} /></div>
                    </td>
                    <td><Badge tone="accent">{TASKS[p.task].label}</Badge></td>
                    <td style={{ whiteSpace: 'nowrap' }}>{p.metric ? <span>{METRIC_INFO[p.metric].label}{p.target !== null && <span className="muted"> {METRIC_INFO[p.metric].higherIsBetter ? "≥" : "≤"} {p.target}</span>}</span> : <span className="faint">not set</span>}</td>
                    <td className="muted">{p.constraints.device === 'any' ? 'any device' : p.constraints.device}{p.constraints.memoryBudgetMb ? ` · ${p.constraints.memoryBudgetMb} MB` : ''}{p.constraints.maxLatencyMs ? ` · ${p.constraints.maxLatencyMs} ms` : ''}</td>
                    <td className="muted small" style={{ whiteSpace: 'nowrap' }}>{formatDate(p.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
    </div>
  );
}
