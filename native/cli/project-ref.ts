// A project as a person names it on the command line: its id, or its name (names are unique, store/projects.ts).
// The API takes project ids only, so the CLI looks the name up first; a key that matches nothing is passed on as
// it is, and the engine's not_found error names it.
import type { CliContext } from './command.ts';
import { callStudio, openCliStudio } from './studio-call.ts';

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

/** --project's help for the commands that record a run (runProject). */
export const RUN_PROJECT_HELP = "project id or name the run belongs to, so the project's pages and scorecard show it (default: the project of --dataset, when it has one)";

/** The project a run is recorded in (runProject), and the note that says so, kept until the run exists. */
export interface RunProject {
  /** The project's id; undefined for none. */
  id: string | undefined;
  /**
   * Says on stderr which project the run is recorded in (or, for datasets of two projects, that it is in none), once:
   * called when the run has been created (the engine's onRun), so a command refused before that (an unknown model,
   * a flag out of range) claims no run that does not exist. Nothing to say when --project chose.
   */
  announce(): void;
}

/**
 * The project a run started from the command line is recorded in (one rule for eval, train, align, reward and docs
 * eval): --project when given; else the project of what the run reads (its datasets, a collection) when they have
 * one and agree, said on stderr once the run exists (RunProject.announce), so the project's Runs page and scorecard
 * show the run; else none, with a warning when they belong to different projects. A dataset or collection that
 * cannot be found is left to the command, whose own error names it.
 */
export async function runProject(ctx: CliContext, flag: unknown, reads: { datasets?: unknown[]; collection?: unknown }, several = false): Promise<RunProject> {
  const subject = several ? 'the runs are' : 'the run is';
  if (typeof flag === 'string') return { id: await projectIdOf(ctx, flag), announce: () => {} };
  const studio = await openCliStudio(ctx);
  const owners: { what: string; projectId: string }[] = [];
  try {
    for (const key of reads.datasets ?? []) {
      const d = typeof key === 'string' ? studio.store.datasets.get(key) ?? studio.store.datasets.list().find((x) => x.name === key) : undefined;
      if (d?.projectId) owners.push({ what: `dataset ${d.name}`, projectId: d.projectId });
    }
    if (typeof reads.collection === 'string') {
      const key = reads.collection;
      const c = studio.store.collections.list().find((x) => x.id === key || x.name === key);
      if (c?.projectId) owners.push({ what: `collection ${c.name}`, projectId: c.projectId });
    }
    const projects = new Set(owners.map((o) => o.projectId));
    const name = (id: string) => studio.store.projects.get(id)?.name ?? id;
    if (projects.size > 1) {
      const warning = `${subject} recorded in no project: ${owners.map((o) => `${o.what} is in project '${name(o.projectId)}'`).join(', ')}; give --project to choose one`;
      return { id: undefined, announce: once(() => ctx.warn(warning)) };
    }
    const [only] = owners;
    if (!only) return { id: undefined, announce: () => {} };
    const note = `${subject} recorded in project '${name(only.projectId)}' (${only.projectId}), the project of ${owners.map((o) => o.what).join(' and ')}; give --project to choose another`;
    return { id: only.projectId, announce: once(() => ctx.info(note)) };
  } finally {
    await studio.close();
  }
}

/** `say`, the first time only (docs eval creates a run per mode; the note is said for them all at the first). */
function once(say: () => void): () => void {
  let said = false;
  return () => {
    if (said) return;
    said = true;
    say();
  };
}
