// The error every layer throws when the user should see the message: it carries the API's error code and
// the details (file, line, field) that say where. Transports turn it into an ApiError as is; any other
// exception becomes `internal`.
import type { ApiError } from './contract.ts';

export type ApiErrorCode = ApiError['code'];

/** Where an input problem is: the file, its 1-based line, the field or column, and what to do about it. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  field?: string;
  hint?: string;
  [key: string]: unknown;
}

/** A model, tokenizer or adapter file that cannot be read as it is: the message names the file and the place. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

export class StudioError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: ErrorLocation | Record<string, unknown>,
  ) {
    super(message);
    this.name = 'StudioError';
  }

  toApiError(): ApiError {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }

  /** Rebuild from an ApiError received over a transport (so clients can `catch (e) { e.code }`). */
  static fromApiError(error: ApiError): StudioError {
    return new StudioError(error.code, error.message, error.details as Record<string, unknown> | undefined);
  }
}

/** HTTP status for each API error code (native/serve answers with it; clients need not look at it). */
export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  invalid_params: 400,
  unauthorized: 401,
  not_found: 404,
  unknown_method: 404,
  conflict: 409,
  internal: 500,
};
