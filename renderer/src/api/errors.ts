// The error every Studio API call rejects with: the engine's message for the user, a machine code, and where it
// applies (details may carry file, line and field). Transport failures become the same shape.
import type { ApiError } from '../../../native/api/contract.ts';

export class StudioError extends Error {
  readonly code: ApiError['code'] | 'network';
  readonly details: unknown;

  constructor(code: ApiError['code'] | 'network', message: string, details?: unknown) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.details = details;
  }
}

/** A message fit for a toast, whatever was thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * What a form shows for a refusal: the field it names (details.field) and, under that field, the schema's own words
 * for it ("write the repository as owner/name") rather than the whole message, which starts with the method and the
 * path ("models.download: repo: …") the field already says. A refusal of a field the form does not show (not in
 * `shown`), or of none, keeps its whole message: shown apart from the fields, it must say where it applies.
 */
export function fieldRefusal(err: unknown, shown: readonly string[]): { field: string | undefined; message: string } {
  const details = (err as { details?: unknown } | null)?.details as { field?: unknown; issues?: unknown } | undefined;
  const field = typeof details?.field === 'string' ? details.field : undefined;
  const issues = Array.isArray(details?.issues) ? (details.issues as { path?: unknown; message?: unknown }[]) : [];
  const own = field === undefined || !shown.includes(field) ? undefined : issues.find((i) => i.path === field && typeof i.message === 'string');
  return { field, message: own ? String(own.message) : errorMessage(err) };
}
