// The paired test of a comparison: where two runs scored the very same examples, the top run's lead is the mean of
// its per-example differences from the other, and a bootstrap of those differences says whether the sample tells
// the runs apart. Each run's own interval carries the examples' spread (some dialogues are easy for every model), so
// two overlapping intervals often hide a lead that the same examples show every time.
import { StudioError } from '../api/errors.ts';
import type { Comparison, PairedDifference } from '../api/eval.ts';
import type { Store } from '../store/db.ts';
import { mean } from './bootstrap.ts';
import { openPredictions, type PredictionsOutline } from './predictions.ts';
import { bootstrapStatistic, isMeanOfExampleScores } from './scoring.ts';
import { signFlipP } from './sign-flip.ts';

/** A run of the comparison: its id, and the key of the rows it evaluated (dataset content, split seed, split; null: none). */
export interface PairableRun {
  id: string;
  datasetKey: string | null;
}

/**
 * Each metric row with `paired`: the top run against every other run that scored the same examples (the same
 * dataset rows, each id once, every one scored for the metric), for metrics whose value is a mean of per-example
 * scores. A run without a readable predictions file is compared by its interval alone.
 */
export function withPairedDifferences(store: Store, dataDir: string, runs: readonly PairableRun[], metrics: Comparison['metrics']): Comparison['metrics'] {
  const outlines = new Map<string, PredictionsOutline | null>();
  const outlineOf = (runId: string): PredictionsOutline | null => {
    if (!outlines.has(runId)) outlines.set(runId, readOutline(store, dataDir, runId));
    return outlines.get(runId)!;
  };
  return metrics.map((m) => {
    if (m.bestRunId === null || !isMeanOfExampleScores(m.name)) return m;
    const top = runs.findIndex((r) => r.id === m.bestRunId);
    if (top < 0 || runs[top].datasetKey === null) return m;
    const paired: PairedDifference[] = [];
    runs.forEach((run, i) => {
      if (i === top || m.values[i] === null || run.datasetKey !== runs[top].datasetKey) return;
      const [a, b] = [outlineOf(runs[top].id), outlineOf(run.id)];
      const found = a && b ? pairedOf(a, b, m.name) : null;
      if (found) paired.push({ runId: run.id, ...found });
    });
    return paired.length > 0 ? { ...m, paired } : m;
  });
}

/**
 * The paired interval of two outlines for a metric, kept while both files are unchanged (an outline is one object per
 * file version): the Evaluate page compares up to 16 runs on each refresh, and 1000 resamples of 5,000 DialogSum
 * examples, for four ROUGE scores and fifteen runs, took seconds each time.
 */
const pairedCache = new WeakMap<PredictionsOutline, WeakMap<PredictionsOutline, Map<string, Omit<PairedDifference, 'runId'> | null>>>();

function pairedOf(a: PredictionsOutline, b: PredictionsOutline, metric: string): Omit<PairedDifference, 'runId'> | null {
  let byOther = pairedCache.get(a);
  if (!byOther) pairedCache.set(a, (byOther = new WeakMap()));
  let byMetric = byOther.get(b);
  if (!byMetric) byOther.set(b, (byMetric = new Map()));
  if (!byMetric.has(metric)) {
    const differences = sameExampleDifferences(a, b, metric);
    byMetric.set(metric, differences ? { examples: differences.length, ...pairedInterval(differences), p: signFlipP(differences) } : null);
  }
  return byMetric.get(metric)!;
}

/** The 95% interval of the mean of per-example differences: a percentile bootstrap (1000 resamples, seed 0), as each run's own. */
export function pairedInterval(differences: readonly number[]): { low: number; high: number } {
  return bootstrapStatistic(differences, mean);
}

/**
 * a's score minus b's on each example, in a's order, where both scored exactly the same examples once each for
 * `metric`; null where they did not (a cancelled run, a different --limit): then the runs are not paired.
 */
export function sameExampleDifferences(a: Pick<PredictionsOutline, 'ids' | 'scores'>, b: Pick<PredictionsOutline, 'ids' | 'scores'>, metric: string): number[] | null {
  if (a.ids.length === 0 || a.ids.length !== b.ids.length) return null;
  const other = new Map<string, number>();
  for (let k = 0; k < b.ids.length; k++) {
    const score = b.scores[k][metric];
    if (score === undefined || other.has(b.ids[k])) return null;
    other.set(b.ids[k], score);
  }
  const seen = new Set<string>();
  const differences: number[] = [];
  for (let k = 0; k < a.ids.length; k++) {
    const [id, score, against] = [a.ids[k], a.scores[k][metric], other.get(a.ids[k])];
    if (score === undefined || against === undefined || seen.has(id)) return null;
    seen.add(id);
    differences.push(score - against);
  }
  return differences;
}

/**
 * A run's outline (ids and scores), or null where there is none to pair by: a training run, a file gone, or one that
 * does not read (the comparison's table stands without it; the examples view, which needs it, says what is wrong).
 */
function readOutline(store: Store, dataDir: string, runId: string): PredictionsOutline | null {
  try {
    const file = openPredictions(store, dataDir, runId);
    file.close();
    return file.outline;
  } catch (err) {
    if (err instanceof StudioError) return null;
    throw err;
  }
}
