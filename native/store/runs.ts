// Runs (one training, evaluation, generation or export), their metric series and the files they produced.
import type Database from 'better-sqlite3';
import { Artifact, FINISHED_STATES, Run, RunMetric, RunSummary, isFinishedState } from '../api/schemas.ts';
import { downsampleMinMax } from '../api/downsample.ts';
import { foundById, type Lookup } from './find.ts';
import { newId, nowIso } from './ids.ts';
import { isOwnerAlive, type ProcessOwner } from './process-owner.ts';

interface RunRow {
  id: string;
  project_id: string | null;
  kind: string;
  name: string;
  status: string;
  config_json: string;
  parent_run_id: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  owner_pid: number | null;
  owner_started: string | null;
  tags_json: string;
  note: string;
  active_ms: number | null;
  error: string | null;
}

interface MetricRow { run_id: string; step: number; name: string; value: number; time: string }

/** Rows ordered by name split into one array per name. */
function seriesOf(rows: readonly MetricRow[]): MetricRow[][] {
  const out: MetricRow[][] = [];
  for (const row of rows) {
    const last = out.at(-1);
    if (last && last[0].name === row.name) last.push(row);
    else out.push([row]);
  }
  return out;
}

interface ArtifactRow {
  id: string;
  run_id: string;
  kind: string;
  path: string;
  bytes: number;
  hash: string;
  created_at: string;
}

/**
 * active_ms once a run leaves 'running' for the status and time bound to the two `?`: the stretch since running_since
 * added — unless the status is 'interrupted', set when a dead process is found, perhaps hours after it died, so the
 * stretch's length, and the total, are unknown (NULL). SET reads the row as it was before the UPDATE.
 */
const ACTIVE_AFTER_STOP = `CASE WHEN ? = 'interrupted' THEN NULL
  WHEN status = 'running' AND running_since IS NOT NULL AND active_ms IS NOT NULL
    THEN active_ms + MAX(0, CAST(ROUND((julianday(?) - julianday(running_since)) * 86400000) AS INTEGER))
  ELSE active_ms END`;
/** Ends the current stretch of running (binds: the status, then the time). */
const CLOSE_STRETCH = `active_ms = ${ACTIVE_AFTER_STOP}, running_since = NULL`;

function toSummary(row: Omit<RunRow, 'config_json'>): RunSummary {
  return RunSummary.parse({
    id: row.id,
    projectId: row.project_id,
    kind: row.kind,
    name: row.name,
    status: row.status,
    parentRunId: row.parent_run_id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    activeSeconds: row.active_ms === null ? null : row.active_ms / 1000,
    tags: JSON.parse(row.tags_json),
    note: row.note,
    error: row.error,
  });
}

/** An error as a run keeps it: its message ('' or no message: what it is, as text). */
export function failureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return message.trim() !== '' ? message : String(error);
}

function toRun(row: RunRow): Run {
  return { ...toSummary(row), config: JSON.parse(row.config_json) };
}

function toArtifact(row: ArtifactRow): Artifact {
  return Artifact.parse({ id: row.id, runId: row.run_id, kind: row.kind, path: row.path, bytes: row.bytes, hash: row.hash, createdAt: row.created_at });
}

export interface RunInput {
  kind: string;
  name: string;
  projectId?: string | null;
  config?: unknown;
  parentRunId?: string | null;
  status?: string;
  /**
   * The process that will work on the run outside the job queue (the CLI in the foreground, the studio generating
   * in the playground), recorded from the start: should that process die before its first status write, the orphan
   * check still ends the run.
   */
  owner?: ProcessOwner | null;
}

/** Which runs list() and summaries() return: a project's (null: those of none), a kind, those with a tag. */
export interface RunFilter { projectId?: string | null; kind?: string; tag?: string }

const SUMMARY_COLUMNS = 'id, project_id, kind, name, status, parent_run_id, created_at, started_at, finished_at, active_ms, tags_json, note, error';

const OPEN = `status NOT IN (${FINISHED_STATES.map((s) => `'${s}'`).join(', ')})`;

// Runs are found by id only: names repeat ('finetune s260k') and a list of every run would drown the message.
const RUN: Lookup = { noun: 'run', idPrefix: 'run', advice: "the Runs page or 'lathe runs list' shows the ids" };

export class RunTable {
  /** Opening the store ends the runs whose owning process died (see interruptOrphaned). */
  constructor(private readonly db: Database.Database) {
    this.interruptOrphaned();
  }

