// The progress of an import, as the Datasets, Documents and Select pages show it: an upload from the browser first,
// if any, then the job, with the button that stops it while it runs. The stage is a live region (the message and
// percentage change every tick and would chatter). An import that ended without succeeding says so once — 'Import
// failed' — for the callout under it says why: the job's own message ('failed', 'cancelled') and the percentage it
// stopped at beside it said it twice more; one that stopped at 0% draws no bar (an empty one said nothing). A download (a model from the Hub) reads as one: it pauses rather than
// cancels, for started again it resumes where it stopped.
import type { Job } from '../../../../native/api/schemas.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { isFinished, jobTimeLeft } from '../../domain/jobs.ts';
import { Button, ProgressBar } from '../../ui/primitives.tsx';

/** An upload before the job starts: its stage ('Uploading talks.jsonl'), what it has done ('40%', '1 of 3 files') and how far it is. */
export interface UploadStep {
  stage: string;
  detail: string;
  fraction: number;
}

export type ImportKind = 'import' | 'download';

const STAGE: Record<ImportKind, Record<Job['state'], string>> = {
  import: {
    queued: 'Importing',
    running: 'Importing',
    succeeded: 'Imported',
    failed: 'Import failed',
    cancelled: 'Import cancelled',
    interrupted: 'Import interrupted',
  },
  download: {
    queued: 'Downloading',
    running: 'Downloading',
    succeeded: 'Downloaded',
    failed: 'Download failed',
    cancelled: 'Download paused',
    interrupted: 'Download interrupted',
  },
};

/** The stage an import has reached: its upload's, else its job's, else 'Starting import' while the job is asked for. */
export function importStage(upload: UploadStep | null, job: Job | null, kind: ImportKind = 'import'): string {
  return upload ? upload.stage : job ? STAGE[kind][job.state] : kind === 'download' ? 'Starting download' : 'Starting import';
}

export function ImportProgress({ upload, job, testId, kind = 'import' }: { upload: UploadStep | null; job: Job | null; testId: string; kind?: ImportKind }) {
  const studio = useStudio();
  const stopped = job !== null && isFinished(job) && job.state !== 'succeeded';
  const running = job !== null && !upload && !isFinished(job);
  const amount = job && !upload && !stopped ? [`${Math.round(job.progress * 100)}%`, jobTimeLeft(job)].filter(Boolean).join(' · ') : null;
  // A job at work that has not yet said how far it is (a download finding its files) is not 0% done: the bar moves.
  const fraction = upload ? upload.fraction : job && !(job.state === 'running' && job.progress === 0) ? job.progress : null;
  return (
    <div className="stack gap-label" data-testid={testId}>
      <div className="row small">
        <strong role="status">{importStage(upload, job, kind)}</strong>
        {!stopped && <span className="muted">{upload ? upload.detail : job?.message}</span>}
        <span className="spacer" />
        {amount && <span className="muted">{amount}</span>}
        {running && <Button size="sm" onClick={() => void studio.call('jobs.cancel', { id: job.id }).catch(() => undefined)}>{kind === 'download' ? 'Pause download' : 'Cancel import'}</Button>}
      </div>
      {/* an import that stopped before it got anywhere has no progress to show: an empty grey bar under 'Import failed' */}
      {!(stopped && job.progress === 0) && <ProgressBar label={kind === 'download' ? 'Download progress' : 'Import progress'} value={fraction} state={job?.state} />}
    </div>
  );
}
