// Binds the Studio API to ipcMain. Every call is checked three ways before the engine sees it: the sender
// must be our own window showing our own page, the method must be in the contract, and the arguments must
// pass the method's zod schema. Errors go back in an envelope as ApiError (invoke() would drop their fields).
import { dialog, ipcMain, shell, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { events as eventSchemas, type StudioClient, type StudioEvent } from '../native/api/contract.ts';
import { CHANNELS } from './channels.ts';
import { dispatchCall, type Envelope } from './dispatch.ts';
import { pickPath } from './pick-path.ts';
import { revealArtifact } from './reveal.ts';

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
  // The page chooses among three dialogs (open a file, open a folder, save a file); pick-path.ts checks its options.
  ipcMain.handle(CHANNELS.pickPath, (event, options: unknown) => (trusted(event) ? pickPath(options, {
    showOpenDialog: (o) => dialog.showOpenDialog(window, o),
    showSaveDialog: (o) => dialog.showSaveDialog(window, o),
  }) : refused));
  // The page names an artifact by id; the path is resolved and checked in this process (reveal.ts).
  ipcMain.handle(CHANNELS.revealArtifact, (event, artifactId: unknown) => (trusted(event) ? revealArtifact(studio, artifactId, shell) : refused));
  const stopEvents = studio.listen((event: StudioEvent) => {
    if (!eventSchemas[event.type]) return;
    if (!window.isDestroyed()) window.webContents.send(CHANNELS.event, event);
  });

  return {
    dispose() {
      ipcMain.removeHandler(CHANNELS.call);
      ipcMain.removeHandler(CHANNELS.pickPath);
      ipcMain.removeHandler(CHANNELS.revealArtifact);
      stopEvents();
    },
  };
}