  create(input: RunInput): Run {
    const run: Run = {
      id: newId('run'),
      projectId: input.projectId ?? null,
      kind: input.kind,
      name: input.name,
      status: input.status ?? 'created',
      config: input.config ?? {},
      parentRunId: input.parentRunId ?? null,
      createdAt: nowIso(),
      startedAt: null,
      finishedAt: null,
      tags: [],
      note: '',
      error: null,
    };
    this.db
      .prepare(
        `INSERT INTO runs (id, project_id, kind, name, status, config_json, parent_run_id, created_at, owner_pid, owner_started)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(run.id, run.projectId, run.kind, run.name, run.status, JSON.stringify(run.config), run.parentRunId, run.createdAt, input.owner?.pid ?? null, input.owner?.started ?? null);
    return run;
  }

  get(id: string): Run | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  /** The run with this id, or a not_found error for `field`. */
  find(id: string, field = 'runId'): Run {
    return foundById(this.get(id), id, RUN, field);
  }

  list(filter: RunFilter = {}): Run[] {
    return (this.select('*', filter) as RunRow[]).map(toRun);
  }

  /** The runs list() returns, without their configs (read, parsed and sent for nothing by lists of many runs). */
  summaries(filter: RunFilter = {}): RunSummary[] {
    return (this.select(SUMMARY_COLUMNS, filter) as Omit<RunRow, 'config_json'>[]).map(toSummary);
  }

  /**
   * The runs that read dataset `datasetId`, oldest first: a trainer records it as config.datasetId, an evaluation
   * as config.dataset.id, and the dataset its few-shot examples came from as config.template.shotsFrom.id.
   */
  usingDataset(datasetId: string): RunSummary[] {
    const rows = this.db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM runs WHERE json_valid(config_json) AND ? IN (
         json_extract(config_json, '$.datasetId'), json_extract(config_json, '$.dataset.id'), json_extract(config_json, '$.template.shotsFrom.id'))
       ORDER BY created_at, rowid`,
    ).all(datasetId) as Omit<RunRow, 'config_json'>[];
    return rows.map(toSummary);
  }

