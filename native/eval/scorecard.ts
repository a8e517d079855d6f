// A project's scorecard: its success metric and target against the best finished evaluation run so far.
// Pass when the best value reaches the target (≥ for scores, ≤ for perplexity); the margin is signed so that
// positive means better than the target; "with confidence" when the whole 95% interval clears it.
import { LOWER_IS_BETTER, type Scorecard } from '../api/eval.ts';
import type { Project, Run, RunMetric } from '../api/schemas.ts';
import type { Store } from '../store/db.ts';

export interface RunWithMetrics {
  run: Run;
  metrics: readonly RunMetric[];
}

/** Only finished evaluations count: a cancelled run scored a subset and would flatter or punish by chance. */
const COUNTED_STATUS = 'succeeded';

export function scorecardOf(project: Project, runs: readonly RunWithMetrics[]): Scorecard {
  const base = { project: { id: project.id, name: project.name, metric: project.metric, target: project.target } };
  if (project.metric === null) return { ...base, status: 'no-metric', higherIsBetter: null, best: null, margin: null, passesWithConfidence: null, runsConsidered: 0 };
  const metric = project.metric;
  const higherIsBetter = !LOWER_IS_BETTER.includes(metric);
  const candidates = runs
    .filter((r) => r.run.kind === 'evaluation' && r.run.status === COUNTED_STATUS)
    .map((r) => {
      const last = (name: string) => [...r.metrics].filter((m) => m.name === name).sort((a, b) => a.step - b.step).at(-1)?.value;
      const value = last(metric);
      const low = last(`${metric}.ci95_low`);
      const high = last(`${metric}.ci95_high`);
      return value === undefined ? null : { run: r.run, value, ci95: low !== undefined && high !== undefined ? { low, high } : null };
    })
    .filter((c): c is NonNullable<typeof c> => c !== null);
  let best = candidates[0];
  for (const c of candidates) if (higherIsBetter ? c.value > best.value : c.value < best.value) best = c;
  const bestView = best ? { runId: best.run.id, runName: best.run.name, value: best.value, ci95: best.ci95, finishedAt: best.run.finishedAt } : null;
  if (!best) return { ...base, status: 'no-runs', higherIsBetter, best: null, margin: null, passesWithConfidence: null, runsConsidered: 0 };
  if (project.target === null) return { ...base, status: 'no-target', higherIsBetter, best: bestView, margin: null, passesWithConfidence: null, runsConsidered: candidates.length };
  const target = project.target;
  const margin = higherIsBetter ? best.value - target : target - best.value;
  const worstEnd = best.ci95 ? (higherIsBetter ? best.ci95.low : best.ci95.high) : null;
  const passesWithConfidence = worstEnd === null ? null : higherIsBetter ? worstEnd >= target : worstEnd <= target;
  return { ...base, status: margin >= 0 ? 'pass' : 'fail', higherIsBetter, best: bestView, margin, passesWithConfidence, runsConsidered: candidates.length };
}

export function projectScorecard(store: Store, projectId: string): Scorecard {
  const project = store.projects.find(projectId, 'id');
  const runs = store.runs.list({ projectId, kind: 'evaluation' }).map((run) => ({ run, metrics: store.runs.metrics(run.id) }));
  return scorecardOf(project, runs);
}
