// `lathe project create|update|list|show|delete`: the use case being worked on — task, success metric, constraints.
import { StudioError } from '../api/errors.ts';
import { LOWER_IS_BETTER } from '../api/eval.ts';
import { METRICS, TASK_TYPES, DEVICES, metricsForTask, ProjectInput, ProjectPatch, type Project } from '../api/schemas.ts';
import { UserError, type CliCommand } from './command.ts';
import { afterColon, choiceFlagError, numberFlag } from './options.ts';
import { asUserError, callStudio, openCliStudio } from './studio-call.ts';
import { formatFields, formatTable } from './table.ts';
import { projectIdOf } from './project-ref.ts';
import { projectContentsNote } from '../api/deletion.ts';

const FIELD_FLAGS = '[--metric M --target X] [--description TEXT] [--device D --memory-mb M --max-latency-ms L]';
const CREATE_USAGE = `lathe project create --name N --task <${TASK_TYPES.join('|')}> ${FIELD_FLAGS}`;
const UPDATE_USAGE = `lathe project update PROJECT [--name N] [--task <${TASK_TYPES.join('|')}>] ${FIELD_FLAGS}`;

/** The flags that create and update share: each sets one field of ProjectInput. */
const PROJECT_HELP: Record<string, string> = {
  name: 'name of the project (unique)',
  task: `the use case: ${TASK_TYPES.join(', ')}`,
  metric: `the success metric, one that measures --task (${TASK_TYPES.map((t) => `${t}: ${metricsForTask(t).join('/')}`).join('; ')}; default: none yet)`,
  target: 'the value of --metric that counts as success (default: none)',
  description: 'what the model is for, in a sentence or two',
  device: `where it must run: ${DEVICES.join(', ')} (default any)`,
  'memory-mb': 'memory budget in MB (default: none)',
  'max-latency-ms': 'latency budget per request in milliseconds (default: none)',
};

const PROJECT_OPTIONS: NonNullable<CliCommand['options']> = {
  name: { type: 'string' },
  task: { type: 'string' },
  metric: { type: 'string' },
  target: { type: 'string' },
  description: { type: 'string' },
  device: { type: 'string' },
  'memory-mb': { type: 'string' },
  'max-latency-ms': { type: 'string' },
};


/** The flag that fills each field of ProjectInput, so schema messages name what the user typed. */
const FLAG_OF_FIELD: Record<string, string> = {
  name: '--name',
  task: '--task',
  description: '--description',
  metric: '--metric',
  target: '--target',
  'constraints.device': '--device',
  'constraints.memoryBudgetMb': '--memory-mb',
  'constraints.maxLatencyMs': '--max-latency-ms',
};

function flagError(field: string, message: string, usage: string): UserError {
  return new UserError(`${FLAG_OF_FIELD[field] ?? field}: ${afterColon(message)}\nUsage: ${usage}`);
}

/** The input checked by the API's own schema, its first problem reported under the flag's name. */
function checkedInput<T extends Partial<ProjectInput>>(input: T, schema: typeof ProjectInput | typeof ProjectPatch, usage: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return input;
  const issue = parsed.error.issues[0];
  throw flagError(issue.path.join('.'), issue.message, usage);
}

/** A positive whole number of `unit` for `--flag`, or null when absent. */
function positiveWhole(values: Record<string, unknown>, flag: string, unit: string, usage: string): number | null {
  return numberFlag(values, flag, usage, { min: 1, note: unit }) ?? null;
}

function oneOf(value: unknown, allowed: readonly string[], flag: string, usage: string): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw choiceFlagError(flag, String(value), allowed, usage);
  }
}

/** The fields of ProjectInput that the given flags set — only those, so an update leaves the rest alone. */
function fieldsFromFlags(values: Record<string, unknown>, usage: string): Partial<ProjectInput> {
  oneOf(values.task, TASK_TYPES, 'task', usage);
  oneOf(values.metric, METRICS, 'metric', usage);
  oneOf(values.device, DEVICES, 'device', usage);
  const fields: Partial<ProjectInput> = {};
  if (values.name !== undefined) fields.name = values.name as string;
  if (values.task !== undefined) fields.task = values.task as Project['task'];
  if (values.description !== undefined) fields.description = values.description as string;
  if (values.metric !== undefined) fields.metric = values.metric as Project['metric'];
  if (values.target !== undefined) fields.target = numberFlag(values, 'target', usage) ?? null;
  const constraints: Partial<Project['constraints']> = {};
  if (values.device !== undefined) constraints.device = values.device as Project['constraints']['device'];
  if (values['memory-mb'] !== undefined) constraints.memoryBudgetMb = positiveWhole(values, 'memory-mb', 'megabytes', usage);
  if (values['max-latency-ms'] !== undefined) constraints.maxLatencyMs = positiveWhole(values, 'max-latency-ms', 'milliseconds', usage);
  if (Object.keys(constraints).length > 0) fields.constraints = constraints;
  return fields;
}

