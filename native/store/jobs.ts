// The jobs table and job logs. A job row records which process owns it (owner_pid: the studio that queued it)
// so that a studio starting up can tell jobs orphaned by a crash from jobs another live studio is running.
import type Database from 'better-sqlite3';
import { FINISHED_STATES, Job, JobLogLine, isFinishedState, type JobState } from '../api/schemas.ts';
import type { z } from 'zod';
import { foundById, type Lookup } from './find.ts';
import { newId, nowIso } from './ids.ts';
import { isPidAlive } from './process-owner.ts';
import { isTrainingKind } from '../api/run-kinds.ts';
import type { RunTable } from './runs.ts';

type JobStateName = z.infer<typeof JobState>;

interface JobRow {
  id: string;
  kind: string;
  state: string;
  progress: number;
  message: string;
  eta_seconds: number | null;
  params_json: string;
  result_json: string | null;
  error: string | null;
  run_id: string | null;
  owner_pid: number | null;
  worker_pid: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

function toJob(row: JobRow): Job {
  return Job.parse({
    id: row.id,
    kind: row.kind,
    state: row.state,
    progress: row.progress,
    message: row.message,
    etaSeconds: row.eta_seconds,
    params: JSON.parse(row.params_json),
    result: row.result_json === null ? null : JSON.parse(row.result_json),
    error: row.error,
    runId: row.run_id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  });
}

export interface JobPatch {
  state?: JobStateName;
  progress?: number;
  message?: string;
  etaSeconds?: number | null;
  result?: unknown;
  error?: string | null;
  runId?: string | null;
  workerPid?: number | null;
}

/** The run a job drives ends with the job when the job did not succeed; a succeeded job's run says how it ended itself. */
function runStatusFor(state: JobStateName): (typeof FINISHED_STATES)[number] | null {
  return state === 'failed' || state === 'cancelled' || state === 'interrupted' ? state : null;
}

const JOB: Lookup = { noun: 'job', idPrefix: 'job', advice: "the Runs page or 'lathe jobs list' shows the ids" };

export class JobTable {
  constructor(
    private readonly db: Database.Database,
    private readonly runs: RunTable,
  ) {}

  create(kind: string, params: unknown, ownerPid = process.pid): Job {
    const id = newId('job');
    this.db
      .prepare(`INSERT INTO jobs (id, kind, state, params_json, owner_pid, created_at) VALUES (?, ?, 'queued', ?, ?, ?)`)
      .run(id, kind, JSON.stringify(params ?? null), ownerPid, nowIso());
    return this.get(id)!;
  }

  get(id: string): Job | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && toJob(row);
  }

  /** The job with this id, or a not_found error for `field`. */
  find(id: string, field = 'id'): Job {
    return foundById(this.get(id), id, JOB, field);
  }

