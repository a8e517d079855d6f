// The Studio service: the one implementation of the Studio API, shared by `lathe serve`, Electron's IPC,
// the CLI and tests. It validates every call's params with the contract's zod schema, runs the handler,
// checks the result against the contract, and turns failures into ApiErrors. Events come from the job queue.
import path from 'node:path';
import { z } from 'zod';
import { isMethodName, methods, type ApiError, type MethodName, type Params, type Result, type StudioEvent } from '../api/contract.ts';
import { StudioError } from '../api/errors.ts';
import { issueWords } from '../api/issue-words.ts';
import { sweepIncompleteImports } from '../data/files.ts';
import { sweepAbandonedTemporaries } from '../models/atomic.ts';
import { sweepDeadImports } from '../models/import-temp.ts';
import { removedFoldersNote, sweepOrphanModelFolders, type RemovedFolder } from '../models/orphan-folders.ts';
import { JobQueue, type JobQueueOptions } from '../jobs/queue.ts';
import { openStore, type Store } from '../store/db.ts';
import { generationService } from './generate-service.ts';
import type { HandlerContext, StudioMode } from './context.ts';
import { handlers } from './handlers.ts';
import { insideService } from './inside-service.ts';
import { closeRagService } from './rag-registry.ts';
import { serveApiService } from './serve-api-service.ts';

export interface StudioOptions {
  dataDir: string;
  mode: StudioMode;
  /**
   * Whether this process is the studio that owns the data directory's jobs (the app or `lathe serve`): then
   * jobs orphaned by a previous crash are marked interrupted, and half-written imports (datasets, and the model
   * folders that imports, merges and quantisations build under models/), model folders with no row (a crash
   * mid-import or mid-delete: models/orphan-folders.ts) and the temporaries of killed writers in run folders
   * (checkpoints, adapters, predictions) removed at open.
   * The CLI passes false: it shares the directory with a running studio and must not touch its jobs or files; it
   * still ends the jobs of a studio that is gone, as every store open ends the runs of a dead foreground command,
   * so that it does not list them 'running'.
   */
  recover?: boolean;
  jobs?: JobQueueOptions;
}

function describeIssues(error: z.ZodError): { message: string; details: Record<string, unknown> } {
  const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: issueWords(i) }));
  const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return { message, details: { field: issues[0]?.path || undefined, issues } };
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof StudioError) return err.toApiError();
  if (err instanceof z.ZodError) {
    const { message, details } = describeIssues(err);
    return { code: 'invalid_params', message, details };
  }
  return { code: 'internal', message: `internal error: ${(err as Error)?.message ?? String(err)}` };
}

export class Studio {
  readonly store: Store;
  readonly queue: JobQueue;
  private readonly ctx: HandlerContext;
  /** The model folders with no row (a crash mid-import or mid-delete) removed at open. */
  readonly removedModelFolders: RemovedFolder[] = [];
  /** What opening recovered, in lines for the opener's log (`lathe serve` on stderr, the app's console). */
  readonly openNotes: string[] = [];

  constructor(readonly options: StudioOptions) {
    this.store = openStore(options.dataDir);
    if (options.recover ?? true) {
      this.store.jobs.markInterrupted();
      sweepIncompleteImports(options.dataDir, this.store.datasets.ids());
      sweepDeadImports(options.dataDir);
      this.removedModelFolders = sweepOrphanModelFolders(options.dataDir, this.store.models);
      const removed = removedFoldersNote(this.removedModelFolders);
      if (removed) this.openNotes.push(removed);
      sweepAbandonedTemporaries(path.join(options.dataDir, 'runs'), 4);
    } else {
      this.store.jobs.markInterrupted({ ownPid: false });
    }
    this.queue = new JobQueue(this.store, options.dataDir, options.jobs);
    this.ctx = { store: this.store, queue: this.queue, dataDir: options.dataDir, mode: options.mode };
  }

  /** Call a method; throws StudioError (with code, user-facing message and details) on failure. */
  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const outcome = await this.dispatch(method, params);
    if ('error' in outcome) throw StudioError.fromApiError(outcome.error);
    return outcome.result as Result<M>;
  }

  /** For transports: any method name and raw params in, `{ result }` or `{ error }` out; never throws. */
  async dispatch(method: string, params: unknown): Promise<{ result: unknown } | { error: ApiError }> {
    if (!isMethodName(method)) return { error: { code: 'unknown_method', message: `unknown method '${method}'` } };
    const spec = methods[method];
    const parsed = spec.params.safeParse(params ?? {});
    if (!parsed.success) {
      const { message, details } = describeIssues(parsed.error);
      return { error: { code: 'invalid_params', message: `${method}: ${message}`, details } };
    }
    try {
      const handler = handlers[method] as (p: unknown, raw: unknown, ctx: HandlerContext) => unknown;
      const result = await handler(parsed.data, params, this.ctx);
      return { result: spec.result.parse(result) };
    } catch (err) {
      return { error: toApiError(err) };
    }
  }

  listen(listener: (event: StudioEvent) => void): () => void {
    const stops = [this.queue.listen(listener), generationService(this.store, this.options.dataDir).listen(listener)];
    return () => stops.forEach((stop) => stop());
  }

  /** Stop running jobs (they end as 'interrupted') and the API server, and close the database. */
  async close(): Promise<void> {
    await Promise.all([this.queue.close(), generationService(this.store, this.options.dataDir).close(), insideService(this.store).close(),
      serveApiService(this.store, this.options.dataDir).close(), closeRagService(this.store)]);
    this.store.close();
  }
}
