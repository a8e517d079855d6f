// The parts every training run view (fine-tune, pretrain, align) shows the same way: the status badge with Cancel and
// Resume, the progress bar with the step and the time left (or taken), and why a run stopped when it did not finish.
import { useEffect, useRef, type MouseEvent, type ReactNode } from 'react';
import { formatRunTime } from '../../domain/format.ts';
import { ESTIMATING_TIME_LEFT, jobTimeLeft } from '../../domain/jobs.ts';
import { Badge, Button, Callout, ProgressBar } from '../../ui/primitives.tsx';
import { RUN_STATUS_TONE } from './runFormat.ts';
import type { RunAction, TrainingRun } from './useTrainingRun.ts';

/**
 * The card header's actions: status, Cancel while the job runs, Resume once it stopped unfinished, then `children`.
 * The status is a live region, so a screen reader hears "running", "cancelled" or "succeeded" as it changes. Cancel
 * and Resume take each other's place: the one pressed goes disabled and then away, so focus follows to the one that
 * appears instead of dropping to the page (where Tab would start again from the top).
 */
export function RunStatusActions({ state, children }: { state: TrainingRun; children?: ReactNode }) {
  const { run, status, live, resumable, refusal, busy, act } = state;
  const pressed = useRef<RunAction | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const resumeRef = useRef<HTMLButtonElement>(null);
  const press = (kind: RunAction) => (e: MouseEvent<HTMLButtonElement>) => {
    pressed.current = document.activeElement === e.currentTarget ? kind : null;
    void act(kind);
  };
  useEffect(() => {
    const next = pressed.current === 'cancel' ? resumeRef.current : pressed.current === 'resume' ? cancelRef.current : null;
    if (!next || next.disabled) return;
    pressed.current = null;
    if (!document.activeElement || document.activeElement === document.body) next.focus();
  }, [live, resumable, busy]);
  return (
    <div className="row">
      <span role="status"><Badge tone={RUN_STATUS_TONE[status] ?? 'neutral'}>{status}</Badge></span>
      {live && <Button ref={cancelRef} variant="danger" size="sm" icon="x" disabled={busy !== null} onClick={press('cancel')}>{busy === 'cancel' ? 'Cancelling…' : 'Cancel'}</Button>}
      {resumable && (
        <Button ref={resumeRef} variant="primary" size="sm" icon="chevronRight" disabled={busy !== null || refusal !== null} aria-describedby={refusal && run.data ? refusalId(run.data.id) : undefined} onClick={press('resume')}>
          {busy === 'resume' ? 'Resuming…' : 'Resume'}
        </Button>
      )}
      {children}
    </div>
  );
}

/** The progress bar and, under it, the step (PPO: iteration) reached (with the job's own message before the first step when `startMessage`) and the time left. */
export function RunProgressLine({ state, startMessage = false }: { state: TrainingRun; startMessage?: boolean }) {
  const { run, live, planned, lastStep, progress, status, unit } = state;
  const reached = `${unit === 'iteration' ? 'Iteration' : 'Step'} ${lastStep}`;
  return (
    <>
      <ProgressBar value={progress} state={status} label="Training progress" />
      <div className="row small">
        <span data-testid="run-step">{planned ? `${reached} of ${planned}` : reached}{live?.state === 'queued' ? ' · waiting for a free worker…' : startMessage && live && lastStep === 0 && live.message ? ` · ${live.message}` : ''}</span>
        <span className="spacer" />
        <span className="muted" data-testid="run-eta">{live ? jobTimeLeft(live, ESTIMATING_TIME_LEFT) : run.data?.finishedAt ? `took ${formatRunTime(run.data)}` : ''}</span>
      </div>
    </>
  );
}

/** The id of the line saying why a run cannot resume, which its disabled Resume names (aria-describedby). */
const refusalId = (runId: string) => `resume-refusal-${runId}`;

/** Why the run is not going on: cancelled, interrupted, or failed with the job's error; and why it cannot resume, when it cannot. */
export function RunStopCallouts({ state }: { state: TrainingRun }) {
  const { run, status, live, job, refusal } = state;
  return (
    <>
      {refusal && run.data && (
        <Callout tone="warning" title={`${status === 'cancelled' ? 'Cancelled' : status === 'interrupted' ? 'Interrupted' : 'Stopped'} — it cannot be resumed`}>
          <span id={refusalId(run.data.id)}>This run {refusal}.</span> Its curves, checkpoints and settings stay here; New run starts another.
        </Callout>
      )}
      {!refusal && status === 'cancelled' && !live && <Callout title="Cancelled — the last checkpoint is kept">Resume continues from it with the same data order and optimiser state, as if the run had never stopped.</Callout>}
      {!refusal && status === 'interrupted' && !live && <Callout tone="warning" title="Interrupted">The job stopped without finishing (the app closed or the process was killed). Resume continues from the last checkpoint.</Callout>}
      {job?.state === 'failed' && job.error && <Callout tone="danger" title="Training failed">{job.error}</Callout>}
    </>
  );
}
