// The Evaluate form's state and its conversion to the API's eval.start arguments. Greedy decoding is the
// default: an evaluation should give the same numbers twice.
import type { EvalMetricName, EvalStartInput, JUDGE_RUBRICS } from '../../../../native/api/eval.ts';
import { CUSTOM_TEMPLATE_NAME, defaultPromptTemplate, placeholdersOf, promptLabel } from '../../../../native/api/default-prompt.ts';
import { nerPromptTemplate } from '../../../../native/api/ner-prompt.ts';
import { plural } from '../../../../native/api/format.ts';
import { shotColumnField, shotColumnIn } from '../../../../native/api/shot-columns.ts';
import { formatCount } from '../../domain/format.ts';
import type { Dataset } from '../../../../native/api/schemas.ts';
import { isPerplexity } from './metrics.ts';

export type Split = 'test' | 'validation' | 'train' | 'all';
export type PromptKind = 'zero' | 'one' | 'few';
export type Decoding = 'greedy' | 'sample' | 'beam';

export type JudgeRubricChoice = (typeof JUDGE_RUBRICS)[number] | 'custom';

export interface TemplateForm { instruction: string; input: string; output: string; answerPrefix: string }

export interface EvalForm {
  modelId: string;
  /** A LoRA adapter folder from a fine-tune run, applied on the model ('' for none). */
  adapterPath: string;
  datasetId: string;
  split: Split;
  /** Text of the limit field; empty evaluates the whole split. */
  limit: string;
  /** The user typed the limit: a dataset or split chosen later keeps it (withDefaultLimit leaves it alone). */
  limitTyped: boolean;
  prompt: PromptKind;
  shots: number;
  shotSeed: number;
  /** The dataset whose train split supplies the examples ('' : the evaluated dataset's own). */
  shotsFromId: string;
  customTemplate: boolean;
  template: TemplateForm;
  metrics: EvalMetricName[];
  decoding: Decoding;
  maxNewTokens: number;
  temperature: number;
  topP: number;
  numBeams: number;
  repetitionPenalty: number;
  seed: number;
  name: string;
  /** The judge metric's model ('' until chosen), mode, rubric and the dataset column of 1–5 labels ('' for none). */
  judgeModelId: string;
  judgeMode: 'pointwise' | 'pairwise';
  judgeRubric: JudgeRubricChoice;
  judgeRubricText: string;
  judgeLabelColumn: string;
  /** Judge this dataset column instead of generating ('' : the model's answers); the judge is then the run's model. */
  judgeResponseColumn: string;
  /** Pairwise: the evaluation run whose answers the responses are compared with ('' : the first reference). */
  judgeAgainstRun: string;
}

export const SPLIT_LABELS: Record<Split, string> = { test: 'Test', validation: 'Validation', train: 'Train', all: 'All' };

/** Examples evaluated unless the user says otherwise: enough for a rough interval, quick on a small model. */
export const DEFAULT_LIMIT = 50;

/**
 * The form with its Examples default fitted to the split (min(DEFAULT_LIMIT, rows)) once its size is known: a 4-row
 * split read "50 of 4" and carried a note that all 4 would run. A typed limit is the user's and stays; the same form
 * comes back when nothing changes (the caller compares to decide whether to set it).
 */
export function withDefaultLimit(form: EvalForm, splitSize: number | null): EvalForm {
  if (form.limitTyped) return form;
  const limit = String(splitSize ? Math.min(DEFAULT_LIMIT, splitSize) : DEFAULT_LIMIT);
  return form.limit === limit ? form : { ...form, limit };
}

export function initialForm(metrics: EvalMetricName[]): EvalForm {
  return {
    modelId: '', adapterPath: '', datasetId: '', split: 'test', limit: String(DEFAULT_LIMIT), limitTyped: false, prompt: 'zero', shots: 3, shotSeed: 0, shotsFromId: '', customTemplate: false,
    template: { instruction: '', input: '', output: '', answerPrefix: '' },
    metrics, decoding: 'greedy', maxNewTokens: 64, temperature: 0.7, topP: 0.95, numBeams: 3, repetitionPenalty: 1, seed: 0, name: '',
    judgeModelId: '', judgeMode: 'pointwise', judgeRubric: 'helpfulness', judgeRubricText: '', judgeLabelColumn: '', judgeResponseColumn: '', judgeAgainstRun: '',
  };
}

