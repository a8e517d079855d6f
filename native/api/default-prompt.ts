// The default prompt layout an evaluation builds from a dataset's columns, in one place for the engine (the
// evaluation, native/eval/runner.ts, and the fine-tune formats that train on the evaluation's own prompt,
// native/train/sft-examples.ts) and for the Evaluate page, whose custom layout starts from it.

/** 'summary1' → 'Summary', 'source_text' → 'Source text'. */
export function columnLabel(column: string): string {
  const base = column.replace(/\d+$/, '').replace(/[_-]+/g, ' ').trim() || column;
  return base.charAt(0).toUpperCase() + base.slice(1);
}

/**
 * "Dialogue:\n{{dialogue}}" then "Summary: {{summary1}}", with a one-line instruction for summaries. A question
 * whose dataset maps a context (SQuAD's passage) is asked after it: "Context:\n{{context}}\n\nQuestion:\n{{question}}"
 * — without the passage an extractive question has no answer to find. An instruction dataset (Alpaca) gives
 * "Instruction:\n{{instruction}}\n\nInput:\n{{input}}", the input block left out of rows that have none.
 */
export function defaultPromptTemplate(inputColumn: string, targetColumn: string, mapping: Readonly<Record<string, string | undefined>> = {}): { instruction?: string; input: string; output: string; answerPrefix: string } {
  const inputLabel = columnLabel(inputColumn);
  const targetLabel = columnLabel(targetColumn);
  const instruction = /^summ/i.test(targetLabel) ? `Summarize the ${inputLabel.toLowerCase()} in one sentence.` : undefined;
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
