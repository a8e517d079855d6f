// The log of the job that drove the run (each resume is another job: a picker shows the attempts), the last
// lines first loaded, then every job.log event appended while the run goes on.
import { useEffect, useState } from 'react';
import type { Job, JobLogLine } from '../../../../native/api/schemas.ts';
import { useQuery, useStudioEvents, type Query } from '../../app/StudioContext.tsx';
import { formatDate } from '../../domain/format.ts';
import { Card, CardHeader, CodeBlock, EmptyState, ReadError, Select } from '../../ui/primitives.tsx';

const TAIL = 1000;

export function RunLogs({ jobs, kind }: { jobs: Query<Job[]>; kind: string }) {
  const list = jobs.data ?? [];
  const [picked, setPicked] = useState<string | null>(null);
  const jobId = picked ?? list[0]?.id ?? null;
  const logs = useQuery('jobs.logs', jobId ? { id: jobId, tail: TAIL } : null);
  const [live, setLive] = useState<JobLogLine[]>([]);
  useEffect(() => setLive([]), [jobId, logs.data]);
  useStudioEvents((event) => {
    if (event.type === 'job.log' && event.payload.jobId === jobId) setLive((l) => [...l, event.payload]);
  });
  const lines = [...(logs.data ?? []), ...live];

  return (
    <Card aria-label="Logs">
      <CardHeader
        title="Logs"
        subtitle={list.length > 1 ? `${list.length} attempts (a resume starts a new job); newest first.` : 'What the run’s job wrote as it worked.'}
        actions={list.length > 1 && (
          <Select className="run-attempt" aria-label="Attempt" value={jobId ?? ''} onChange={(e) => setPicked(e.target.value)}>
            {list.map((j, i) => <option key={j.id} value={j.id}>{`Attempt ${list.length - i} · ${j.state} · ${formatDate(j.createdAt)}`}</option>)}
          </Select>
        )}
      />
      <ReadError className="card-body" what="Could not load the run’s jobs" read={jobs} />
      {jobs.data && list.length === 0 && (
        <EmptyState icon="activity" title="No job log for this run">
          {kind === 'generation'
            ? 'Playground generations run in the studio’s generation worker, not as jobs; their prompt, settings and timings are above.'
            : <>This run was not driven by a job — it was recorded by a <span className="mono">lathe</span> command in the foreground, which printed its progress to the terminal.</>}
        </EmptyState>
      )}
      {jobId && <ReadError className="card-body" what="Could not load the log" read={logs} />}
      {jobId && logs.data && (
        <div className="card-body">
          {lines.length === 0
            ? <p className="muted small">The job has not written a line yet.</p>
            : <CodeBlock scroll label="Job log" data-testid="run-log">{lines.map((l) => `${l.time.slice(11, 19)} ${l.level === 'info' ? '' : `${l.level.toUpperCase()} `}${l.line}`).join('\n')}</CodeBlock>}
          {(logs.data.length >= TAIL) && <p className="faint small">Showing the last {TAIL} lines.</p>}
        </div>
      )}
    </Card>
  );
}
