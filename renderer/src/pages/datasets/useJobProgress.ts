// Follows one job to its end: live job.updated events, plus a direct read when the job is started (an event
// may have gone by before the listener knew the job's id).
import { useCallback, useRef, useState } from 'react';
import type { Job } from '../../../../native/api/schemas.ts';
import { useStudio, useStudioEvents } from '../../app/StudioContext.tsx';
import { isFinished } from '../../domain/jobs.ts';

export function useJobProgress(onFinished: (job: Job) => void): { job: Job | null; follow(job: Job): void; clear(): void } {
  const studio = useStudio();
  const [job, setJob] = useState<Job | null>(null);
  const followed = useRef<string | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  const accept = useCallback((next: Job) => {
    if (next.id !== followed.current) return;
    setJob((prev) => (prev && isFinished(prev) ? prev : next));
    if (isFinished(next)) {
      followed.current = null;
      finished.current(next);
    }
  }, []);

  useStudioEvents((event) => {
    if (event.type === 'job.updated') accept(event.payload);
  });

  const follow = useCallback((started: Job) => {
    followed.current = started.id;
    setJob(started);
    if (isFinished(started)) accept(started);
    else studio.call('jobs.get', { id: started.id }).then(accept, () => undefined);
  }, [studio, accept]);

  const clear = useCallback(() => {
    followed.current = null;
    setJob(null);
  }, []);

  return { job, follow, clear };
}
