// Reading where an import went wrong. The engine reports a refused file as the job's error message and, when it
// can, a list of row problems (line, field, message) in the job's result or the API error's details.
export interface RowProblem {
  line: number | null;
  field: string | null;
  message: string;
}

function asProblem(value: unknown): RowProblem | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const message = typeof v.message === 'string' ? v.message : typeof v.reason === 'string' ? v.reason : null;
  if (!message) return null;
  return { line: typeof v.line === 'number' ? v.line : null, field: typeof v.field === 'string' ? v.field : null, message };
}

/** Row problems found anywhere the engine may put them: an array, an object with errors/rows/issues, or a
 *  single location ({ file, line, field }) as a refused file's error details carry. */
export function rowProblemsIn(value: unknown, message?: string): RowProblem[] {
  const location = value as { line?: unknown; field?: unknown; hint?: unknown } | null;
  if (message && location && typeof location === 'object' && !Array.isArray(location) && (typeof location.line === 'number' || typeof location.field === 'string')) {
    return [{ line: typeof location.line === 'number' ? location.line : null, field: typeof location.field === 'string' ? location.field : null, message: typeof location.hint === 'string' ? location.hint : message }];
  }
  const list = Array.isArray(value) ? value
    : value && typeof value === 'object' ? ((value as Record<string, unknown>).errors ?? (value as Record<string, unknown>).issues ?? (value as Record<string, unknown>).rows) : null;
  if (!Array.isArray(list)) return [];
  return list.map(asProblem).filter((p): p is RowProblem => p !== null);
}
