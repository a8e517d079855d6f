// Select → Train from scratch (the one name of the Select page's button, this page's title and its create action): build a small model's shape and see its size and memory before anything runs,
// point it at a text corpus, start, and follow the run (loss in nats per token against a unigram baseline,
// per character at the end). Earlier pretraining runs are listed beside it.
import { useMemo, useState } from 'react';
import { useProjects } from '../../app/ProjectsContext.tsx';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { BackLink, CreateAction, PageHeader, Reveal } from '../../ui/primitives.tsx';
import { RunView } from '../finetune/RunView.tsx';
import { StartingCard } from '../finetune/TrainingLayout.tsx';
import { TrainingRunList } from '../finetune/TrainingRunList.tsx';
import { useTrainingStart } from '../finetune/useTrainingStart.ts';
import { PlanCard } from './PlanCard.tsx';
import { PretrainBuilder } from './PretrainBuilder.tsx';
import { initialPretrainForm, shapeOf, toPretrainInput, type PretrainForm } from './pretrainForm.ts';
import { pretrainPlan, shapeProblems } from './pretrainPlan.ts';
import '../finetune/finetune.css';

export function PretrainPage() {
  const studio = useStudio();
  const { current } = useProjects();
  const projectId = current?.id ?? null;
  const runs = useQuery('runs.list', projectId ? { projectId, kind: 'pretrain' } : { kind: 'pretrain' });
  const [form, setForm] = useState<PretrainForm>(initialPretrainForm);
  const { selectedId, select: setSelectedId, pending, initialJob, start: startJob } = useTrainingStart('pretrain', runs, { notStarted: 'Pretraining did not start', couldNotStart: 'Could not start pretraining' });
  const shape = shapeOf(form);
  const plan = Object.keys(shapeProblems(shape)).length === 0 ? pretrainPlan(shape) : null;
  const sortedRuns = useMemo(() => [...(runs.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)), [runs.data]);

  async function start() {
    await startJob(() => studio.call('train.pretrain', toPretrainInput(form, projectId)));
  }

  const list = (
    <TrainingRunList
      title="Runs"
      runs={sortedRuns}
      selectedId={selectedId}
      onSelect={setSelectedId}
      empty="No runs yet. The default shape, GPT-2 or Llama, has under a million parameters: a few hundred steps on a megabyte of text take minutes on a CPU."
    />
  );

  return (
    <div className="page">
      <BackLink href="#/select">All models</BackLink>
      <PageHeader
        title="Train from scratch"
        lede="When no base model suits the task, pretrain a small one on your own text. Its size and memory are known before anything runs; the loss is compared with a model that only knows how often each token occurs."
        actions={<CreateAction onClick={() => setSelectedId(null)} aria-pressed={selectedId === null}>Train from scratch</CreateAction>}
      />
      {selectedId ? (
        <div className="ft-layout">
          {list}
          {initialJob
            ? <Reveal key={selectedId} testId="revealed-run"><RunView runId={selectedId} initialJob={initialJob} onChanged={runs.reload} /></Reveal>
            : <RunView key={selectedId} runId={selectedId} initialJob={initialJob} onChanged={runs.reload} />}
        </div>
      ) : (
        <div className="pt-layout">
          <div className="stack">
            {pending && !pending.runId && <StartingCard job={pending} title="Starting…" hint="Training the tokenizer on the corpus." />}
            <PretrainBuilder form={form} onChange={setForm} busy={pending !== null} onStart={() => void start()} />
          </div>
          <div className="stack pt-plan">
            <PlanCard shape={shape} plan={plan} />
            {list}
          </div>
        </div>
      )}
    </div>
  );
}
