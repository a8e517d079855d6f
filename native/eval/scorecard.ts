// A project's scorecard: its success metric and target against the best finished evaluation run so far on held-out
// rows (test or validation).
// Pass when the best value reaches the target (≥ for scores, ≤ for perplexity); the margin is signed so that
// positive means better than the target; "with confidence" when the whole 95% interval clears it.
import { LOWER_IS_BETTER, oneRelevantPerQuery, type Scorecard } from '../api/eval.ts';
import { recordedInterval } from '../api/intervals.ts';
import type { Project, Run, RunMetric } from '../api/schemas.ts';
import type { Store } from '../store/db.ts';

export interface RunWithMetrics {
  run: Run;
  metrics: readonly RunMetric[];
}

/** Only finished evaluations count: a cancelled run scored a subset and would flatter or punish by chance. */
const COUNTED_STATUS = 'succeeded';

/** How many train rows a dataset has, by id; undefined when it is not known (deleted since). */
export type TrainRowsOf = (datasetId: string) => number | undefined;

/**
 * Whether an evaluation scored held-out rows. One on the train split scored examples a fine-tune learns from: it
 * flatters the model, so the scorecard does not count it; nor one on all the rows of a dataset that has train rows
 * (all of a test set imported whole is held out). A run that recorded no split, or whose dataset is gone, is counted.
 */
export function scoredHeldOut(run: Run, trainRowsOf: TrainRowsOf): boolean {
  const config = (run.config ?? {}) as { split?: unknown; dataset?: { id?: unknown } };
  if (config.split === 'train') return false;
  if (config.split !== 'all' || typeof config.dataset?.id !== 'string') return true;
  return (trainRowsOf(config.dataset.id) ?? 0) === 0;
}

/** TrainRowsOf from the store's datasets. */
export function trainRowsIn(store: Store): TrainRowsOf {
  return (id) => store.datasets.get(id)?.splits.train;
}

export function scorecardOf(project: Project, runs: readonly RunWithMetrics[], trainRowsOf: TrainRowsOf): Scorecard {
  const base = { project: { id: project.id, name: project.name, metric: project.metric, target: project.target } };
  if (project.metric === null) return { ...base, status: 'no-metric', higherIsBetter: null, best: null, margin: null, passesWithConfidence: null, runsConsidered: 0, runsNotHeldOut: 0 };
  const metric = project.metric;
  const higherIsBetter = !LOWER_IS_BETTER.includes(metric);
  const finished = runs.filter((r) => r.run.kind === 'evaluation' && r.run.status === COUNTED_STATUS);
  const runsNotHeldOut = finished.filter((r) => !scoredHeldOut(r.run, trainRowsOf)).length;
  const candidates = finished
    .filter((r) => scoredHeldOut(r.run, trainRowsOf))
    .map((r) => {
      const last = (name: string) => [...r.metrics].filter((m) => m.name === name).sort((a, b) => a.step - b.step).at(-1)?.value;
      const value = last(metric);
      return value === undefined ? null : { run: r.run, value, ci95: recordedInterval(metric, value, last, oneRelevantPerQuery(r.run.config)) };
    })
    .filter((c): c is NonNullable<typeof c> => c !== null);
  let best = candidates[0];
  for (const c of candidates) if (higherIsBetter ? c.value > best.value : c.value < best.value) best = c;
  const bestView = best ? { runId: best.run.id, runName: best.run.name, value: best.value, ci95: best.ci95, finishedAt: best.run.finishedAt } : null;
  if (!best) return { ...base, status: 'no-runs', higherIsBetter, best: null, margin: null, passesWithConfidence: null, runsConsidered: 0, runsNotHeldOut };
  if (project.target === null) return { ...base, status: 'no-target', higherIsBetter, best: bestView, margin: null, passesWithConfidence: null, runsConsidered: candidates.length, runsNotHeldOut };
  const target = project.target;
  const margin = higherIsBetter ? best.value - target : target - best.value;
  const worstEnd = best.ci95 ? (higherIsBetter ? best.ci95.low : best.ci95.high) : null;
  const passesWithConfidence = worstEnd === null ? null : higherIsBetter ? worstEnd >= target : worstEnd <= target;
  return { ...base, status: margin >= 0 ? 'pass' : 'fail', higherIsBetter, best: bestView, margin, passesWithConfidence, runsConsidered: candidates.length, runsNotHeldOut };
}

export function projectScorecard(store: Store, projectId: string): Scorecard {
  const project = store.projects.find(projectId, 'id');
  const runs = store.runs.list({ projectId, kind: 'evaluation' }).map((run) => ({ run, metrics: store.runs.metrics(run.id) }));
  return scorecardOf(project, runs, trainRowsIn(store));
}
