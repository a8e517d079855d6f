// The default prompt layout an evaluation builds from a dataset's columns, in one place for the engine (the
// evaluation, native/eval/runner.ts, and the fine-tune formats that train on the evaluation's own prompt,
// native/train/sft-examples.ts) and for the Evaluate page, whose custom layout starts from it.

/** 'summary1' → 'Summary', 'source_text' → 'Source text'. */
export function columnLabel(column: string): string {
  const base = column.replace(/\d+$/, '').replace(/[_-]+/g, ' ').trim() || column;
  return base.charAt(0).toUpperCase() + base.slice(1);
}

/** The columns a template's {{placeholders}} name, in order (a name once). */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)].map((m) => m[1]))];
}

/** What an evaluation calls a custom prompt template that was given no name (the CLI names one after its file). */
export const CUSTOM_TEMPLATE_NAME = 'custom';

/**
 * The prompt kind as people say it, in run names and the Evaluate page: 'zero-shot', 'one-shot', 'few-shot:K'; a
 * custom template by its name (`custom`: 'template p.json', or CUSTOM_TEMPLATE_NAME) and its shots when it has any
 * ('custom, few-shot:2'; the Evaluate page's run list shows the parts one above the other) —
 * its own layout is not the built-in zero-shot prompt the name once claimed.
 */
export function promptLabel(shots: number, custom?: string): string {
  const kind = shots === 0 ? 'zero-shot' : shots === 1 ? 'one-shot' : `few-shot:${shots}`;
  if (custom === undefined) return kind;
  return shots === 0 ? custom : `${custom}, ${kind}`;
}

/**
 * A promptLabel taken apart: the custom template's name and its shots, or the one kind ('zero-shot'). Split at the
 * last ', one-shot' / ', few-shot:K' only: a template's own name may hold a comma ('a, b.json').
 */
export function promptLabelParts(label: string): string[] {
  const shots = /, (one-shot|few-shot:\d+)$/.exec(label);
  return shots ? [label.slice(0, shots.index), shots[1]] : [label];
}

/** The longest custom template name a run records (EvalStartInput's templateName). */
export const MAX_TEMPLATE_NAME = 100;

/** A custom template's name from its file, as the CLI records it: 'template NAME', a name past the limit cut with '…'. */
export function templateNameOf(fileName: string): string {
  const name = `template ${fileName}`;
  return name.length <= MAX_TEMPLATE_NAME ? name : `${name.slice(0, MAX_TEMPLATE_NAME - 1)}…`;
}

/** A label set is named in the prompt only up to this many labels; past it the column is free text, not classes. */
export const MAX_NAMED_LABELS = 20;

/**
 * The labels a classification prompt names, from the distinct values of its label column: sorted (numbers in
 * numeric order), or none when there are more than MAX_NAMED_LABELS.
 */
export function namedLabels(distinct: Iterable<string>): string[] {
  const labels = [...new Set(distinct)];
  return labels.length > MAX_NAMED_LABELS ? [] : labels.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * "Dialogue:\n{{dialogue}}" then "Summary: {{summary1}}", with a one-line instruction for summaries. A question
 * whose dataset maps a context (SQuAD's passage) is asked after it: "Context:\n{{context}}\n\nQuestion:\n{{question}}"
 * — without the passage an extractive question has no answer to find. An instruction dataset (Alpaca) gives
 * "Instruction:\n{{instruction}}\n\nInput:\n{{input}}", the input block left out of rows that have none.
 * A classification target (the mapping's label column) with `labels` (namedLabels) is asked for by name:
 * "Answer with one of: negative, positive." — an untuned model cannot guess the answers it is scored against.
 */
export function defaultPromptTemplate(
  inputColumn: string,
  targetColumn: string,
  mapping: Readonly<Record<string, string | undefined>> = {},
  labels: readonly string[] = [],
): { instruction?: string; input: string; output: string; answerPrefix: string } {
  const inputLabel = columnLabel(inputColumn);
  const targetLabel = columnLabel(targetColumn);
  const classes = targetColumn === mapping.label && labels.length > 0 ? `Answer with one of: ${labels.join(', ')}.` : undefined;
  const instruction = /^summ/i.test(targetLabel) ? `Summarize the ${inputLabel.toLowerCase()} in one sentence.` : classes;
  const block = (column: string) => `${columnLabel(column)}:\n{{${column}}}`;
  const context = inputColumn === mapping.question && mapping.context !== undefined && mapping.context !== inputColumn ? mapping.context : undefined;
  // An instruction dataset (Alpaca): the instruction, then its input where a row has one (fillInput drops an empty block).
  const instructed = mapping.instruction !== undefined && (inputColumn === mapping.input || inputColumn === mapping.instruction);
  const blocks = instructed
    ? [mapping.instruction!, ...(mapping.input !== undefined && mapping.input !== mapping.instruction ? [mapping.input] : [])]
    : [...(context === undefined ? [] : [context]), inputColumn];
  return {
    instruction,
    input: blocks.map(block).join('\n\n'),
    output: `${targetLabel}: {{${targetColumn}}}`,
    answerPrefix: `${targetLabel}:`,
  };
}
