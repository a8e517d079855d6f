// The columns the few-shot builder starts from: what the dataset's mapping says is the input and the answer, so the
// worked examples show a question and its answer, never one column twice (an instruction set's answer is mapped as
// `output`, which the builder did not look at, and its second column is `input`: both fell on 'input').
import type { Dataset } from '../../../../native/api/schemas.ts';

type Columns = Pick<Dataset, 'columns' | 'mapping'>;

export function defaultInputColumn(dataset: Columns | undefined): string {
  const m = dataset?.mapping;
  return m?.input || m?.text || m?.question || m?.instruction || dataset?.columns[0] || '';
}

export function defaultAnswerColumn(dataset: Columns | undefined, inputColumn: string): string {
  const m = dataset?.mapping;
  const mapped = [m?.target, m?.output, m?.answer, m?.label].find((c) => c && c !== inputColumn);
  return mapped || dataset?.columns.find((c) => c !== inputColumn) || '';
}
