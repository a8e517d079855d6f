// One project's place in its journey, for the Projects table: how many of the required steps are done and
// the guidance's next step in its own words, so the list reads as an overview of where each use case stands.
import { useQuery } from '../../app/StudioContext.tsx';

const REQUIRED = ['scope', 'data', 'select', 'prompt', 'evaluate'];

export function ProjectJourneyCell({ projectId }: { projectId: string }) {
  const { data } = useQuery('projects.journey', { id: projectId });
  if (!data) return <span className="faint">…</span>;
  const done = data.steps.filter((s) => REQUIRED.includes(s.id) && s.state === 'done').length;
  // The guidance's own title ("Next: close the gap to the target"), so a project whose required steps are all done
  // still reads as unfinished while the scorecard says so.
  return (
    <span data-testid="project-journey" title={`${data.next.title}. ${data.next.text}`}>
      <span className="muted tabular">{done}/{REQUIRED.length} steps</span>
      {' · '}
      {data.next.title}
    </span>
  );
}
