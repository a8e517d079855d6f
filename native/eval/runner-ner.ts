// Named-entity recognition as a generation evaluation. The one place that decides whether an evaluation is NER,
// and what that changes: a row's tokens (a list) become the prompt input joined by single spaces, its tags become
// ONE reference (the sequence joined the same way, never separate references), the tags must be names such as
// B-PER (class ids cannot be read as entities) and as many as the tokens, and the default prompt
// (api/ner-prompt.ts) names the tag set, every tag of the column. A perplexity run is never NER, but a token
// list it reads as its text is scored as the same joined words (tokenListView).
import { StudioError } from '../api/errors.ts';
import type { EvalMetricName } from '../api/eval.ts';
import type { Dataset, Project } from '../api/schemas.ts';
import { datasetDir, readRows } from '../data/files.ts';
import type { Row } from '../text/prompt.ts';
import { checkColumn, type RowView } from './runner-data.ts';

export interface NerColumns {
  tokens: string;
  tags: string;
}

/** Rows read at a time when collecting the tag set, so memory stays bounded on big datasets. */
const SCAN_CHUNK_ROWS = 5000;

/**
 * The tokens and tags columns when the evaluation is NER, else null. It is NER when the dataset maps tokens and
 * tags (mapping.ts's NER shape), the project's task is NER, or entity_f1 is asked for; explicit input and
 * reference columns name the tokens and tags columns. Perplexity runs read text and are never NER.
 */
export function nerColumnsOf(
  dataset: Dataset,
  project: Project | null,
  metrics: readonly EvalMetricName[],
  explicit: { inputColumn?: string; referenceColumns?: readonly string[] },
): NerColumns | null {
  const mapped = dataset.mapping.tokens !== undefined && dataset.mapping.tags !== undefined;
  const why = metrics.includes('entity_f1') ? 'entity_f1 reads one tag per token' : project?.task === 'ner' ? `project ${project.name} is named-entity recognition` : null;
  if (!mapped && why === null) return null;
  if ((explicit.referenceColumns?.length ?? 0) > 1) {
    throw new StudioError('invalid_params', `an NER evaluation has one tags column as its reference; got ${explicit.referenceColumns!.join(', ')}`, { field: 'referenceColumns' });
  }
  const tokens = explicit.inputColumn ?? dataset.mapping.tokens;
  const tags = explicit.referenceColumns?.[0] ?? dataset.mapping.tags;
  if (tokens === undefined || tags === undefined) {
    const message = `${why}, but dataset ${dataset.name} maps no ${tokens === undefined ? 'tokens' : 'tags'} column (mapping: ${JSON.stringify(dataset.mapping)}); `
      + `set them with 'lathe dataset map ${dataset.name} --tokens-column C --tags-column C'`;
    throw new StudioError('invalid_params', message, { field: tokens === undefined ? 'inputColumn' : 'referenceColumns' });
  }
  return { tokens: checkColumn(dataset, tokens, 'inputColumn'), tags: checkColumn(dataset, tags, 'referenceColumns') };
}

/** A cell as a list of words: a list as it is, a string split on white space (TSV and CSV cells are text). */
function wordsIn(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value.trim() === '' ? [] : value.trim().split(/\s+/);
  return null;
}

/** A list of tokens as the NER prompt shows it: the words joined by single spaces. */
function wordsAsText(words: readonly unknown[]): string {
  return words.map(String).join(' ');
}

/**
 * How a perplexity run reads its text column: a list cell (an NER dataset's tokens) as its words joined by single
 * spaces, as the NER prompt shows them, so the model scores the sentence rather than the JSON of the list and bits
 * per byte divides by that sentence's bytes; a text cell stays as it is (its line breaks are part of the text).
 */
export function tokenListView(column: string): RowView {
  return (row) => {
    const cell = row[column];
    return Array.isArray(cell) ? { ...row, [column]: wordsAsText(cell) } : row;
  };
}

/** The tags of one row's cell, refusing class ids and cells that are not a list of tags. */
function tagsIn(value: unknown, dataset: Dataset, column: string, id: string): string[] {
  const words = wordsIn(value);
  const number = words?.find((w) => typeof w === 'number');
  if (number !== undefined) {
    const message = `dataset ${dataset.name}: column '${column}' holds numbers (class ids such as ${String(number)}, in example ${id}), not tag names; `
      + `entity F1 reads tags such as B-PER. Map the ids to tag names first (Lathe has no ClassLabel names to map them with): `
      + `write the tags out in the file and import it again`;
    throw new StudioError('invalid_params', message, { field: 'referenceColumns' });
  }
  if (words === null || words.some((w) => typeof w !== 'string' || /\s/.test(w) || w === '')) {
    throw new StudioError('invalid_params', `example ${id} of dataset ${dataset.name}: column '${column}' is not a list of tags (one word per token)`, { field: 'referenceColumns' });
  }
  return words as string[];
}

/** The row as prompts and references read it: tokens and tags each joined by single spaces, their counts checked. */
export function nerRowView(dataset: Dataset, columns: NerColumns): RowView {
  return (row, id) => {
    const tokens = wordsIn(row[columns.tokens]);
    if (tokens === null) {
      throw new StudioError('invalid_params', `example ${id} of dataset ${dataset.name}: column '${columns.tokens}' is not a list of tokens`, { field: 'inputColumn' });
    }
    const tags = tagsIn(row[columns.tags], dataset, columns.tags, id);
    if (tags.length !== tokens.length) {
      const message = `example ${id} of dataset ${dataset.name} has ${tokens.length} tokens in column '${columns.tokens}' but ${tags.length} tags in column '${columns.tags}'; `
        + 'each token needs exactly one tag: fix the row or leave it out';
      throw new StudioError('invalid_params', message, { field: 'referenceColumns' });
    }
    return { ...row, [columns.tokens]: wordsAsText(tokens), [columns.tags]: tags.join(' ') } as Row;
  };
}

/** O after every other tag, which sort as text (B-LOC, B-PER, I-LOC, …). */
function byTagName(a: string, b: string): number {
  return (a === 'O' ? 1 : 0) - (b === 'O' ? 1 : 0) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Every tag the dataset's tags column uses (all rows, every split), sorted with O last; refuses class ids. */
export function tagSetOf(dataDir: string, dataset: Dataset, tagsColumn: string): string[] {
  const dir = datasetDir(dataDir, dataset.id);
  const seen = new Set<string>();
  for (let offset = 0; offset < dataset.rowCount; offset += SCAN_CHUNK_ROWS) {
    readRows(dir, 'all', offset, SCAN_CHUNK_ROWS).rows.forEach((row, i) => {
      for (const tag of tagsIn(row[tagsColumn], dataset, tagsColumn, `all:${offset + i}`)) seen.add(tag);
    });
  }
  return [...seen].sort(byTagName);
}
