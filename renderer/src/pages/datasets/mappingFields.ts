// What the column mapping editor shows and what it starts from. A saved mapping is read whole by the engine: the
// training format is picked from whichever fields are mapped (native/api/train.ts formatForMapping), evaluation reads
// its input and reference fields (native/eval/runner-data.ts), Align its pair fields (native/data/preferences.ts),
// whatever the project's task. So the editor starts from every field the dataset maps and shows each one: the
// task's, the pair's, and, folded, any other (instruction and output of an instruction dataset in a summarisation
// project, say). Saving then sends back what was shown, and a field is dropped only when the user sets it to None —
// as `lathe dataset map` keeps every field its flags do not name. It showed and saved only the task's and the pair's
// fields, so a save silently dropped the rest.
import { MAPPING_FIELDS, type Dataset, type TaskType } from '../../../../native/api/schemas.ts';
import { SFT_FORMAT_LABELS, type SftFormat } from '../../../../native/api/train.ts';
import { guessColumn, TASKS, type TaskField } from '../../domain/tasks.ts';

/** What Align reads from a dataset of preference pairs, whatever the project's task (native/data/preferences.ts). */
export const PAIR_FIELDS: readonly TaskField[] = [
  { name: 'prompt', label: 'Pair prompt', help: 'What both answers reply to; none for HH-RLHF transcripts, which carry it.', required: false },
  { name: 'chosen', label: 'Chosen answer', help: 'The better answer of the pair.', required: false },
  { name: 'rejected', label: 'Rejected answer', help: 'The worse answer of the pair.', required: false },
];

export interface MappingSections {
  /** The fields the project's task needs, in its order. */
  task: readonly TaskField[];
  /** The preference pair's fields the task does not already show. */
  pairs: readonly TaskField[];
  /**
   * Every other field the dataset maps, in MAPPING_FIELDS order and then any name the engine does not know: named as
   * `lathe dataset map` names them (its label is the field's own name), so none reads like a task field beside it.
   */
  others: readonly TaskField[];
}

const FIELD_ORDER = Object.keys(MAPPING_FIELDS);

/** A field outside the task's and the pair's sections, named as `lathe dataset map` names it. */
export function otherField(name: string): TaskField {
  const help = (MAPPING_FIELDS as Record<string, string>)[name];
  return { name, label: name, help: help === undefined ? 'No part of Lathe reads this field; it is kept as it is.' : `For ${help}.`, required: false };
}

/** The editor's sections for a dataset mapped as `mapping` in a project of `task`. */
export function mappingSections(task: TaskType, mapping: Readonly<Record<string, string>>): MappingSections {
  const taskFields = TASKS[task].fields;
  const pairs = PAIR_FIELDS.filter((f) => !taskFields.some((t) => t.name === f.name));
  const shown = new Set([...taskFields, ...pairs].map((f) => f.name));
  const rank = (name: string) => (FIELD_ORDER.includes(name) ? FIELD_ORDER.indexOf(name) : FIELD_ORDER.length);
  const others = Object.keys(mapping)
    .filter((name) => !shown.has(name))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map(otherField);
  return { task: taskFields, pairs, others };
}

/**
 * The mapping the editor starts from: the dataset's own, whole, with a column suggested for each required task
 * field it leaves unmapped. Equal to the dataset's mapping when nothing needed suggesting.
 */
export function startingMapping(dataset: Pick<Dataset, 'mapping' | 'columns'>, task: TaskType): Record<string, string> {
  const mapping = { ...dataset.mapping };
  for (const f of TASKS[task].fields) {
    if (mapping[f.name] !== undefined || !f.required) continue;
    const guess = guessColumn(f, dataset.columns);
    if (guess !== undefined) mapping[f.name] = guess;
  }
  return mapping;
}

/** `mapping` with `field` set to `column`, or without it for '' (None). */
export function withField(mapping: Readonly<Record<string, string>>, field: string, column: string): Record<string, string> {
  const next = { ...mapping };
  if (column) next[field] = column;
  else delete next[field];
  return next;
}

/**
 * The fields that make a mapping complete for each format the engine reads one as: the training formats that
 * native/api/train.ts formatForMapping picks from (a unit test holds the two together), and Align's preference pair.
 */
export const FORMAT_FIELDS: Readonly<Record<SftFormat | 'pairs', readonly string[]>> = {
  instruction: ['instruction', 'output'],
  chat: ['messages'],
  qa: ['question', 'answer'],
  summary: ['input', 'target'],
  tagging: ['tokens', 'tags'],
  classification: ['text', 'label'],
  text: ['text'],
  pairs: ['chosen', 'rejected'],
};

