// What an evaluation reads from a dataset: the rows of one split (each with a stable id), which column is
// the input and which columns are references, the pool of train rows few-shot examples are drawn from, and
// the default prompt layout built from the column mapping.
import { defaultPromptTemplate, MAX_NAMED_LABELS, namedLabels, placeholdersOf } from '../api/default-prompt.ts';
import { StudioError } from '../api/errors.ts';
import type { Dataset } from '../api/schemas.ts';
import { shotColumnField, shotColumnIn } from '../api/shot-columns.ts';
import { didYouMean } from '../api/suggest.ts';
import { datasetDir, readRows } from '../data/files.ts';
import type { PromptTemplate, Row } from '../text/prompt.ts';

export type EvalSplit = 'train' | 'validation' | 'test' | 'all';

/** Few-shot examples are drawn from at most this many train rows, so memory stays bounded on big datasets. */
export const FEW_SHOT_POOL_ROWS = 2000;

/** Mapping fields that name a prompt's input, most specific first. */
const INPUT_FIELDS = ['input', 'text', 'question', 'instruction', 'prompt'];
/** Mapping fields a perplexity run scores as text: an input field, else an NER dataset's tokens. */
const PERPLEXITY_TEXT_FIELDS = [...INPUT_FIELDS, 'tokens'];
/** Mapping fields that name the expected answer. */
const TARGET_FIELDS = ['target', 'output', 'answer', 'label', 'response', 'chosen'];

export interface EvalItem {
  /** `<split>:<row within the split>`. */
  id: string;
  row: Row;
  input: string;
  references: string[];
}

/** How an evaluation reads a row before prompting and scoring it (runner-ner.ts joins tokens and tags); `id` names it in errors. */
export type RowView = (row: Row, id: string) => Row;

/**
 * `column`, checked to be one of the dataset's. `flag` names the CLI flag that gave it, for a column the user typed
 * ('--ref-columns summary9' said only "has no column 'summary9'"); a near miss names the column meant.
 */
export function checkColumn(dataset: Dataset, column: string, field: string, flag?: string): string {
  if (!dataset.columns.includes(column)) {
    const where = flag ? `${flag}; ` : '';
    throw new StudioError('invalid_params', `dataset ${dataset.name} has no column '${column}' (${where}columns: ${dataset.columns.join(', ')}).${didYouMean(column, dataset.columns)}`, { field });
  }
  return column;
}

/**
 * A custom prompt template, checked before the run exists: each {{placeholder}} of its input and output names one of
 * the dataset's columns (the rows only failed one by one once the run had started, and left a failed run behind).
 */
export function checkTemplateColumns(dataset: Dataset, template: PromptTemplate): void {
  for (const part of ['input', 'output'] as const) {
    for (const name of placeholdersOf(template[part])) {
      if (dataset.columns.includes(name)) continue;
      const message = `the prompt template's ${part} uses {{${name}}} but dataset ${dataset.name} has no column '${name}' (columns: ${dataset.columns.join(', ')}).${didYouMean(name, dataset.columns)}`;
      throw new StudioError('invalid_params', message, { field: 'template' });
    }
  }
}

/**
 * The column fed to the prompt, or scored as text by a perplexity run: the explicit one, else the mapping's input
 * field. A perplexity run falls back to an NER dataset's tokens column (its mapping has no input field), read as its
 * words joined (runner-ner.ts's tokenListView), so the Evaluate page, which names no column, can score it.
 */
export function inputColumnOf(dataset: Dataset, explicit?: string, { perplexity = false } = {}): string {
  if (explicit) return checkColumn(dataset, explicit, 'inputColumn', '--input-column');
  for (const f of perplexity ? PERPLEXITY_TEXT_FIELDS : INPUT_FIELDS) if (dataset.mapping[f]) return checkColumn(dataset, dataset.mapping[f], 'inputColumn');
  const mapping = JSON.stringify(dataset.mapping);
  const message = `dataset ${dataset.name} maps no input column (mapping: ${mapping}); set one with 'lathe dataset map ${dataset.name} --input-column C' or pass an input column (--input-column)`;
  throw new StudioError('invalid_params', message, { field: 'inputColumn' });
}

