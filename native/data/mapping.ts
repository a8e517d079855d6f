// Suggest which dataset column feeds which task field, from the column names. The project's task picks the
// fields; each field lists the column names that usually carry it, best first. The user can always change it.
import type { ColumnMapping, TaskType } from '../api/schemas.ts';

/** `optional` fields are mapped when a column fits, and do not stop the shape from matching when none does. */
type FieldSpec = { field: string; names: string[]; optional?: boolean };

const INPUT_NAMES = ['input', 'dialogue', 'document', 'article', 'source', 'text', 'content', 'passage'];
const TARGET_NAMES = ['target', 'summary', 'output', 'response', 'completion', 'highlights', 'answer', 'summary1', 'reference'];

/** Known dataset shapes, most specific first; the first whose required fields all match wins. */
const SHAPES: { tasks: TaskType[]; fields: FieldSpec[] }[] = [
  { tasks: ['chat', 'generation'], fields: [{ field: 'prompt', names: ['prompt', 'conversations', 'question', 'instruction'], optional: true }, { field: 'chosen', names: ['chosen'] }, { field: 'rejected', names: ['rejected'] }] },
  { tasks: ['generation', 'chat'], fields: [{ field: 'instruction', names: ['instruction'] }, { field: 'input', names: ['input', 'context'], optional: true }, { field: 'output', names: ['output', 'response'] }] },
  { tasks: ['chat'], fields: [{ field: 'messages', names: ['messages', 'conversations', 'conversation', 'dialog'] }] },
  { tasks: ['qa'], fields: [{ field: 'question', names: ['question', 'query'] }, { field: 'context', names: ['context', 'passage', 'document'] }, { field: 'answer', names: ['answer', 'answers', 'output'] }] },
  { tasks: ['qa'], fields: [{ field: 'question', names: ['question', 'query'] }, { field: 'answer', names: ['answer', 'answers', 'output'] }] },
  { tasks: ['classification'], fields: [{ field: 'text', names: ['text', 'sentence', 'content', 'input', 'review'] }, { field: 'label', names: ['label', 'labels', 'class', 'category', 'sentiment'] }] },
  { tasks: ['ner'], fields: [{ field: 'tokens', names: ['tokens', 'words'] }, { field: 'tags', names: ['ner_tags', 'tags', 'labels'] }] },
  { tasks: ['summarization', 'generation'], fields: [{ field: 'input', names: INPUT_NAMES }, { field: 'target', names: TARGET_NAMES }] },
];

function findColumn(columns: string[], names: string[], taken: Set<string>): string | undefined {
  const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  for (const n of names) {
    const c = byLower.get(n);
    if (c !== undefined && !taken.has(c)) return c;
  }
  return undefined;
}

function match(columns: string[], fields: FieldSpec[]): ColumnMapping | undefined {
  const taken = new Set<string>();
  const mapping: ColumnMapping = {};
  for (const f of fields) {
    const c = findColumn(columns, f.names, taken);
    if (c === undefined) {
      if (f.optional) continue;
      return undefined;
    }
    mapping[f.field] = c;
    taken.add(c);
  }
  return mapping;
}

/** The suggested mapping (task field → column) for these columns, preferring shapes of `task` when given. */
export function suggestMapping(columns: string[], task?: TaskType | null): ColumnMapping {
  const ordered = task ? [...SHAPES.filter((s) => s.tasks.includes(task)), ...SHAPES.filter((s) => !s.tasks.includes(task))] : SHAPES;
  for (const shape of ordered) {
    const m = match(columns, shape.fields);
    if (m) return m;
  }
  return {};
}

/**
 * The tasks a dataset's mapping reads as: those of every known shape whose required fields are all mapped
 * (input and target: summarization, generation; text and label: classification). Empty for a mapping of no shape.
 */
export function tasksOfMapping(mapping: Readonly<Record<string, string | undefined>>): TaskType[] {
  const mapped = (field: string) => mapping[field] !== undefined;
  const tasks = SHAPES.filter((s) => s.fields.every((f) => f.optional || mapped(f.field))).flatMap((s) => s.tasks);
  return [...new Set(tasks)];
}
