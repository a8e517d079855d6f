// Work going on now and work that leaves no run, newest first, with progress (and, under the bar, what a running job
// is doing or why a failed one failed). A finished job whose run is a row the table above shows now (its status, its
// time) is not listed twice; one whose run the table's filters (project, tag, tab) or page leave out is, so that a
// failed run is not lost from sight; a running one is, under its run's name, for its progress bar.
import type { Job, RunSummary } from '../../../../native/api/schemas.ts';
import type { Query } from '../../app/StudioContext.tsx';
import { formatDate, formatDuration, formatRunTime } from '../../domain/format.ts';
import { JOB_STATE_TONE, jobTitle } from '../../domain/jobs.ts';
import { Badge, Card, CardHeader, ProgressBar, ReadError } from '../../ui/primitives.tsx';
import { runHash } from './address.ts';

/** Under the bar: the error of a failed job, else its last message while it runs (a finished job's state says the rest). */
function JobNote({ job }: { job: Job }) {
  if (job.error) return <div className="small field-error">{job.error}</div>;
  if ((job.state === 'running' || job.state === 'queued') && job.message) return <div className="small muted">{job.message}</div>;
  return null;
}

const isOpen = (job: Job): boolean => job.state === 'queued' || job.state === 'running';

/**
 * The jobs the card lists: those still queued or running, those that made no run (imports, merges, exports), and
 * ones that did not succeed whose run is not among `shownRunIds`, the rows the runs table shows now (undefined: the
 * runs are not read yet, and a finished job's run is taken to be there rather than listed for a moment). A job that
 * succeeded is its run's row wherever that is: listing every one off screen filled the card on a filtered view.
 */
export function jobsToList(jobs: readonly Job[], shownRunIds: ReadonlySet<string> | undefined): Job[] {
  return jobs.filter((job) => isOpen(job) || job.runId === null || (job.state !== 'succeeded' && shownRunIds !== undefined && !shownRunIds.has(job.runId)));
}

/** `runs`: the recorded runs, by which a job that made one is named and timed as the run's row is; `shownRunIds`: the rows the table shows now. */
export function JobsCard({ jobs, runs, shownRunIds }: { jobs: Query<Job[]>; runs: readonly RunSummary[] | undefined; shownRunIds: ReadonlySet<string> | undefined }) {
  const listed = jobsToList(jobs.data ?? [], shownRunIds);
  // Nothing going on and nothing run apart from the runs: the runs table says it all.
  if (!jobs.error && listed.length === 0) return null;
  const runOf = (job: Job) => (job.runId === null ? undefined : runs?.find((r) => r.id === job.runId));
  return (
    <Card aria-label="Jobs">
      <CardHeader title="Jobs" subtitle="Work going on now, work that leaves no run (imports, merges, exports), and finished work whose run the table above does not show now. Newest first; updates live." />
      <ReadError className="card-body" what="Could not load jobs" read={jobs} />
      {listed.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Jobs">
            <thead><tr><th>Job</th><th>State</th><th className="jobs-progress">Progress</th><th>Started</th><th className="num">Duration</th></tr></thead>
            <tbody>
              {listed.map((job) => {
                const run = runOf(job);
                return (
                  <tr key={job.id} title={job.id}>
                    <td>
                      {run ? <div className="cell-title"><a className="run-link" href={runHash(run.id)}>{run.name}</a></div> : <div className="cell-title">{jobTitle(job)}</div>}
                      {run && <div className="faint small">{jobTitle(job)}</div>}
                    </td>
                    <td><Badge tone={JOB_STATE_TONE[job.state]}>{job.state}</Badge></td>
                    <td className="jobs-progress">
                      <ProgressBar value={job.progress} state={job.state} label={`${run?.name ?? jobTitle(job)} progress`} />
                      <JobNote job={job} />
                    </td>
                    <td className="muted small nowrap">{job.startedAt ? formatDate(job.startedAt) : 'queued'}</td>
                    {/* a run's time as its row in the table above says it (one clock), else the job's own */}
                    <td className="num mono muted small">{run ? formatRunTime(run) : formatDuration(job.startedAt, job.finishedAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
