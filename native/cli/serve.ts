// `lathe serve`: run the studio headless and use it from a browser. Binds to 127.0.0.1 unless told otherwise;
// the printed URL carries the access token.
import path from 'node:path';
import type { CliCommand } from './command.ts';
import { requireFlagFolder } from './file-errors.ts';
import { isLoopbackHost } from '../openai/guards.ts';
import { listenOn, portFlag, secretOf, serveUntilStopped, warnIfPlainHttpBeyondLoopback } from './serving.ts';

const USAGE = 'lathe serve [--host 127.0.0.1] [--port N] [--token T] [--allow-host H]... [--renderer-dir DIR]';

/** What `lathe serve` says when the folder it serves the UI from has no build: the page then says only that. */
export function rendererMissing(dir: string, given: boolean): string {
  const missing = path.join(dir, 'index.html');
  return given
    ? `--renderer-dir ${dir} holds no index.html, so the page will only say the UI is not built; give the folder 'npm run build:renderer' writes (dist/renderer)`
    : `the studio's UI is not built (no ${missing}), so the page will only say so: run 'npm run build:renderer' (or start the studio with 'npm start', which builds it first), then reload the page`;
}

export const commands: CliCommand[] = [
  {
    path: ['serve'],
    summary: 'Serve the studio over HTTP for a browser (token-protected)',
    usage: USAGE,
    help: {
      host: 'address to bind (default 127.0.0.1, this machine only)',
      port: 'port to listen on (default 0: any free port)',
      token: 'access token every request must carry, at least 8 characters (default: $LATHE_TOKEN, which the process list does not show; else a random one, printed in the URL)',
      'renderer-dir': 'folder of the built renderer to serve (default dist/renderer)',
      'allow-host': 'another name the Host header may carry, e.g. a reverse proxy\'s (repeatable; default: the listening address only)',
    },
    options: { host: { type: 'string' }, port: { type: 'string' }, token: { type: 'string' }, 'renderer-dir': { type: 'string' }, 'allow-host': { type: 'string', multiple: true } },
    async run({ values }, ctx) {
      const port = portFlag(values.port, 0, USAGE);
      const token = secretOf(values.token, 'token', 'LATHE_TOKEN', USAGE);
      const rendererDir = values['renderer-dir'] as string | undefined;
      if (rendererDir !== undefined) requireFlagFolder('renderer-dir', rendererDir, 'the folder of the built renderer (its index.html)');
      const { startServer, rendererBuilt } = await import('../serve/server.ts');
      const server = await listenOn(port, () =>
        startServer({ dataDir: ctx.dataDir, host: values.host as string | undefined, port, token, rendererDir,
          allowedHosts: values['allow-host'] as string[] | undefined }), values.host as string | undefined);
      if (ctx.json) console.log(JSON.stringify({ url: server.url, host: server.host, port: server.port, token: server.token, dataDir: ctx.dataDir }));
      else console.log(`Lathe studio: ${server.url}`);
      warnIfPlainHttpBeyondLoopback(ctx, server.host, isLoopbackHost(server.host));
      // the page would only say so, and nothing here did (a fresh checkout has no build)
      if (!rendererBuilt(server.rendererDir)) ctx.warn(rendererMissing(server.rendererDir, rendererDir !== undefined));
      for (const note of server.studio.openNotes) ctx.info(note);
      ctx.info(`data directory: ${ctx.dataDir}; press Ctrl+C to stop`);
      return serveUntilStopped(ctx, server);
    },
  },
];