  /** Newest first. */
  /** The newest jobs, or the newest that drove the run `runId` (a resumed run has one job per attempt). */
  list(limit = 50, runId?: string): Job[] {
    const rows = runId === undefined
      ? this.db.prepare('SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit)
      : this.db.prepare('SELECT * FROM jobs WHERE run_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?').all(runId, limit);
    return (rows as JobRow[]).map(toJob);
  }

  /** The jobs still queued or running, oldest first. */
  open(): Job[] {
    return (this.db.prepare("SELECT * FROM jobs WHERE state IN ('queued', 'running') ORDER BY created_at, rowid").all() as JobRow[]).map(toJob);
  }

  /**
   * Apply a patch; entering 'running' stamps started_at, entering a finished state stamps finished_at, and a job
   * that fails, is cancelled or interrupted ends its run (if still open) the same way, in the same transaction.
   */
  update(id: string, patch: JobPatch): Job | undefined {
    return this.db.transaction(() => this.applyPatch(id, patch)).immediate();
  }

  private applyPatch(id: string, patch: JobPatch): Job | undefined {
    const sets: string[] = [];
    const args: unknown[] = [];
    const set = (column: string, value: unknown) => {
      sets.push(`${column} = ?`);
      args.push(value);
    };
    if (patch.state !== undefined) {
      set('state', patch.state);
      if (patch.state === 'running') sets.push(`started_at = COALESCE(started_at, '${nowIso()}')`);
      if (isFinishedState(patch.state)) set('finished_at', nowIso());
    }
    if (patch.progress !== undefined) set('progress', Math.min(1, Math.max(0, patch.progress)));
    if (patch.message !== undefined) set('message', patch.message);
    if (patch.etaSeconds !== undefined) set('eta_seconds', patch.etaSeconds);
    if (patch.result !== undefined) set('result_json', JSON.stringify(patch.result));
    if (patch.error !== undefined) set('error', patch.error);
    if (patch.runId !== undefined) set('run_id', patch.runId);
    if (patch.workerPid !== undefined) set('worker_pid', patch.workerPid);
    if (sets.length > 0) this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    const job = this.get(id);
    const runStatus = job && patch.state !== undefined ? runStatusFor(patch.state) : null;
    if (job?.runId && runStatus) this.runs.endIfOpen(job.runId, runStatus, job.finishedAt ?? nowIso(), job.error);
    return job;
  }

  /**
   * Record as succeeded a job whose process finished its work after the studio that ran it died, unless the job has
   * ended otherwise than 'interrupted' (what a studio opened meanwhile concludes of a job whose owner is gone).
   * Returns whether the job changed.
   */
  recordOrphanedSuccess(id: string, result: unknown): boolean {
    return this.db
      .prepare(
        `UPDATE jobs SET state = 'succeeded', progress = 1, message = 'done', eta_seconds = 0, result_json = ?, error = NULL, finished_at = ?
         WHERE id = ? AND state IN ('queued', 'running', 'interrupted')`,
      )
      .run(JSON.stringify(result), nowIso(), id).changes > 0;
  }

  appendLog(jobId: string, level: string, line: string, time = nowIso()): JobLogLine & { jobId: string } {
    this.db.prepare('INSERT INTO job_logs (job_id, time, level, line) VALUES (?, ?, ?, ?)').run(jobId, time, level, line);
    return { jobId, time, level, line };
  }

  /** The last `tail` log lines, oldest first. */
  logs(jobId: string, tail = 200): JobLogLine[] {
    const rows = this.db
      .prepare('SELECT time, level, line FROM (SELECT id, time, level, line FROM job_logs WHERE job_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id')
      .all(jobId, tail) as JobLogLine[];
    return rows.map((r) => JobLogLine.parse(r));
  }

  /**
   * Mark queued/running jobs whose owning studio process is gone as 'interrupted' (it crashed or was killed).
   * Jobs owned by a live process (another studio sharing the data directory) are left alone. The runs they drove
   * end as 'interrupted' too (resume still accepts them). A studio starting up also counts the jobs recorded under
   * its own pid as orphans (a dead studio's, the pid reused); `ownPid: false` leaves them to their process.
   */
  markInterrupted(options: { ownPid?: boolean } = {}): Job[] {
    const open = this.db.prepare(`SELECT * FROM jobs WHERE state IN ('queued', 'running')`).all() as JobRow[];
    const mine = (r: JobRow) => r.owner_pid === process.pid;
    const orphans = open.filter((r) => r.owner_pid === null || (mine(r) ? options.ownPid ?? true : !isPidAlive(r.owner_pid!)));
    const mark = this.db.prepare(
      `UPDATE jobs SET state = 'interrupted', finished_at = ?, eta_seconds = NULL, error = COALESCE(error, ?) WHERE id = ?`,
    );
    // A training job's run resumes from its last checkpoint; any other job starts over.
    const advice = (r: JobRow) => (r.run_id && isTrainingKind(r.kind) ? 'resume its run to continue from the last checkpoint' : 'run it again');
    this.db
      .transaction(() => {
        for (const r of orphans) {
          const time = nowIso();
          mark.run(time, `the studio stopped while this job was ${r.state}; ${advice(r)}`, r.id);
          if (r.run_id) this.runs.endIfOpen(r.run_id, 'interrupted', time);
        }
      })
      .immediate();
    return orphans.map((r) => this.get(r.id)!);
  }
}
