// Keeps a live run's checkpoint list current. A checkpoint is written every saveEvery steps, just after that
// step's metrics are sent, so the list is re-read whenever the step seen has passed a save boundary that the
// list does not show yet, and again on each later event until it does. Steps arrive in bursts and may skip a
// boundary (several steps between two renders), so this compares with the boundary, never tests equality.
import { useEffect, useRef } from 'react';
import type { Query } from '../../app/StudioContext.tsx';

/** The newest step at which a checkpoint should exist by `step` (0 when none should). */
export function lastSaveBoundary(step: number, saveEvery: number | null | undefined): number {
  return saveEvery && saveEvery > 0 ? Math.floor(step / saveEvery) * saveEvery : 0;
}

/** Whether the list (newest step `newestListed`, or null when empty) misses a checkpoint the run has passed. */
export function checkpointListBehind(newestListed: number | null, step: number, saveEvery: number | null | undefined): boolean {
  const due = lastSaveBoundary(step, saveEvery);
  return due > 0 && (newestListed ?? 0) < due;
}

/** Re-read `checkpoints` while it is behind the run (`step` from run.metric, `tick` changing on job.updated). */
export function useCheckpointRefresh(checkpoints: Query<{ step: number }[]>, step: number, saveEvery: number | null | undefined, tick: unknown): void {
  const newest = checkpoints.data && checkpoints.data.length > 0 ? Math.max(...checkpoints.data.map((c) => c.step)) : null;
  const behind = checkpointListBehind(newest, step, saveEvery);
  const { loading, reload } = checkpoints;
  const tried = useRef<{ step: number; tick: unknown } | null>(null);
  useEffect(() => {
    // one re-read per event: a reload while one is in flight would drop the first answer, and re-reading
    // without a new event would poll; the next step or job update after it lands tries again
    if (!behind || loading || (tried.current?.step === step && tried.current.tick === tick)) return;
    tried.current = { step, tick };
    reload();
  }, [behind, loading, reload, step, tick]);
}
