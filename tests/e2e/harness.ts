// What the end-to-end tests share: a fresh `lathe serve` on a free port with its own data directory and token,
// and Debian's Chromium driven by Playwright (or the reason it cannot run here).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'tests', 'e2e', 'screenshots');

/** Why the browser tests cannot run on this machine, or null when they can. */
export function browserSkipReason(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is absent (install Debian's chromium package; \`npx playwright install\` is not used)`;
  if (!existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html'))) return 'dist/renderer is not built: run `npx vite build` first';
  return null;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface RunningStudio {
  /** Origin of the server, e.g. http://127.0.0.1:43123 */
  origin: string;
  token: string;
  dataDir: string;
  output(): string;
  close(): Promise<void>;
}

/** Starts `node bin/lathe.mjs serve --port 0` and waits for the URL it prints. */
export async function startStudio(): Promise<RunningStudio> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-'));
  const token = randomBytes(16).toString('hex');
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin', 'lathe.mjs'), 'serve', '--host', '127.0.0.1', '--port', '0', '--token', token, '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LATHE_DATA_DIR: dataDir },
  });
  let output = '';
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lathe serve printed no URL within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /https?:\/\/[^\s/]+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lathe serve exited (code ${code}) before printing its URL:\n${output}`));
    });
  });
  return {
    origin,
    token,
    dataDir,
    output: () => output,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
