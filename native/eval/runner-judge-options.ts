// What an evaluation's judge options must satisfy before anything loads: 'judge' among the metrics and judge
// options go together, the judge model exists, a response column run names the judge as its model (nothing
// else would run), and the columns named exist. Errors name the field as the Studio API spells it.
import { StudioError } from '../api/errors.ts';
import type { EvalConfigInput, EvalMetricName } from '../api/eval.ts';
import type { Dataset, Model } from '../api/schemas.ts';
import type { Store } from '../store/db.ts';
import { configView } from './compare.ts';
import { runAnswers, type AnswerLine } from './predictions.ts';
import type { EvalItem } from './runner-data.ts';

export type JudgeConfig = NonNullable<EvalConfigInput['judge']>;

export function judgeOf(config: EvalConfigInput, metrics: readonly EvalMetricName[], store: Store, model: Model): { model: Model; options: JudgeConfig } | null {
  const wanted = metrics.includes('judge');
  if (!wanted && config.judge) throw new StudioError('invalid_params', "judge options were given but the metrics do not include 'judge'; add it (--metrics …,judge) or drop the judge options", { field: 'metrics' });
  if (!wanted) return null;
  if (!config.judge) throw new StudioError('invalid_params', "the 'judge' metric needs a judge model (judge.model; --judge MODEL on the command line)", { field: 'judge.model' });
  const judgeModel = store.models.findDecoder(config.judge.model, 'judge answers (a judge reads its verdict from next-token probabilities)', 'judge.model');
  const o = config.judge;
  if (o.labelColumn && o.mode === 'pairwise') throw new StudioError('invalid_params', 'a label column holds 1–5 scores for pointwise judging; pairwise runs report the win rate against the reference instead', { field: 'judge.labelColumn' });
  if (o.responseColumn && judgeModel.id !== model.id) {
    throw new StudioError('invalid_params', `judging the dataset column '${o.responseColumn}' generates nothing, so the run's model must be the judge (${judgeModel.name}), not ${model.name}`, { field: 'model' });
  }
  if (o.againstRun && o.mode !== 'pairwise') throw new StudioError('invalid_params', "judging against another run's predictions compares two answers: set the judge mode to pairwise", { field: 'judge.againstRun' });
  if (config.adapterPath !== null && o.responseColumn) throw new StudioError('invalid_params', 'an adapter changes generation, and a response column run generates nothing; drop the adapter', { field: 'adapterPath' });
  return { model: judgeModel, options: o };
}

export function checkJudgeColumns(dataset: Dataset, o: JudgeConfig): void {
  for (const [field, column] of [['judge.responseColumn', o.responseColumn], ['judge.labelColumn', o.labelColumn]] as const) {
    if (column !== undefined && !dataset.columns.includes(column)) {
      throw new StudioError('invalid_params', `dataset ${dataset.name} has no column '${column}' (${field}; columns: ${dataset.columns.join(', ')})`, { field });
    }
  }
}

/** A text cut to `n` characters for an error message, white space folded. */
function excerpt(text: string, n = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > n ? `${flat.slice(0, n)}…` : flat);
}

/**
 * The answers of the run a pairwise judge compares against, by example id, for the examples to be judged. That run must
 * have evaluated the same dataset content, split seed and split, so example ids name the same rows; and have answered
 * every one of them once, to the same input (a run fed another column answered another question). Its predictions
 * are read a window of lines at a time, and only the answers asked for are kept.
 */
export function opponentPredictions(
  store: Store, dataDir: string, runId: string, dataset: Dataset, split: string, items: readonly Pick<EvalItem, 'id' | 'input'>[],
): { run: { id: string; name: string }; byId: Map<string, string> } {
  const run = store.runs.find(runId, 'judge.againstRun');
  const view = configView(run);
  const here = `${dataset.contentHash}:${dataset.splitSeed}:${split}`;
  const refuse = (message: string) => new StudioError('invalid_params', message, { field: 'judge.againstRun' });
  if (view.datasetKey !== here) {
    const there = view.dataset ? `${view.dataset}/${view.split}` : 'no dataset';
    throw refuse(`run ${run.id} (${run.name}) evaluated ${there}, not ${dataset.name}/${split} as imported now; a pairwise judge compares the same examples, so choose a run on this dataset and split`);
  }
  const inputs = new Map(items.map((item) => [item.id, item.input]));
  const answers = new Map<string, AnswerLine>();
  let count = 0;
  for (const answer of runAnswers(store, dataDir, run.id)) {
    count++;
    const input = inputs.get(answer.id);
    if (input === undefined) continue;
    const earlier = answers.get(answer.id);
    if (earlier) throw refuse(`${answer.file}:${answer.line}: example id '${answer.id}' is repeated (first at line ${earlier.line}), so run ${run.id}'s answer to it is not known; Lathe writes one line per example: remove the repeated line, or judge against another run`);
    if (answer.input !== input) {
      const column = (run.config as { inputColumn?: unknown } | null)?.inputColumn;
      throw refuse(`example ${answer.id}: run ${run.id} answered ${excerpt(answer.input)}${typeof column === 'string' ? ` (column '${column}')` : ''}, not this run's input ${excerpt(input)} (${answer.file}:${answer.line}); a pairwise judge compares two answers to one input, so choose a run fed the same input column`);
    }
    answers.set(answer.id, answer);
  }
  const missing = items.find((item) => !answers.has(item.id));
  if (missing) throw refuse(`example ${missing.id} is not among the predictions of run ${run.id} (it has ${count}); evaluate no more rows than it did (a limit of ${count} at most)`);
  return { run: { id: run.id, name: run.name }, byId: new Map([...answers].map(([id, a]) => [id, a.prediction])) };
}
