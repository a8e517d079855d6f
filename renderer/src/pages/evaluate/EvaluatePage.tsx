// Adapt & align → Evaluate: set up an evaluation, follow it (progress, ETA, cancel), read its summary, and
// keep the project's evaluations in one list from which runs go to the comparison.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Job } from '../../../../native/api/schemas.ts';
import { GoFirst } from '../../app/GoFirst.tsx';
import { useProjects } from '../../app/ProjectsContext.tsx';
import type { PageId } from '../../app/routes.ts';
import { useQuery, useStudio, useStudioEvents } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { formatDate } from '../../domain/format.ts';
import { datasetChoices } from '../datasets/datasetChoices.tsx';
import { useJobProgress } from '../datasets/useJobProgress.ts';
import { openCompare } from '../compare/route.tsx';
import { Button, Card, EmptyState, ReadError, Reveal } from '../../ui/primitives.tsx';
import { useToast } from '../../ui/Toasts.tsx';
import { EvalProgress, EvalSummaryView } from './EvalResult.tsx';
import { EvalRunList } from './EvalRunList.tsx';
import { EvalSetup, type AdapterChoice } from './EvalSetup.tsx';
import { initialForm, shotsOf, templateName, toEvalInput, type EvalForm } from './evalForm.ts';
import { suggestedMetrics } from './metrics.ts';
import './evaluate.css';

