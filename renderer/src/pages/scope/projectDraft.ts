// The Scope form's editable state, kept as strings the way inputs hold them, and its conversion to the API's
// ProjectInput (validated by the contract's own schema, so the form and the engine agree on what is valid).
import { ProjectInput, type MetricName, type Project, type TaskType } from '../../../../native/api/schemas.ts';
import { DEVICES } from '../../../../native/api/schemas.ts';
import { TASKS } from '../../domain/tasks.ts';

export type Device = (typeof DEVICES)[number];

export interface ProjectDraft {
  name: string;
  task: TaskType;
  description: string;
  metric: MetricName | '';
  target: string;
  device: Device;
  memoryBudgetMb: string;
  maxLatencyMs: string;
}

export function emptyDraft(): ProjectDraft {
  return { name: '', task: 'summarization', description: '', metric: TASKS.summarization.metrics[0], target: '', device: 'any', memoryBudgetMb: '', maxLatencyMs: '' };
}

export function draftFromProject(p: Project): ProjectDraft {
  return {
    name: p.name,
    task: p.task,
    description: p.description,
    metric: p.metric ?? '',
    target: p.target === null ? '' : String(p.target),
    device: p.constraints.device,
    memoryBudgetMb: p.constraints.memoryBudgetMb === null ? '' : String(p.constraints.memoryBudgetMb),
    maxLatencyMs: p.constraints.maxLatencyMs === null ? '' : String(p.constraints.maxLatencyMs),
  };
}

export type FieldErrors = Partial<Record<keyof ProjectDraft, string>>;

function numberOrNull(text: string): number | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : Number(trimmed);
}

/** Field names of the draft, by the path of a schema issue (constraints.device → device). */
function draftKey(path: readonly PropertyKey[]): keyof ProjectDraft | undefined {
  const last = String(path[path.length - 1] ?? '');
  const keys: (keyof ProjectDraft)[] = ['name', 'task', 'description', 'metric', 'target', 'device', 'memoryBudgetMb', 'maxLatencyMs'];
  return keys.find((k) => k === last);
}

export function errorsFromIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = draftKey(issue.path);
    if (key && !errors[key]) errors[key] = issue.message;
  }
  return errors;
}

export function toProjectInput(d: ProjectDraft): { ok: true; input: ProjectInput } | { ok: false; errors: FieldErrors } {
  const candidate = {
    name: d.name,
    task: d.task,
    description: d.description,
    metric: d.metric === '' ? null : d.metric,
    target: numberOrNull(d.target),
    constraints: { device: d.device, memoryBudgetMb: numberOrNull(d.memoryBudgetMb), maxLatencyMs: numberOrNull(d.maxLatencyMs) },
  };
  const errors: FieldErrors = {};
  for (const key of ['target', 'memoryBudgetMb', 'maxLatencyMs'] as const) {
    if (d[key].trim() !== '' && !Number.isFinite(Number(d[key]))) errors[key] = 'Enter a number, or leave it empty.';
  }
  // Said in the form's words; the schema's own message ("name must not be empty") is written for the API.
  if (d.name.trim() === '') errors.name = 'Give the project a name, e.g. “Support-call summaries”.';
  const parsed = ProjectInput.safeParse(candidate);
  if (!parsed.success) Object.assign(errors, { ...errorsFromIssues(parsed.error.issues), ...errors });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: candidate };
}