/**
 * The reference columns: the explicit ones, else the mapping's target column together with its numbered
 * siblings (summary1 → summary1, summary2, summary3), so every reference a dataset carries is scored against.
 */
export function referenceColumnsOf(dataset: Dataset, explicit?: readonly string[]): string[] {
  if (explicit && explicit.length > 0) return explicit.map((c) => checkColumn(dataset, c, 'referenceColumns', '--ref-columns'));
  const target = TARGET_FIELDS.map((f) => dataset.mapping[f]).find((c) => c !== undefined);
  if (!target) {
    const mapping = JSON.stringify(dataset.mapping);
    const message = `dataset ${dataset.name} maps no target column (mapping: ${mapping}); set one with 'lathe dataset map ${dataset.name} --target-column C' or pass reference columns (--ref-columns)`;
    throw new StudioError('invalid_params', message, { field: 'referenceColumns' });
  }
  checkColumn(dataset, target, 'referenceColumns');
  const numbered = /^(.*?)(\d+)$/.exec(target);
  if (!numbered) return [target];
  const siblings = dataset.columns.filter((c) => new RegExp(`^${numbered[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\d+$`).test(c));
  return siblings.sort((a, b) => Number(/\d+$/.exec(a)![0]) - Number(/\d+$/.exec(b)![0]));
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value);
}

/** A row's references, as an evaluation scores against them: every non-blank one of `columns`, in order. */
export function referencesOf(row: Row, columns: readonly string[]): string[] {
  return columns.flatMap((c) => referencesIn(row[c])).filter((r) => r.trim() !== '');
}

/** A reference cell may hold a string, a list of strings, or SQuAD's { text: [...] }. */
function referencesIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value && typeof value === 'object' && 'text' in value) return referencesIn((value as { text: unknown }).text);
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  return [];
}

/** The first `limit` rows of a split, as evaluation items. */
export function loadItems(
  dataDir: string,
  dataset: Dataset,
  split: EvalSplit,
  limit: number | null,
  inputColumn: string,
  referenceColumns: readonly string[] | null,
  view?: RowView,
): { items: EvalItem[]; total: number } {
  const available = split === 'all' ? dataset.rowCount : (dataset.splits[split] ?? 0);
  if (available === 0) {
    const counts = `train ${dataset.splits.train}, validation ${dataset.splits.validation}, test ${dataset.splits.test}`;
    const message = `split '${split}' of dataset ${dataset.name} has no rows (${counts}); choose another split or re-import with --split`;
    throw new StudioError('invalid_params', message, { field: 'split' });
  }
  const { rows, total } = readRows(datasetDir(dataDir, dataset.id), split, 0, Math.min(limit ?? available, available));
  const items = rows.map((raw, i) => {
    const id = `${split}:${i}`;
    const row = view ? view(raw, id) : raw;
    const references = referenceColumns ? referencesOf(row, referenceColumns) : [];
    if (referenceColumns && references.length === 0) {
      const message = `example ${id} of dataset ${dataset.name} has no reference in column(s) ${referenceColumns.join(', ')}; fix the data or choose other reference columns`;
      throw new StudioError('invalid_params', message, { field: 'referenceColumns' });
    }
    return { id, row, input: asText(row[inputColumn]), references };
  });
  return { items, total };
}

/**
 * Train rows to draw few-shot examples from: `source`'s train split, which is the evaluated dataset's own unless the
 * run takes its examples from another dataset (shotsFrom; shotColumnsView has checked its columns then).
 */
export function loadShotPool(dataDir: string, source: Dataset, evaluated: Dataset, shots: number, view?: RowView): Row[] {
  const train = source.splits.train ?? 0;
  if (train < shots + 1) {
    const own = source.id === evaluated.id;
    const message = `${shots}-shot prompts draw examples from the train split, but dataset ${source.name} has ${train} train rows; `
      + (own
        ? "use fewer shots, zero-shot, the examples of another dataset's train split (--shots-from DATASET, e.g. the training set a test set was published with), or re-import with a train split"
        : 'use fewer shots, zero-shot, or the examples of a dataset with more train rows (--shots-from DATASET)');
    throw new StudioError('invalid_params', message, { field: own ? 'shots' : 'shotsFrom' });
  }
  const { rows } = readRows(datasetDir(dataDir, source.id), 'train', 0, FEW_SHOT_POOL_ROWS);
  return view ? rows.map((row, i) => view(row, `train:${i}`)) : rows;
}

