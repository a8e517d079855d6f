// The jobs the engine has run or is running (imports, training, evaluation), newest first, with progress
// (and, under the bar, what a running job is doing or why a failed one failed).
import type { Job } from '../../../../native/api/schemas.ts';
import type { Query } from '../../app/StudioContext.tsx';
import { formatDate, formatDuration } from '../../domain/format.ts';
import { JOB_STATE_TONE, jobTitle } from '../../domain/jobs.ts';
import { Badge, Card, CardHeader, EmptyState, ProgressBar, ReadError } from '../../ui/primitives.tsx';

/** Under the bar: the error of a failed job, else its last message while it runs (a finished job's state says the rest). */
function JobNote({ job }: { job: Job }) {
  if (job.error) return <div className="small field-error">{job.error}</div>;
  if ((job.state === 'running' || job.state === 'queued') && job.message) return <div className="small muted">{job.message}</div>;
  return null;
}

export function JobsCard({ jobs }: { jobs: Query<Job[]> }) {
  return (
    <Card aria-label="Jobs">
      <CardHeader title="Jobs" subtitle="Long work runs as a job in its own process. Newest first; updates live." />
      <ReadError className="card-body" what="Could not load jobs" read={jobs} />
      {jobs.data && jobs.data.length === 0 && (
        <EmptyState icon="activity" title="No jobs yet">Importing a dataset is the first job most projects run. Training and evaluation jobs will appear here too.</EmptyState>
      )}
      {jobs.data && jobs.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Jobs">
            <thead><tr><th>Job</th><th>State</th><th className="jobs-progress">Progress</th><th>Started</th><th className="num">Duration</th></tr></thead>
            <tbody>
              {jobs.data.map((job) => (
                <tr key={job.id}>
                  <td><div className="cell-title">{jobTitle(job)}</div><div className="faint small mono">{job.id}</div></td>
                  <td><Badge tone={JOB_STATE_TONE[job.state]}>{job.state}</Badge></td>
                  <td className="jobs-progress">
                    <ProgressBar value={job.progress} state={job.state} label={`${jobTitle(job)} progress`} />
                    <JobNote job={job} />
                  </td>
                  <td className="muted small nowrap">{job.startedAt ? formatDate(job.startedAt) : 'queued'}</td>
                  <td className="num mono muted small">{formatDuration(job.startedAt, job.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
