// The native path dialog behind the page's Browse… buttons. The page sends PickPathOptions (native/api/pick-path.ts);
// they are parsed here, in the main process, and turned into Electron's dialog options, so nothing else the page
// sends reaches the dialog (no defaultPath, no 'showHiddenFiles', no 'multiSelections'). Kept free of Electron
// imports, like reveal.ts, so the rules are testable in plain Node; ipc.ts passes Electron's dialog in.
import { PickPathOptions } from '../native/api/pick-path.ts';
import { toApiError, type Envelope } from './dispatch.ts';

interface FileFilter { name: string; extensions: string[] }
export interface OpenDialogOptions { title?: string; properties: ('openFile' | 'openDirectory' | 'createDirectory')[]; filters?: FileFilter[] }
export interface SaveDialogOptions { title?: string; properties: ('createDirectory' | 'showOverwriteConfirmation')[]; filters?: FileFilter[] }

/** The two calls of Electron's `dialog` this uses, already bound to the app's window. */
export interface PathDialog {
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
}

/** Electron's options for the dialog the page asked for, or the reason the request is refused. */
export function dialogOptionsFor(raw: unknown): { ok: true; kind: 'open'; options: OpenDialogOptions } | { ok: true; kind: 'save'; options: SaveDialogOptions } | { ok: false; message: string } {
  const parsed = PickPathOptions.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, message: `pickPath: ${first ? `${first.path.join('.') || 'options'}: ${first.message}` : 'invalid options'}` };
  }
  const { kind, title, filters } = parsed.data;
  const common = { ...(title ? { title } : {}), ...(filters ? { filters } : {}) };
  if (kind === 'save') return { ok: true, kind: 'save', options: { ...common, properties: ['createDirectory', 'showOverwriteConfirmation'] } };
  return { ok: true, kind: 'open', options: { ...common, properties: kind === 'folder' ? ['openDirectory', 'createDirectory'] : ['openFile'] } };
}

/** Validates the options and opens the dialog; resolves to the chosen path, or null when cancelled. Never throws. */
export async function pickPath(raw: unknown, dialog: PathDialog): Promise<Envelope> {
  const request = dialogOptionsFor(raw);
  if (!request.ok) return { ok: false, error: { code: 'invalid_params', message: request.message } };
  try {
    if (request.kind === 'save') {
      const chosen = await dialog.showSaveDialog(request.options);
      return { ok: true, result: chosen.canceled || !chosen.filePath ? null : chosen.filePath };
    }
    const chosen = await dialog.showOpenDialog(request.options);
    return { ok: true, result: chosen.canceled ? null : (chosen.filePaths[0] ?? null) };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}
