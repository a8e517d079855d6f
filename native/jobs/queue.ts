// The job queue: each job runs in its own child process (worker-host.ts), so a crash or a runaway job never
// takes the studio down. Progress, logs and metrics go to the store and to listeners as Studio API events.
// Cancel asks the child to stop, then kills it after a grace period.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StudioEvent } from '../api/contract.ts';
import { StudioError } from '../api/errors.ts';
import { isFinishedState, type Job } from '../api/schemas.ts';
import type { Store } from '../store/db.ts';
import type { JobPatch } from '../store/jobs.ts';
import { JOB_KINDS, workerModulePath } from './kinds.ts';
import { forkWorker } from './fork-worker.ts';
import { withReusedHeap } from './reused-heap.ts';
import { Listeners } from './listeners.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./worker-host.ts', import.meta.url));
const LAST_LINES_KEPT = 20;

export interface JobQueueOptions {
  concurrency?: number;
  /** How long a cancelled job may take to stop before it is killed. */
  cancelGraceMs?: number;
}

interface RunningJob {
  child: ChildProcess;
  outcome?: JobPatch;
  stopReason?: 'cancel' | 'shutdown';
  killTimer?: NodeJS.Timeout;
  lastLines: string[];
}

export class JobQueue {
  private readonly listeners = new Listeners<StudioEvent>();
  private readonly pending: string[] = [];
  private readonly running = new Map<string, RunningJob>();
  private readonly exited = new Map<string, Promise<void>>();
  private readonly concurrency: number;
  private readonly cancelGraceMs: number;
  private closing = false;

  constructor(
    private readonly store: Store,
    private readonly dataDir: string,
    options: JobQueueOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 1;
    this.cancelGraceMs = options.cancelGraceMs ?? 5000;
  }

  listen(listener: (event: StudioEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  private emit(event: StudioEvent): void {
    this.listeners.emit(event);
  }

  private update(id: string, patch: JobPatch): Job {
    const job = this.store.jobs.update(id, patch)!;
    this.emit({ type: 'job.updated', payload: job });
    return job;
  }

  private log(id: string, level: string, line: string): void {
    const entry = this.store.jobs.appendLog(id, level, line);
    this.emit({ type: 'job.log', payload: entry });
  }

  enqueue(kind: string, params: unknown): Job {
    if (this.closing) throw new StudioError('conflict', 'the studio is shutting down; no new jobs are accepted');
    if (!JOB_KINDS[kind]) throw new StudioError('invalid_params', `unknown job kind '${kind}'`, { field: 'kind' });
    const job = this.store.jobs.create(kind, params);
    this.emit({ type: 'job.updated', payload: job });
    this.pending.push(job.id);
    this.pump();
    return this.store.jobs.get(job.id)!;
  }

  cancel(id: string): Job {
    this.store.jobs.find(id);
    const queuedAt = this.pending.indexOf(id);
    if (queuedAt >= 0) {
      this.pending.splice(queuedAt, 1);
      return this.update(id, { state: 'cancelled', message: 'cancelled before it started', etaSeconds: null });
    }
    const running = this.running.get(id);
    if (running) this.stop(id, running, 'cancel');
    return this.store.jobs.get(id)!;
  }

  /** Resolves when the job's process has exited and its final state is stored (immediately if not running). */
  whenFinished(id: string): Promise<void> {
    return this.exited.get(id) ?? Promise.resolve();
  }

  /** Stop every job (they end as 'interrupted') and wait for their processes to exit. */
  async close(): Promise<void> {
    this.closing = true;
    for (const id of this.pending.splice(0)) this.update(id, { state: 'interrupted', message: 'the studio was closed before this job started', etaSeconds: null });
    for (const [id, running] of this.running) this.stop(id, running, 'shutdown');
    await Promise.all([...this.exited.values()]);
  }

  private stop(id: string, running: RunningJob, reason: 'cancel' | 'shutdown'): void {
    if (running.stopReason) return;
    running.stopReason = reason;
    this.update(id, { message: reason === 'cancel' ? 'cancelling…' : 'stopping: the studio is closing' });
    const cancel: ToWorker = { type: 'cancel', reason };
    if (running.child.connected) running.child.send(cancel);
    running.killTimer = setTimeout(() => running.child.kill('SIGKILL'), this.cancelGraceMs);
  }

  private pump(): void {
    while (!this.closing && this.running.size < this.concurrency && this.pending.length > 0) {
      this.start(this.pending.shift()!);
    }
  }

  private start(id: string): void {
    const job = this.store.jobs.get(id)!;
    // jobs train: their process reuses freed heap memory instead of faulting in fresh pages each step
    const child = forkWorker(WORKER_ENTRY, ['ignore', 'pipe', 'pipe', 'ipc'], withReusedHeap(process.env));
    const running: RunningJob = { child, lastLines: [] };
    this.running.set(id, running);
    this.update(id, { state: 'running', progress: 0, message: 'starting', workerPid: child.pid ?? null });
    const remember = (line: string) => {
      running.lastLines.push(line);
      if (running.lastLines.length > LAST_LINES_KEPT) running.lastLines.shift();
    };
    for (const [stream, level] of [[child.stdout, 'stdout'], [child.stderr, 'stderr']] as const) {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => {
        const lines = (rest + text).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          remember(line);
          this.log(id, level, line);
        }
      });
    }
    child.on('message', (message: FromWorker) => this.onMessage(id, running, message, remember));
    child.on('error', (err) => remember(`could not run the job's process: ${err.message}`));
    this.exited.set(
      id,
      new Promise((resolve) => {
        child.on('close', (code, signal) => {
          this.finish(id, running, code, signal);
          this.exited.delete(id);
          resolve();
        });
      }),
    );
    const start: ToWorker = { type: 'start', jobId: id, kind: job.kind, module: workerModulePath(job.kind), params: job.params, dataDir: this.dataDir };
    child.send(start);
  }

