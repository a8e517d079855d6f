// The projects table: a use case's task, description, success metric and deployment constraints.
import type Database from 'better-sqlite3';
import { StudioError } from '../api/errors.ts';
import { metricsForTask, Project, ProjectInput, taskMetricProblem } from '../api/schemas.ts';
import { notFound, type Lookup } from './find.ts';
import { newId, nowIso } from './ids.ts';

// Projects are found by id: every API field that names one is a projectId, passed on as it is. Names are unique
// (refused when taken), so the CLI can also take a project's name and look its id up (cli/project-ref.ts).
const PROJECT: Lookup = { noun: 'project', idPrefix: 'proj', advice: "the Projects page or 'lathe project list' shows them" };

interface ProjectRow {
  id: string;
  name: string;
  task: string;
  description: string;
  metric: string | null;
  target: number | null;
  device: string;
  memory_budget_mb: number | null;
  max_latency_ms: number | null;
  created_at: string;
  updated_at: string;
}

function toProject(row: ProjectRow): Project {
  return Project.parse({
    id: row.id,
    name: row.name,
    task: row.task,
    description: row.description,
    metric: row.metric,
    target: row.target,
    constraints: { device: row.device, memoryBudgetMb: row.memory_budget_mb, maxLatencyMs: row.max_latency_ms },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function toRow(p: Project): ProjectRow {
  return {
    id: p.id,
    name: p.name,
    task: p.task,
    description: p.description,
    metric: p.metric,
    target: p.target,
    device: p.constraints.device,
    memory_budget_mb: p.constraints.memoryBudgetMb,
    max_latency_ms: p.constraints.maxLatencyMs,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  };
}

export class ProjectTable {
  constructor(private readonly db: Database.Database) {}

  /** Refuse a name another project already has: two projects of one name cannot be told apart in lists or the CLI. */
  requireFreeName(name: string, exceptId: string | null = null, field = 'name'): void {
    const taken = this.db.prepare('SELECT id FROM projects WHERE name = ? AND id IS NOT ? LIMIT 1').get(name, exceptId);
    if (taken) throw new StudioError('conflict', `a project named '${name}' already exists; choose another name`, { field });
  }

  create(input: ProjectInput): Project {
    const now = nowIso();
    const project = Project.parse({ ...ProjectInput.parse(input), id: newId('proj'), createdAt: now, updatedAt: now });
    this.requireFreeName(project.name);
    this.db
      .prepare(
        `INSERT INTO projects (id, name, task, description, metric, target, device, memory_budget_mb, max_latency_ms, created_at, updated_at)
         VALUES (@id, @name, @task, @description, @metric, @target, @device, @memory_budget_mb, @max_latency_ms, @created_at, @updated_at)`,
      )
      .run(toRow(project));
    return project;
  }

  get(id: string): Project | undefined {
    const row = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectRow | undefined;
    return row && toProject(row);
  }

  list(): Project[] {
    return (this.db.prepare('SELECT * FROM projects ORDER BY created_at, rowid').all() as ProjectRow[]).map(toProject);
  }

  /** The project with this id, or a not_found error for `field` that lists the projects by name (a handful). */
  find(id: string, field = 'projectId'): Project {
    const project = this.get(id);
    if (project) return project;
    throw notFound(PROJECT, id, this.list().map((p) => p.name), field);
  }

  /** Apply a partial input; constraints merge field by field so a patch of one limit keeps the others. */
  update(id: string, patch: Partial<ProjectInput>): Project | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const merged = Project.parse({
      ...current,
      ...patch,
      constraints: { ...current.constraints, ...(patch.constraints ?? {}) },
      updatedAt: nowIso(),
    });
    if (merged.name !== current.name) this.requireFreeName(merged.name, id);
    // Only a patch that changes the task or the metric is held to TASK_METRICS, so a project stored before the rule
    // can still be renamed; the fault is the half that was sent (the metric when both were).
    if ((patch.task !== undefined || patch.metric !== undefined) && merged.metric !== null) {
      const problem = taskMetricProblem(merged.task, merged.metric);
      if (problem) {
        const field = patch.metric !== undefined ? 'metric' : 'task';
        const message = field === 'metric' ? problem : `the project's metric ${merged.metric} does not measure a ${merged.task} project; change the metric along with the task, to one of ${metricsForTask(merged.task).join(', ')}.`;
        throw new StudioError('invalid_params', message, { field, issues: [{ path: field, message }] });
      }
    }
    this.db
      .prepare(
        `UPDATE projects SET name=@name, task=@task, description=@description, metric=@metric, target=@target, device=@device,
           memory_budget_mb=@memory_budget_mb, max_latency_ms=@max_latency_ms, updated_at=@updated_at WHERE id=@id`,
      )
      .run(toRow(merged));
    return merged;
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM projects WHERE id = ?').run(id).changes > 0;
  }
}
