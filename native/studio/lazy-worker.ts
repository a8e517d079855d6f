// A studio service's long-lived child process (the generation and Inside workers): started on first use, told
// why it died (its exit code or signal and the last lines it wrote to stderr), started afresh by the next send
// after a crash, and stopped when the studio closes. PendingReplies pairs each request with the answer the
// worker sends back under the same id; stderrTail and exitReason also word the API server's end (serve-api-service.ts).
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { StudioError } from '../api/errors.ts';
import { forkWorker } from '../jobs/fork-worker.ts';

export interface LazyWorkerOptions<From> {
  /** The worker module's absolute path. */
  entry: string;
  /** How an exit is told: `${name} exited with code 1: …`. */
  name: string;
  /** What a send after close() is refused with, after "the studio is shutting down; ". */
  refusal: string;
  onMessage(message: From): void;
  /** The worker is gone (crashed or stopped); `why` says how, for what was in flight. */
  onExit(why: string): void;
}

export class LazyWorker<To extends object, From> {
  private child: ChildProcess | null = null;
  private closed = false;

  constructor(private readonly options: LazyWorkerOptions<From>) {}

  /** Whether a worker is up to receive a message (a send would not start one). */
  get connected(): boolean {
    return this.child?.connected ?? false;
  }

  send(message: To): void {
    this.worker().send(message);
  }

  private worker(): ChildProcess {
    const { entry, name, refusal, onMessage, onExit } = this.options;
    if (this.closed) throw new StudioError('conflict', `the studio is shutting down; ${refusal}`);
    if (this.child && this.child.exitCode === null && this.child.connected) return this.child;
    const child = forkWorker(entry, ['ignore', 'inherit', 'pipe', 'ipc']);
    const stderr = stderrTail(child);
    child.on('message', (m: From) => onMessage(m));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      onExit(exitReason(name, code, signal, stderr()));
    });
    this.child = child;
    return child;
  }

  /** Refuse new sends, ask the worker to stop, and kill it if it has not within 3 s. */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** The last 2000 characters `child` wrote to its stderr (a pipe), whenever asked. */
export function stderrTail(child: ChildProcess): () => string {
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (t: string) => (stderr = (stderr + t).slice(-2000)));
  return () => stderr;
}

/** How a worker ended, for the user: "the X exited with code 1: <its last three lines of stderr>". */
export function exitReason(name: string, code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const lastLines = stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : '';
  return `${name} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${lastLines}`;
}

/** Requests awaiting the worker's answer, by id. */
export class PendingReplies<T> {
  private readonly pending = new Map<string, { resolve(result: T): void; reject(err: Error): void }>();

  /** A new id, handed to `send`; the promise settles with the answer under that id (or send's own error). */
  ask(send: (id: string) => void): Promise<T> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        send(id);
      } catch (err) {
        this.pending.delete(id);
        reject(err as Error);
      }
    });
  }

  /** Settle the request `id` with the answer; false when none waits under that id. */
  resolve(id: string, result: T): boolean {
    return this.settle(id, (p) => p.resolve(result));
  }

  reject(id: string, err: Error): boolean {
    return this.settle(id, (p) => p.reject(err));
  }

  /** Fail every request still waiting (the worker died). */
  rejectAll(err: Error): void {
    for (const id of [...this.pending.keys()]) this.reject(id, err);
  }

  private settle(id: string, fn: (p: { resolve(result: T): void; reject(err: Error): void }) => void): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    fn(p);
    return true;
  }
}
