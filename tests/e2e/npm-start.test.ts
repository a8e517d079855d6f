// `npm start` without the Electron binary: it says why once, serves the studio, and a SIGTERM to npm (what a process
// manager or a closing terminal sends) stops every process it started, a running job's worker included.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findElectron } from '../../bin/electron-status.mjs';
import { callApi, ROOT, type RunningStudio } from './harness.ts';

/** Every live process's parent, read from /proc. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]); // fields after "(comm)": state, ppid
      map.set(Number(name), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  return map;
}

function descendants(root: number): number[] {
  const map = parents();
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const [child, parent] of map) if (parent === pid) { found.push(child); visit(child); }
  };
  visit(root);
  return found;
}

/** Whether `pid` is a job's worker process (native/jobs/worker-host.ts). */
function isJobWorker(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('worker-host');
  } catch {
    return false;
  }
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

const skipReason = process.platform !== 'linux' ? 'reads the process tree from /proc (Linux only)'
  : findElectron().binary ? 'the Electron binary is installed, so `npm start` opens the desktop app instead' : null;
if (skipReason) console.log(`npm start test skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('npm start without Electron', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lathe-npm-start-'));
  let started: number[] = [];
  afterAll(() => {
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the studio, and a SIGTERM to npm stops it and its running job', async () => {
    const token = randomBytes(12).toString('hex');
    const env = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith('ELECTRON_') || name.startsWith('npm_')) delete env[name];
    const npm = spawn('npm', ['start', '--', '--data-dir', dataDir, '--port', '0', '--token', token], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    npm.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no URL within 120 s:\n${output}`)), 120_000);
      npm.stdout.on('data', () => {
        const match = /Lathe studio: (https?:\/\/[^\s/]+)/.exec(output);
        if (match) { clearTimeout(timer); resolve(match[1]); }
      });
    });
    expect(output.match(/npm run electron:install/g)).toHaveLength(1); // said once, with the one piece of advice

    // A long pretraining job, so a worker process is running when npm is told to stop.
    const corpus = path.join(dataDir, 'corpus.txt');
    writeFileSync(corpus, 'the quick brown fox jumps over the lazy dog. '.repeat(4000));
    const studio = { origin, token } as RunningStudio;
    await callApi(studio, 'train.pretrain', { corpus, layers: 1, heads: 2, dModel: 16, context: 16, vocab: 300, steps: 1_000_000 });
    const deadline = Date.now() + 60_000;
    while (!descendants(npm.pid!).some(isJobWorker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    started = descendants(npm.pid!);
    // sh, bin/start.mjs, lathe serve and the job worker at least (tsx may add its esbuild service)
    expect(started.filter(isJobWorker), `no job worker under npm:\n${output}`).toHaveLength(1);
    expect(started.length).toBeGreaterThanOrEqual(4);

    npm.kill('SIGTERM');
    const stopBy = Date.now() + 30_000;
    while (started.some(alive) && Date.now() < stopBy) await new Promise((r) => setTimeout(r, 200));
    expect(started.filter(alive), `still running after SIGTERM to npm:\n${output}`).toEqual([]);
  });
});
