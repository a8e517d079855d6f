// Where another dataset's rows supply a column that few-shot examples are written from: the column of the same name,
// else the column the source maps to the same field (DialogSum's dev set maps target ← summary, its test set target ←
// summary1: each set's mapping says which column is which). One rule for the engine (eval/runner-data.ts) and the
// Evaluate form, which checks it before the run is started.
import type { Dataset } from './schemas.ts';

type Columns = Pick<Dataset, 'columns' | 'mapping'>;

/** The column of `source` that supplies `column` of `evaluated`, or null when neither its name nor its field's mapping finds one. */
export function shotColumnIn(source: Columns, evaluated: Pick<Dataset, 'mapping'>, column: string): string | null {
  if (source.columns.includes(column)) return column;
  const field = shotColumnField(evaluated, column);
  const from = field === undefined ? undefined : source.mapping[field];
  return from !== undefined && source.columns.includes(from) ? from : null;
}

/** The field `evaluated` maps `column` to (input, target …), if any. */
export function shotColumnField(evaluated: Pick<Dataset, 'mapping'>, column: string): string | undefined {
  return Object.keys(evaluated.mapping).find((f) => evaluated.mapping[f as keyof typeof evaluated.mapping] === column);
}
