// Starting a child process that runs a TypeScript module (the job host, the generation worker): tsx's loader
// by absolute URL, so the child runs .ts whatever its working directory; inside Electron, process.execPath is
// the app, and ELECTRON_RUN_AS_NODE makes it behave as plain Node for the child.
import { fork, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** `env` defaults to this process's; a caller may pass an adjusted copy (the job host's: `withReusedHeap`). */
export function forkWorker(entry: string, stdio: StdioOptions, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return fork(entry, [], { execArgv: ['--import', TSX_LOADER], stdio, env: { ...env, ELECTRON_RUN_AS_NODE: '1' } });
}
