// A project's journey through the lifecycle, derived from what the store holds about it: its scope, its
// datasets, its runs (and the jobs still making them) and the studio's models. `journeyOf` is pure, so the
// rules read in one place and test without a database; `projectJourney` gathers its facts from the store.
//
// The rules, explicitly:
// - scope is done when the project names a task and a metric; the target is optional (the Scope form says so):
//   without one the scorecard cannot call pass or fail, so the journey leaves "good enough" to the user;
// - data is done when a dataset assigned to the project has a column mapping that feeds something (one field mapped
//   at least, or a plain `text` column the trainer reads unmapped: formatForMapping); in progress while an import for
//   it runs; while every dataset it has maps nothing, the guidance is to map one (the Datasets page asks for the
//   mapping then, and the strip said Data done beside it);
// - select is done when the project's runs used a model, or else when the studio has any model at all
//   (models are shared by every project; the first one is what each stage offers by default);
// - prompt is done when a playground generation of the project finished or an evaluation of a base model
//   (not a fine-tuned one) with a prompt template succeeded;
// - fine-tune / align is optional unless a fine-tuning or DPO run of the project exists, or the project evaluated
//   a fine-tuned model (trained under no project, say); it becomes the next step when the project's best evaluation
//   misses its target and nothing was tuned yet;
// - evaluate is done when an evaluation run of the project succeeded (the scorecard and the effects read only those on
//   held-out rows: a score on the train split or all rows flatters the model);
// - integrate is done when a model the project's runs used was merged into or quantised to a new model (its
//   source names it); it becomes the next step once the best evaluation meets the target, or once there is a
//   best evaluation and no target to judge it by.
// The scorecard is the spine: each step's effect is the project's metric before and after that step's runs.
import { StudioError } from '../api/errors.ts';
import { LOWER_IS_BETTER, type Scorecard } from '../api/eval.ts';
import { evalMetricLabel, taskLabel } from '../api/labels.ts';
import type { Journey, JourneyAction, JourneyEffect, JourneyState, JourneyStep, JourneyStepId } from '../api/journey.ts';
import type { Dataset, Job, Model, Project, Run, RunMetric } from '../api/schemas.ts';
import { formatForMapping } from '../api/train.ts';
import { scorecardOf, scoredHeldOut, trainRowsIn, type TrainRowsOf } from '../eval/scorecard.ts';
import type { Store } from '../store/db.ts';

export interface JourneyFacts {
  project: Project;
  datasets: readonly Dataset[];
  models: readonly Model[];
  runs: readonly { run: Run; metrics: readonly RunMetric[] }[];
  /** Jobs not finished yet (queued or running) whose params name this project. */
  openJobs: readonly Pick<Job, 'kind'>[];
  /** Train rows of any dataset by id (an evaluation on all rows of one with train rows is not held out). */
  trainRowsOf: TrainRowsOf;
}

const ACTIONS: Record<JourneyStepId, JourneyAction> = {
  scope: { label: 'Set the metric and target', route: '#/scope' },
  data: { label: 'Import a dataset', route: '#/datasets' },
  select: { label: 'Choose a base model', route: '#/select' },
  prompt: { label: 'Try a prompt in the playground', route: '#/adapt/prompt' },
  finetune: { label: 'Fine-tune on your examples', route: '#/adapt/finetune' },
  evaluate: { label: 'Run an evaluation', route: '#/adapt/evaluate' },
  integrate: { label: 'Quantise, export or serve', route: '#/integrate' },
};

const TITLES: Record<JourneyStepId, string> = {
  scope: 'Scope', data: 'Data', select: 'Select', prompt: 'Prompt', finetune: 'Fine-tune / align', evaluate: 'Evaluate', integrate: 'Integrate',
};

/** Steps that every project goes through, in order; the first of them not done is the next one. */
const REQUIRED: readonly JourneyStepId[] = ['scope', 'data', 'select', 'prompt', 'evaluate'];

