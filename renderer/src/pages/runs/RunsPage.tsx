// Runs: the runs recorded for the active project (or another, or all), newest first, experiments apart from
// the playground's generations, with their tags and a filter by tag; each opens its own page. Below, the jobs
// running now, those that made no run, and finished ones whose run is not a row shown (JobsCard). Live: job events reload the jobs, and the runs when a job starts or ends.
import { useMemo, useRef, useState } from 'react';
import type { RunSummary } from '../../../../native/api/schemas.ts';
import { cliCommand } from '../../../../native/api/labels.ts';
import { useProjects } from '../../app/ProjectsContext.tsx';
import type { PageId } from '../../app/routes.ts';
import { useQuery, useStudioEvents } from '../../app/StudioContext.tsx';
import { formatCount } from '../../domain/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { Button, Card, CardHeader, EmptyState, PageHeader, ReadError, Select } from '../../ui/primitives.tsx';
import { openCompare } from '../compare/route.tsx';
import { JobsCard } from './JobsCard.tsx';
import { RunsTable } from './RunsTable.tsx';
import { compareFamily, isPlayground, newestFirst } from './runKinds.ts';
import './runs.css';

const ALL = 'all';
/** Rows per page: a grown data directory has hundreds of runs, and a table of all of them was 5,000+ DOM elements. */
const PAGE_SIZE = 50;
const NO_PROJECT = 'none';
type Tab = 'experiments' | 'playground';

