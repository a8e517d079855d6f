// The Electron main process: one window showing the built renderer, the engine running in this process
// (its jobs in child processes), and the IPC binding between them. Thin on purpose: no business logic here.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, nativeTheme, session } from 'electron';
import { startEngine, startupExitCode, type Engine } from './engine.ts';
import { bindStudioToIpc, type IpcBinding } from './ipc.ts';
import { installMenu } from './menu.ts';
import { enforceContentSecurityPolicy, lockDownContents } from './security.ts';
import { isAppPage } from './security-rules.ts';

// dist-electron/main.cjs → the app root holds dist/renderer, native/ and node_modules/.
const appRoot = path.resolve(__dirname, '..');
const rendererIndex = path.join(appRoot, 'dist', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
const isOurPage = (url: string) => isAppPage(url, rendererUrl);

/** --data-dir=DIR, else LATHE_DATA_DIR, else Electron's userData; an empty one is unset (never the current folder). */
function dataDirectory(): string {
  const flag = process.argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);
  return flag ? path.resolve(flag) : process.env.LATHE_DATA_DIR || app.getPath('userData');
}

let engine: Engine | null = null;
let binding: IpcBinding | null = null;
let mainWindow: BrowserWindow | null = null;

function createWindow(current: Engine): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 600,
    title: 'Lathe',
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#111114' : '#f7f7f8',
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  binding = bindStudioToIpc(current.studio, window, isOurPage);
  window.on('closed', () => {
    binding?.dispose();
    binding = null;
    mainWindow = null;
  });
  void window.loadFile(rendererIndex);
  return window;
}

async function start(): Promise<void> {
  installMenu();
  enforceContentSecurityPolicy(session.defaultSession);
  try {
    engine = await startEngine(appRoot, dataDirectory());
  } catch (err) {
    dialog.showErrorBox('Lathe could not start its engine', `${(err as Error).message}\n\nData directory: ${dataDirectory()}`);
    app.exit(startupExitCode(err)); // 2 for what the user can fix (a data directory that will not open), as the CLI
    return;
  }
  mainWindow = createWindow(engine);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, isOurPage));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow && engine) mainWindow = createWindow(engine);
  });
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !engine) return;
    // Let the engine stop its jobs and close the database before the process goes.
    event.preventDefault();
    closing = true;
    void engine.close().finally(() => app.quit());
  });
  void app.whenReady().then(start);
}
