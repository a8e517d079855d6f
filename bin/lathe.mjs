#!/usr/bin/env node
// Entry point of the `lathe` command: runs the TypeScript CLI through tsx's loader (no build step needed).
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../native/cli.ts');
process.exitCode = await main(process.argv.slice(2));
