// A project as a person names it on the command line: its id, or its name (names are unique, store/projects.ts).
// The API takes project ids only, so the CLI looks the name up first; a key that matches nothing is passed on as
// it is, and the engine's not_found error names it.
import type { CliContext } from './command.ts';
import { callStudio } from './studio-call.ts';

export async function projectIdOf(ctx: CliContext, key: string): Promise<string> {
  const projects = await callStudio(ctx, 'projects.list', {});
  return (projects.find((p) => p.id === key) ?? projects.find((p) => p.name === key))?.id ?? key;
}

/** The same for an optional `--project` flag: undefined stays undefined. */
export async function optionalProjectId(ctx: CliContext, key: unknown): Promise<string | undefined> {
  return typeof key === 'string' ? projectIdOf(ctx, key) : undefined;
}

/**
 * A list filter's `--project`: its id, checked to exist. An unknown project would otherwise filter every row out
 * and the list would read as empty, not as a typo.
 */
export async function existingProjectId(ctx: CliContext, key: unknown): Promise<string | undefined> {
  if (typeof key !== 'string') return undefined;
  return (await callStudio(ctx, 'projects.get', { id: await projectIdOf(ctx, key) })).id;
}

/** How a run's project reads to a person: "name (id)"; the bare id if no project has it any more. */
export async function projectLabel(ctx: CliContext, id: string): Promise<string> {
  const project = (await callStudio(ctx, 'projects.list', {})).find((p) => p.id === id);
  return project ? `${project.name} (${project.id})` : id;
}

/** Every project's name by its id: lists show a project by the name people know it by. */
export async function projectNames(ctx: CliContext): Promise<Map<string, string>> {
  return new Map((await callStudio(ctx, 'projects.list', {})).map((p) => [p.id, p.name]));
}
