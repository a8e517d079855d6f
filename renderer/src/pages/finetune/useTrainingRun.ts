// What every training run view (fine-tune, pretrain, align) knows of its run: the run and its checkpoints, the job
// behind it, its metrics, its status (a run still marked running with no live job was left by a job that died: the
// app closed or the process was killed), its progress, and Cancel / Resume (train.cancel / train.resume).
import { useState } from 'react';
import type { Job } from '../../../../native/api/schemas.ts';
import { stepUnitOf } from '../../../../native/api/run-kinds.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { useToast } from '../../ui/Toasts.tsx';
import { isActive, plannedSteps, runConfig } from './runFormat.ts';
import { useCheckpointRefresh } from './useCheckpointRefresh.ts';
import { useRunJob } from './useRunJob.ts';
import { useRunMetrics } from './useRunMetrics.ts';

export type RunAction = 'cancel' | 'resume';

export interface TrainingRunEvents {
  /** Called when the run's list entry may have changed (the run ended or was resumed). */
  onChanged(): void;
  /** The toast's title when the job fails. */
  failedTitle: string;
  /** More to re-read when the job ends, besides the run and its checkpoints. */
  onEnded?(): void;
}

export function useTrainingRun(runId: string, initialJob: Job | null, { onChanged, failedTitle, onEnded }: TrainingRunEvents) {
  const studio = useStudio();
  const toast = useToast();
  const run = useQuery('runs.get', { id: runId });
  const checkpoints = useQuery('train.checkpoints', { runId });
  const [busy, setBusy] = useState<RunAction | null>(null);
  // useRunJob keeps the newest callback, so this needs no memo
  const { job, known, follow } = useRunJob(runId, initialJob, (ended: Job) => {
    setBusy(null);
    run.reload();
    checkpoints.reload();
    onEnded?.();
    onChanged();
    if (ended.state === 'failed') toast.show('error', failedTitle, ended.error ?? ended.message);
  });
  const { metrics, lastStep } = useRunMetrics(runId);
  const live = isActive(job) ? job : null;
  const stopped = known && !live && run.data !== undefined && run.data.status !== 'succeeded';
  // Asked of the engine, not guessed here: a stopped run whose dataset or model was deleted since cannot resume.
  const resumeAnswer = useQuery('train.resumable', stopped ? { runId } : null);
  const planned = plannedSteps(job, runConfig(run.data));
  /** What the run counts: its progress, curves and checkpoints say "iteration" for PPO, "step" for the rest. */
  const unit = stepUnitOf(run.data?.kind ?? job?.kind ?? '');
  useCheckpointRefresh(checkpoints, lastStep, runConfig(run.data).saveEvery, job);

  async function act(kind: RunAction) {
    setBusy(kind);
    try {
      const next = await studio.call(kind === 'cancel' ? 'train.cancel' : 'train.resume', { runId });
      if (kind === 'resume') {
        setBusy(null);
        follow(next);
        run.reload();
        onChanged();
      }
    } catch (err) {
      setBusy(null);
      toast.show('error', kind === 'cancel' ? 'Could not cancel the run' : 'Could not resume the run', errorMessage(err));
    }
  }

  const status = live ? live.state : known && run.data?.status === 'running' ? 'interrupted' : run.data?.status ?? job?.state ?? 'running';
  /** Resume is offered once the engine has answered (or could not: the click then says why); `refusal` disables it. */
  const resumable = stopped && (resumeAnswer.data !== undefined || resumeAnswer.error !== null);
  const refusal = stopped && resumeAnswer.data && !resumeAnswer.data.resumable ? resumeAnswer.data.reason : null;
  const progress = live ? (live.state === 'queued' ? null : live.progress) : planned ? Math.min(1, lastStep / planned) : status === 'succeeded' ? 1 : 0;
  return { run, checkpoints, job, live, metrics, lastStep, planned, unit, status, resumable, refusal, progress, busy, act };
}

export type TrainingRun = ReturnType<typeof useTrainingRun>;
