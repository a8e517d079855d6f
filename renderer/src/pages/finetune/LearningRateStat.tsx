// The learning-rate tile of a run's stats: the rate (now, or the peak once the run ended) and, smaller, what it
// is (the schedule, "peak"); learningRateStat in runFormat.ts decides which.
import { Stat } from '../../ui/primitives.tsx';
import { learningRateStat } from './runFormat.ts';
import type { MetricPoint } from './useRunMetrics.ts';

export function LearningRateStat({ points, peak, schedule, live }: { points: MetricPoint[] | undefined; peak: number | undefined; schedule: string | undefined; live: boolean }) {
  const { value, note } = learningRateStat(points, peak, schedule, live);
  return <Stat label="Learning rate" value={<span data-testid="stat-lr">{value}{note && <span className="stat-note">{note}</span>}</span>} />;
}
