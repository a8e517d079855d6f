// Messages between the job queue (parent) and a job's child process, over the fork IPC channel.
import type { ErrorLocation } from '../api/errors.ts';

/** Parent → child. */
export type ToWorker =
  | { type: 'start'; jobId: string; kind: string; module: string; params: unknown; dataDir: string }
  /** 'shutdown': the studio is closing, so the job ends interrupted rather than cancelled. */
  | { type: 'cancel'; reason: 'cancel' | 'shutdown' }
  /** The job's 'done' is in the store: until it comes, the worker records its success itself should the studio die. */
  | { type: 'stored' };

/** Child → parent. */
export type FromWorker =
  | { type: 'progress'; fraction: number; message: string; etaSeconds: number | null }
  | { type: 'log'; level: string; line: string }
  /** A metric the worker has already recorded in the store: the parent only announces it ('run.metric'). */
  | { type: 'metric'; runId: string; step: number; name: string; value: number; time: string }
  | { type: 'run'; runId: string }
  | { type: 'done'; result: unknown }
  | { type: 'cancelled' }
  | { type: 'error'; message: string; code?: string; details?: ErrorLocation | Record<string, unknown> };

/** What a job's worker module receives; it reports through these and stops when `signal` aborts. */
export interface WorkerContext {
  jobId: string;
  dataDir: string;
  signal: AbortSignal;
  progress(fraction: number, message: string, etaSeconds?: number | null): void;
  log(level: 'info' | 'warn' | 'error', line: string): void;
  /** Attach the job to a run (training, evaluation) so its metrics land there. */
  setRun(runId: string): void;
  /**
   * Announce a metric the worker recorded in the store itself (withJobEnv does both): recorded by the worker, a
   * metric outlives a studio that dies mid-job, so a run never says it finished (or checkpointed) without it.
   */
  metric(runId: string, step: number, name: string, value: number, time: string): void;
}

/** A worker module (see kinds.ts) exports `run`. Its result is stored as the job's result. */
export type WorkerRun = (params: unknown, ctx: WorkerContext) => Promise<unknown>;
