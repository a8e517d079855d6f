// Adapt & align → Align: the project's alignment runs (reward models, DPO and PPO) on the left; on the right either the
// setup of a new run — method, data preview, settings, and why the KL term exists — or the selected run, live
// while it trains and from its history afterwards.
import { useEffect, useMemo, useState } from 'react';
import { GoFirst } from '../../app/GoFirst.tsx';
import { useProjects } from '../../app/ProjectsContext.tsx';
import type { PageId } from '../../app/routes.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { StudioError } from '../../api/errors.ts';
import { datasetChoices } from '../datasets/datasetChoices.tsx';
import { TrainingLayout } from '../finetune/TrainingLayout.tsx';
import { useRunStateChanges } from '../finetune/useRunStateChanges.ts';
import { useTrainingStart } from '../finetune/useTrainingStart.ts';
import { unmappedStartWords } from './AlignDataPreview.tsx';
import { AlignRunView } from './AlignRunView.tsx';
import { AlignSetup } from './AlignSetup.tsx';
import { emptyAlignForm, previewKind, toDpoInput, toPpoInput, toRewardInput, type AlignForm } from './alignForm.ts';
import { KlExplainer } from './KlExplainer.tsx';
import { PreferenceDataHelp } from './PreferenceDataHelp.tsx';
import { usableRewardRuns } from './PpoSetupParts.tsx';
import '../finetune/finetune.css';
import './align.css';
import { hasSourceWeights } from '../../domain/models.ts';
import { Reveal } from '../../ui/primitives.tsx';