  /** The runs that searched collection `collectionId`, oldest first: a retrieval evaluation records it as config.retrieval.collection.id. */
  usingCollection(collectionId: string): RunSummary[] {
    const rows = this.db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM runs WHERE json_valid(config_json) AND json_extract(config_json, '$.retrieval.collection.id') = ? ORDER BY created_at, rowid`,
    ).all(collectionId) as Omit<RunRow, 'config_json'>[];
    return rows.map(toSummary);
  }

  /**
   * The open runs a live process outside the job queue (a `lathe` command in the foreground, the playground) is
   * writing with model `modelId`: a trainer records it as config.modelId, an evaluation as config.model.id and its
   * judge as config.judge.model.id.
   */
  liveOwnedUsingModel(modelId: string): RunSummary[] {
    const rows = this.db.prepare(
      `SELECT ${SUMMARY_COLUMNS}, owner_pid, owner_started FROM runs WHERE owner_pid IS NOT NULL AND ${OPEN} AND json_valid(config_json) AND ? IN (
         json_extract(config_json, '$.modelId'), json_extract(config_json, '$.model.id'), json_extract(config_json, '$.judge.model.id'))
       ORDER BY created_at, rowid`,
    ).all(modelId) as (Omit<RunRow, 'config_json'>)[];
    return rows.filter((r) => isOwnerAlive({ pid: r.owner_pid!, started: r.owner_started })).map(toSummary);
  }

  /** The open runs of project `projectId` (null: of none) that a live process outside the job queue is writing. */
  liveOwned(projectId: string): RunSummary[] {
    const rows = this.db.prepare(`SELECT ${SUMMARY_COLUMNS}, owner_pid, owner_started FROM runs WHERE project_id = ? AND owner_pid IS NOT NULL AND ${OPEN} ORDER BY created_at, rowid`)
      .all(projectId) as (Omit<RunRow, 'config_json'>)[];
    return rows.filter((r) => isOwnerAlive({ pid: r.owner_pid!, started: r.owner_started })).map(toSummary);
  }

  private select(columns: string, filter: RunFilter): unknown[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.projectId === null) where.push('project_id IS NULL');
    else if (filter.projectId !== undefined) {
      where.push('project_id = ?');
      args.push(filter.projectId);
    }
    if (filter.kind !== undefined) {
      where.push('kind = ?');
      args.push(filter.kind);
    }
    if (filter.tag !== undefined) {
      where.push('EXISTS (SELECT 1 FROM json_each(runs.tags_json) WHERE value = ?)');
      args.push(filter.tag);
    }
    const sql = `SELECT ${columns} FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, rowid`;
    return this.db.prepare(sql).all(...args);
  }

  /**
   * Move a run to `status`; 'running' stamps the start time (and clears the finish time of a resumed run) and
   * records `owner`, the process training it outside the job queue (null: a job drives it and ends it with itself);
   * any finished status stamps the finish time.
   */
  setStatus(id: string, status: string, owner: ProcessOwner | null = null): Run | undefined {
    const now = nowIso();
    const started = status === 'running' ? now : null;
    const finished = isFinishedState(status) ? now : null;
    // Time running is summed stretch by stretch: a start or resume opens one (running_since), any other status
    // closes it into active_ms (ACTIVE_AFTER_STOP).
    this.db
      .prepare(
        `UPDATE runs SET
           active_ms = CASE WHEN ? = 'running' THEN (CASE WHEN started_at IS NULL THEN 0 ELSE active_ms END) ELSE ${ACTIVE_AFTER_STOP} END,
           running_since = CASE WHEN ? = 'running' THEN COALESCE(CASE WHEN status = 'running' THEN running_since END, ?) ELSE NULL END,
           status = ?, started_at = COALESCE(started_at, ?),
           finished_at = CASE WHEN ? = 'running' THEN NULL ELSE COALESCE(?, finished_at) END,
           owner_pid = CASE WHEN ? = 'running' THEN ? ELSE owner_pid END,
           owner_started = CASE WHEN ? = 'running' THEN ? ELSE owner_started END,
           error = CASE WHEN ? = 'failed' THEN error ELSE NULL END WHERE id = ?`,
      )
      .run(status, status, now, status, now, status, started, status, finished, status, owner?.pid ?? null, status, owner?.started ?? null, status, id);
    return this.get(id);
  }

  /**
   * End a run 'failed', keeping why: the error's message, as the CLI printed it or the job recorded it, so that
   * 'lathe runs show' and the Run page can say it after the process is gone.
   */
  fail(id: string, error: unknown): Run | undefined {
    this.setStatus(id, 'failed');
    this.db.prepare('UPDATE runs SET error = ? WHERE id = ?').run(failureMessage(error), id);
    return this.get(id);
  }

  /** Whether an open run is being trained by a live process outside the job queue. */
  hasLiveOwner(id: string): boolean {
    const row = this.db.prepare(`SELECT owner_pid, owner_started FROM runs WHERE id = ? AND owner_pid IS NOT NULL AND ${OPEN}`).get(id) as Pick<RunRow, 'owner_pid' | 'owner_started'> | undefined;
    return row !== undefined && isOwnerAlive({ pid: row.owner_pid!, started: row.owner_started });
  }

  /**
   * End as 'interrupted' the open runs whose owning process (a `lathe train` / `lathe pretrain` in the
   * foreground, a studio generating in the playground) is gone: killed, crashed or its machine restarted.
   * `--resume` continues training runs from their last checkpoint. Runs driven by jobs have no owner here; the job
   * table ends those. Returns the ids it ended.
   */
  interruptOrphaned(): string[] {
    const owned = this.db.prepare(`SELECT id, owner_pid, owner_started FROM runs WHERE owner_pid IS NOT NULL AND ${OPEN}`).all() as Pick<RunRow, 'id' | 'owner_pid' | 'owner_started'>[];
    const orphans = owned.filter((r) => !isOwnerAlive({ pid: r.owner_pid!, started: r.owner_started })).map((r) => r.id);
    if (orphans.length > 0) this.db.transaction(() => orphans.forEach((id) => this.endIfOpen(id, 'interrupted'))).immediate();
    return orphans;
  }

  /**
   * End a run in `status` unless it has already ended: its job stopped without the run saying how (the job's
   * process died, was cancelled before it began, or the studio crashed). A run ended 'failed' keeps `error`, the
   * job's own (its process's exit and last output), as runs.fail does. Returns whether the run changed.
   */
  endIfOpen(id: string, status: (typeof FINISHED_STATES)[number], time = nowIso(), error: string | null = null): boolean {
    const open = `status NOT IN (${FINISHED_STATES.map(() => '?').join(', ')})`;
    const kept = status === 'failed' ? error : null;
    return this.db.prepare(`UPDATE runs SET status = ?, finished_at = ?, ${CLOSE_STRETCH}, error = ? WHERE id = ? AND ${open}`).run(status, time, status, time, kept, id, ...FINISHED_STATES).changes > 0;
  }

  /** Set what a person wrote on a run: its tags (the whole list, repeats dropped) and/or its note. */
  annotate(id: string, patch: { tags?: readonly string[]; note?: string }): Run | undefined {
    this.db.transaction(() => {
      if (patch.tags !== undefined) this.db.prepare('UPDATE runs SET tags_json = ? WHERE id = ?').run(JSON.stringify([...new Set(patch.tags)]), id);
      if (patch.note !== undefined) this.db.prepare('UPDATE runs SET note = ? WHERE id = ?').run(patch.note, id);
    })();
    return this.get(id);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }

  addMetric(metric: Omit<RunMetric, 'time'> & { time?: string }): RunMetric {
    const m = RunMetric.parse({ ...metric, time: metric.time ?? nowIso() });
    this.db.prepare('INSERT INTO run_metrics (run_id, step, name, value, time) VALUES (?, ?, ?, ?, ?)').run(m.runId, m.step, m.name, m.value, m.time);
    return m;
  }

  /** Remove the metrics recorded after `step` (a resumed run records them again from its checkpoint); returns how many. */
  deleteMetricsAfter(runId: string, step: number): number {
    return this.db.prepare('DELETE FROM run_metrics WHERE run_id = ? AND step > ?').run(runId, step).changes;
  }

  /** Remove the metrics named `names` recorded at `step` (a part of a step that is recorded again); returns how many. */
  deleteMetricsAt(runId: string, step: number, names: readonly string[]): number {
    if (names.length === 0) return 0;
    return this.db.prepare(`DELETE FROM run_metrics WHERE run_id = ? AND step = ? AND name IN (${names.map(() => '?').join(', ')})`).run(runId, step, ...names).changes;
  }

  /**
   * A run's metrics by name, then step. With `maxPoints`, each series longer than that is thinned to at most
   * `maxPoints` points, its ends and per-bucket minimum and maximum kept (api/downsample.ts): a page draws a curve
   * from a few hundred points, while a long run records tens of thousands.
   */
  metrics(runId: string, name?: string, maxPoints?: number): RunMetric[] {
    const rows = (
      name === undefined
        ? this.db.prepare('SELECT run_id, step, name, value, time FROM run_metrics WHERE run_id = ? ORDER BY name, step, rowid').all(runId)
        : this.db.prepare('SELECT run_id, step, name, value, time FROM run_metrics WHERE run_id = ? AND name = ? ORDER BY step, rowid').all(runId, name)
    ) as MetricRow[];
    const kept = maxPoints === undefined ? rows : seriesOf(rows).flatMap((series) => downsampleMinMax(series, maxPoints, (r) => r.value));
    return kept.map((r) => RunMetric.parse({ runId: r.run_id, step: r.step, name: r.name, value: r.value, time: r.time }));
  }

  /**
   * The last value of each of a run's metrics (its highest step; the later record of a repeated step), by name:
   * what a comparison table shows, read through the (run_id, name, step) index instead of every recorded step.
   */
  latestMetrics(runId: string): RunMetric[] {
    const rows = this.db.prepare(
      `SELECT m.run_id, m.step, m.name, m.value, m.time FROM (SELECT DISTINCT name FROM run_metrics WHERE run_id = ?) AS n
       JOIN run_metrics AS m ON m.rowid = (SELECT rowid FROM run_metrics WHERE run_id = ? AND name = n.name ORDER BY step DESC, rowid DESC LIMIT 1)
       ORDER BY m.name`,
    ).all(runId, runId) as MetricRow[];
    return rows.map((r) => RunMetric.parse({ runId: r.run_id, step: r.step, name: r.name, value: r.value, time: r.time }));
  }

  addArtifact(input: Omit<Artifact, 'id' | 'createdAt'>): Artifact {
    const a = Artifact.parse({ ...input, id: newId('art'), createdAt: nowIso() });
    this.db
      .prepare('INSERT INTO artifacts (id, run_id, kind, path, bytes, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(a.id, a.runId, a.kind, a.path, a.bytes, a.hash, a.createdAt);
    return a;
  }

  /** Record `input` as the run's only artifact of its kind (a resumed run writes its outputs again). */
  replaceArtifact(input: Omit<Artifact, 'id' | 'createdAt'>): Artifact {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM artifacts WHERE run_id = ? AND kind = ?').run(input.runId, input.kind);
      return this.addArtifact(input);
    })();
  }

  artifacts(runId: string): Artifact[] {
    return (this.db.prepare('SELECT * FROM artifacts WHERE run_id = ? ORDER BY created_at, rowid').all(runId) as ArtifactRow[]).map(toArtifact);
  }
}
