// One deploy job's progress line: what it is doing, how far, and Cancel while it runs.
import type { Job } from '../../../../native/api/schemas.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { isFinished } from '../../domain/jobs.ts';
import { Button, ProgressBar } from '../../ui/primitives.tsx';

export function JobLine({ job, title }: { job: Job; title: string }) {
  const studio = useStudio();
  return (
    <div className="stack gap-label">
      <div className="row small"><strong>{title}</strong><span className="muted">{job.message}</span><span className="spacer" /><span className="muted">{Math.round(job.progress * 100)}%</span>
        {!isFinished(job) && <Button size="sm" onClick={() => void studio.call('jobs.cancel', { id: job.id })} aria-label={`Cancel ${title.toLowerCase()}`}>Cancel</Button>}
      </div>
      <ProgressBar label={`${title} progress`} value={job.state === 'running' && job.progress === 0 ? null : job.progress} state={job.state} />
    </div>
  );
}
