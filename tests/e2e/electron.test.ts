// The Electron shell. Its bundle is built and checked everywhere; the app itself is launched only where the
// Electron binary is installed (it is an optional dependency and cannot be downloaded on every machine).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreloadBridge } from '../../electron/channels.ts';
import type { LatheBridge } from '../../renderer/src/api/bridge.ts';
import { ROOT } from './harness.ts';
import { findElectron } from '../../bin/electron-status.mjs';

// Compile-time: the preload exposes exactly the functions the renderer expects on window.lathe.
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
const bridgesAgree: SameKeys<PreloadBridge, LatheBridge> = true;

describe('Electron bundle', () => {
  it('builds main and a preload that requires nothing but electron', () => {
    expect(bridgesAgree).toBe(true);
    const build = spawnSync(process.execPath, ['electron/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const preload = readFileSync(path.join(ROOT, 'dist-electron', 'preload.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron'])); // a sandboxed preload can load nothing else
    const main = readFileSync(path.join(ROOT, 'dist-electron', 'main.cjs'), 'utf8');
    for (const setting of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false']) expect(main).toContain(setting);
    expect(main).toContain('setWindowOpenHandler');
    expect(main).toContain('will-navigate');
  });
});

const electron = findElectron();
const rendererBuilt = existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html'));
const skipReason = electron.reason ?? (rendererBuilt ? null : 'dist/renderer is not built: run `npx vite build` first');
if (skipReason) console.log(`Electron app test skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('Electron app', () => {
  let app: ElectronApplication;
  let appWindow: Page;
  let dataDir: string;

  beforeAll(async () => {
    spawnSync(process.execPath, ['electron/build.mjs'], { cwd: ROOT });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'lathe-electron-'));
    app = await _electron.launch({ executablePath: electron.binary!, args: [ROOT, `--data-dir=${dataDir}`], cwd: ROOT });
    appWindow = await app.firstWindow();
    await appWindow.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens the studio with a locked-down page', async () => {
    expect(await appWindow.title()).toBe('Lathe');
    await appWindow.getByRole('navigation', { name: 'Main' }).waitFor();
    const exposed = await appWindow.evaluate(() => ({
      bridge: Object.keys(window.lathe ?? {}).sort(),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      popup: window.open('https://example.com') === null,
    }));
    expect(exposed).toEqual({ bridge: ['call', 'listen', 'pickPath', 'revealArtifact'], require: 'undefined', process: 'undefined', popup: true });
  });

  it('answers Studio API calls over IPC and refuses what the contract does not allow', async () => {
    const info = await appWindow.evaluate(() => window.lathe!.call('system.info', {}));
    expect(info).toMatchObject({ ok: true, result: { mode: 'electron', dataDir } });
    expect(await appWindow.evaluate(() => window.lathe!.call('no.such.method', {}))).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await appWindow.evaluate(() => window.lathe!.call('projects.create', { name: '' }))).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });
});
