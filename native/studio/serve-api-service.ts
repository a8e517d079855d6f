// The studio's side of "serve to applications": starts the OpenAI-compatible server in its own child process
// (serve-api-worker.ts says why), knows whether it runs, where and with which key, and stops it on request or
// when the studio closes. One server per studio; a second start while one runs is refused.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../api/errors.ts';
import type { ServeApiStatus } from '../api/serve-api.ts';
import { forkWorker } from '../jobs/fork-worker.ts';
import type { Store } from '../store/db.ts';
import { exitReason, stderrTail } from './lazy-worker.ts';
import type { FromServeApiWorker, ToServeApiWorker } from './serve-api-worker.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./serve-api-worker.ts', import.meta.url));
/** How long a stopping server may take to finish its requests' cleanup before it is killed. */
const STOP_GRACE_MS = 10_000;

const STOPPED: ServeApiStatus = { state: 'stopped', url: null, apiKey: null, model: null, port: null, startedAt: null, error: null };

export class ServeApiService {
  private child: ChildProcess | null = null;
  private current: ServeApiStatus = STOPPED;
  private closed = false;

  constructor(private readonly dataDir: string) {}

  status(): ServeApiStatus {
    return this.current;
  }

  start(model: string, port: number, threads?: number): Promise<ServeApiStatus> {
    if (this.closed) throw new StudioError('conflict', 'the studio is shutting down; the API server cannot start now');
    if (this.child) {
      const where = this.current.url ? ` at ${this.current.url}` : '';
      throw new StudioError('conflict', `the API server is already ${this.current.state}${where}: stop it first to start it again with other settings`);
    }
    const child = forkWorker(WORKER_ENTRY, ['ignore', 'inherit', 'pipe', 'ipc']);
    this.child = child;
    this.current = { ...STOPPED, state: 'starting', model, port };
    const stderr = stderrTail(child);
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
      };
      child.on('message', (m: FromServeApiWorker) => {
        if (m.type === 'ready') {
          this.current = { state: 'running', url: m.url, apiKey: m.apiKey, model, port: m.port, startedAt: new Date().toISOString(), error: null };
          settle(() => resolve(this.current));
        } else if (m.type === 'failed') {
          if (this.child === child) this.child = null; // it exits by itself; a new start need not wait for that
          this.current = { ...STOPPED, state: 'failed', model, port, error: m.message };
          settle(() => reject(new StudioError(m.userError ? 'invalid_params' : 'internal', m.message, m.userError ? { field: /port/.test(m.message) ? 'port' : 'model' } : undefined)));
        }
      });
      child.on('exit', (code, signal) => {
        if (this.child === child) this.child = null;
        if (this.current.state === 'starting' || this.current.state === 'running') {
          this.current = { ...STOPPED, state: 'failed', model, port, error: exitReason('the API server', code, signal, stderr()) };
        }
        settle(() => reject(new StudioError('internal', this.current.error ?? 'the API server exited before it listened')));
      });
      child.send({ type: 'start', dataDir: this.dataDir, model, port, threads } satisfies ToServeApiWorker);
    });
  }

  async stop(): Promise<ServeApiStatus> {
    const child = this.child;
    this.current = STOPPED;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.connected) child.send({ type: 'stop' } satisfies ToServeApiWorker);
      else child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    this.child = null;
    this.current = STOPPED;
    return this.current;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }
}

const services = new WeakMap<Store, ServeApiService>();

/** The API server of the studio that owns `store` (one per studio). */
export function serveApiService(store: Store, dataDir: string): ServeApiService {
  let s = services.get(store);
  if (!s) services.set(store, (s = new ServeApiService(dataDir)));
  return s;
}
