// `lathe project create|list|show`: the use case being worked on — task, success metric, constraints.
import { METRICS, TASK_TYPES, DEVICES, ProjectInput, type Project } from '../api/schemas.ts';
import { UserError, type CliCommand } from './command.ts';
import { callStudio } from './studio-call.ts';
import { formatFields, formatTable } from './table.ts';

const CREATE_USAGE = `lathe project create --name N --task <${TASK_TYPES.join('|')}> [--metric M --target X] [--description TEXT] [--device D --memory-mb M --max-latency-ms L]`;

function numberFlag(values: Record<string, unknown>, flag: string, usage: string, integer = false): number | null {
  const raw = values[flag] as string | undefined;
  if (raw === undefined) return null;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UserError(`--${flag} must be ${integer ? 'a whole number' : 'a number'}, got '${raw}'.\nUsage: ${usage}`);
  }
  return n;
}

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

/** The input checked by the API's own schema, its first problem reported under the flag's name. */
function checkedInput(input: ProjectInput, usage: string): ProjectInput {
  const parsed = ProjectInput.safeParse(input);
  if (parsed.success) return input;
  const issue = parsed.error.issues[0];
  const field = issue.path.join('.');
  throw new UserError(`${FLAG_OF_FIELD[field] ?? field}: ${issue.message}\nUsage: ${usage}`);
}

/** A positive whole number of `unit` for `--flag`, or null when absent. */
function positiveWhole(values: Record<string, unknown>, flag: string, unit: string, usage: string): number | null {
  const raw = values[flag] as string | undefined;
  if (raw === undefined) return null;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n <= 0) throw new UserError(`--${flag} must be a positive whole number of ${unit}; got '${raw}'.\nUsage: ${usage}`);
  return n;
}

function oneOf(value: unknown, allowed: readonly string[], flag: string, usage: string): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new UserError(`--${flag} must be one of ${allowed.join(', ')}; got '${value}'.\nUsage: ${usage}`);
  }
}

export function describeProject(p: Project): string {
  const c = p.constraints;
  return formatFields([
    ['id', p.id],
    ['name', p.name],
    ['task', p.task],
    ['description', p.description || '—'],
    ['success', p.metric ? `${p.metric}${p.target !== null ? ` ≥ ${p.target}` : ''}` : '—'],
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
    options: {
      name: { type: 'string' },
      task: { type: 'string' },
      metric: { type: 'string' },
      target: { type: 'string' },
      description: { type: 'string' },
      device: { type: 'string' },
      'memory-mb': { type: 'string' },
      'max-latency-ms': { type: 'string' },
    },
    async run({ values }, ctx) {
      if (!values.name) throw new UserError(`--name is required.\nUsage: ${CREATE_USAGE}`);
      if (!values.task) throw new UserError(`--task is required.\nUsage: ${CREATE_USAGE}`);
      oneOf(values.task, TASK_TYPES, 'task', CREATE_USAGE);
      oneOf(values.metric, METRICS, 'metric', CREATE_USAGE);
      oneOf(values.device, DEVICES, 'device', CREATE_USAGE);
      const target = numberFlag(values, 'target', CREATE_USAGE);
      if (target !== null && values.metric === undefined) throw new UserError(`--target needs --metric (the metric the target is for).\nUsage: ${CREATE_USAGE}`);
      const project = await callStudio(ctx, 'projects.create', checkedInput({
        name: values.name as string,
        task: values.task as Project['task'],
        description: (values.description as string | undefined) ?? '',
        metric: (values.metric as Project['metric'] | undefined) ?? null,
        target,
        constraints: {
          device: (values.device as Project['constraints']['device'] | undefined) ?? 'any',
          memoryBudgetMb: positiveWhole(values, 'memory-mb', 'megabytes', CREATE_USAGE),
          maxLatencyMs: positiveWhole(values, 'max-latency-ms', 'milliseconds', CREATE_USAGE),
        },
      }, CREATE_USAGE));
      ctx.print(project, () => `Created project ${project.id}\n${describeProject(project)}`);
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
        ),
      );
    },
  },
  {
    path: ['project', 'show'],
    summary: 'Show one project',
    usage: 'lathe project show ID',
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError('give one project id.\nUsage: lathe project show ID');
      const project = await callStudio(ctx, 'projects.get', { id: positionals[0] });
      ctx.print(project, () => describeProject(project));
    },
  },
];
