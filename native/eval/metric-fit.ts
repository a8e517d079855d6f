// Whether an evaluation's metrics measure what its dataset is for: accuracy on a summarisation dataset ran to the end
// and reported 0.0000 with no word of why. The task is the project's (the run's, else the dataset's), or else read
// from the dataset's column mapping; the metrics that fit a task are the project table's (TASK_METRICS).
import { EVAL_METRIC_GROUPS, type EvalMetricName } from '../api/eval.ts';
import { mappingWords } from '../api/format.ts';
import { metricsForTask, type Dataset, type TaskType } from '../api/schemas.ts';
import { tasksOfMapping } from '../data/mapping.ts';

/** Metrics that score the text itself (perplexity) or by a rubric (judge), on any dataset: never warned of. */
const ANY_DATASET: readonly EvalMetricName[] = [...EVAL_METRIC_GROUPS.perplexity, 'judge'];

/**
 * The warning for `metrics` that do not measure `dataset`'s task, naming those that do; null when every metric fits
 * or the task is unknown (no project, a mapping of no known shape). `project`: the run's project, else the dataset's.
 */
export function metricFitWarning(metrics: readonly EvalMetricName[], dataset: Pick<Dataset, 'name' | 'mapping'>, project: { name: string; task: TaskType } | null): string | null {
  const tasks = project ? [project.task] : tasksOfMapping(dataset.mapping);
  if (tasks.length === 0) return null;
  const fit = [...new Set(tasks.flatMap((t) => metricsForTask(t)))] as EvalMetricName[];
  const unfit = metrics.filter((m) => !ANY_DATASET.includes(m) && !fit.includes(m));
  if (unfit.length === 0) return null;
  const why = project ? `project ${project.name} is a ${project.task} project` : `dataset ${dataset.name} is mapped for ${tasks.join(' or ')} (${mappingWords(dataset.mapping)})`;
  const them = unfit.length === 1 ? `${unfit[0]} does not measure that task: it scores` : `${unfit.join(', ')} do not measure that task: they score`;
  const remap = project ? '' : " (or map the columns for the task you mean with 'lathe dataset map')";
  return `${why}; ${them} an output such a model does not give, so expect scores near 0. Metrics that fit: ${fit.join(', ')}${remap}.`;
}
