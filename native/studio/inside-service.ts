// The studio's side of the Inside page: starts the Inside worker (inside-worker.ts) on first use, forwards each
// request and resolves it with the worker's answer. A crashed worker fails what was pending; the next request
// starts a fresh one.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { AttentionMaps } from '../api/inside.ts';
import { StudioError } from '../api/errors.ts';
import type { Model } from '../api/schemas.ts';
import { forkWorker } from '../jobs/fork-worker.ts';
import type { Store } from '../store/db.ts';
import type { FromInsideWorker, ToInsideWorker } from './inside-worker.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./inside-worker.ts', import.meta.url));

interface Pending {
  resolve(result: AttentionMaps): void;
  reject(err: Error): void;
}

export class InsideService {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<string, Pending>();
  private closed = false;

  private worker(): ChildProcess {
    if (this.closed) throw new StudioError('conflict', 'the studio is shutting down; no new requests are accepted');
    if (this.child && this.child.exitCode === null && this.child.connected) return this.child;
    const child = forkWorker(WORKER_ENTRY, ['ignore', 'inherit', 'pipe', 'ipc']);
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (t: string) => (stderr = (stderr + t).slice(-2000)));
    child.on('message', (m: FromInsideWorker) => this.onMessage(m));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      const why = `the Inside worker ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new StudioError('internal', why));
      }
    });
    this.child = child;
    return child;
  }

  private send(message: ToInsideWorker): void {
    this.worker().send(message);
  }

  attention(model: Model, prompt: string, top: number): Promise<AttentionMaps> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.send({ type: 'attention', id, modelId: model.id, modelDir: model.path, prompt, top });
      } catch (err) {
        this.pending.delete(id);
        reject(err as Error);
      }
    });
  }

  private onMessage(m: FromInsideWorker): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'attention') p.resolve(m.result);
    else p.reject(new StudioError(m.userError ? 'invalid_params' : 'internal', m.message, m.userError ? { field: 'prompt' } : undefined));
  }

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

const services = new WeakMap<Store, InsideService>();

/** The Inside service of the studio that owns `store` (the worker starts on first use). */
export function insideService(store: Store): InsideService {
  let s = services.get(store);
  if (!s) services.set(store, (s = new InsideService()));
  return s;
}
