// One run (#/runs/<id>): what it is and how it went, what the person wrote on it, its curves (a PPO run's rollout
// table under them), its settings, the files it wrote and its job's log; and what can be done with it — compare it with another run, resume it
// where training stopped, copy its id for the CLI, delete it.
import { useState } from 'react';
import { stepUnitOf } from '../../../../native/api/run-kinds.ts';
import { oneRelevantPerQuery } from '../../../../native/api/eval.ts';
import { useProjects } from '../../app/ProjectsContext.tsx';
import { useQuery, useStudio, useStudioEvents } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { formatDate, formatRunTime } from '../../domain/format.ts';
import type { Job } from '../../../../native/api/schemas.ts';
import { isFinished, jobKindLabel } from '../../domain/jobs.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { BackLink, Badge, Button, Callout, Card, DeleteAction, EmptyState, PageHeader, ProgressBar, Select } from '../../ui/primitives.tsx';
import { useToast } from '../../ui/Toasts.tsx';
import { openCompare } from '../compare/route.tsx';
import { BeforeAfterCard } from '../align/BeforeAfterCard.tsx';
import { RolloutTableCard } from '../align/PpoRunParts.tsx';
import { isActive, plannedSteps, runConfig, RUN_STATUS_TONE } from '../finetune/runFormat.ts';
import { useRunMetrics } from '../finetune/useRunMetrics.ts';
import { runHash } from './address.ts';
import { RunAnnotations } from './RunAnnotations.tsx';
import { RunArtifacts } from './RunArtifacts.tsx';
import { RunConfig } from './RunConfig.tsx';
import { RunCurves } from './RunCurves.tsx';
import { GenerationOutputCard } from './GenerationOutputCard.tsx';
import { RunLogs } from './RunLogs.tsx';
import { compareFamily, isResumable, newestFirst } from './runKinds.ts';
import './runs.css';

/** Where a new run of each training kind is started, for a stopped run that cannot resume. */
const START_PAGE: Record<string, string> = { finetune: '#/adapt/finetune', dpo: '#/adapt/align', reward: '#/adapt/align', ppo: '#/adapt/align', pretrain: '#/select/pretrain' };

