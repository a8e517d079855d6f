// The runs as a table: each row opens the run's page (its name is the link, so the keyboard reaches it too),
// its tags beside the name; an optional first column ticks runs for a comparison. With every project's runs listed,
// each run's project takes a column, or goes under the run's name where the card is too narrow for one (runs.css).
import type { RunSummary } from '../../../../native/api/schemas.ts';
import { formatRunTime } from '../../domain/format.ts';
import { jobKindLabel } from '../../domain/jobs.ts';
import { DateTimeCell } from '../../ui/cells.tsx';
import { Badge } from '../../ui/primitives.tsx';
import { RUN_STATUS_TONE } from '../finetune/runFormat.ts';
import { openRun, runHash } from './address.ts';

interface Picking {
  picked: string[];
  canPick(run: RunSummary): boolean;
  toggle(id: string): void;
}

export function RunTags({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return null;
  return <span className="run-tags">{tags.map((t) => <span key={t} className="run-tag">{t}</span>)}</span>;
}

export function RunsTable({ runs, label, showProject, projectName, pick }: { runs: RunSummary[]; label: string; showProject: boolean; projectName(id: string | null): string; pick: Picking | null }) {
  return (
    <div className="table-wrap runs-table-wrap">
      <table className="table runs-table" aria-label={label}>
        <thead>
          <tr>
            {pick && <th className="pick-cell"><span className="visually-hidden">Compare</span></th>}
            <th>Run</th><th>Kind</th>{showProject && <th className="runs-project-col">Project</th>}<th>Status</th><th>Created</th><th className="num">Duration</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run-id={run.id} onClick={(e) => !(e.target as HTMLElement).closest('a, input, button') && openRun(run.id)}>
              {pick && (
                <td>
                  {pick.canPick(run) || pick.picked.includes(run.id)
                    ? <input type="checkbox" aria-label={`Compare ${run.name}`} checked={pick.picked.includes(run.id)} onChange={() => pick.toggle(run.id)} className="checkbox" />
                    : null}
                </td>
              )}
              <td className="run-name-cell">
                <a className="run-link" href={runHash(run.id)}>{run.name}</a>
                {showProject && <div className="small runs-project-under"><span className="faint">Project</span> <span className="muted">{projectName(run.projectId)}</span></div>}
                <div className="row-wrap runs-under-name"><span className="faint small mono">{run.id}</span><RunTags tags={run.tags} /></div>
              </td>
              <td className="nowrap">{jobKindLabel(run.kind)}</td>
              {showProject && <td className="muted runs-project-col">{projectName(run.projectId)}</td>}
              <td><Badge tone={RUN_STATUS_TONE[run.status] ?? 'neutral'}>{run.status}</Badge></td>
              <td className="muted small cell-when"><DateTimeCell iso={run.createdAt} /></td>
              <td className="num mono muted small nowrap">{formatRunTime(run)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