/**
 * The default prompt layout as the engine builds it from the mapping (native/eval/runner-data.ts), to start editing
 * from; `labels` are the ones a classification prompt names, as the engine reads them (datasets.promptLabels).
 */
export function templateFromMapping(dataset: Dataset | undefined, labels: readonly string[] = []): TemplateForm {
  // A tagging dataset: the engine's NER layout, less the tag set it reads from every row.
  const { tokens, tags } = dataset?.mapping ?? {};
  if (tokens && tags) return nerPromptTemplate({ tokens, tags }, []);
  const input = dataset?.mapping.input ?? dataset?.mapping.text ?? dataset?.mapping.question ?? dataset?.columns[0] ?? 'input';
  const target = dataset?.mapping.target ?? dataset?.mapping.output ?? dataset?.mapping.answer ?? dataset?.mapping.label ?? 'target';
  const { instruction, ...layout } = defaultPromptTemplate(input, target, dataset?.mapping, labels);
  return { instruction: instruction ?? '', ...layout };
}

/**
 * The labels a custom layout starts from, out of datasets.promptLabels as useQuery shows it (`asked`: the dataset maps
 * a label, so its labels were asked for). `waiting` while the picked dataset's labels have not come (none yet, or the
 * last dataset's, stale): a layout ticked then started with none and kept it once they came. A dataset that maps no
 * label, or whose labels could not be read (the error is shown), starts with none.
 */
export function layoutLabels(asked: boolean, shown: { data?: readonly string[]; stale: boolean; error: Error | null }): { waiting: boolean; labels: readonly string[] } {
  if (!asked || shown.error) return { waiting: false, labels: [] };
  if (shown.data === undefined || shown.stale) return { waiting: true, labels: [] };
  return { waiting: false, labels: shown.data };
}

export function shotsOf(form: EvalForm): number {
  return form.prompt === 'zero' ? 0 : form.prompt === 'one' ? 1 : form.shots;
}

/** The prompt kind as the run's name will say it (promptLabel): a custom layout is not called zero-shot. */
export function templateName(shots: number, custom = false): string {
  return promptLabel(shots, custom ? CUSTOM_TEMPLATE_NAME : undefined);
}

/**
 * What is wrong with the form, field by field; empty when it can start. `shotsFrom` is the dataset the examples come
 * from when it is not the evaluated one (form.shotsFromId).
 */
export function problems(form: EvalForm, dataset: Dataset | undefined, shotsFrom?: Dataset): Partial<Record<'model' | 'dataset' | 'limit' | 'metrics' | 'shots' | 'template' | 'judge' | 'rubric', string>> {
  const out: ReturnType<typeof problems> = {};
  if (!form.modelId && !judgesColumn(form)) out.model = 'Choose a model.';
  if (!form.datasetId) out.dataset = 'Choose a dataset.';
  if (form.limit.trim() !== '' && !(Number.isInteger(Number(form.limit)) && Number(form.limit) >= 1)) out.limit = 'A whole number of examples, 1 or more — or leave it empty for the whole split.';
  if (form.metrics.length === 0) out.metrics = 'Pick at least one metric.';
  const perplexity = form.metrics.some(isPerplexity);
  if (perplexity && form.metrics.some((m) => !isPerplexity(m))) out.metrics = 'Perplexity scores the text as it is; run it on its own, apart from generation metrics.';
  const shots = shotsOf(form);
  const source = shotsFrom ?? dataset;
  if (!perplexity && shots > 0 && source && (source.splits.train ?? 0) < shots + 1) {
    const train = source.splits.train ?? 0;
    out.shots = source === dataset
      ? `${shots}-shot prompts draw examples from the train split, and ${source.name} has ${plural(train, 'train row')}: take them from another dataset (Examples from).`
      : `${shots}-shot prompts draw examples from the train split, and ${source.name} has ${plural(train, 'train row')}.`;
  }
  const missing = !perplexity && shots > 0 && !out.shots && dataset && shotsFrom ? shotColumnMissing(form, dataset, shotsFrom) : null;
  if (missing !== null) {
    const field = shotColumnField(dataset!, missing);
    const mapIt = field === undefined ? '' : `map the column that holds it to ${field} on the Datasets page, or `;
    out.shots = `The prompt reads the column '${missing}', and ${shotsFrom!.name} has none${field === undefined ? '' : ` and maps no column to ${field}`} (its columns: ${shotsFrom!.columns.join(', ')}): ${mapIt}take the examples from a dataset with the same columns.`;
  }
  if (form.metrics.includes('judge') && !form.judgeModelId) out.judge = 'Choose the model that judges the answers.';
  if (form.metrics.includes('judge') && form.judgeRubric === 'custom' && !form.judgeRubricText.trim()) out.rubric = 'Write the rubric the judge applies, or pick a built-in one.';
  if (form.customTemplate && !perplexity && (!form.template.input.includes('{{') || !form.template.output.includes('{{'))) out.template = 'The input and output lines need a {{column}} placeholder each.';
  return out;
}

