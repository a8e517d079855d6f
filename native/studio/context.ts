// What every Studio API handler receives, and the shape of a group of handlers. It lives apart from
// handlers.ts, which gathers the groups (eval.ts, train.ts, models.ts, generate.ts): a group that imported
// its context from there would import the file that imports it.
import type { z } from 'zod';
import type { methods, MethodName, Result } from '../api/contract.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { Store } from '../store/db.ts';

export type StudioMode = Result<'system.info'>['mode'];

export interface HandlerContext {
  store: Store;
  queue: JobQueue;
  dataDir: string;
  mode: StudioMode;
}

type ParsedParams<M extends MethodName> = z.output<(typeof methods)[M]['params']>;

/** One method's handler: the params as the schema parsed them, the params as sent (raw), and the context. */
export type Handler<M extends MethodName> = (params: ParsedParams<M>, raw: unknown, ctx: HandlerContext) => Result<M> | Promise<Result<M>>;

/** The handlers of the methods in `Group` (a method map from native/api); a missing or misspelt one is a compile error. */
export type HandlersFor<Group> = { [M in keyof Group & MethodName]: Handler<M> };
