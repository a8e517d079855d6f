// Runs: the jobs the engine has run or is running (imports now; training and evaluation later) and the runs
// recorded for projects. Live: every job event reloads the list.
import { useState } from 'react';
import { useStudioEvents, useQuery } from '../app/StudioContext.tsx';
import { openCompare } from './compare/route.tsx';
import { useProjects } from '../app/ProjectsContext.tsx';
import { formatDate, formatDuration } from '../domain/format.ts';
import { JOB_STATE_TONE, jobKindLabel } from '../domain/jobs.ts';
import { Badge, Button, Card, CardHeader, EmptyState, PageHeader, ProgressBar } from '../ui/primitives.tsx';

export function RunsPage() {
  const jobs = useQuery('jobs.list', { limit: 100 });
  const runs = useQuery('runs.list', {});
  const { projects } = useProjects();
  useStudioEvents((event) => {
    if (event.type === 'job.updated') {
      jobs.reload();
      runs.reload();
    }
  });
  const [picked, setPicked] = useState<string[]>([]);
  const togglePick = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-16)));
  const projectName = (id: string | null) => projects.find((p) => p.id === id)?.name ?? '—';

  return (
    <div className="page">
      <PageHeader title="Runs" lede="Every piece of long work — imports, training, evaluation, export — runs as a job in its own process. Its progress and outcome are kept here." />
      <Card>
        <CardHeader title="Jobs" subtitle="Newest first; updates live." />
        {jobs.error && <div className="card-body field-error">Could not load jobs: {jobs.error.message}</div>}
        {jobs.data && jobs.data.length === 0 && (
          <EmptyState icon="activity" title="No jobs yet">Importing a dataset is the first job most projects run. Training and evaluation jobs will appear here too.</EmptyState>
        )}
        {jobs.data && jobs.data.length > 0 && (
          <div className="table-wrap">
            <table className="table" aria-label="Jobs">
              <thead><tr><th>Job</th><th>State</th><th style={{ width: 180 }}>Progress</th><th>Message</th><th>Started</th><th className="num">Duration</th></tr></thead>
              <tbody>
                {jobs.data.map((job) => (
                  <tr key={job.id}>
                    <td><div style={{ fontWeight: 550 }}>{jobKindLabel(job.kind)}</div><div className="faint small mono">{job.id}</div></td>
                    <td><Badge tone={JOB_STATE_TONE[job.state]}>{job.state}</Badge></td>
                    <td style={{ verticalAlign: 'middle' }}><ProgressBar value={job.progress} state={job.state} label={`${jobKindLabel(job.kind)} progress`} /></td>
                    <td className="small">{job.error ? <span className="field-error">{job.error}</span> : <span className="muted">{job.message}</span>}</td>
                    <td className="muted small" style={{ whiteSpace: 'nowrap' }}>{job.startedAt ? formatDate(job.startedAt) : 'queued'}</td>
                    <td className="num muted small">{formatDuration(job.startedAt, job.finishedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card>
        <CardHeader
          title="Recorded runs"
          subtitle="Runs keep their configuration, metrics and outputs. Tick evaluations to compare them."
          actions={
            <Button variant={picked.length >= 2 ? 'primary' : 'default'} icon="layers" disabled={picked.length === 0} onClick={() => openCompare(picked)}>
              Compare{picked.length ? ` (${picked.length})` : ''}
            </Button>
          }
        />
        {runs.error && <div className="card-body field-error">Could not load runs: {runs.error.message}</div>}
        {runs.data && runs.data.length === 0 && (
          <EmptyState icon="layers" title="No runs recorded">Runs appear when a job produces something to keep — a dataset import, a fine-tuned adapter, an evaluation.</EmptyState>
        )}
        {runs.data && runs.data.length > 0 && (
          <div className="table-wrap">
            <table className="table" aria-label="Runs">
              <thead><tr><th style={{ width: 32 }}><span className="visually-hidden">Compare</span></th><th>Run</th><th>Kind</th><th>Project</th><th>Status</th><th>Created</th><th className="num">Duration</th></tr></thead>
              <tbody>
                {runs.data.map((run) => (
                  <tr key={run.id}>
                    <td>{run.kind === 'evaluation' && <input type="checkbox" aria-label={`Compare ${run.name}`} checked={picked.includes(run.id)} onChange={() => togglePick(run.id)} style={{ accentColor: 'var(--accent)' }} />}</td>
                    <td style={{ fontWeight: 550 }}>{run.name}</td>
                    <td>{jobKindLabel(run.kind)}</td>
                    <td className="muted">{projectName(run.projectId)}</td>
                    <td><Badge>{run.status}</Badge></td>
                    <td className="muted small" style={{ whiteSpace: 'nowrap' }}>{formatDate(run.createdAt)}</td>
                    <td className="num muted small">{formatDuration(run.startedAt, run.finishedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
