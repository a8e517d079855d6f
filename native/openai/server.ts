// `lathe serve-api`: an OpenAI-compatible HTTP server (node:http) over the models in a data directory, for
// applications that speak OpenAI's API (its official clients, LangChain, curl). Routes: GET /v1/models,
// GET /v1/models/{model}, POST /v1/chat/completions, POST /v1/completions, POST /v1/embeddings. Every request passes the guards
// (guards.ts) and is written to the store's request log.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Model } from '../api/schemas.ts';
import { openStore, type Store } from '../store/db.ts';
import type { ApiRequestInput } from '../store/api-requests.ts';
import { noteInUse, noteNoLongerInUse } from '../store/in-use.ts';
import { chatCompletions, completions, embeddings, listModels, retrieveModel, type EndpointContext, type ServerHooks } from './endpoints.ts';
import { invalidParam, OpenAIError, sendOpenAIError, toOpenAIError } from './errors.ts';
import { applyCors, checkApiKey, checkHost, isLoopbackHost, readBody } from './guards.ts';
import { ModelPool, type LoadGenerator } from './model-pool.ts';
import { ServedCollections } from './collections.ts';
import { QueueFullError, RequestQueue } from './request-queue.ts';
import { resolveServedModel } from './served-models.ts';
import { API_DEFAULTS } from './defaults.ts';

export { API_DEFAULTS };

export interface ApiServerOptions {
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Required on a non-loopback host; generated (and returned) when not given on loopback. */
  apiKey?: string;
  /** Browser origins allowed to call the server (CORS); none by default. ['*'] allows every origin. */
  corsOrigins?: string[];
  /** More names the Host header may carry (a reverse proxy's, say). */
  allowedHosts?: string[];
  maxBodyBytes?: number;
  /** Requests generating at once: they decode together, one batched forward pass per step. */
  slots?: number;
  /** Requests waiting for a slot before more are refused with 429. */
  maxQueued?: number;
  maxLoadedModels?: number;
  threads?: number;
  /** A model loaded (and kept loaded) when the server starts, so the first request does not wait for it. */
  preload?: string;
  hooks?: ServerHooks;
  load?: LoadGenerator;
}

export interface ApiServer {
  url: string;
  host: string;
  port: number;
  apiKey: string;
  store: Store;
  pool: ModelPool;
  queue: RequestQueue;
  close(): Promise<void>;
}

export function generateApiKey(): string {
  return `lathe-${crypto.randomBytes(24).toString('base64url')}`;
}

