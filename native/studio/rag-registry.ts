// Each studio's RAG service (loaded indexes and answer generator), by the studio's store. Apart from rag.ts, the
// engine behind the service, so that closing a studio that never searched a collection does not load onnxruntime.
import type { Store } from '../store/db.ts';

interface Closable {
  close(): Promise<void>;
}

const services = new WeakMap<Store, Closable>();

/** The service of `store`, made by `create` at the first call. */
export function serviceOf<S extends Closable>(store: Store, create: () => S): S {
  let s = services.get(store) as S | undefined;
  if (!s) services.set(store, (s = create()));
  return s;
}

/** Release what the service of `store` holds, if it has one. */
export async function closeRagService(store: Store): Promise<void> {
  await services.get(store)?.close();
}
