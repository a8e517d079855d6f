// The per-example view's sorts: their names and what each puts first are the API's (native/api/eval.ts), shared
// with `lathe runs compare`'s heading.
export { sortLabel, type ExampleSort } from '../../../../native/api/eval.ts';

/** A run's own input or references where they differ from the row's: the run was fed or scored against them. */
export function hasOwnSource(output: { input?: string; references?: string[] } | null): boolean {
  return output !== null && (output.input !== undefined || output.references !== undefined);
}