/** A score as the journey's words give it: three decimals, the best, the gap and the target alike ('0.200 is 0.150 short of 0.350'). */
const score = (v: number): string => v.toFixed(3);

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
const OPEN_RUN = new Set(['created', 'running']);
/** Runs that change the project's model, and the model sources they register ('finetune-merge:…', 'dpo-merge:…'). */
const TUNING_KINDS = ['finetune', 'dpo'];

interface Step {
  state: JourneyState | 'not-done';
  summary: string;
  effect?: JourneyEffect | null;
}

/** The model an evaluation or generation run used, as recorded in its config. */
function modelOfRun(run: Run): { id: string | null; name: string } | null {
  const c = (run.config ?? {}) as { model?: unknown; modelId?: unknown; modelName?: unknown };
  if (c.model && typeof c.model === 'object') {
    const m = c.model as { id?: unknown; name?: unknown };
    if (typeof m.name === 'string') return { id: typeof m.id === 'string' ? m.id : null, name: m.name };
  }
  if (typeof c.modelName === 'string') return { id: typeof c.modelId === 'string' ? c.modelId : null, name: c.modelName };
  if (typeof c.model === 'string') return { id: null, name: c.model };
  return null;
}

export function journeyOf(facts: JourneyFacts): Journey {
  const { project, datasets, models, runs, openJobs } = facts;
  const byKind = (kind: string) => runs.filter((r) => r.run.kind === kind);
  const jobOpen = (kind: string) => openJobs.some((j) => j.kind === kind);
  const metric = project.metric;
  const higherIsBetter = metric === null ? true : !LOWER_IS_BETTER.includes(metric);
  const better = (a: number, b: number) => (higherIsBetter ? a > b : a < b);
  const bestOf = (values: number[]) => values.reduce<number | null>((best, v) => (best === null || better(v, best) ? v : best), null);

  // Succeeded evaluations in the order they finished, each with the project's metric and whether it scored a fine-tuned model.
  const tunedSources = new Set(models.filter((m) => TUNING_KINDS.some((k) => m.source.startsWith(k))).map((m) => m.id));
  const evaluations = byKind('evaluation')
    .filter((r) => r.run.status === 'succeeded')
    .sort((a, b) => (a.run.finishedAt ?? a.run.createdAt).localeCompare(b.run.finishedAt ?? b.run.createdAt))
    .map((r) => {
      const c = (r.run.config ?? {}) as { adapterPath?: unknown; template?: unknown };
      const model = modelOfRun(r.run);
      const tuned = (typeof c.adapterPath === 'string' && c.adapterPath !== '') || (model?.id != null && tunedSources.has(model.id));
      // a score on the train split (or all rows) flatters the model: like the scorecard, the effects leave it out
      const value = metric === null || !scoredHeldOut(r.run, facts.trainRowsOf) ? undefined : [...r.metrics].filter((m) => m.name === metric).sort((a, b) => a.step - b.step).at(-1)?.value;
      return { run: r.run, tuned, templated: c.template != null, value };
    });
  const valuesOf = (list: typeof evaluations) => list.flatMap((e) => (e.value === undefined ? [] : [e.value]));
  const effect = (before: number | null, after: number | null): JourneyEffect | null =>
    metric === null || after === null ? null : { metric, higherIsBetter, before, after };
  const scorecard: Scorecard = scorecardOf(project, runs, facts.trainRowsOf);

  const steps: Record<JourneyStepId, Step> = {} as Record<JourneyStepId, Step>;

  // Scope: the metric is what every later step is judged by; the target only turns the best score into a verdict.
  if (metric === null) steps.scope = { state: 'not-done', summary: 'No success metric yet: choose one (a target is optional)' };
  else steps.scope = { state: 'done', summary: `${taskLabel(project.task)} · ${evalMetricLabel(metric)} ${project.target === null ? '(no target)' : `${higherIsBetter ? '≥' : '≤'} ${project.target}`}` };

  // Data.
  const feeds = (d: Dataset) => Object.keys(d.mapping).length > 0 || formatForMapping(d.mapping, d.columns) !== null;
  if (datasets.some(feeds)) {
    const [first, ...rest] = [...datasets.filter(feeds), ...datasets.filter((d) => !feeds(d))];
    steps.data = { state: 'done', summary: `${first.name}, ${plural(first.rowCount, 'row')}${rest.length ? ` (and ${plural(rest.length, 'more dataset')})` : ''}` };
  } else if (jobOpen('dataset-import')) steps.data = { state: 'in-progress', summary: 'Importing a dataset…' };
  else if (datasets.length > 0) steps.data = { state: 'not-done', summary: `${datasets[0].name}: map its columns to the task’s fields` };
  else steps.data = { state: 'not-done', summary: 'No dataset in this project yet: examples to learn from and to judge by' };

  // Select.
  const used = [...new Set(runs.flatMap((r) => (['evaluation', 'generation', 'finetune'].includes(r.run.kind) ? [modelOfRun(r.run)?.name] : [])).filter((n): n is string => !!n))];
  if (used.length > 0) steps.select = { state: 'done', summary: `Used: ${used.slice(0, 2).join(', ')}${used.length > 2 ? ` and ${used.length - 2} more` : ''}` };
  else if (models.length > 0) steps.select = { state: 'done', summary: `${models[0].name} is available${models.length > 1 ? ` (of ${plural(models.length, 'model')})` : ''}; not used here yet` };
  else steps.select = { state: 'not-done', summary: 'No model yet: download one, import one or train a small one' };

  // Prompt.
  const generations = byKind('generation');
  const untuned = evaluations.filter((e) => !e.tuned);
  const layouts = untuned.filter((e) => e.templated);
  const tried = generations.filter((g) => g.run.status === 'succeeded').length;
  const untunedValues = valuesOf(untuned);
  if (tried > 0 || layouts.length > 0) {
    const parts = [tried > 0 && `${plural(tried, 'prompt')} tried`, layouts.length > 0 && `${plural(layouts.length, 'layout')} evaluated`].filter(Boolean);
    steps.prompt = { state: 'done', summary: parts.join(', '), effect: effect(untunedValues.length > 1 ? untunedValues[0] : null, bestOf(untunedValues)) };
  } else if (generations.some((g) => OPEN_RUN.has(g.run.status))) steps.prompt = { state: 'in-progress', summary: 'Generating…' };
  else steps.prompt = { state: 'not-done', summary: 'See what the model does with your task before changing its weights' };

  // Fine-tune / align.
  const tuning = TUNING_KINDS.flatMap(byKind);
  const tunedEvaluations = evaluations.filter((e) => e.tuned);
  const tunedValues = valuesOf(tunedEvaluations);
  const tuneEffect = effect(bestOf(untunedValues), bestOf(tunedValues));
  if (tuning.some((r) => OPEN_RUN.has(r.run.status)) || TUNING_KINDS.some(jobOpen)) steps.finetune = { state: 'in-progress', summary: 'Training…', effect: tuneEffect };
  else if (tuning.some((r) => r.run.status === 'succeeded')) {
    const done = tuning.filter((r) => r.run.status === 'succeeded');
    steps.finetune = { state: 'done', summary: `${done.at(-1)!.run.name}${done.length > 1 ? ` (${plural(done.length, 'run')})` : ''}`, effect: tuneEffect };
  } else if (tunedEvaluations.length > 0) {
    // Trained under no project (or another one), but this project scored the result: the step was done.
    steps.finetune = { state: 'done', summary: `Evaluated ${modelOfRun(tunedEvaluations.at(-1)!.run)?.name ?? 'a model'} (fine-tuned)`, effect: tuneEffect };
  } else steps.finetune = { state: 'optional', summary: project.target === null ? 'Only when prompting is not good enough' : 'Only when prompting falls short of the target' };

  // Evaluate.
  const evalOpen = byKind('evaluation').some((r) => OPEN_RUN.has(r.run.status)) || jobOpen('evaluation');
  if (evaluations.length > 0) {
    const best = scorecard.best ? `; best ${score(scorecard.best.value)}` : '';
    steps.evaluate = { state: evalOpen ? 'in-progress' : 'done', summary: `${plural(evaluations.length, 'evaluation')}${best}`, effect: effect(null, scorecard.best?.value ?? null) };
  } else if (evalOpen) steps.evaluate = { state: 'in-progress', summary: 'Evaluating…' };
  else steps.evaluate = { state: 'not-done', summary: 'Score the model on held-out examples with the project’s metric' };

  // Integrate: a merged or quantised model made from one the project used ('merge:<id>:…', 'quantize:<id>:<dtype>').
  const usedIds = new Set(runs.map((r) => modelOfRun(r.run)?.id).filter((id): id is string => !!id));
  const usedNames = new Set(runs.map((r) => modelOfRun(r.run)?.name).filter((n): n is string => !!n));
  const usedModelIds = new Set([...usedIds, ...models.filter((m) => usedNames.has(m.name)).map((m) => m.id)]);
  const derived = models.filter((m) => /^(merge|quantize):/.test(m.source ?? '') && usedModelIds.has((m.source ?? '').split(':')[1]));
  steps.integrate = derived.length > 0
    ? { state: 'done', summary: `${derived.at(-1)!.name}${derived.length > 1 ? ` (of ${plural(derived.length, 'deployable model')})` : ''}` }
    : { state: 'not-done', summary: 'Merge, quantise and export the model, or serve it to applications' };

  // The guidance: the first required step not done; once all are, the scorecard decides.
  let next: Journey['next'];
  const pending = REQUIRED.find((id) => steps[id].state !== 'done');
  if (pending) {
    const busy = steps[pending].state === 'in-progress';
    if (!busy) steps[pending].state = 'next';
    next = { step: pending, title: busy ? `${TITLES[pending]}: in progress` : `Next: ${NEXT_TITLES[pending]}`, text: busy ? 'This step’s job is running; the journey moves on when it finishes.' : NEXT_TEXTS[pending], action: ACTIONS[pending] };
    // Data that is there but maps no column: the way on is its mapping, not another import.
    if (pending === 'data' && !busy && datasets.length > 0) next = { step: 'data', title: 'Next: map the data’s columns', text: `${datasets[0].name} maps none of its columns to a field: on the Datasets page, choose which column feeds each field of the task.`, action: { label: 'Map its columns', route: '#/datasets' } };
  } else if (steps.finetune.state === 'in-progress') {
    next = { step: 'finetune', title: 'Fine-tune / align: in progress', text: 'When training finishes, evaluate the fine-tuned model to see what it did to the metric.', action: ACTIONS.finetune };
  } else if (steps.finetune.state === 'done' && tunedValues.length === 0) {
    next = { step: 'evaluate', title: 'Next: evaluate the fine-tuned model', text: 'Training finished; only an evaluation shows whether it moved the metric.', action: ACTIONS.evaluate };
  } else if (scorecard.status === 'fail') {
    if (steps.finetune.state === 'optional') steps.finetune = { ...steps.finetune, state: 'next', summary: 'Prompting alone falls short of the target' };
    next = { step: 'finetune', title: 'Next: close the gap to the target', text: `The best evaluation, ${score(scorecard.best!.value)}, is ${score(Math.abs(scorecard.margin!))} short of ${score(project.target!)}: fine-tune on your examples (or try another prompt layout), then evaluate again.`, action: ACTIONS.finetune };
  } else if (scorecard.status === 'no-runs' && scorecard.runsNotHeldOut > 0) {
    // Only scores on rows a fine-tune learns from (the train split, or all rows): the scorecard counts none of them.
    const label = evalMetricLabel(metric!);
    steps.evaluate = { ...steps.evaluate, state: 'next', summary: `${plural(evaluations.length, 'evaluation')}, none of ${label} on held-out rows` };
    next = { step: 'evaluate', title: `Next: evaluate on held-out rows`, text: `The scorecard judges ${label} on rows no fine-tune learns from (the test or validation split); ${plural(scorecard.runsNotHeldOut, 'evaluation')} on the train split or all rows ${scorecard.runsNotHeldOut === 1 ? 'is' : 'are'} not counted, since such scores flatter the model. Evaluate on the test split.`, action: ACTIONS.evaluate };
  } else if (scorecard.status === 'no-runs') {
    // Evaluations exist but none measured the project's metric: nothing has been judged yet, so no verdict either way.
    steps.evaluate = { ...steps.evaluate, state: 'next', summary: `${plural(evaluations.length, 'evaluation')}, none measuring ${evalMetricLabel(metric!)}` };
    next = { step: 'evaluate', title: `Next: evaluate with ${evalMetricLabel(metric!)}`, text: `None of the project’s ${plural(evaluations.length, 'evaluation')} measured ${evalMetricLabel(metric!)}, the metric Scope chose: run one that includes it, so the scorecard can judge the model.`, action: ACTIONS.evaluate };
  } else if (scorecard.status === 'no-target') {
    // No target to judge by: good enough is the user's call, so the journey neither claims it nor withholds the way on.
    const integrated = steps.integrate.state === 'done';
    if (!integrated) steps.integrate.state = 'next';
    const best = `The best evaluation scores ${score(scorecard.best!.value)} ${evalMetricLabel(metric!)} and the project sets no target, so whether that is good enough is your call`;
    next = integrated
      ? { step: null, title: 'A deployable model is made', text: `${best}: export it or serve it from Integrate, or fine-tune to raise the score. A target on Scope would make the scorecard decide.`, action: ACTIONS.integrate }
      : { step: 'integrate', title: 'Next: integrate the model', text: `${best}: merge, quantise and export the model or serve it, or fine-tune first to raise the score. A target on Scope would make the scorecard decide.`, action: ACTIONS.integrate };
  } else {
    const integrated = steps.integrate.state === 'done';
    if (!integrated) steps.integrate.state = 'next';
    next = integrated
      ? { step: null, title: 'The target is met', text: 'The best evaluation reaches the target and a deployable model is made: export it or serve it from Integrate.', action: ACTIONS.integrate }
      : { step: 'integrate', title: 'Next: integrate the model', text: 'The best evaluation reaches the target: merge, quantise and export the model, or serve it to applications.', action: ACTIONS.integrate };
  }

  const out: JourneyStep[] = (Object.keys(TITLES) as JourneyStepId[]).map((id) => ({
    id,
    title: TITLES[id],
    state: steps[id].state === 'not-done' ? 'todo' : (steps[id].state as JourneyState),
    summary: steps[id].summary,
    effect: steps[id].effect ?? null,
    action: ACTIONS[id],
  }));
  return { projectId: project.id, steps: out, next };
}

