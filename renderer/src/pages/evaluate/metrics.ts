// How evaluation metrics read in the UI: their names, how a value is printed, which axis they sit on, and which
// ones to suggest for a project (its own success metric first, then the ones that fit its task).
import { EVAL_METRICS, LOWER_IS_BETTER, NOT_RANKED, SETTING_METRICS, type EvalMetricName } from '../../../../native/api/eval.ts';
import { METRIC_LABELS } from '../../../../native/api/labels.ts';
import { RETRIEVAL_METRICS } from '../../../../native/api/rag.ts';
import type { Project } from '../../../../native/api/schemas.ts';
import { withTrueMinus } from '../../domain/format.ts';
import { METRIC_INFO, TASKS } from '../../domain/tasks.ts';
import { clearBest, type RankedRow } from '../../../../native/api/best-run.ts';
import { axisLabelOf, formatTrainingMetric, trainingMetricInfo } from '../runs/trainingMetrics.ts';

const WITH_UNIT: readonly string[] = ['seconds', 'tokens', 'mb'];
/** Latencies' unit, after a value (12.5 ms) and on an axis. */
const LATENCY_UNIT = 'ms';

/** An evaluation metric's name, else a training run's (pages/runs/trainingMetrics.ts), else the raw name. */
export function metricLabel(name: string): string {
  return Object.hasOwn(METRIC_LABELS, name) ? METRIC_LABELS[name]! : (trainingMetricInfo(name)?.label ?? name);
}

export function metricExplain(name: string): string {
  if (name === 'bits_per_byte') return 'Perplexity per byte of text, comparable across tokenizers; lower is better.';
  if (name === 'judge') return 'Another model rates each answer: a 1–5 score from its probabilities (as a fraction), or the chance it beats the reference, asked in both orders.';
  if (name === 'judge_agreement') return 'How often the judge’s most probable score equals the dataset’s label.';
  if (name.startsWith('recall@')) return `Share of queries whose relevant document is among the first ${name.slice(7)} retrieved.`;
  if (name === 'mrr') return 'Mean of 1 / rank of the first relevant document (0 when it is not retrieved).';
  if (name === 'ndcg@10') return 'Ranking quality of the first 10 documents: a relevant one counts 1 / log2(rank + 1), over the best possible.';
  return (METRIC_INFO as Record<string, { explain: string } | undefined>)[name]?.explain ?? trainingMetricInfo(name)?.explain ?? '';
}

/**
 * What a chart's value axis measures, written beside its ticks: the metric's name (METRIC_LABELS), with its scale or
 * unit where it has one: a score's 0–1 (not a percentage: its ticks read 0.2, not 20), a latency's ms. A training
 * metric's axis word where it has no evaluation label (trainingMetrics.ts).
 */
export function metricAxisLabel(name: string): string {
  if (!Object.hasOwn(METRIC_LABELS, name)) return axisLabelOf(name);
  if (isFraction(name)) return `${metricLabel(name)} (0–1)`;
  if (name.startsWith('latency_ms')) return `${metricLabel(name)}, ${LATENCY_UNIT}`;
  return metricLabel(name);
}

/** Which way a metric is better, in words; a setting or a diagnostic is not ranked at all. */
export function metricDirection(name: string, higherIsBetter = !LOWER_IS_BETTER.includes(name)): string {
  if (SETTING_METRICS.includes(name)) return 'a setting, not ranked';
  if (NOT_RANKED.includes(name)) return 'a diagnostic, not ranked';
  return higherIsBetter ? '↑ higher is better' : '↓ lower is better';
}

/** Scores are fractions in [0, 1]; perplexity, bits per byte and timings are unbounded. */
export function isFraction(name: string): boolean {
  return ((EVAL_METRICS as readonly string[]).includes(name) && !LOWER_IS_BETTER.includes(name)) || (RETRIEVAL_METRICS as readonly string[]).includes(name);
}

/** How an evaluation metric's value reads (a negative one with the true minus, as every number in the studio). */
export function formatMetric(name: string, value: number): string {
  return withTrueMinus(metricText(name, value));
}

function metricText(name: string, value: number): string {
  if (name.startsWith('latency_ms')) return `${value.toFixed(value < 100 ? 1 : 0)} ${LATENCY_UNIT}`;
  if (isFraction(name)) return value.toFixed(3);
  // A rate (tokens per second) in the hundreds or tens: a tenth is already finer than it varies run to run.
  if (name.endsWith('per_second')) return value.toFixed(1);
  // a training run's timing, length or memory prints with its unit (8.0 tokens, not 8.000)
  if (!(name in METRIC_INFO) && WITH_UNIT.includes(trainingMetricInfo(name)?.format ?? '')) return formatTrainingMetric(name, value);
  // A training run's learning rate as every page writes one (formatLr: 0.00003, not 0.000 at three decimals).
  if (trainingMetricInfo(name)?.format === 'lr') return formatTrainingMetric(name, value);
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(1);
  return value >= 100 ? value.toFixed(1) : value.toFixed(3);
}

export function formatInterval(name: string, ci: { low: number; high: number } | null): string {
  return ci ? `${formatMetric(name, ci.low)}–${formatMetric(name, ci.high)}` : 'no interval';
}

export function isPerplexity(name: string): boolean {
  return name === 'perplexity' || name === 'bits_per_byte';
}

/**
 * The metrics offered for a project, in order: its success metric, the task's other metrics, then the rest.
 * The first group is preselected (perplexity only when it is the project's own metric, since it cannot share
 * a run with generation metrics). `own` is the project's success metric when it is one Evaluate offers, else null:
 * a project with none still gets its task's metrics suggested, but none of them is the project's.
 */
export function suggestedMetrics(project: Project | null): { order: EvalMetricName[]; suggested: EvalMetricName[]; preselected: EvalMetricName[]; own: EvalMetricName | null } {
  const known = (m: string | null | undefined): EvalMetricName[] => (EVAL_METRICS as readonly string[]).includes(m ?? '') ? [m as EvalMetricName] : [];
  const own = known(project?.metric);
  const task = project ? TASKS[project.task].metrics.flatMap(known) : [];
  const suggested: EvalMetricName[] = [...new Set([...own, ...task])];
  const order: EvalMetricName[] = [...suggested, ...EVAL_METRICS.filter((m) => !suggested.includes(m))];
  const first = suggested[0];
  const preselected: EvalMetricName[] = first === undefined ? ['rougeL'] : isPerplexity(first) ? [first] : suggested.filter((m) => !isPerplexity(m));
  return { order, suggested, preselected, own: own[0] ?? null };
}

/**
 * The best run of a comparison row, or null: a tie, an interval that overlaps another run's, a value with no interval
 * (bestVerdict decides, for Compare's table and charts alike).
 */
export function uniqueBest(row: RankedRow, runIds: readonly string[]): string | null {
  return clearBest(row, runIds);
}
