// The studio's side of the Inside page: starts the Inside worker (inside-worker.ts) on first use, forwards each
// request and resolves it with the worker's answer. A crashed worker fails what was pending; the next request
// starts a fresh one.
import { fileURLToPath } from 'node:url';
import type { AttentionMaps } from '../api/inside.ts';
import { StudioError } from '../api/errors.ts';
import type { Model } from '../api/schemas.ts';
import type { Store } from '../store/db.ts';
import type { FromInsideWorker, ToInsideWorker } from './inside-worker.ts';
import { LazyWorker, PendingReplies } from './lazy-worker.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./inside-worker.ts', import.meta.url));

export class InsideService {
  private readonly pending = new PendingReplies<AttentionMaps>();
  private readonly worker = new LazyWorker<ToInsideWorker, FromInsideWorker>({
    entry: WORKER_ENTRY, name: 'the Inside worker', refusal: 'no new requests are accepted',
    onMessage: (m) => this.onMessage(m),
    onExit: (why) => this.pending.rejectAll(new StudioError('internal', why)),
  });

  attention(model: Model, prompt: string, top: number): Promise<AttentionMaps> {
    return this.pending.ask((id) => this.worker.send({ type: 'attention', id, modelId: model.id, modelDir: model.path, prompt, top }));
  }

  private onMessage(m: FromInsideWorker): void {
    if (m.type === 'attention') this.pending.resolve(m.id, m.result);
    else this.pending.reject(m.id, new StudioError(m.userError ? 'invalid_params' : 'internal', m.message, m.userError ? { field: 'prompt' } : undefined));
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

const services = new WeakMap<Store, InsideService>();

/** The Inside service of the studio that owns `store` (the worker starts on first use). */
export function insideService(store: Store): InsideService {
  let s = services.get(store);
  if (!s) services.set(store, (s = new InsideService()));
  return s;
}
