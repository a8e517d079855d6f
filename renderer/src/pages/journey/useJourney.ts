// The current project's journey, kept fresh: asked again when the project is saved, when the page changes and
// when a job changes state or a generation ends (the events that move a step on). Progress ticks of a running
// job do not reload it. Some changes send no event (a dataset moved into the project, a model deleted), so it
// also asks again every few seconds while the window is visible: one small local query.
import { useEffect, useRef } from 'react';
import type { Journey } from '../../../../native/api/journey.ts';
import { useProjects } from '../../app/ProjectsContext.tsx';
import { useQuery, useStudioEvents } from '../../app/StudioContext.tsx';

const POLL_MS = 5000;

export function useJourney(refreshKey?: string): { journey: Journey | null; reload(): void } {
  const { current } = useProjects();
  const query = useQuery('projects.journey', current ? { id: current.id } : null);
  const { reload } = query;
  const jobStates = useRef(new Map<string, string>());
  useEffect(() => reload(), [reload, current?.updatedAt, refreshKey]);
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  useStudioEvents((event) => {
    if (event.type === 'job.updated') {
      const seen = jobStates.current.get(event.payload.id);
      jobStates.current.set(event.payload.id, event.payload.state);
      if (seen !== event.payload.state) reload();
    } else if (event.type === 'generate.done' || event.type === 'generate.failed') reload();
  });
  const journey = query.data && query.data.projectId === current?.id ? query.data : null;
  return { journey, reload };
}
