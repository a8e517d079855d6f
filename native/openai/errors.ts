// Errors in the shape OpenAI's clients parse: {"error": {"message", "type", "param", "code"}} with the HTTP
// status that says what kind of failure it was (400 bad parameter, 401 key, 404 model, 413 body, 429 queue).
import type http from 'node:http';
import { StudioError, CheckpointError } from '../api/errors.ts';
import { didYouMean } from '../api/suggest.ts';

export class OpenAIError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OpenAIError';
  }

  body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A request parameter that is missing, of the wrong type or out of range: 400, naming the parameter. */
export function invalidParam(param: string | null, message: string, code: string | null = 'invalid_value'): OpenAIError {
  return new OpenAIError(400, message, 'invalid_request_error', param, code);
}

/**
 * An unknown model, with the served one it most likely meant ('s26k' → 's260k'), naming those served and where to
 * list them (`listedBy`: GET /v1/models once the server answers).
 */
export function modelNotFound(name: string, served: readonly string[], listedBy = 'GET /v1/models'): OpenAIError {
  const list = served.length ? `models served: ${served.join(', ')}` : 'no models yet: import one with `lathe model import`';
  const meant = didYouMean(name, served);
  return new OpenAIError(404, `The model '${name}' does not exist.${meant} (${list}; ${listedBy} lists them.)`, 'invalid_request_error', 'model', 'model_not_found');
}

/**
 * Any error thrown while answering, as an OpenAIError: generation settings the engine refuses (RangeError) and a
 * model folder it cannot load are the request's or the model's fault and say so; anything else is a 500.
 */
export function toOpenAIError(err: unknown): OpenAIError {
  if (err instanceof OpenAIError) return err;
  if (err instanceof RangeError) return invalidParam(null, err.message);
  if (err instanceof StudioError && err.code === 'not_found') return new OpenAIError(404, err.message, 'invalid_request_error', 'model', 'model_not_found');
  if (err instanceof StudioError && err.code === 'invalid_params') {
    const field = (err.details as { field?: unknown } | undefined)?.field;
    return invalidParam(typeof field === 'string' ? field : null, err.message);
  }
  if (err instanceof CheckpointError) return new OpenAIError(500, `the model cannot be loaded: ${err.message}`, 'server_error', 'model', 'model_load_failed');
  return new OpenAIError(500, `internal error: ${(err as Error)?.message ?? String(err)}`, 'server_error');
}

export function sendOpenAIError(res: http.ServerResponse, err: OpenAIError): void {
  const text = JSON.stringify(err.body());
  res.writeHead(err.status, { ...err.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