export function RunsPage({ navigate }: { navigate(page: PageId): void }) {
  const jobs = useQuery('jobs.list', { limit: 100 });
  const runs = useQuery('runs.summaries', {});
  const { projects, current } = useProjects();
  // A training job reports progress every step: the jobs (their progress bars) are read again at each event, the
  // runs (hundreds of rows) only when a job starts or ends and so a run's status changes.
  // A job's state as its last event gave it (not as jobs.list last read it, which may already hold the new state).
  const jobStates = useRef(new Map<string, string>());
  useStudioEvents((event) => {
    if (event.type !== 'job.updated') return;
    jobs.reload();
    if (jobStates.current.get(event.payload.id) === event.payload.state) return;
    jobStates.current.set(event.payload.id, event.payload.state);
    runs.reload();
  });
  // null: follow the active project (the switcher in the top bar), until the person picks another here.
  const [projectChoice, setProjectChoice] = useState<string | null>(null);
  const projectFilter = projectChoice ?? current?.id ?? ALL;
  const [tag, setTag] = useState<string>('');
  const [tab, setTab] = useState<Tab>('experiments');
  const [picked, setPicked] = useState<string[]>([]);
  const [page, setPage] = useState(0);

  const inProject = useMemo(() => newestFirst((runs.data ?? []).filter((r) =>
    projectFilter === ALL || (projectFilter === NO_PROJECT ? r.projectId === null : r.projectId === projectFilter))), [runs.data, projectFilter]);
  const tags = useMemo(() => [...new Set(inProject.flatMap((r) => r.tags))].sort(), [inProject]);
  const tagged = tag ? inProject.filter((r) => r.tags.includes(tag)) : inProject;
  const experiments = tagged.filter((r) => !isPlayground(r));
  const generations = tagged.filter(isPlayground);
  const shown = tab === 'experiments' ? experiments : generations;
  // A filter that leaves fewer runs (or a deleted run) can leave the page past the end: show the last page there is.
  const lastPage = Math.max(0, Math.ceil(shown.length / PAGE_SIZE) - 1);
  const pageStart = Math.min(page, lastPage) * PAGE_SIZE;
  const pageRuns = shown.slice(pageStart, pageStart + PAGE_SIZE);
  // the Jobs card leaves out a finished job only when its run is one of these rows, on screen now
  const shownRunIds = runs.data ? new Set(pageRuns.map((r) => r.id)) : undefined;
  const projectName = (id: string | null) => projects.find((p) => p.id === id)?.name ?? '—';
  const scopeName = projectFilter === ALL ? 'any project' : projectFilter === NO_PROJECT ? 'no project' : projectName(projectFilter);

  const pickedFamily = picked.length ? compareFamily((runs.data ?? []).find((r) => r.id === picked[0]) ?? { kind: '' }) : null;
  const canPick = (run: RunSummary) => compareFamily(run) !== null && (pickedFamily === null || compareFamily(run) === pickedFamily);
  const togglePick = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-16)));

  return (
    <div className="page runs-page">
      <PageHeader title="Runs" lede="Every training, evaluation and generation is kept as a run: its settings, curves, files and logs. Open one to read it, tag it, note what it showed, or compare it with others." />
      <Card aria-label="Recorded runs">
        <CardHeader
          title="Recorded runs"
          subtitle={tab === 'experiments' ? 'Newest first. Tick training runs to overlay their loss curves, or evaluations to compare their scores.' : 'One run per answer the playground generated, newest first.'}
          actions={tab === 'experiments' && (
            <Button variant={picked.length >= 2 ? 'primary' : 'default'} icon="layers" disabled={picked.length === 0} onClick={() => openCompare(picked)}>
              Compare{picked.length ? ` (${picked.length})` : ''}
            </Button>
          )}
        />
        <div className="card-body runs-filters">
          <label className="runs-filter">
            <span className="small muted">Project</span>
            <Select aria-label="Project" value={projectFilter} onChange={(e) => { setProjectChoice(e.target.value); setPicked([]); setPage(0); }}>
              <option value={ALL}>All projects</option>
              {projects.map((p) => <option key={p.id} value={p.id}>{p.name}{p.id === current?.id ? ' (active)' : ''}</option>)}
              <option value={NO_PROJECT}>No project</option>
            </Select>
          </label>
          <label className="runs-filter">
            <span className="small muted">Tag</span>
            <Select aria-label="Tag" value={tag} onChange={(e) => { setTag(e.target.value); setPage(0); }} disabled={tags.length === 0 && !tag}>
              <option value="">{tags.length || tag ? 'Any tag' : 'No tags yet'}</option>
              {tag && !tags.includes(tag) && <option value={tag}>{tag}</option>}
              {tags.map((t) => <option key={t} value={t}>{t}</option>)}
            </Select>
          </label>
          <span className="spacer" />
          <div className="segmented runs-tabs" role="tablist" aria-label="Kind of run" onKeyDown={(e) => {
            if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
            e.preventDefault(); // handled here: the renderer-wide arrow keys (ui/groupArrowKeys.ts) leave it alone
            const next: Tab = tab === 'experiments' ? 'playground' : 'experiments';
            setTab(next);
            setPage(0);
            e.currentTarget.querySelector<HTMLButtonElement>(`[data-tab=${next}]`)?.focus();
          }}>
            {(['experiments', 'playground'] as const).map((t) => (
              <button key={t} type="button" role="tab" data-tab={t} id={`runs-tab-${t}`} aria-controls="runs-panel" aria-selected={tab === t} tabIndex={tab === t ? 0 : -1} onClick={() => { setTab(t); setPage(0); }}>
                {t === 'experiments' ? 'Experiments' : 'Playground generations'} <span className="faint">{t === 'experiments' ? experiments.length : generations.length}</span>
              </button>
            ))}
          </div>
        </div>
        <div id="runs-panel" role="tabpanel" aria-labelledby={`runs-tab-${tab}`}>
        <ReadError className="card-body" what="Could not load runs" read={runs} />
        {runs.data && shown.length === 0 && (
          <EmptyState
            icon={tab === 'experiments' ? 'layers' : 'sparkle'}
            title={tag ? `No ${tab === 'experiments' ? 'experiments' : 'generations'} tagged “${tag}” in ${scopeName}` : tab === 'experiments' ? `No experiments in ${scopeName} yet` : `No playground generations in ${scopeName}`}
            action={projectFilter !== ALL && (runs.data.length > 0)
              ? <Button size="sm" onClick={() => setProjectChoice(ALL)}>Show all projects</Button>
              : runs.data.length === 0 ? <Button variant="primary" onClick={() => navigate('adapt')}>Go to Adapt &amp; align</Button> : undefined}
          >
            {tag
              ? <>Pick another tag, or “Any tag”. Tags are added on a run’s page or with <code className="cli">{cliCommand('runs tag RUN TAG')}</code>.</>
              : tab === 'experiments'
                ? <>Fine-tune or evaluate a model in Adapt &amp; align (or run <code className="cli">{cliCommand('train')}</code>, <code className="cli">{cliCommand('eval')}</code>): each run lands here with its settings, curves and files.</>
                : 'Each answer generated in Adapt & align → Prompt (the playground) is kept as a run with its prompt, settings and timings.'}
          </EmptyState>
        )}
        {shown.length > 0 && (
          <RunsTable
            runs={pageRuns}
            label={tab === 'experiments' ? 'Experiments' : 'Playground generations'}
            showProject={projectFilter === ALL}
            projectName={projectName}
            pick={tab === 'experiments' ? { picked, canPick, toggle: togglePick } : null}
          />
        )}
        {shown.length > PAGE_SIZE && (
          <div className="pager" data-testid="runs-pager">
            <span>{`Runs ${formatCount(pageStart + 1)}–${formatCount(pageStart + pageRuns.length)} of ${formatCount(shown.length)}`}</span>
            <span className="spacer" />
            <Button size="sm" aria-label="Previous page" disabled={pageStart === 0} onClick={() => setPage(pageStart / PAGE_SIZE - 1)}><Icon name="chevronLeft" size={14} /></Button>
            <Button size="sm" aria-label="Next page" disabled={pageStart + PAGE_SIZE >= shown.length} onClick={() => setPage(pageStart / PAGE_SIZE + 1)}><Icon name="chevronRight" size={14} /></Button>
          </div>
        )}
        </div>
      </Card>
      <JobsCard jobs={jobs} runs={runs.data} shownRunIds={shownRunIds} />
    </div>
  );
}
