// Run the real `lathe` command (node bin/lathe.mjs) against a temporary data directory, as a user would. Each run
// pays the CLI's start-up (about a second of CPU): a check of output, messages, exit codes or files runs the same
// commands in process instead (inProcessLathe, tests/fixtures/cli-in-process.ts); this is for checks of the process
// itself (signals, environment, start-up, exit, node flags), and for a file's single call, where loading the commands
// into the test process costs about what the spawn does.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const LATHE_BIN = path.join(ROOT, 'bin/lathe.mjs');
export const SHARED_DATA = path.resolve(ROOT, '../shared/data');
export const HAS_SHARED_DATA = fs.existsSync(path.join(SHARED_DATA, 'datasets'));
export const SKIP_SHARED_REASON = `../shared/data is absent (${SHARED_DATA}): tests that import the shared datasets are skipped`;

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `lathe-${prefix}-`));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json<T = unknown>(): T;
}

export function lathe(dataDir: string, args: string[], options: { nodeArgs?: string[]; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), LATHE_BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env, LATHE_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
  });
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    json<T>() {
      try {
        return JSON.parse(r.stdout) as T;
      } catch {
        throw new Error(`not JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
      }
    },
  };
}

/** Start `lathe serve` in the background; resolves once it printed its URL. */
export function startServe(dataDir: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ url: string; base: string; token: string; child: ReturnType<typeof spawn>; stderr(): string }> {
  const child = spawn(process.execPath, [LATHE_BIN, 'serve', '--port', '0', ...extra], { cwd: ROOT, env: { ...process.env, ...env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`lathe serve did not start:\n${out}\n${err}`)), 30_000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Lathe studio: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        const url = new URL(m[1]);
        resolve({ url: m[1], base: url.origin, token: url.searchParams.get('token')!, child, stderr: () => err });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lathe serve exited with ${code}:\n${out}\n${err}`));
    });
  });
}