const NEXT_TITLES: Record<JourneyStepId, string> = {
  scope: 'choose a success metric', data: 'bring the data', select: 'choose a base model', prompt: 'try the model with a prompt',
  finetune: 'fine-tune', evaluate: 'measure it', integrate: 'integrate',
};

const NEXT_TEXTS: Record<JourneyStepId, string> = {
  scope: 'Pick the metric every later step is judged by; a target it must reach is optional, and lets the scorecard call pass or fail.',
  data: 'A model learns and is judged on examples: import a file of them into this project.',
  select: 'Start from a small pretrained model: download one, import a checkpoint, or train a tiny one from scratch.',
  prompt: 'Send the model a few inputs in the playground to see what it does before you change anything.',
  finetune: 'Train the model on your examples.',
  evaluate: 'Score the model on held-out examples with the project’s metric: the scorecard starts here.',
  integrate: 'Optimise, export and serve the model.',
};

/** The journey of project `projectId` as the store has it now. */
export function projectJourney(store: Store, projectId: string): Journey {
  const project = store.projects.get(projectId);
  if (!project) throw new StudioError('not_found', `project ${projectId} does not exist: 'lathe project list' shows the ids`, { id: projectId });
  const runs = store.runs.list({ projectId }).map((run) => ({ run, metrics: run.kind === 'evaluation' ? store.runs.metrics(run.id) : [] }));
  const openJobs = store.jobs.list(500).filter((j) => (j.state === 'queued' || j.state === 'running') && (j.params as { projectId?: unknown } | null)?.projectId === projectId);
  return journeyOf({ project, datasets: store.datasets.list(projectId), models: store.models.list(), runs, openJobs, trainRowsOf: trainRowsIn(store) });
}