/** A request that ended because its client left: nginx's 499, since no status reached anyone. */
const CLIENT_GONE = 499;

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? API_DEFAULTS.host;
  if (!isLoopbackHost(host) && !options.apiKey) {
    throw new OpenAIError(400, `refusing to listen on ${host} without an API key: anyone who can reach it could use the models; give --api-key, or listen on 127.0.0.1`, 'invalid_request_error', 'host');
  }
  const apiKey = options.apiKey ?? generateApiKey();
  const store = openStore(options.dataDir);
  // a model unloaded to make room is no longer marked in use (store/in-use.ts): it may be deleted while the server
  // runs, unless the server names it still (its --model flag); it is marked again as it loads again
  const loading = (model: Model) => noteInUse(options.dataDir, { models: [model.id] });
  const unloaded = (model: Model) => noteNoLongerInUse(options.dataDir, { models: [model.id] });
  const pool = new ModelPool({ maxLoaded: options.maxLoadedModels ?? API_DEFAULTS.maxLoadedModels, threads: options.threads, load: options.load, loading, unloaded });
  const collections = new ServedCollections(store, options.threads);
  const queue = new RequestQueue(options.slots ?? API_DEFAULTS.slots, options.maxQueued ?? API_DEFAULTS.maxQueued);
  const cap = options.maxBodyBytes ?? API_DEFAULTS.maxBodyBytes;
  const inFlight = new Set<AbortController>();
  let port = 0;

  const server = http.createServer((req, res) => void handle(req, res));

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const controller = new AbortController();
    inFlight.add(controller);
    const entry: Partial<ApiRequestInput> = { endpoint: `${req.method} ${url.pathname}`, model: null };
    let gone = false;
    res.on('close', () => {
      inFlight.delete(controller);
      if (res.writableFinished) return;
      gone = true;
      options.hooks?.clientGone?.();
      controller.abort(new Error('the client closed the connection'));
    });
    res.setHeader('x-content-type-options', 'nosniff');
    try {
      checkHost(req, host, port, options.allowedHosts ?? []);
      applyCors(req, res, options.corsOrigins ?? []);
      if (req.method === 'OPTIONS') {
        res.writeHead(204);
        res.end();
        return;
      }
      checkApiKey(req, apiKey);
      const ctx: EndpointContext = { store, pool, queue, res, signal: controller.signal, hooks: options.hooks ?? {}, entry, collections };
      await route(req, url.pathname, ctx);
    } catch (err) {
      if (controller.signal.aborted) return; // the client left (or the server is stopping): no one to answer
      const e = err instanceof QueueFullError
        ? new OpenAIError(429, err.message, 'rate_limit_error', null, 'queue_full', { 'retry-after': '1' })
        : toOpenAIError(err);
      entry.outcome = 'error';
      entry.error = e.message;
      if (!res.headersSent) sendOpenAIError(res, e);
      else if (!res.writableEnded) {
        res.write(`data: ${JSON.stringify(e.body())}\n\n`); // the stream had begun: the error is its last event
        res.end();
      }
    } finally {
      // Recorded once the work has stopped, so a request whose client left logs the tokens it had generated.
      if (req.method !== 'OPTIONS') recordRequest(store, entry, gone ? CLIENT_GONE : res.statusCode, gone ? 'cancelled' : undefined, performance.now() - started);
    }
  }

  async function route(req: http.IncomingMessage, pathname: string, ctx: EndpointContext): Promise<void> {
    const post = async (fn: (ctx: EndpointContext, body: unknown) => Promise<void>) => {
      if (req.method !== 'POST') throw new OpenAIError(405, `${pathname} takes POST requests`, 'invalid_request_error', null, 'method_not_allowed', { allow: 'POST' });
      const text = await readBody(req, cap);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        throw new OpenAIError(400, `The request body is not valid JSON (${(err as Error).message}).`, 'invalid_request_error', null, 'invalid_json');
      }
      // logged as asked for before the parameters are checked: a request refused for one of them names its model in
      // `lathe api-log` too (the endpoint sets the model it resolved once they pass)
      const asked = (body as { model?: unknown } | null)?.model;
      if (typeof asked === 'string') ctx.entry.model = asked.slice(0, 200); // a hostile body cannot fill the log
      await fn(ctx, body);
    };
    if (pathname === '/v1/chat/completions') return post(chatCompletions);
    if (pathname === '/v1/completions') return post(completions);
    if (pathname === '/v1/embeddings') return post(embeddings);
    if (req.method === 'GET' && pathname === '/v1/models') return listModels(ctx);
    if (req.method === 'GET' && pathname.startsWith('/v1/models/')) return retrieveModel(ctx, modelInPath(pathname.slice('/v1/models/'.length)));
    throw new OpenAIError(404, `No route ${req.method} ${pathname}; this server answers GET /v1/models, POST /v1/chat/completions, POST /v1/completions and POST /v1/embeddings.`, 'invalid_request_error', null, 'unknown_url');
  }

  try {
    // not listening yet: an unknown model points at `lathe model list`, since GET /v1/models would not answer
    if (options.preload) await pool.use(resolveServedModel(store, options.preload, '`lathe model list`'), async () => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? API_DEFAULTS.port, host, () => resolve());
    });
  } catch (err) {
    await pool.close();
    await collections.close();
    store.close();
    throw err;
  }
  port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}/v1`,
    host,
    port,
    apiKey,
    store,
    pool,
    queue,
    close() {
      closing ??= (async () => {
        for (const c of inFlight) c.abort(new Error('the server is stopping'));
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await pool.close();
        await collections.close();
        store.close();
      })();
      return closing;
    },
  };
}

/** The {model} of GET /v1/models/{model}; a client's broken percent-encoding is its 400, not the server's 500. */
function modelInPath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw invalidParam('model', `The model in the path ('${encoded}') is not valid percent-encoding.`);
  }
}

function recordRequest(store: Store, entry: Partial<ApiRequestInput>, status: number, outcome: string | undefined, latencyMs: number): void {
  if (!store.db.open) return;
  try {
    store.apiRequests.record({
      endpoint: entry.endpoint ?? '',
      model: entry.model ?? null,
      status,
      outcome: outcome ?? entry.outcome ?? (status < 400 ? 'ok' : 'error'),
      promptTokens: entry.promptTokens,
      completionTokens: entry.completionTokens,
      latencyMs,
      tokensPerSecond: entry.tokensPerSecond,
      error: entry.error,
    });
  } catch (err) {
    console.error(`serve-api: could not write the request log: ${(err as Error).message}`);
  }
}
