// The current project's journey, kept fresh: asked again when the project is saved, when the page changes and
// when a job changes state or a generation ends (the events that move a step on). Progress ticks of a running
// job do not reload it.
import { useEffect, useRef } from 'react';
import type { Journey } from '../../../../native/api/journey.ts';
import { useProjects } from '../../app/ProjectsContext.tsx';
import { useQuery, useStudioEvents } from '../../app/StudioContext.tsx';

export function useJourney(refreshKey?: string): { journey: Journey | null; reload(): void } {
  const { current } = useProjects();
  const query = useQuery('projects.journey', current ? { id: current.id } : null);
  const { reload } = query;
  const jobStates = useRef(new Map<string, string>());
  useEffect(() => reload(), [reload, current?.updatedAt, refreshKey]);
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
