// One IPC call, checked before the engine sees it: the method must be in the contract and its arguments must
// pass the method's zod schema. Kept free of Electron imports so the rules are testable in plain Node.
import { ApiError, isMethodName, methods, type StudioClient } from '../native/api/contract.ts';

export type Envelope = { ok: true; result: unknown } | { ok: false; error: ApiError };

const API_CODES = new Set<string>(ApiError.shape.code.options);

/** Any thrown value as an ApiError: the engine's own errors keep their code and details; others are internal. */
export function toApiError(err: unknown): ApiError {
  const e = err as { code?: unknown; message?: unknown; details?: unknown } | null;
  if (e && typeof e.code === 'string' && API_CODES.has(e.code) && typeof e.message === 'string') {
    return e.details === undefined ? { code: e.code as ApiError['code'], message: e.message } : { code: e.code as ApiError['code'], message: e.message, details: e.details };
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

/** Validates and runs one call; never throws. */
export async function dispatchCall(studio: StudioClient, method: unknown, params: unknown): Promise<Envelope> {
  if (typeof method !== 'string' || !isMethodName(method)) {
    return { ok: false, error: { code: 'unknown_method', message: `'${String(method)}' is not a Studio API method.` } };
  }
  const parsed = methods[method].params.safeParse(params ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path, message: i.message }));
    const first = issues[0];
    return { ok: false, error: { code: 'invalid_params', message: `${method}: ${first ? `${first.path.join('.') || 'params'}: ${first.message}` : 'invalid arguments'}`, details: issues } };
  }
  try {
    // The raw params go on, not the parsed ones: the engine validates again and tells a sent field from a
    // default (a projects.update patch must not reset the fields it does not mention).
    const result = await (studio.call as (m: string, p: unknown) => Promise<unknown>)(method, params ?? {});
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}

