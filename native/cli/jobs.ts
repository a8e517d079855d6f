// `lathe jobs list`: what the studio is doing or has done (imports, and later training and evaluation).
import type { CliCommand } from './command.ts';
import { UserError } from './command.ts';
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
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UserError('--limit must be a whole number from 1 to 500.\nUsage: lathe jobs list [--limit N]');
      const jobs = await callStudio(ctx, 'jobs.list', { limit });
      ctx.print(jobs, () =>
        formatTable(
          ['ID', 'KIND', 'STATE', 'PROGRESS', 'MESSAGE', 'CREATED'],
          jobs.map((j) => [j.id, j.kind, j.state, `${Math.round(j.progress * 100)}%`, j.error ? j.error.split('\n')[0] : j.message, j.createdAt.slice(0, 19).replace('T', ' ')]),
          60,
        ),
      );
    },
  },
];
