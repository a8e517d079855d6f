// The job behind a training run: the newest one for the run (a resume starts a new job on the same run), kept
// current by job.updated events. `known` turns true once the job list has been read, so a Resume button never
// flashes for a run whose live job was not yet found.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Job } from '../../../../native/api/schemas.ts';
import { useStudio, useStudioEvents } from '../../app/StudioContext.tsx';
import { isFinished } from '../../domain/jobs.ts';

export function useRunJob(runId: string, initial: Job | null, onEnded: (job: Job) => void): { job: Job | null; known: boolean; follow(job: Job): void } {
  const studio = useStudio();
  const [job, setJob] = useState<Job | null>(initial?.runId === runId ? initial : null);
  const [known, setKnown] = useState(false);
  const latest = useRef<Job | null>(job);
  const ended = useRef(onEnded);
  ended.current = onEnded;

  const accept = useCallback((next: Job) => {
    const prev = latest.current;
    if (prev && prev.id !== next.id && next.createdAt < prev.createdAt) return; // a late event of an older job
    if (prev && prev.id === next.id && isFinished(prev)) return;
    latest.current = next;
    setJob(next);
    if (isFinished(next) && (!prev || prev.id !== next.id || !isFinished(prev))) ended.current(next);
  }, []);

  useEffect(() => {
    let current = true;
    latest.current = initial?.runId === runId ? initial : null;
    setJob(latest.current);
    setKnown(false);
    studio.call('jobs.list', { limit: 500 }).then((jobs) => {
      if (!current) return;
      const mine = jobs.filter((j) => j.runId === runId).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
      if (mine && (!latest.current || mine.createdAt >= latest.current.createdAt)) {
        latest.current = mine;
        setJob(mine);
      }
      setKnown(true);
    }, () => current && setKnown(true));
    return () => {
      current = false;
    };
    // `initial` only seeds the state when the run changes
  }, [studio, runId]);

  useStudioEvents((event) => {
    if (event.type !== 'job.updated') return;
    if (event.payload.runId === runId || event.payload.id === latest.current?.id) accept(event.payload);
  });

  const follow = useCallback((next: Job) => accept(next), [accept]);
  return { job, known, follow };
}
