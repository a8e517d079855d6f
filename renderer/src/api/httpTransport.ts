// The Studio API over HTTP, as `lathe serve` offers it (native/api/http.ts): one POST per call with the bearer
// token, one shared EventSource for events, and raw-body uploads with progress.
import { ApiError, methods, type MethodName, type Params, type Result, type StudioEvent } from '../../../native/api/contract.ts';
import { EVENTS_PATH, RPC_PREFIX, TOKEN_QUERY, UPLOAD_PATH } from '../../../native/api/http.ts';
import { cliCommand } from '../../../native/api/labels.ts';
import { StudioError } from './errors.ts';
import type { Studio } from './transport.ts';

/** Reads `{ error: ApiError }` out of a failed response, or describes the failure if the body is not one. */
function errorFromBody(status: number, body: unknown): StudioError {
  const parsed = ApiError.safeParse((body as { error?: unknown } | null)?.error);
  if (parsed.success) return new StudioError(parsed.data.code, parsed.data.message, parsed.data.details);
  if (status === 401) return new StudioError('unauthorized', `The studio refused the access token. Open the URL that “${cliCommand('serve')}” printed.`);
  return new StudioError('internal', `The studio answered HTTP ${status} without an error message.`);
}

export function createHttpStudio(baseUrl: string, token: string): Studio {
  const listeners = new Set<(event: StudioEvent) => void>();
  let source: EventSource | null = null;

  function openEvents(): void {
    const url = new URL(EVENTS_PATH, baseUrl);
    url.searchParams.set(TOKEN_QUERY, token);
    source = new EventSource(url);
    source.onmessage = (message) => {
      let event: StudioEvent;
      try {
        event = JSON.parse(message.data) as StudioEvent;
      } catch {
        return; // a comment or keep-alive line, not an event
      }
      for (const listener of listeners) listener(event);
    };
  }

  async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    let response: Response;
    try {
      response = await fetch(new URL(RPC_PREFIX + method, baseUrl), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(params ?? {}),
      });
    } catch (err) {
      throw new StudioError('network', `Could not reach the studio (${(err as Error).message}). Is “${cliCommand('serve')}” still running?`);
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw errorFromBody(response.status, body);
    const checked = methods[method].result.safeParse((body as { result?: unknown } | null)?.result);
    if (!checked.success) {
      throw new StudioError('internal', `The studio's answer to ${method} does not match the API contract: ${checked.error.issues[0]?.message ?? 'unknown'}`);
    }
    return checked.data as Result<M>;
  }

  function upload(file: File, onProgress: (fraction: number) => void): Promise<string> {
    // XMLHttpRequest, not fetch: only it reports upload progress.
    return new Promise((resolve, reject) => {
      const url = new URL(UPLOAD_PATH, baseUrl);
      url.searchParams.set('name', file.name);
      const request = new XMLHttpRequest();
      request.open('POST', url);
      request.setRequestHeader('Authorization', `Bearer ${token}`);
      request.setRequestHeader('Content-Type', 'application/octet-stream');
      request.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
      request.onerror = () => reject(new StudioError('network', `Uploading ${file.name} failed: the connection to the studio broke.`));
      request.onload = () => {
        let body: unknown = null;
        try {
          body = JSON.parse(request.responseText);
        } catch {
          /* handled below */
        }
        if (request.status >= 200 && request.status < 300) {
          const path = (body as { result?: { path?: unknown } } | null)?.result?.path;
          if (typeof path === 'string') resolve(path);
          else reject(new StudioError('internal', 'The studio accepted the upload but did not say where it stored the file.'));
        } else {
          reject(errorFromBody(request.status, body));
        }
      };
      request.send(file);
    });
  }

  return {
    transport: 'http',
    call,
    listen(listener) {
      listeners.add(listener);
      if (!source) openEvents();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
    files: { kind: 'upload', upload },
    // A page served over HTTP has no shell, and the files lie on the server's disk, which may be another machine.
    folders: { kind: 'none', reason: `This studio runs in a browser (${cliCommand('serve')}), which cannot open folders on the machine that holds the files: copy the path instead.` },
  };
}
