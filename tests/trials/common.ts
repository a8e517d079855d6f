// What every fault trial shares: a seeded random source, the `lathe` command (foreground, or a job in a small
// studio host, job-host.ts) started and SIGKILLed at a chosen moment, and the checks that hold whatever was
// killed: SQLite's integrity_check, and every artifact the store lists is a whole file with its recorded hash.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE, openStore } from '../../native/store/db.ts';
import { childPids, waitGone } from '../integration/helpers/processes.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const LATHE_BIN = path.join(ROOT, 'bin/lathe.mjs');
export const SHARED_DATA = path.resolve(ROOT, '../shared/data');
const JOB_HOST = path.join(ROOT, 'tests/trials/job-host.ts');

/** A trial's kill moment replays from its printed seed. */
export { seededRandom } from '../../native/data/seeded-random.ts';

/**
 * Who is killed: `cli` the foreground `lathe` process; `worker` a job's child process (the studio host lives on
 * and records the death); `studio` the host itself (its worker sees the IPC channel close and stops).
 */
export type KillTarget = 'cli' | 'worker' | 'studio';
export const TARGETS: readonly KillTarget[] = ['cli', 'worker', 'studio'];

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run `lathe` to the end (no kill): retries, resumes, reference runs. */
export function lathe(dataDir: string, args: string[], timeoutMs = 180_000): CliResult {
  const r = spawnSync(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function latheJson<T>(dataDir: string, args: string[], timeoutMs?: number): T {
  const r = lathe(dataDir, [...args, '--json'], timeoutMs);
  if (r.code !== 0) throw new Error(`lathe ${args.join(' ')} exited ${r.code ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface KillResult {
  /** ms after the start of the work (the process's spawn; for job targets, the worker's start) when SIGKILL was sent, or null when it finished first. */
  killedAtMs: number | null;
  /** The process ended on its own before the kill moment. */
  finishedFirst: boolean;
  /** When it finished first: how long its work took (the same clock as `killedAtMs`), else null. */
  workMs: number | null;
  exitCode: number | null;
  output: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/**
 * Start `lathe args` in the foreground and SIGKILL it `atMs` after it began its work: its first line on stderr
 * (the run's id, the first progress line), so the kill moments spread over the work rather than over Node's
 * start-up, which takes most of a short command's time on a busy machine. `atMs` Infinity: no kill.
 */
export async function killCli(dataDir: string, args: string[], atMs: number): Promise<KillResult> {
  const child = spawn(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let began: () => void = () => {};
  const working = new Promise<void>((resolve) => (began = resolve));
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
    began();
  });
  const done = exited(child);
  await Promise.race([working, done]);
  const t0 = Date.now();
  let killTimer: NodeJS.Timeout | undefined;
  const killMoment = new Promise<false>((resolve) => (killTimer = setTimeout(() => resolve(false), Math.min(atMs, 2 ** 31 - 1))));
  const finishedFirst = await Promise.race([done.then(() => true as const), killMoment]);
  clearTimeout(killTimer); // a run not to be killed (atMs Infinity) would otherwise hold the harness open for 24 days
  // a training command's trainer child (bin/lathe.mjs re-executes it) lives until it notices its parent is gone: the
  // checks must see what the kill left, not a run its still-living owner rightly keeps 'running'
  const trainers = finishedFirst ? [] : childPids(child.pid!);
  if (!finishedFirst) child.kill('SIGKILL');
  await done;
  const ms = Date.now() - t0;
  await waitGone(trainers, 30_000);
  return { killedAtMs: finishedFirst ? null : ms, finishedFirst, exitCode: child.exitCode, output, workMs: finishedFirst ? ms : null };
}

/**
 * Run one job (`kind`, `params`) in a studio host process and SIGKILL the job's worker (`worker`) or the host
 * (`studio`) `atMs` after the worker started.
 */
export async function killJob(dataDir: string, kind: string, params: unknown, target: 'worker' | 'studio', atMs: number): Promise<KillResult> {
  const host = spawn(process.execPath, ['--import', 'tsx', JOB_HOST, dataDir, kind, JSON.stringify(params)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let workerPid: number | null = null;
  let workerSeen: () => void = () => {};
  const workerStarted = new Promise<void>((resolve) => (workerSeen = resolve));
  host.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
    const m = /^worker (\d+)$/m.exec(output);
    if (m && workerPid === null) {
      workerPid = Number(m[1]);
      workerSeen();
    }
  });
  host.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const done = exited(host);
  await Promise.race([workerStarted, done]);
  if (workerPid === null) return { killedAtMs: null, finishedFirst: true, exitCode: host.exitCode, output, workMs: null };
  const t0 = Date.now();
  const workerDone = new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (!pidAlive(workerPid!)) {
        clearInterval(poll);
        resolve();
      }
    }, 10);
  });
  const finishedFirst = await Promise.race([workerDone.then(() => true), sleep(atMs).then(() => false)]);
  let killedAtMs: number | null = null;
  const workMs = finishedFirst ? Date.now() - t0 : null;
  if (!finishedFirst) {
    killedAtMs = Date.now() - t0;
    if (target === 'worker') process.kill(workerPid, 'SIGKILL');
    else host.kill('SIGKILL');
  }
  await done;
  // a killed studio's worker stops on its own (IPC closed): wait for it, so the checks see what it leaves
  const until = Date.now() + 20_000;
  while (pidAlive(workerPid) && Date.now() < until) await sleep(20);
  return { killedAtMs, finishedFirst, exitCode: host.exitCode, output, workMs };
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `PRAGMA integrity_check` on lathe.db with a plain connection (no Lathe code runs: nothing is repaired first). */
export function integrityCheck(dataDir: string): string {
  const db = new Database(path.join(dataDir, DB_FILE));
  try {
    const result = db.pragma('integrity_check', { simple: true }) as string;
    const fk = db.pragma('foreign_key_check') as unknown[];
    return fk.length === 0 ? result : `${result}; ${fk.length} foreign key violations`;
  } finally {
    db.close();
  }
}

export const sha256File = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Problems with the artifacts the store lists: each must be a whole file with the recorded size and sha256. */
export function artifactProblems(dataDir: string): string[] {
  const store = openStore(dataDir);
  try {
    const problems: string[] = [];
    for (const run of store.runs.list()) {
      for (const a of store.runs.artifacts(run.id)) {
        if (!fs.existsSync(a.path)) problems.push(`run ${run.id}: artifact ${a.kind} ${a.path} is missing`);
        else if (/\.tmp-/.test(a.path)) problems.push(`run ${run.id}: artifact ${a.kind} is a temporary file ${a.path}`);
        else if (fs.statSync(a.path).size !== a.bytes || sha256File(a.path) !== a.hash) problems.push(`run ${run.id}: artifact ${a.kind} ${a.path} differs from its record`);
      }
    }
    return problems;
  } finally {
    store.close();
  }
}

/** One named check of a trial: passed, or the reason it failed. */
export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

export function check(name: string, problems: string[] | string | boolean): Check {
  if (typeof problems === 'boolean') return { name, ok: problems };
  const list = typeof problems === 'string' ? (problems === '' ? [] : [problems]) : problems;
  return list.length === 0 ? { name, ok: true } : { name, ok: false, detail: list.join('; ') };
}

export interface TrialResult {
  kind: string;
  trial: number;
  seed: number;
  target: KillTarget;
  killedAtMs: number | null;
  phase: string;
  checks: Check[];
  seconds: number;
}

/** Copy a prepared data directory (closed: no WAL pending) so every trial starts from the same store. */
export function cloneDataDir(base: string, into: string): string {
  fs.cpSync(base, into, { recursive: true });
  return into;
}
