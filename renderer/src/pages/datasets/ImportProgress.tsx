// The progress of an import, as the Datasets and Documents pages show it: an upload from the browser first, if any,
// then the job. The stage is a live region (the message and percentage change every tick and would chatter). An
// import that ended without succeeding says so once — 'Import failed' — for the callout under it says why: the job's
// own message ('failed', 'cancelled') and the percentage it stopped at beside it said it twice more.
import type { Job } from '../../../../native/api/schemas.ts';
import { isFinished, jobTimeLeft } from '../../domain/jobs.ts';
import { ProgressBar } from '../../ui/primitives.tsx';

/** An upload before the job starts: its stage ('Uploading talks.jsonl'), what it has done ('40%', '1 of 3 files') and how far it is. */
export interface UploadStep {
  stage: string;
  detail: string;
  fraction: number;
}

const STAGE: Record<Job['state'], string> = {
  queued: 'Importing',
  running: 'Importing',
  succeeded: 'Imported',
  failed: 'Import failed',
  cancelled: 'Import cancelled',
  interrupted: 'Import interrupted',
};

/** The stage an import has reached: its upload's, else its job's, else 'Starting import' while the job is asked for. */
export function importStage(upload: UploadStep | null, job: Job | null): string {
  return upload ? upload.stage : job ? STAGE[job.state] : 'Starting import';
}

export function ImportProgress({ upload, job, testId }: { upload: UploadStep | null; job: Job | null; testId: string }) {
  const stopped = job !== null && isFinished(job) && job.state !== 'succeeded';
  const amount = job && !upload && !stopped ? [`${Math.round(job.progress * 100)}%`, jobTimeLeft(job)].filter(Boolean).join(' · ') : null;
  return (
    <div className="stack" style={{ gap: 6 }} data-testid={testId}>
      <div className="row small">
        <strong role="status">{importStage(upload, job)}</strong>
        {!stopped && <span className="muted">{upload ? upload.detail : job?.message}</span>}
        <span className="spacer" />
        {amount && <span className="muted">{amount}</span>}
      </div>
      <ProgressBar label="Import progress" value={upload ? upload.fraction : job ? job.progress : null} state={job?.state} />
    </div>
  );
}
