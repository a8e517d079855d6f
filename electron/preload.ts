// The only bridge between the page and Electron: four functions on window.lathe, each bound to one fixed
// channel. The page never sees ipcRenderer itself, so it cannot send on any other channel.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, type PreloadBridge } from './channels.ts';

const bridge: PreloadBridge = {
  call: (method, params) => ipcRenderer.invoke(CHANNELS.call, method, params),
  listen(listener) {
    const relay = (_event: IpcRendererEvent, payload: { type: string; payload: unknown }) => listener(payload);
    ipcRenderer.on(CHANNELS.event, relay);
    return () => {
      ipcRenderer.removeListener(CHANNELS.event, relay);
    };
  },
  pickPath: (options) => ipcRenderer.invoke(CHANNELS.pickPath, options),
  revealArtifact: (artifactId) => ipcRenderer.invoke(CHANNELS.revealArtifact, artifactId),
};

contextBridge.exposeInMainWorld('lathe', bridge);
