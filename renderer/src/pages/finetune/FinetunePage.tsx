// Adapt & align → Fine-tune: the project's fine-tune runs on the left; on the right either the setup of a new
// run or the selected run (live while it trains, from its history afterwards). With no dataset (or model) left to
// start a run from, the past runs stay listed and the new-run side says what is needed and where to get it.
import { useEffect, useMemo, useRef, useState } from 'react';
import { GoFirst } from '../../app/GoFirst.tsx';
import { useProjects } from '../../app/ProjectsContext.tsx';
import type { PageId } from '../../app/routes.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { datasetChoices } from '../datasets/datasetChoices.tsx';
import { Reveal } from '../../ui/primitives.tsx';
import { FinetuneSetup } from './FinetuneSetup.tsx';
import { RunView } from './RunView.tsx';
import { TrainingLayout } from './TrainingLayout.tsx';
import { useTrainingStart } from './useTrainingStart.ts';
import { defaultTrainingDataset, emptyForm, toTrainInput, type FinetuneForm } from './trainForm.ts';
import './finetune.css';
import { hasSourceWeights } from '../../domain/models.ts';

export function FinetunePage({ navigate }: { navigate(page: PageId): void }) {
  const studio = useStudio();
  const { current } = useProjects();
  const projectId = current?.id ?? null;
  const models = useQuery('models.list', { kind: 'decoder' });
  const datasets = useQuery('datasets.list', {});
  const runs = useQuery('runs.list', projectId ? { projectId, kind: 'finetune' } : null);
  const [form, setForm] = useState<FinetuneForm>(emptyForm);
  const training = useTrainingStart('finetune', runs, { notStarted: 'The run did not start', couldNotStart: 'Could not start fine-tuning' });
  const { selectedId, select: setSelectedId, pending, initialJob, start: startJob } = training;
  const recommended = useQuery('train.defaults', form.modelId ? { model: form.modelId } : null);
  const sized = useQuery('train.defaults', form.modelId ? { model: form.modelId, method: form.method } : null);
  const defaults = useMemo(() => (sized.data && recommended.data ? { ...sized.data, recommendedMethod: recommended.data.recommendedMethod } : undefined), [sized.data, recommended.data]);
  // sized for the model or method chosen before, while those for the current ones load: Start waits for them
  const defaultsStale = sized.stale || recommended.stale;

  const sortedRuns = useMemo(() => [...(runs.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)), [runs.data]);
  // a quantised variant cannot be trained: offering it (it is the newest model after Integrate) made the run fail
  const sortedModels = useMemo(() => (models.data ?? []).filter(hasSourceWeights).sort((a, b) => b.createdAt.localeCompare(a.createdAt)), [models.data]);
  // The project's datasets, then those in no project; the same rule as the Datasets page.
  const datasetGroups = useMemo(() => datasetChoices(datasets.data, projectId), [datasets.data, projectId]);
  const sortedDatasets = datasetGroups.offered;

  // the settings typed before the model list arrived stay; those sized for a model that went are dropped
  useEffect(() => {
    if (sortedModels.length && !sortedModels.some((m) => m.id === form.modelId)) setForm((f) => (f.modelId ? { ...f, modelId: sortedModels[0].id, values: {}, targetModules: null } : { ...f, modelId: sortedModels[0].id }));
  }, [sortedModels, form.modelId]);
  useEffect(() => {
    if (sortedDatasets.length && !sortedDatasets.some((d) => d.id === form.datasetId)) setForm((f) => ({ ...f, datasetId: defaultTrainingDataset(sortedDatasets)!.id }));
  }, [sortedDatasets, form.datasetId]);
  // Each model starts on the method the engine recommends for it.
  const recommendedFor = useRef<string | null>(null);
  useEffect(() => {
    const rec = recommended.data;
    // the last model's recommendation, while this one's loads, is not this model's
    if (!rec || recommended.stale || recommendedFor.current === form.modelId) return;
    recommendedFor.current = form.modelId;
    setForm((f) => ({ ...f, method: rec.recommendedMethod }));
  }, [recommended.data, recommended.stale, form.modelId]);
  useEffect(() => setSelectedId(null), [projectId]);
  // A method the person picks for this model stands: the recommendation, arriving after, does not overwrite it.
  const changeForm = (next: FinetuneForm) => {
    if (next.modelId === form.modelId && next.method !== form.method) recommendedFor.current = next.modelId;
    setForm(next);
  };

  async function start() {
    const model = sortedModels.find((m) => m.id === form.modelId);
    const dataset = sortedDatasets.find((d) => d.id === form.datasetId);
    if (!model || !dataset || !defaults || defaultsStale) return;
    await startJob(() => studio.call('train.start', toTrainInput(form, defaults, model.id, dataset.id, projectId)));
  }

  if (!current) {
    return (
      <GoFirst icon="target" title="Scope a project first" page="scope" navigate={navigate}>
        Fine-tuning runs belong to a project: its task decides how examples become prompts, and its metric judges the result.
      </GoFirst>
    );
  }
  // What a new run lacks (a model, a dataset), if anything. The project's past runs stay listed whatever is missing
  // (a deleted dataset leaves its runs): only with none to list does the page give itself over to what to do first.
  const missing = models.data?.length === 0
    ? (
      <GoFirst icon="box" title={sortedRuns.length ? 'A new run needs a model' : 'No model to fine-tune yet'} page="select" navigate={navigate}>
        Import a base model on the Select page (a small one trains in minutes on a laptop), then come back to teach it your task.
      </GoFirst>
    )
    : datasets.data && sortedDatasets.length === 0
      ? (
        <GoFirst icon="database" title={sortedRuns.length ? 'A new run needs a dataset' : 'No examples to learn from yet'} page="datasets" navigate={navigate}>
          {sortedRuns.length ? 'This project has no dataset left to train on; its past runs stay listed here. ' : ''}
          Import a few hundred examples of the task (for instructions: instruction, input and output columns) and map their
          columns; fine-tuning learns from the train split and watches the validation split.
        </GoFirst>
      )
      : null;
  if (missing && !runs.data) return <div aria-busy="true" />;
  if (missing && sortedRuns.length === 0) return missing;

  return (
    <TrainingLayout
      training={training}
      listTitle="Fine-tune runs"
      runs={sortedRuns}
      empty="No runs yet. Start with the defaults: they are sized for the model and this machine. Watch validation loss; when it stops falling, the model has learned what the data can teach."
      startingHint="Loading the model and tokenising the examples."
      datasets={datasets.data}
    >
      {selectedId
        ? (initialJob
          ? <Reveal key={selectedId} testId="revealed-run"><RunView runId={selectedId} initialJob={initialJob} onChanged={runs.reload} /></Reveal>
          : <RunView key={selectedId} runId={selectedId} initialJob={initialJob} onChanged={runs.reload} />)
        : missing ?? <FinetuneSetup form={form} onChange={changeForm} task={current.task} models={sortedModels} datasets={datasetGroups} defaults={defaults} defaultsStale={defaultsStale} defaultsError={sized.error ?? recommended.error} busy={pending !== null} onStart={() => void start()} />}
    </TrainingLayout>
  );
}
