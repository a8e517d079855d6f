// Calls `onChange` when a job of this kind changes state (started, finished, cancelled): job.updated also fires
// on every training step, and a run list needs to reload only when a status can have changed.
import { useRef } from 'react';
import { useStudioEvents } from '../../app/StudioContext.tsx';

export function useRunStateChanges(kind: string, onChange: () => void): void {
  const seen = useRef(new Map<string, string>());
  useStudioEvents((event) => {
    if (event.type !== 'job.updated' || event.payload.kind !== kind) return;
    const key = `${event.payload.state}:${event.payload.runId ?? ''}`;
    if (seen.current.get(event.payload.id) === key) return;
    seen.current.set(event.payload.id, key);
    onChange();
  });
}
