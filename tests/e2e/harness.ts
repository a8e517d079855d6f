// What the end-to-end tests share: a fresh `lathe serve` on a free port with its own data directory and token,
// and Debian's Chromium driven by Playwright (or the reason it cannot run here), the two together for a describe
// block (studioInChromium).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Locator, type Page, type Request } from 'playwright';
import { afterAll, beforeAll, expect } from 'vitest';
import { EVENTS_PATH } from '../../native/api/http.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'tests', 'e2e', 'screenshots');
/** The shared data kit (models, datasets, corpora), mounted beside the repository when present. */
export const SHARED_DATA = path.resolve(ROOT, '../shared/data');
export const STORIES260K = {
  checkpoint: path.join(SHARED_DATA, 'models/stories260K/stories260K.bin'),
  tokenizer: path.join(SHARED_DATA, 'models/stories260K/tok512.bin'),
};

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

const execFileAsync = promisify(execFile);

/** `lathe --data-dir <the studio's> --json ...args`, as a user would set up what a test needs; the parsed answer. A failing command throws with its output. */
export async function latheJson<T = unknown>(studio: RunningStudio, ...args: string[]): Promise<T> {
  const { stdout } = await execFileAsync(process.execPath, [path.join(ROOT, 'bin/lathe.mjs'), '--data-dir', studio.dataDir, '--json', ...args], { cwd: ROOT });
  return JSON.parse(stdout) as T;
}

/** Call a Studio API method over HTTP as the renderer does; a refusal throws with the server's message. */
export async function callApi<T>(studio: RunningStudio, method: string, params: unknown): Promise<T> {
  const response = await fetch(`${studio.origin}/api/rpc/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${studio.token}` }, body: JSON.stringify(params) });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (!response.ok) throw new Error(`${method}: ${body.error?.message ?? response.status}`);
  return body.result as T;
}

/**
 * How tall the viewport must be to show the whole page: the page scrolls inside .content, so this is everything
 * above .content (the top bar, and on a project's pages the journey strip) plus all of .content. Measured from
 * .content's top, not the top bar's height: leaving the journey strip out cut that much off the foot of a shot
 * (or, scrolled, its head).
 */
export async function fullPageHeight(page: Page): Promise<number> {
  return Math.ceil(await page.evaluate(() => document.querySelector('.content')!.scrollHeight + document.querySelector('.content')!.getBoundingClientRect().top));
}

/**
 * How long a screenshot may take: Playwright's 30 s default ran out once for a tall page on two cores shared with
 * a second full test run (finetune's pretrain-builder shot, 2026-12-05); a slow shot is not a failure of the UI.
 */
export const SHOT_TIMEOUT_MS = 120_000;

/**
 * Waits until the page has drawn what it was last told (a new size, a new scheme): a frame, then every transition or
 * animation with an end that is running by then, then one more frame. The real condition, where a fixed pause either
 * wasted time or, on a loaded machine, came too soon; a page made still (axe.ts stillPage) settles in two frames.
 */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    await frame();
    const running = document.getAnimations().filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity));
    await Promise.all(running.map((a) => a.finished.catch(() => undefined))); // one cancelled mid-way is over too
    await frame();
  });
}

/** Switches the emulated system scheme and waits until the studio follows it (its data-theme) and has drawn it. */
export async function showScheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
  await settled(page);
}

