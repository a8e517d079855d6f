// `lathe jobs list`: what the studio is doing or has done (imports, and later training and evaluation).
import type { CliCommand } from './command.ts';
import { numberFlag } from './options.ts';
import { callStudio } from './studio-call.ts';
import { formatTable } from './table.ts';

export const commands: CliCommand[] = [
  {
    path: ['jobs', 'list'],
    summary: 'List recent jobs, newest first',
    usage: 'lathe jobs list [--limit N]',
    help: { limit: 'newest jobs to list (default 50)' },
    options: { limit: { type: 'string' } },
    async run({ values }, ctx) {
      const limit = numberFlag(values, 'limit', 'lathe jobs list [--limit N]', { min: 1, max: 500 }) ?? 50;
      const jobs = await callStudio(ctx, 'jobs.list', { limit });
      ctx.print(jobs, () =>
        formatTable(
          ['ID', 'KIND', 'STATE', 'PROGRESS', 'MESSAGE', 'CREATED'],
          jobs.map((j) => [j.id, j.kind, j.state, `${Math.round(j.progress * 100)}%`, j.error ? j.error.split('\n')[0] : j.message, j.createdAt.slice(0, 19).replace('T', ' ')]),
          60,
          "no jobs yet: jobs are the work the studio runs in the background (imports, training, evaluations started from its pages; open it with 'lathe serve'); the CLI runs its commands in the foreground, and its training and evaluations are in 'lathe runs list'",
        ),
      );
    },
  },
];