  private onMessage(id: string, running: RunningJob, m: FromWorker, remember: (line: string) => void): void {
    switch (m.type) {
      case 'progress':
        if (!running.stopReason) this.update(id, { progress: m.fraction, message: m.message, etaSeconds: m.etaSeconds });
        break;
      case 'log':
        remember(m.line);
        this.log(id, m.level, m.line);
        break;
      case 'run':
        this.update(id, { runId: m.runId });
        break;
      case 'metric': // recorded by the worker (worker-env.ts): announced here
        this.emit({ type: 'run.metric', payload: { runId: m.runId, step: m.step, name: m.name, value: m.value, time: m.time } });
        break;
      case 'done': {
        running.outcome = { state: 'succeeded', progress: 1, message: 'done', etaSeconds: 0, result: m.result, error: null };
        // stored now, not once the process has exited, and acknowledged: a studio killed in between would leave a job
        // whose work is done (a model registered, a file written) to be called interrupted; the worker, unanswered,
        // records it itself
        this.update(id, running.outcome);
        const stored: ToWorker = { type: 'stored' };
        if (running.child.connected) running.child.send(stored);
        break;
      }
      case 'cancelled':
        running.outcome = { state: running.stopReason === 'shutdown' ? 'interrupted' : 'cancelled', message: 'cancelled', etaSeconds: null };
        break;
      case 'error':
        remember(m.message);
        this.log(id, 'error', m.message);
        running.outcome = {
          state: 'failed',
          message: 'failed',
          etaSeconds: null,
          error: m.message,
          result: m.details === undefined ? undefined : { error: { code: m.code ?? 'internal', details: m.details } },
        };
        break;
    }
  }

  private finish(id: string, running: RunningJob, code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(running.killTimer);
    this.running.delete(id);
    let outcome = running.outcome;
    if (!outcome && running.stopReason) {
      outcome = { state: running.stopReason === 'cancel' ? 'cancelled' : 'interrupted', message: 'stopped', etaSeconds: null };
    }
    if (!outcome) {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const tail = running.lastLines.length ? `\nLast log lines:\n${running.lastLines.join('\n')}` : '';
      outcome = { state: 'failed', message: 'the job process died', etaSeconds: null, error: `the job's process ${how} before finishing.${tail}` };
    }
    const current = this.store.jobs.get(id);
    if (current && !isFinishedState(current.state)) this.update(id, outcome);
    this.pump();
  }
}
