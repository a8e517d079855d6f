// Binds the Studio API to ipcMain. Every call is checked three ways before the engine sees it: the sender
// must be our own window showing our own page, the method must be in the contract, and the arguments must
// pass the method's zod schema. Errors go back in an envelope as ApiError (invoke() would drop their fields).
import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { ApiError, events as eventSchemas, isMethodName, methods, type StudioClient, type StudioEvent } from '../native/api/contract.ts';
import { CHANNELS } from './channels.ts';

type Envelope = { ok: true; result: unknown } | { ok: false; error: ApiError };

const API_CODES = new Set<string>(ApiError.shape.code.options);

/** Any thrown value as an ApiError: the engine's own errors keep their code and details; others are internal. */
export function toApiError(err: unknown): ApiError {
  const e = err as { code?: unknown; message?: unknown; details?: unknown } | null;
  if (e && typeof e.code === 'string' && API_CODES.has(e.code) && typeof e.message === 'string') {
    return e.details === undefined ? { code: e.code as ApiError['code'], message: e.message } : { code: e.code as ApiError['code'], message: e.message, details: e.details };
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

/** Validates and runs one call; exported so the rules are testable without Electron. */
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
    // The contract's call signature is generic per method; the params were just validated for this method.
    const result = await (studio.call as (m: string, p: unknown) => Promise<unknown>)(method, parsed.data);
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}

export interface IpcBinding {
  dispose(): void;
}

/** `isOurPage(url)` says whether a frame URL is the app's renderer; events go only to `window`. */
export function bindStudioToIpc(studio: StudioClient, window: BrowserWindow, isOurPage: (url: string) => boolean): IpcBinding {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    return event.sender === window.webContents && frame !== null && frame.parent === null && isOurPage(frame.url);
  };
  const refused: Envelope = { ok: false, error: { code: 'unauthorized', message: 'This IPC sender is not the Lathe window.' } };

  ipcMain.handle(CHANNELS.call, (event, method: unknown, params: unknown) => (trusted(event) ? dispatchCall(studio, method, params) : refused));
  ipcMain.handle(CHANNELS.pickFile, async (event) => {
    if (!trusted(event)) return null;
    const chosen = await dialog.showOpenDialog(window, {
      title: 'Import a dataset',
      properties: ['openFile'],
      filters: [{ name: 'Datasets', extensions: ['jsonl', 'ndjson', 'json', 'csv', 'tsv', 'gz'] }, { name: 'All files', extensions: ['*'] }],
    });
    return chosen.canceled ? null : (chosen.filePaths[0] ?? null);
  });
  const stopEvents = studio.listen((event: StudioEvent) => {
    if (!eventSchemas[event.type]) return;
    if (!window.isDestroyed()) window.webContents.send(CHANNELS.event, event);
  });

  return {
    dispose() {
      ipcMain.removeHandler(CHANNELS.call);
      ipcMain.removeHandler(CHANNELS.pickFile);
      stopEvents();
    },
  };
}