/**
 * How another dataset's rows supply few-shot examples. Each column the examples are written from (`columns`: the
 * input, the first reference, the prompt's placeholders) is read where shotColumnIn (api/shot-columns.ts) finds it:
 * the source's column of that name, else the one it maps to the same field. Returns the view that copies those columns
 * under the names the prompt reads (undefined when none needs it); refuses a column found neither way, since a
 * prompt would otherwise fail on the first example drawn.
 */
export function shotColumnsView(source: Dataset, evaluated: Dataset, columns: readonly string[]): RowView | undefined {
  const copies: [column: string, from: string][] = [];
  for (const column of new Set(columns)) {
    const from = shotColumnIn(source, evaluated, column);
    if (from === column) continue;
    if (from !== null) {
      copies.push([column, from]);
      continue;
    }
    const field = shotColumnField(evaluated, column);
    const mapIt = field === undefined ? '' : `map the column that holds it ('lathe dataset map ${source.name} --${field}-column C'), `;
    const message = `few-shot examples from dataset ${source.name} need the column '${column}' that the evaluation of ${evaluated.name} reads, `
      + `but ${source.name} has none${field === undefined ? '' : ` and maps no column to ${field}`} (columns: ${source.columns.join(', ')}); `
      + `${mapIt}take the examples from a dataset with the same columns (--shots-from), or from ${evaluated.name}'s own train split`;
    throw new StudioError('invalid_params', message, { field: 'shotsFrom' });
  }
  if (copies.length === 0) return undefined;
  return (row) => {
    const copied: Row = { ...row };
    for (const [column, from] of copies) copied[column] = row[from];
    return copied;
  };
}

/** Rows read at a time when scanning a whole dataset for its labels. */
const LABEL_SCAN_ROWS = 5000;

/**
 * The labels a classification prompt names (namedLabels): the distinct values of the mapping's label column over
 * every row of every split, so training and evaluation, whichever split they read, name the same set; [] when the
 * dataset maps no label column or it holds too many values to list (the scan stops there).
 */
export function promptLabelsOf(dataDir: string, dataset: Dataset): string[] {
  const column = dataset.mapping.label;
  if (column === undefined || !dataset.columns.includes(column)) return [];
  const dir = datasetDir(dataDir, dataset.id);
  // A dataset's rows are written once, at import, so a scan holds until the mapping names another column; kept
  // because the Evaluate page asks on every dataset it shows, and a 60k-row scan takes most of a second.
  const key = `${dir}\0${column}\0${dataset.rowCount}`;
  const known = scannedLabels.get(key);
  if (known) return [...known];
  const labels = scanLabels(dir, column, dataset.rowCount);
  if (scannedLabels.size >= SCANNED_LABELS_KEPT) scannedLabels.delete(scannedLabels.keys().next().value!);
  scannedLabels.set(key, labels);
  return [...labels];
}

/** Label scans this process has made (promptLabelsOf), oldest first. */
const scannedLabels = new Map<string, string[]>();
const SCANNED_LABELS_KEPT = 64;

function scanLabels(dir: string, column: string, rowCount: number): string[] {
  const seen = new Set<string>();
  for (let offset = 0; offset < rowCount && seen.size <= MAX_NAMED_LABELS; offset += LABEL_SCAN_ROWS) {
    for (const row of readRows(dir, 'all', offset, LABEL_SCAN_ROWS).rows) {
      for (const label of referencesIn(row[column])) if (label.trim() !== '') seen.add(label.trim());
    }
  }
  return namedLabels(seen);
}

/**
 * The evaluation's default prompt for a dataset (native/api/default-prompt.ts): a question comes with its mapped
 * context, a classification target with the labels it is answered with (the label column is read only then).
 */
export function defaultTemplate(dataDir: string, dataset: Dataset, inputColumn: string, targetColumn: string): PromptTemplate {
  const labels = targetColumn === dataset.mapping.label ? promptLabelsOf(dataDir, dataset) : [];
  return defaultPromptTemplate(inputColumn, targetColumn, dataset.mapping, labels);
}