/** What the editor says a complete mapping is for: a training format's picker label, or the pair's name. */
export const formatLabel = (format: keyof typeof FORMAT_FIELDS): string => (format === 'pairs' ? 'Preference pairs' : SFT_FORMAT_LABELS[format]);

/**
 * The format, other than the task's own, that `mapping` is complete for, if any: one with every field mapped and one
 * field at least that the task does not ask for (a classification project's text alone is its task half mapped, not
 * plain text). Pairs first, then formatForMapping's order.
 */
export function otherCompleteFormat(task: TaskType, mapping: Readonly<Record<string, string>>): keyof typeof FORMAT_FIELDS | null {
  const taskNames = new Set(TASKS[task].fields.map((f) => f.name));
  const order = ['pairs', 'instruction', 'chat', 'qa', 'summary', 'tagging', 'classification', 'text'] as const;
  return order.find((format) => FORMAT_FIELDS[format].every((f) => mapping[f]) && FORMAT_FIELDS[format].some((f) => !taskNames.has(f))) ?? null;
}

/**
 * The required task fields still unmapped, which keep a mapping from being saved: none when the mapping is complete for
 * another format the user mapped (an instruction set in a question-answering project trains as instruction → output,
 * whatever its question column). The editor asked for the task's fields whatever else was mapped, but for a pair.
 */
export function stillNeeded(task: TaskType, mapping: Readonly<Record<string, string>>): readonly TaskField[] {
  return otherCompleteFormat(task, mapping) ? [] : TASKS[task].fields.filter((f) => f.required && !mapping[f.name]);
}

/** A training format another section of the editor does not already cover whole, which the user may map too. */
export interface OtherFormat {
  format: SftFormat;
  /** Its fields the task's and the pair's sections do not show, in the format's order. */
  fields: readonly string[];
  /** How many of `fields` the mapping maps. */
  mapped: number;
}

/**
 * The training formats the "other formats" section offers, formatForMapping's order: each with a field at least that
 * the task's and the pair's sections do not show (a text-generation project's plain text is its own task). The
 * section listed only the fields already mapped, so a dataset could not be mapped for a second format from the app.
 */
export function otherFormats(task: TaskType, mapping: Readonly<Record<string, string>>): readonly OtherFormat[] {
  const { task: taskFields, pairs } = mappingSections(task, mapping);
  const shown = new Set([...taskFields, ...pairs].map((f) => f.name));
  const order = ['instruction', 'chat', 'qa', 'summary', 'tagging', 'classification', 'text'] as const;
  return order
    .map((format) => {
      const fields = FORMAT_FIELDS[format].filter((f) => !shown.has(f));
      return { format, fields, mapped: fields.filter((f) => mapping[f]).length };
    })
    .filter((f) => f.fields.length > 0);
}

/** A field the dataset maps, named as the mapping editor names it, with the column that feeds it. */
export interface MappedField {
  field: string;
  /** The editor's label: the task's ("Prompt"), the pair's ("Chosen answer"), else the field's own name. */
  label: string;
  column: string;
}

/**
 * Every field `mapping` maps, in the editor's order and under the editor's labels (mappingSections), so the Datasets
 * and Fine-tune pages name a field alike: Fine-tune listed raw keys ("input ← input") beside Datasets' "Prompt ← input".
 */
export function mappedFields(task: TaskType, mapping: Readonly<Record<string, string>>): readonly MappedField[] {
  const { task: taskFields, pairs, others } = mappingSections(task, mapping);
  return [...taskFields, ...pairs, ...others].flatMap((f) => (mapping[f.name] === undefined ? [] : [{ field: f.name, label: f.label, column: mapping[f.name] }]));
}

/** Whether a column's own name already says the field it feeds ("output" feeds output): a header or chip names it once. */
export const namesItself = (f: Pick<MappedField, 'label' | 'column'>): boolean => f.label.toLowerCase() === f.column.toLowerCase();

/**
 * The task fields the editor shows filled from a guess (startingMapping), not from the saved mapping: said as such
 * until saved. The editor marked that state only with a "Not saved" badge, beside a journey strip calling Data done.
 */
export function suggestedFields(dataset: Pick<Dataset, 'mapping' | 'columns'>, task: TaskType): readonly MappedField[] {
  const start = startingMapping(dataset, task);
  return TASKS[task].fields.flatMap((f) => (dataset.mapping[f.name] === undefined && start[f.name] !== undefined ? [{ field: f.name, label: f.label, column: start[f.name] }] : []));
}
