// Starting a training job from a page (fine-tune, pretrain, align): the job stays 'pending' until it names its run
// (its worker attaches one soon after it starts), then that run is selected and followed live; a job that ends
// without a run is reported. The run list reloads whenever a job of the kind changes state.
import { useCallback, useState } from 'react';
import type { Job } from '../../../../native/api/schemas.ts';
import { useStudio, useStudioEvents, type Query } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { isFinished } from '../../domain/jobs.ts';
import { useToast } from '../../ui/Toasts.tsx';
import { useRunStateChanges } from './useRunStateChanges.ts';

export interface TrainingStart {
  selectedId: string | null;
  select(runId: string | null): void;
  /** The job just started, until it names its run. */
  pending: Job | null;
  /** The job that drives the selected run when this page started it (so its view is live at once). */
  initialJob: Job | null;
  start(call: () => Promise<Job>): Promise<void>;
}

export function useTrainingStart(kind: 'finetune' | 'pretrain' | 'dpo' | 'reward', runs: Pick<Query<unknown>, 'reload'>, messages: { notStarted: string; couldNotStart: string }): TrainingStart {
  const studio = useStudio();
  const toast = useToast();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [pending, setPending] = useState<Job | null>(null);
  const [started, setStarted] = useState<Job | null>(null);

  useRunStateChanges(kind, runs.reload);
  const adopt = useCallback((job: Job) => {
    if (job.runId) {
      setPending(null);
      setStarted(job);
      setSelectedId(job.runId);
      runs.reload();
    } else if (isFinished(job)) {
      setPending(null);
      toast.show('error', messages.notStarted, job.error ?? job.message);
    }
  }, [runs, toast, messages.notStarted]);
  useStudioEvents((event) => {
    if (event.type === 'job.updated' && pending && event.payload.id === pending.id) adopt(event.payload);
  });

  const start = useCallback(async (call: () => Promise<Job>) => {
    try {
      const job = await call();
      setPending(job);
      adopt(job);
      if (!job.runId) studio.call('jobs.get', { id: job.id }).then(adopt, () => undefined);
    } catch (err) {
      toast.show('error', messages.couldNotStart, errorMessage(err));
    }
  }, [studio, adopt, toast, messages.couldNotStart]);

  return { selectedId, select: setSelectedId, pending, initialJob: started?.runId === selectedId ? started : null, start };
}
