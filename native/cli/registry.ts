// Every command group of the `lathe` CLI, listed once. Add a group by adding its file here.
import type { CliCommand } from './command.ts';

export async function loadCommands(): Promise<CliCommand[]> {
  const groups = await Promise.all([
    // Each entry: import('./<group>.ts') exporting `commands: CliCommand[]`.
    import('./info.ts'),
    import('./project.ts'),
    import('./dataset.ts'),
    import('./jobs.ts'),
    import('./serve.ts'),
    import('./serve-api.ts'),
    import('./model.ts'),
    import('./export.ts'),
    import('./generate.ts'),
    import('./metrics.ts'),
    import('./eval.ts'),
    import('./runs.ts'),
    import('./run-notes.ts'),
    import('./train.ts'),
    import('./pretrain.ts'),
    import('./align.ts'),
    import('./align-ppo.ts'),
    import('./reward.ts'),
  ]);
  return groups.flatMap((g) => g.commands);
}
