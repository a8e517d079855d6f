// One project's place in its journey, for the Projects table: how many of the steps its strip shows are done (the
// optional ones counted apart, as the strip marks them) and the guidance's next step in its own words, so the list
// reads as an overview of where each use case stands.
import { journeyProgressText } from '../../../../native/api/journey.ts';
import { useQuery } from '../../app/StudioContext.tsx';

export function ProjectJourneyCell({ projectId }: { projectId: string }) {
  const { data } = useQuery('projects.journey', { id: projectId });
  if (!data) return <span className="faint">…</span>;
  // The guidance's own title ("Next: close the gap to the target"), so a project whose required steps are all done
  // still reads as unfinished while the scorecard says so.
  return (
    <span data-testid="project-journey" title={`${data.next.title}. ${data.next.text}`}>
      <span className="muted tabular">{journeyProgressText(data.steps)}</span>
      {' · '}
      {data.next.title}
    </span>
  );
}