export function RunPage({ runId }: { runId: string }) {
  const studio = useStudio();
  const toast = useToast();
  const { projects } = useProjects();
  const run = useQuery('runs.get', { id: runId });
  const jobs = useQuery('jobs.list', { runId, limit: 50 });
  const artifacts = useQuery('runs.artifacts', { id: runId });
  const others = useQuery('runs.summaries', {});
  // Asked of the engine, not guessed here: a stopped run whose dataset or model was deleted since cannot resume.
  const resumable = useQuery('train.resumable', run.data && isResumable(run.data) ? { runId } : null);
  const { metrics, loaded, lastStep } = useRunMetrics(runId);
  const [busy, setBusy] = useState<'resume' | 'delete' | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  // A training job reports progress every step: the event itself updates the progress bar; the lists are read
  // again only when a job starts or ends.
  const [eventJob, setEventJob] = useState<Job | null>(null);
  useStudioEvents((event) => {
    if (event.type !== 'job.updated' || event.payload.runId !== runId) return;
    setEventJob(event.payload);
    const known = jobs.data?.find((j) => j.id === event.payload.id);
    if (!known || known.state !== event.payload.state) {
      jobs.reload();
      run.reload();
      resumable.reload();
    }
    if (isFinished(event.payload)) artifacts.reload();
  });

  if (run.error) {
    return (
      <div className="page runs-page">
        <BackLink href="#/runs">All runs</BackLink>
        <Card><EmptyState icon="layers" title="This run cannot be shown">{run.error.message}</EmptyState></Card>
      </div>
    );
  }
  const r = run.data;
  if (!r) return <div className="page runs-page"><BackLink href="#/runs">All runs</BackLink></div>;

  const listed = jobs.data?.[0] ?? null;
  const job = eventJob && (!listed || eventJob.createdAt >= listed.createdAt) ? eventJob : listed;
  const live = isActive(job) ? job : null;
  const family = compareFamily(r);
  const candidates = family ? newestFirst((others.data ?? []).filter((o) => o.id !== r.id && compareFamily(o) === family)) : [];
  const sameProject = candidates.filter((o) => o.projectId === r.projectId);
  const otherProjects = candidates.filter((o) => o.projectId !== r.projectId);
  const project = projects.find((p) => p.id === r.projectId);
  const stopped = !live && isResumable(r);
  const refusal = stopped && resumable.data && !resumable.data.resumable ? resumable.data.reason : null;
  const stoppedTitle = `This run ${r.status === 'failed' ? 'failed' : `was ${r.status}`}`;

  async function copyId() {
    try {
      await navigator.clipboard.writeText(runId);
      toast.show('success', `Copied ${runId}`);
    } catch (err) {
      toast.show('error', 'Could not copy the run id', `${errorMessage(err)} — select it under the title instead.`);
    }
  }

  async function resume() {
    setBusy('resume');
    try {
      await studio.call('train.resume', { runId });
      toast.show('success', 'Resumed from the last checkpoint');
      jobs.reload();
      run.reload();
      resumable.reload();
    } catch (err) {
      toast.show('error', 'Could not resume the run', errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  async function remove() {
    setBusy('delete');
    try {
      await studio.call('runs.delete', { id: runId });
      toast.show('success', `Deleted ${r!.name}`);
      window.location.hash = '#/runs';
    } catch (err) {
      toast.show('error', 'Could not delete the run', errorMessage(err));
      setBusy(null);
      setConfirmDelete(false);
    }
  }

  return (
    <div className="page runs-page run-page">
      <BackLink href="#/runs">All runs</BackLink>
      <PageHeader
        title={r.name}
        lede={(
          <>
            <span className="run-facts">
              <span className="run-fact"><Badge tone={RUN_STATUS_TONE[live?.state ?? r.status] ?? 'neutral'}>{live?.state ?? r.status}</Badge></span>
              <span className="run-fact">{jobKindLabel(r.kind)}</span>
              <span className="run-fact">{project ? project.name : 'no project'}</span>
              <span className="run-fact">started {formatDate(r.createdAt)}</span>
              {r.startedAt && r.finishedAt && <span className="run-fact">took {formatRunTime(r)}</span>}
              {r.parentRunId && <span className="run-fact"><a href={runHash(r.parentRunId)}>from {r.parentRunId}</a></span>}
            </span>
            <span className="mono small faint run-id" data-testid="run-id">{r.id}</span>
          </>
        )}
        actions={(
          <>
            <Button icon="file" onClick={() => void copyId()}>Copy id</Button>
            {family && candidates.length > 0 && (
              <Select className="run-compare-with" aria-label="Compare with" value="" onChange={(e) => e.target.value && openCompare([r.id, e.target.value])}>
                <option value="">Compare with…</option>
                {sameProject.length > 0 && <optgroup label={project ? project.name : 'No project'}>{sameProject.map((o) => <option key={o.id} value={o.id}>{o.name} ({o.status})</option>)}</optgroup>}
                {otherProjects.length > 0 && <optgroup label="Other projects">{otherProjects.map((o) => <option key={o.id} value={o.id}>{o.name} ({o.status})</option>)}</optgroup>}
              </Select>
            )}
            {stopped && jobs.data && (resumable.data || resumable.error) && (
              <Button variant="primary" icon="chevronRight" disabled={busy !== null || refusal !== null} aria-describedby={refusal ? 'run-resume-refusal' : undefined} onClick={() => void resume()}>
                {busy === 'resume' ? 'Resuming…' : 'Resume'}
              </Button>
            )}
            <DeleteAction disabled={busy !== null || live !== null} title={live ? 'Cancel the run before deleting it' : undefined} onClick={() => setConfirmDelete(true)}>Delete</DeleteAction>
          </>
        )}
      />
      {live && (
        <Card aria-label="Progress">
          <div className="card-body stack gap-2">
            <ProgressBar value={live.state === 'queued' ? null : live.progress} state={live.state} label="Run progress" />
            <span className="small muted">{live.state === 'queued' ? 'Waiting for a free worker…' : live.message}</span>
          </div>
        </Card>
      )}
      {!live && r.status === 'failed' && r.error && <Callout tone="danger" title="Why this run failed"><span className="mono small">{r.error}</span></Callout>}
      {stopped && !refusal && <Callout tone="warning" title={stoppedTitle}>Resume continues it from its last checkpoint, with the same data order and optimiser state.</Callout>}
      {refusal && (
        <Callout tone="warning" title={`${stoppedTitle} and cannot be resumed`}>
          <span id="run-resume-refusal">This run {refusal}.</span> Its curves, settings and files stay here.{' '}
          <a href={START_PAGE[r.kind] ?? '#/adapt'}>Start a new run</a>
        </Callout>
      )}
      <RunAnnotations run={r} onSaved={() => run.reload()} />
      {r.kind === 'generation' && <GenerationOutputCard runId={runId} live={r.status === 'running'} />}
      <RunCurves metrics={metrics} loaded={loaded} planned={plannedSteps(job, runConfig(r))} unit={stepUnitOf(r.kind)} oneRelevant={oneRelevantPerQuery(r.config)} />
      {r.kind === 'ppo' && <BeforeAfterCard runId={runId} live={live !== null} lastStep={lastStep} evalEvery={(r.config as { evalEvery?: number }).evalEvery ?? null} />}
      {r.kind === 'ppo' && <RolloutTableCard runId={runId} live={live !== null} lastStep={lastStep} />}
      <RunConfig config={r.config} />
      <RunArtifacts artifacts={artifacts} kind={r.kind} resumeRefused={resumable.data?.resumable === false} />
      <RunLogs jobs={jobs} kind={r.kind} />
      {confirmDelete && (
        <Dialog title={`Delete ${r.name}?`} onClose={() => setConfirmDelete(false)}>
          <div className="stack">
            <p>Its metrics, tags, note, the records of its files and its folder <span className="mono small">runs/{r.id}/</span> are removed. Models it registered stay on the Select page; its jobs’ logs stay in Jobs.</p>
            <div className="dialog-actions">
              <Button data-autofocus onClick={() => setConfirmDelete(false)}>Keep it</Button>
              <Button variant="danger" icon="x" disabled={busy === 'delete'} onClick={() => void remove()}>{busy === 'delete' ? 'Deleting…' : 'Delete run'}</Button>
            </div>
          </div>
        </Dialog>
      )}
    </div>
  );
}