export function describeProject(p: Project): string {
  const c = p.constraints;
  return formatFields([
    ['id', p.id],
    ['name', p.name],
    ['task', p.task],
    ['description', p.description || '—'],
    // perplexity's target is a ceiling: the scorecard passes at or below it
    ['success', p.metric ? `${p.metric}${p.target !== null ? ` ${LOWER_IS_BETTER.includes(p.metric) ? '≤' : '≥'} ${p.target}` : ''}` : '—'],
    ['device', c.device],
    ['memory budget', c.memoryBudgetMb !== null ? `${c.memoryBudgetMb} MB` : '—'],
    ['max latency', c.maxLatencyMs !== null ? `${c.maxLatencyMs} ms` : '—'],
    ['created', p.createdAt],
  ]);
}

export const commands: CliCommand[] = [
  {
    path: ['project', 'create'],
    summary: 'Create a project: task, success metric and constraints',
    usage: CREATE_USAGE,
    help: PROJECT_HELP,
    options: PROJECT_OPTIONS,
    async run({ values }, ctx) {
      if (!values.name) throw new UserError(`--name is required.\nUsage: ${CREATE_USAGE}`);
      if (!values.task) throw new UserError(`--task is required.\nUsage: ${CREATE_USAGE}`);
      const fields = fieldsFromFlags(values, CREATE_USAGE);
      if (fields.target !== undefined && fields.metric === undefined) throw new UserError(`--target needs --metric (the metric the target is for).\nUsage: ${CREATE_USAGE}`);
      const input = { ...fields, name: values.name as string, task: values.task as Project['task'] };
      const project = await callStudio(ctx, 'projects.create', checkedInput(input, ProjectInput, CREATE_USAGE));
      ctx.print(project, () => `Created project ${project.id}\n${describeProject(project)}`);
    },
  },
  {
    path: ['project', 'update'],
    summary: "Change a project's name, task, success metric or constraints",
    usage: UPDATE_USAGE,
    help: PROJECT_HELP,
    options: PROJECT_OPTIONS,
    positionals: true,
    async run({ values, positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError(`give one project (its id or name).\nUsage: ${UPDATE_USAGE}`);
      const patch = checkedInput(fieldsFromFlags(values, UPDATE_USAGE), ProjectPatch, UPDATE_USAGE);
      if (Object.keys(patch).length === 0) throw new UserError(`nothing to update: give at least one flag.\nUsage: ${UPDATE_USAGE}`);
      const id = await projectIdOf(ctx, positionals[0]);
      const studio = await openCliStudio(ctx);
      let project: Project;
      try {
        project = await studio.call('projects.update', { id, patch });
      } catch (err) {
        // A target is checked against the stored metric when the patch is merged: name its flag there too.
        const issue = err instanceof StudioError ? (err.details?.issues as { path: string; message: string }[] | undefined)?.[0] : undefined;
        const field = issue?.path.replace(/^patch\./, '');
        if (issue && field && FLAG_OF_FIELD[field]) throw flagError(field, issue.message, UPDATE_USAGE);
        throw asUserError(err);
      } finally {
        await studio.close();
      }
      ctx.print(project, () => `Updated project ${project.id}\n${describeProject(project)}`);
    },
  },
  {
    path: ['project', 'list'],
    summary: 'List projects',
    usage: 'lathe project list',
    async run(_args, ctx) {
      const projects = await callStudio(ctx, 'projects.list', {});
      ctx.print(projects, () =>
        formatTable(
          ['ID', 'NAME', 'TASK', 'METRIC', 'TARGET', 'CREATED'],
          projects.map((p) => [p.id, p.name, p.task, p.metric ?? '', p.target ?? '', p.createdAt.slice(0, 16).replace('T', ' ')]),
          48,
          "no projects yet: create one with 'lathe project create --name N --task T' ('lathe project create --help' lists the tasks)",
        ),
      );
    },
  },
  {
    path: ['project', 'show'],
    summary: 'Show one project',
    usage: 'lathe project show PROJECT',
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError('give one project (its id or name).\nUsage: lathe project show PROJECT');
      const project = await callStudio(ctx, 'projects.get', { id: await projectIdOf(ctx, positionals[0]) });
      ctx.print(project, () => describeProject(project));
    },
  },
  {
    path: ['project', 'delete'],
    summary: 'Delete a project; its datasets, runs and document collections stay, in no project; refused while work runs in it',
    usage: 'lathe project delete PROJECT [--json]',
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError('give one project (its id or name).\nUsage: lathe project delete PROJECT [--json]');
      const project = await callStudio(ctx, 'projects.get', { id: await projectIdOf(ctx, positionals[0]) });
      const result = await callStudio(ctx, 'projects.delete', { id: project.id });
      const where = result.kept.datasets + result.kept.runs + result.kept.collections > 0 ? " 'lathe dataset list', 'lathe runs list' and 'lathe docs list' show them." : '';
      ctx.print(result, () => `Deleted project ${project.name} (${project.id}). ${projectContentsNote(result.kept)}${where}`);
    },
  },
];
