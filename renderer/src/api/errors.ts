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
