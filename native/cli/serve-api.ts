// `lathe serve-api`: the OpenAI-compatible server (native/openai) for applications. Listens on 127.0.0.1:1234 with
// an API key (a random one, printed, unless --api-key gives one); another host needs --api-key. `lathe api-log`
// shows its request log.
import { StudioError } from '../api/errors.ts';
import { apiSnippets } from '../api/serve-snippets.ts';
import { OpenAIError } from '../openai/errors.ts';
import { isLoopbackHost } from '../openai/guards.ts';
import { API_DEFAULTS } from '../openai/defaults.ts';
import { openStore } from '../store/db.ts';
import { UserError, type CliCommand } from './command.ts';
import { afterColon, numberFlag, THREADS_RANGE } from './options.ts';
import { listenOn, portFlag, secretOf, serveUntilStopped, warnIfPlainHttpBeyondLoopback } from './serving.ts';
import { formatTable } from './table.ts';

const LOG_USAGE = 'lathe api-log [--limit N] [--json]';
const USAGE = 'lathe serve-api --model NAME [--host 127.0.0.1] [--port 1234] [--api-key K] [--cors-origin O]... [--allow-host H]... [--slots N] [--max-queue N] [--max-models N] [--max-body-bytes N] [--threads T]';

/** The flag's whole number, at least `min` (undefined when absent). */
function countFlag(values: Record<string, unknown>, flag: string, min: number): number | undefined {
  return numberFlag(values, flag, USAGE, { min });
}

/** What `lathe api-log` says before the server has answered anything. */
export const NO_REQUESTS = "no requests yet: start the server with 'lathe serve-api --model M' and send it one (it prints a curl to try; docs/openai-api.md)";

export const commands: CliCommand[] = [
  {
    path: ['serve-api'],
    modelFlags: ['model'],
    summary: 'Serve models over an OpenAI-compatible API (/v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models)',
    usage: USAGE,
    help: {
      model: 'model loaded at start (required); requests may name any model of the data directory, or <model>:<run id> for a LoRA run\'s adapter',
      host: `address to listen on (default ${API_DEFAULTS.host}, this machine only; any other needs --api-key)`,
      port: `port to listen on (default ${API_DEFAULTS.port}; 0 picks a free one)`,
      'api-key': 'key clients send as "Authorization: Bearer K", at least 8 characters (default: $LATHE_API_KEY, which the process list does not show; else a random one, printed at start)',
      'cors-origin': 'let web pages from this origin call the server, e.g. http://localhost:5173; * for any (repeatable; default none)',
      'allow-host': 'another name the Host header may carry, e.g. a reverse proxy\'s (repeatable; default: the listening address only)',
      slots: `requests generating at once, decoded together in one batch (default ${API_DEFAULTS.slots})`,
      'max-queue': `requests waiting for a slot before more get 429 (default ${API_DEFAULTS.maxQueued})`,
      'max-models': `models kept loaded at once, least recently used released first (default ${API_DEFAULTS.maxLoadedModels})`,
      'max-body-bytes': `largest request body accepted; larger ones get 413 (default ${API_DEFAULTS.maxBodyBytes})`,
      threads: 'CPU threads per model (default: all cores)',
    },
    options: {
      model: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'api-key': { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'allow-host': { type: 'string', multiple: true },
      slots: { type: 'string' },
      'max-queue': { type: 'string' },
      'max-models': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      threads: { type: 'string' },
    },
    async run({ values }, ctx) {
      const model = values.model as string | undefined;
      if (!model) throw new UserError(`--model is required: the model to load at start.\nUsage: ${USAGE}`);
      const host = (values.host as string | undefined) ?? API_DEFAULTS.host;
      const apiKey = secretOf(values['api-key'], 'api-key', 'LATHE_API_KEY', USAGE);
      if (!isLoopbackHost(host) && !apiKey) {
        throw new UserError(`--host ${host} makes the models reachable from other machines: give an API key as well (LATHE_API_KEY, or --api-key), or keep the default --host ${API_DEFAULTS.host}.\nUsage: ${USAGE}`);
      }
      const port = portFlag(values.port, API_DEFAULTS.port, USAGE);
      let server;
      try {
        const { startApiServer } = await import('../openai/server.ts');
        server = await listenOn(port, () => startApiServer({
          dataDir: ctx.dataDir,
          host,
          port,
          apiKey,
          preload: model,
          corsOrigins: values['cors-origin'] as string[] | undefined,
          allowedHosts: values['allow-host'] as string[] | undefined,
          slots: countFlag(values, 'slots', 1),
          maxQueued: countFlag(values, 'max-queue', 0),
          maxLoadedModels: countFlag(values, 'max-models', 1),
          maxBodyBytes: countFlag(values, 'max-body-bytes', 1),
          threads: numberFlag(values, 'threads', USAGE, THREADS_RANGE),
        }), host);
      } catch (err) {
        if (err instanceof OpenAIError || (err instanceof StudioError && err.code === 'not_found')) throw new UserError(`--model: ${afterColon((err as Error).message)}`);
        throw err;
      }
      if (ctx.json) console.log(JSON.stringify({ url: server.url, host: server.host, port: server.port, apiKey: server.apiKey, model, dataDir: ctx.dataDir }));
      else {
        console.log(`OpenAI-compatible API: ${server.url}`);
        console.log(`API key: ${server.apiKey}`);
      }
      warnIfPlainHttpBeyondLoopback(ctx, host, isLoopbackHost(host));
      ctx.info(`serving ${model} (and every model of ${ctx.dataDir}); press Ctrl+C to stop`);
      if (!ctx.json) ctx.info(`try it:\n${apiSnippets({ url: server.url, apiKey: server.apiKey, model }).curl}`);
      return serveUntilStopped(ctx, server);
    },
  },
  {
    path: ['api-log'],
    summary: 'Show the latest requests the OpenAI-compatible server answered (lathe serve-api)',
    usage: LOG_USAGE,
    help: { limit: 'how many of the latest requests to show (default 20)' },
    options: { limit: { type: 'string' } },
    async run({ values }, ctx) {
      const limit = numberFlag(values, 'limit', LOG_USAGE, { min: 1 }) ?? 20;
      const store = openStore(ctx.dataDir);
      try {
        const rows = store.apiRequests.recent(limit);
        // the refusal's message last and cut long (the other cells are short), so a failed request says why; headers
        // and times as the other lists write them (runs list, runs metrics); no requests: what to do, not '(none)'
        ctx.print(rows, () => formatTable(
          ['TIME', 'ENDPOINT', 'MODEL', 'STATUS', 'OUTCOME', 'TOKENS IN', 'TOKENS OUT', 'MS', 'TOKENS/S', 'ERROR'],
          rows.map((r) => [r.time.slice(0, 19).replace('T', ' '), r.endpoint, r.model, r.status, r.outcome, r.promptTokens, r.completionTokens, r.latencyMs.toFixed(0), r.tokensPerSecond?.toFixed(1), r.error]),
          120,
          NO_REQUESTS,
        ));
      } finally {
        store.close();
      }
    },
  },
];