/**
 * The first column the prompt's solved examples are written from (the layout's placeholders) that `source` cannot
 * supply, by name or through its mapping (shotColumnIn, the engine's rule), or null: the engine refuses the run then.
 */
export function shotColumnMissing(form: EvalForm, dataset: Dataset, source: Dataset): string | null {
  const layout = form.customTemplate ? form.template : templateFromMapping(dataset);
  return [...placeholdersOf(layout.input), ...placeholdersOf(layout.output)].find((c) => shotColumnIn(source, dataset, c) === null) ?? null;
}

/**
 * The Examples field's help: what N means against the split's size, and, when N asks for more rows than the split
 * has, that the run takes all of them (the engine evaluates every row there is and says so; the form says it first).
 */
export function limitHelp(limit: string, splitSize: number | null): string {
  if (splitSize === null) return 'Evaluate the first N rows of the split.';
  const n = Number(limit);
  if (limit.trim() !== '' && Number.isInteger(n) && n > splitSize) return `The split has ${plural(splitSize, 'row')}: all ${formatCount(splitSize)} will be evaluated, not ${formatCount(n)}.`;
  return `The first N of ${plural(splitSize, 'row')}; empty for all. Fewer runs faster, with a wider interval.`;
}

/** The run judges a dataset column: nothing is generated, and the judge is the run's model. */
export function judgesColumn(form: EvalForm): boolean {
  return form.metrics.includes('judge') && form.judgeResponseColumn !== '';
}

export function toEvalInput(form: EvalForm, projectId: string | null): EvalStartInput {
  const perplexity = form.metrics.some(isPerplexity);
  const sample = form.decoding === 'sample';
  return {
    model: judgesColumn(form) ? form.judgeModelId : form.modelId,
    adapterPath: judgesColumn(form) ? null : form.adapterPath || null,
    dataset: form.datasetId,
    split: form.split,
    limit: form.limit.trim() === '' ? null : Number(form.limit),
    metrics: form.metrics,
    shots: perplexity ? 0 : shotsOf(form),
    shotSeed: form.shotSeed,
    shotsFrom: !perplexity && shotsOf(form) > 0 && form.shotsFromId && form.shotsFromId !== form.datasetId ? form.shotsFromId : null,
    template: form.customTemplate && !perplexity ? { ...form.template, instruction: form.template.instruction.trim() || undefined } : undefined,
    generation: {
      maxNewTokens: form.maxNewTokens,
      temperature: sample ? form.temperature : 0,
      topP: sample ? form.topP : undefined,
      seed: sample ? form.seed : undefined,
      numBeams: form.decoding === 'beam' ? form.numBeams : undefined,
      repetitionPenalty: form.repetitionPenalty !== 1 ? form.repetitionPenalty : undefined,
    },
    projectId,
    name: form.name.trim() || undefined,
    judge: form.metrics.includes('judge') ? judgeInput(form) : undefined,
  };
}

function judgeInput(form: EvalForm): EvalStartInput['judge'] {
  const custom = form.judgeRubric === 'custom';
  return {
    model: form.judgeModelId,
    mode: form.judgeMode,
    rubric: custom ? undefined : (form.judgeRubric as (typeof JUDGE_RUBRICS)[number]),
    rubricText: custom ? form.judgeRubricText.trim() : undefined,
    labelColumn: form.judgeMode === 'pointwise' && form.judgeLabelColumn ? form.judgeLabelColumn : undefined,
    responseColumn: form.judgeResponseColumn || undefined,
    againstRun: form.judgeMode === 'pairwise' && form.judgeAgainstRun ? form.judgeAgainstRun : undefined,
  };
}