export function AlignPage({ navigate }: { navigate(page: PageId): void }) {
  const studio = useStudio();
  const { current } = useProjects();
  const projectId = current?.id ?? null;
  const models = useQuery('models.list', { kind: 'decoder' });
  const datasets = useQuery('datasets.list', {});
  const dpoRuns = useQuery('runs.list', projectId ? { projectId, kind: 'dpo' } : null);
  const rewardRuns = useQuery('runs.list', projectId ? { projectId, kind: 'reward' } : null);
  const ppoRuns = useQuery('runs.list', projectId ? { projectId, kind: 'ppo' } : null);
  // any finished reward model can score PPO's rollouts, one trained by the CLI (in no project) too
  const allRewardRuns = useQuery('runs.list', { kind: 'reward' });
  const [form, setForm] = useState<AlignForm>(emptyAlignForm);
  const reloadRuns = useMemo(() => ({ reload: () => { dpoRuns.reload(); rewardRuns.reload(); ppoRuns.reload(); allRewardRuns.reload(); } }), [dpoRuns, rewardRuns, ppoRuns, allRewardRuns]);
  const training = useTrainingStart('dpo', reloadRuns, { notStarted: 'The run did not start', couldNotStart: 'Could not start the alignment run' });
  const { selectedId, select, pending, initialJob, start: startJob } = training;
  useRunStateChanges('reward', reloadRuns.reload);
  useRunStateChanges('ppo', reloadRuns.reload);
  // DPO and PPO size their learning rate by LoRA or full like fine-tuning; a reward model trains every weight.
  const defaults = useQuery('train.defaults', form.modelId ? { model: form.modelId, method: form.method === 'reward' ? 'full' : form.tuning } : null);
  const kind = previewKind(form, defaults.data);
  // PPO reads prompts, not pairs: its setup shows them itself
  const preview = useQuery('align.preview', form.datasetId && form.method !== 'ppo' ? { dataset: form.datasetId, limit: 3, ...(kind ? { kind } : {}) } : null);

  const runs = useMemo(() => [...(dpoRuns.data ?? []), ...(rewardRuns.data ?? []), ...(ppoRuns.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)), [dpoRuns.data, rewardRuns.data, ppoRuns.data]);
  const scorers = useMemo(() => usableRewardRuns(allRewardRuns.data ?? []).sort((a, b) => Number(b.projectId === projectId) - Number(a.projectId === projectId) || b.createdAt.localeCompare(a.createdAt)), [allRewardRuns.data, projectId]);
  const sortedModels = useMemo(() => (models.data ?? []).filter(hasSourceWeights).sort((a, b) => b.createdAt.localeCompare(a.createdAt)), [models.data]);
  const datasetGroups = useMemo(() => datasetChoices(datasets.data, projectId), [datasets.data, projectId]);
  const offered = datasetGroups.offered;
  // Preference data first: the newest dataset whose mapping has chosen and rejected, else the newest one.
  const preferred = useMemo(() => offered.find((d) => d.mapping.chosen && d.mapping.rejected) ?? offered[0], [offered]);

  // the settings typed before the model list arrived stay; those sized for a model that went are dropped
  useEffect(() => {
    if (sortedModels.length && !sortedModels.some((m) => m.id === form.modelId)) setForm((f) => ({ ...f, modelId: sortedModels[0].id, values: f.modelId ? {} : f.values }));
  }, [sortedModels, form.modelId]);
  useEffect(() => {
    if (preferred && !offered.some((d) => d.id === form.datasetId)) setForm((f) => ({ ...f, datasetId: preferred.id }));
  }, [offered, preferred, form.datasetId]);
  useEffect(() => {
    if (scorers.length && !scorers.some((r) => r.id === form.rewardRunId)) setForm((f) => ({ ...f, rewardRunId: scorers[0].id }));
  }, [scorers, form.rewardRunId]);
  useEffect(() => select(null), [projectId]);

  async function start() {
    const model = sortedModels.find((m) => m.id === form.modelId);
    const dataset = offered.find((d) => d.id === form.datasetId);
    // the last model's or method's defaults, or the last dataset's preview, are not this run's (useQuery's stale)
    if (!model || !dataset || !defaults.data || defaults.stale || (form.method !== 'ppo' && preview.stale)) return;
    await startJob(async () => {
      try {
        return await (form.method === 'reward'
          ? studio.call('align.reward', toRewardInput(form, defaults.data, model.id, dataset.id, projectId))
          : form.method === 'ppo'
            ? studio.call('align.ppo', toPpoInput(form, defaults.data, model.id, dataset.id, projectId))
            : studio.call('align.dpo', toDpoInput(form, defaults.data, model.id, dataset.id, projectId)));
      } catch (err) {
        // The mapping changed since the preview was read (the engine's sentence names a CLI command): the studio's
        // words, and the preview read again, so it shows the mapping and its button.
        const words = unmappedStartWords(err);
        if (!words) throw err;
        preview.reload();
        throw new StudioError('invalid_params', words, (err as StudioError).details);
      }
    });
  }

  if (!current) {
    return (
      <GoFirst icon="target" title="Scope a project first" page="scope" navigate={navigate}>
        Alignment runs belong to a project, beside its fine-tuning runs and evaluations.
      </GoFirst>
    );
  }
  // What a new run lacks, if anything; the project's past runs stay listed whatever is missing (a deleted dataset
  // leaves its runs): only with none to list does the page give itself over to what to do first.
  const missing = models.data?.length === 0
    ? (
      <GoFirst icon="box" title={runs.length ? 'A new run needs a model' : 'No model to align yet'} page="select" navigate={navigate}>
        Import a model on the Select page (ideally one already fine-tuned on your task), then come back to tune it toward what people prefer.
      </GoFirst>
    )
    : datasets.data && offered.length === 0
      ? (
        <GoFirst icon="database" title={runs.length ? 'A new run needs preference data' : 'No preference data yet'} page="datasets" navigate={navigate} actionLabel="Import preference pairs on Datasets">
          <div className="stack">
            {runs.length > 0 && <p>This project has no dataset left to train on; its past runs stay listed here.</p>}
            <PreferenceDataHelp projectName={current.name} />
          </div>
        </GoFirst>
      )
      : null;
  const runsLoaded = dpoRuns.data && rewardRuns.data && ppoRuns.data;
  if (missing && !runsLoaded) return <div aria-busy="true" />;
  if (missing && runs.length === 0) return missing;

  return (
    <TrainingLayout
      training={training}
      listTitle="Alignment runs"
      runs={runs}
      empty="No runs yet. DPO needs only preference pairs: start with the defaults and watch the margin between the chosen and rejected rewards grow."
      startingHint="Loading the model and reading the pairs."
      datasets={datasets.data}
    >
      {selectedId
        ? (initialJob
          ? <Reveal key={selectedId} testId="revealed-run"><AlignRunView runId={selectedId} initialJob={initialJob} onChanged={reloadRuns.reload} /></Reveal>
          : <AlignRunView key={selectedId} runId={selectedId} initialJob={initialJob} onChanged={reloadRuns.reload} />)
        : missing ?? (
          <>
            <AlignSetup form={form} onChange={setForm} models={sortedModels} datasets={datasetGroups} rewardRuns={scorers} defaults={defaults.data} defaultsStale={defaults.stale} defaultsError={defaults.error}
              preview={{ data: preview.data, stale: preview.stale, loading: preview.loading, error: preview.error }} busy={pending !== null} onStart={() => void start()} onMapColumns={() => navigate('datasets')} projectName={current.name} />
            {form.method !== 'reward' && <KlExplainer method={form.method} />}
          </>
        )}
    </TrainingLayout>
  );
}
