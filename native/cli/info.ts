// `lathe version` and `lathe paths`: where the studio keeps its data and which version is running.
import { createRequire } from 'node:module';
import type { CliCommand } from './command.ts';

const require = createRequire(import.meta.url);

export const commands: CliCommand[] = [
  {
    path: ['version'],
    summary: 'Print the Lathe version (also lathe --version or -v)',
    usage: 'lathe version',
    async run(_args, ctx) {
      const pkg = require('../../package.json') as { version: string };
      ctx.print({ version: pkg.version, node: process.versions.node }, () => `lathe ${pkg.version} (node ${process.versions.node})`);
    },
  },
  {
    path: ['paths'],
    summary: 'Print the data directory in use',
    usage: 'lathe paths',
    async run(_args, ctx) {
      ctx.print({ dataDir: ctx.dataDir }, () => `data directory: ${ctx.dataDir}`);
    },
  },
];