/** Screenshot the whole page as it stands: the viewport grows to the content for the shot. */
export async function shootFullPage(page: Page, file: string): Promise<void> {
  const height = await fullPageHeight(page);
  await page.setViewportSize({ width: 1440, height: Math.max(900, height) });
  await page.screenshot({ path: file, timeout: SHOT_TIMEOUT_MS });
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** shootSchemes with the content scrolled back to its top first. */
export async function shootFromTop(page: Page, name: string): Promise<void> {
  await page.evaluate(() => document.getElementById('content')?.scrollTo(0, 0));
  await shootSchemes(page, name);
}

/**
 * Light and dark shots at 1440 and 1024 px as SCREENSHOTS/<name>-<width>-<scheme>.png, each as tall as the content
 * (the page scrolls inside .content), toasts dismissed first; the page is left light at 1440×900.
 */
export async function shootAtWidths(page: Page, name: string): Promise<void> {
  await page.locator('.toast button[aria-label="Dismiss"]').evaluateAll((buttons) => buttons.forEach((b) => (b as HTMLButtonElement).click()));
  for (const width of [1440, 1024]) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height: 900 });
      await page.evaluate(() => document.getElementById('content')?.scrollTo(0, 0));
      await settled(page);
      await page.setViewportSize({ width, height: Math.max(900, await fullPageHeight(page)) });
      await settled(page);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}-${scheme}.png`), timeout: SHOT_TIMEOUT_MS });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1440, height: 900 });
}

const apiCallsByPage = new WeakMap<Page, Set<Request>>();

/**
 * The page's calls to the studio's API (RPC, uploads) not yet answered, watched from the first time this is asked
 * for the page (openWatchedPage asks at once; gotoPage before it navigates). The event stream is no call: it stays
 * open as long as the page does.
 */
function apiCallsInFlight(page: Page): Set<Request> {
  let calls = apiCallsByPage.get(page);
  if (!calls) {
    const open = new Set<Request>();
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith('/api/') && pathname !== EVENTS_PATH) open.add(request);
    });
    page.on('requestfinished', (request) => open.delete(request));
    page.on('requestfailed', (request) => open.delete(request));
    apiCallsByPage.set(page, calls = open);
  }
  return calls;
}

/**
 * Waits until the page has drawn what it loaded: `ready` (by default the page's heading) is in the document, every
 * API call the page made has its answer, and a frame later (settled) none has been asked anew, so what the answers
 * bring (rows, charts, controls, and the calls those start) is on the page. The condition networkidle stood for,
 * without its half second of quiet the studio's open event stream made it wait on every load.
 */
export async function pageDrawn(page: Page, ready: Locator = page.locator('#content h1').first()): Promise<void> {
  const calls = apiCallsInFlight(page);
  await ready.waitFor();
  do {
    await expect.poll(() => calls.size, { message: `API calls still unanswered on ${page.url()}`, interval: 20, timeout: 30_000 }).toBe(0);
    await settled(page);
  } while (calls.size > 0);
}

/** The studio's page `hash` in a fresh document, once drawn (pageDrawn; `ready` by default its heading). */
export async function gotoPage(page: Page, studio: RunningStudio, hash: string, ready?: Locator): Promise<void> {
  apiCallsInFlight(page);
  await page.goto('about:blank');
  await page.goto(`${studio.origin}/?token=${studio.token}${hash}`);
  await pageDrawn(page, ready);
}

/** The studio's page `hash` in a window `width` px wide (800 high), once drawn (pageDrawn). */
export async function openAtWidth(page: Page, studio: RunningStudio, hash: string, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 800 });
  await gotoPage(page, studio, hash);
}

/** Light and dark full-page shots as SCREENSHOTS/<name>-<scheme>.png; `prepare` runs after each scheme switch, before the page is let settle. */
export async function shootSchemes(page: Page, name: string, options: { prepare?: () => Promise<void> } = {}): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Drawn in the scheme before settled() looks for transitions: a shot taken as the studio was still switching
    // caught the current page's sidebar item half-way from light to dark (Settings, rgb(97, 97, 105)).
    await page.waitForFunction((want) => {
      const chosen = localStorage.getItem('lathe.theme');
      const drawn = document.documentElement.dataset.theme;
      return chosen === 'light' || chosen === 'dark' || drawn === undefined || drawn === want;
    }, scheme);
    await options.prepare?.();
    await settled(page);
    await shootFullPage(page, path.join(SCREENSHOTS, `${name}-${scheme}.png`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

export interface WatchedPageOptions {
  expectedErrorUrl?: RegExp;
  acceptDownloads?: boolean;
}

/**
 * A 1440×900 page that records every page error and console error (with its URL) into `errors`, so each test can
 * end with `expect(errors).toEqual([])`. `expectedErrorUrl` names requests that fail on purpose in a test.
 */
export async function openWatchedPage(browser: Browser, errors: string[], options: WatchedPageOptions = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: options.acceptDownloads ?? false });
  apiCallsInFlight(page);
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !options.expectedErrorUrl?.test(msg.location().url)) errors.push(`${msg.text()} (${msg.location().url})`);
  });
  return page;
}

/** Chromium and a watched page on it (see openWatchedPage), with SCREENSHOTS made ready for the test's shots. */
export async function openChromium(errors: string[], options: WatchedPageOptions = {}): Promise<{ browser: Browser; page: Page }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await launchChromium();
  return { browser, page: await openWatchedPage(browser, errors, options) };
}

/** Closes what a test file opened, the browser before the studio; either may never have started. */
export async function closeChromiumAndStudio(browser: Browser | undefined, studio: RunningStudio | undefined): Promise<void> {
  await browser?.close();
  await studio?.close();
}

/** What a browser test file drives: a fresh studio, Chromium, a watched page on it and the errors the page recorded. */
export interface StudioInChromium {
  studio: RunningStudio;
  browser: Browser;
  page: Page;
  /** Page and console errors (openWatchedPage); a file's last test expects it empty. */
  pageErrors: string[];
}

/**
 * For a describe block: starts a studio and Chromium with a watched page before its tests, runs `setup` once both
 * are up (what every test needs: a model imported, a permission granted), and closes both after the tests. The
 * fields are filled in by beforeAll, so read them inside tests and hooks, not while the file is collected.
 */
export function studioInChromium(options: WatchedPageOptions & { setup?(e2e: StudioInChromium): Promise<void> } = {}): StudioInChromium {
  const e2e: Partial<StudioInChromium> & { pageErrors: string[] } = { pageErrors: [] };
  beforeAll(async () => {
    e2e.studio = await startStudio();
    Object.assign(e2e, await openChromium(e2e.pageErrors, options));
    await options.setup?.(e2e as StudioInChromium);
  });
  afterAll(() => closeChromiumAndStudio(e2e.browser, e2e.studio));
  return e2e as StudioInChromium;
}

/**
 * Waits until `button` can be pressed: a form's submit stays grey until what it needs has arrived (the model list,
 * the engine's defaults, a preview), and its Ctrl+Enter does nothing until then, as the grey button would.
 */
export async function untilEnabled(button: Locator, what: string, timeout = 30_000): Promise<void> {
  await expect.poll(() => button.isEnabled(), { message: `${what} never became enabled`, timeout }).toBe(true);
}

/** Ctrl+Enter in `field` once the form's `submit` button can run (untilEnabled): pressed before, it is lost. */
export async function submitWithShortcut(field: Locator, submit: Locator, what: string, timeout?: number): Promise<void> {
  await untilEnabled(submit, what, timeout);
  await field.press('Control+Enter');
}

/** The playground's Generate button (Stop takes its place while a generation runs). */
export const generateButton = (page: Page): Locator => page.getByRole('button', { name: /^Generate/ });

/**
 * On the playground: once Generate can run (its model chosen, which the page does when the model list arrives),
 * presses Ctrl+Enter in `from` (by default wherever the focus is) and waits for the answer's end. A shortcut pressed
 * before then does nothing, as the grey button would; a failed generation is reported with its message.
 */
export async function generateInPlayground(page: Page, from?: Locator): Promise<void> {
  await untilEnabled(generateButton(page), 'the playground’s Generate');
  if (from) await from.press('Control+Enter');
  else await page.keyboard.press('Control+Enter');
  const ended = page.getByText('reached max new tokens').or(page.getByText('ended by the model')).first();
  const failed = page.locator('.playground-grid [role="alert"]').first();
  await ended.or(failed).waitFor({ timeout: 60_000 });
  if (await failed.isVisible()) throw new Error(`the generation failed: ${await failed.textContent()}`);
}