export function EvaluatePage({ navigate }: { navigate(page: PageId): void }) {
  const studio = useStudio();
  const toast = useToast();
  const { current } = useProjects();
  const projectId = current?.id ?? null;
  const models = useQuery('models.list', { kind: 'decoder' });
  const datasets = useQuery('datasets.list', {});
  const runs = useQuery('runs.list', projectId ? { projectId, kind: 'evaluation' } : null);
  const jobs = useQuery('jobs.list', { limit: 200 });
  // Fine-tune runs name the adapters: a job's params hold only ids, which mean nothing in a dropdown.
  const finetuneRuns = useQuery('runs.list', projectId ? { projectId, kind: 'finetune' } : null);
  const metrics = useMemo(() => suggestedMetrics(current), [current]);
  const [form, setForm] = useState<EvalForm>(() => initialForm(metrics.preselected));
  const [shownRunId, setShownRunId] = useState<string | null>(null);
  const [jobTitle, setJobTitle] = useState('');
  const [cancelling, setCancelling] = useState(false);
  const titleRef = useRef('');
  titleRef.current = jobTitle;

  const sortedRuns = useMemo(() => [...(runs.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)), [runs.data]);
  // The project's datasets, then those in no project; the same rule as the Datasets page.
  const datasetGroups = useMemo(() => datasetChoices(datasets.data, projectId), [datasets.data, projectId]);
  const sortedDatasets = datasetGroups.offered;
  // Adapters come from finished LoRA fine-tunes of this project (their job result names the folder).
  const adapters = useMemo<AdapterChoice[]>(() => (jobs.data ?? []).flatMap((j) => {
    const result = j.result as { adapterPath?: unknown } | null;
    const params = j.params as { projectId?: unknown; model?: unknown; name?: unknown } | null;
    if (j.kind !== 'finetune' || j.state !== 'succeeded' || typeof result?.adapterPath !== 'string' || (params?.projectId ?? null) !== projectId) return [];
    const model = typeof params?.model === 'string' ? params.model : null;
    const runName = typeof params?.name === 'string' ? params.name : finetuneRuns.data?.find((r) => r.id === j.runId)?.name;
    const modelName = models.data?.find((m) => m.id === model || m.name === model)?.name;
    const finished = j.finishedAt ? formatDate(j.finishedAt) : null;
    return [{ path: result.adapterPath, model, label: `${runName ?? `LoRA fine-tune${finished ? ` of ${finished}` : ''}`}${modelName ? ` (on ${modelName})` : ''}` }];
  }), [jobs.data, projectId, finetuneRuns.data, models.data]);
  const comparison = useQuery('runs.compare', sortedRuns.length ? { runIds: sortedRuns.slice(0, 16).map((r) => r.id) } : null);

  // A new project brings its own metric suggestions and runs.
  useEffect(() => {
    setForm((f) => ({ ...f, metrics: metrics.preselected }));
    setShownRunId(null);
  }, [metrics]);
  // Defaults once the lists arrive: the newest model, the project's first dataset.
  useEffect(() => {
    const list = models.data;
    if (!list?.length) return;
    setForm((f) => (list.some((m) => m.id === f.modelId) ? f : { ...f, modelId: [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0].id }));
  }, [models.data]);
  useEffect(() => {
    if (!sortedDatasets.length) return;
    setForm((f) => (sortedDatasets.some((d) => d.id === f.datasetId) ? f : { ...f, datasetId: sortedDatasets[0].id }));
  }, [sortedDatasets]);

  const onFinished = useCallback((job: Job) => {
    setCancelling(false);
    runs.reload();
    comparison.reload();
    if (job.runId) setShownRunId(job.runId);
    if (job.state === 'succeeded') toast.show('success', 'Evaluation finished', titleRef.current);
    else if (job.state === 'cancelled') toast.show('info', 'Evaluation cancelled', 'The examples finished before the stop are kept.');
    else toast.show('error', 'The evaluation failed', job.error ?? job.message);
  }, [runs, comparison, toast]);
  const progress = useJobProgress(onFinished);
  const job = progress.job;
  const running = job !== null && (job.state === 'queued' || job.state === 'running');
  const summary = useQuery('eval.get', shownRunId && !(running && job?.runId === shownRunId) ? { id: shownRunId } : null);

  useStudioEvents((event) => {
    if (event.type === 'job.updated' && event.payload.kind === 'evaluation' && event.payload.id !== job?.id && event.payload.state !== 'running') runs.reload();
    if (event.type === 'job.updated' && event.payload.kind === 'finetune' && event.payload.state === 'succeeded') { jobs.reload(); finetuneRuns.reload(); }
  });

  async function start() {
    const input = toEvalInput(form, projectId);
    try {
      const started = await studio.call('eval.start', input);
      const model = models.data?.find((m) => m.id === form.modelId)?.name ?? 'model';
      const dataset = datasets.data?.find((d) => d.id === form.datasetId)?.name ?? 'dataset';
      setJobTitle(`${model} on ${dataset}/${form.split} · ${form.metrics.some((m) => m === 'perplexity' || m === 'bits_per_byte') ? 'perplexity' : templateName(shotsOf(form), form.customTemplate)}`);
      setShownRunId(null);
      progress.follow(started);
    } catch (err) {
      toast.show('error', 'Could not start the evaluation', errorMessage(err));
    }
  }

  async function cancel() {
    if (!job) return;
    setCancelling(true);
    try {
      await studio.call('jobs.cancel', { id: job.id });
    } catch (err) {
      setCancelling(false);
      toast.show('error', 'Could not cancel the evaluation', errorMessage(err));
    }
  }

  if (!current) {
    return (
      <GoFirst icon="target" title="Scope a project first" page="scope" navigate={navigate}>
        An evaluation measures a model against the project’s success metric and target, so it needs a project to belong to.
      </GoFirst>
    );
  }
  if (models.data?.length === 0 || (datasets.data && sortedDatasets.length === 0)) {
    const noModel = models.data?.length === 0;
    if (noModel) {
      return (
        <GoFirst icon="box" title="No model to evaluate yet" page="select" navigate={navigate}>
          Import or download a base model on the Select page; then come back to score it on your data.
        </GoFirst>
      );
    }
    return (
      <GoFirst icon="database" title="No dataset to evaluate on yet" page="datasets" navigate={navigate}>
        Import examples with references (for a summary task: dialogues and their summaries); the test split becomes the held-out set.
      </GoFirst>
    );
  }

  // The summary of the run picked now: the last one's stays in the query while the next loads, and was shown under
  // the new pick (the list marking one run, the scores another's). Stale (useQuery), it is not shown.
  const shown = summary.stale ? null : summary.data ?? null;
  const shownIndex = shown ? sortedRuns.findIndex((r) => r.id === shown.run.id) : -1;
  const previous = shownIndex >= 0 ? sortedRuns[shownIndex + 1] : undefined;
  const latest = !shownRunId && !job ? sortedRuns.find((r) => r.status === 'succeeded') : undefined;
  const loadingShown = shownRunId !== null && !shown && !summary.error;

  return (
    <div className="stack gap-5">
      <div className="eval-layout">
        <EvalSetup form={form} onChange={setForm} models={models.data ?? []} adapters={adapters} datasets={datasetGroups} metricOrder={metrics.order} suggested={metrics.suggested} projectMetric={metrics.own} busy={running} onStart={() => void start()} />
        <div className="stack">
          {job && (running || !shown) && <Reveal key={job.id} testId="revealed-progress"><EvalProgress job={job} title={jobTitle} onCancel={() => void cancel()} cancelling={cancelling} /></Reveal>}
          {shown && !running && (
            <EvalSummaryView
              summary={shown}
              projectMetric={current.metric}
              target={current.target}
              onCompare={previous ? () => openCompare([previous.id, shown.run.id]) : null}
              compareLabel="Compare with previous"
            />
          )}
          {!job && loadingShown && <div aria-busy="true" aria-label="Loading the evaluation" />}
          {!job && !shown && summary.error && <Card><ReadError className="card-body" what="Could not read this evaluation" read={summary} /></Card>}
          {!job && !shown && runs.error && !runs.data && <Card><ReadError className="card-body" what="Could not list this project’s evaluations" read={runs} /></Card>}
          {!job && !shown && !loadingShown && !summary.error && runs.data && (
            <Card>
              {sortedRuns.length === 0 ? (
                // The one empty state of a project with no evaluation: the list below is drawn once it has a run (its
                // own empty card said the same zero-shot advice again under this one).
                <EmptyState icon="target" title="No evaluations yet">
                  Start with a zero-shot run on a few dozen test examples: it is the baseline every prompt, setting and fine-tune should beat; then run a few-shot one and compare. Each metric comes with a 95% interval{current.metric && current.target !== null ? `, and the scorecard checks it against your target (${current.target})` : ''}.
                </EmptyState>
              ) : (
                <EmptyState icon="target" title="Pick a run to see its scores" action={latest ? <Button onClick={() => setShownRunId(latest.id)}>Show the latest run</Button> : undefined}>
                  Every evaluation of this project is listed below; open one for its metrics, intervals and timing.
                </EmptyState>
              )}
            </Card>
          )}
        </div>
      </div>
      {sortedRuns.length > 0 && <EvalRunList runs={sortedRuns} comparison={comparison.data} metric={current.metric} shownRunId={shownRunId} onShow={setShownRunId} onCompare={openCompare} />}
    </div>
  );
}
