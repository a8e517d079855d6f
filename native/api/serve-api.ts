// The "serve to applications" part of the Studio API: the studio starts and stops the OpenAI-compatible server
// (native/openai, the same one `lathe serve-api` runs) in a child process it owns, reports where it listens and
// with which key, and reads the server's request log from the store. Spread into `methods` in contract.ts.
import { z } from 'zod';

export const SERVE_API_DEFAULT_PORT = 1234;

export const ServeApiStatus = z.object({
  /** 'starting' while the worker loads the model; 'failed' when the last start or the running server failed. */
  state: z.enum(['stopped', 'starting', 'running', 'failed']),
  /** Base URL that OpenAI clients take, e.g. http://127.0.0.1:1234/v1 (null unless running). */
  url: z.string().nullable(),
  /** The key clients send as `Authorization: Bearer <key>`: new at each start (null unless running). */
  apiKey: z.string().nullable(),
  /** The model loaded at start; requests may name any model of the studio, or `<model>:<run id>` for an adapter. */
  model: z.string().nullable(),
  port: z.number().int().nullable(),
  startedAt: z.string().nullable(),
  /** Why the last start failed or the server stopped on its own. */
  error: z.string().nullable(),
});
export type ServeApiStatus = z.infer<typeof ServeApiStatus>;

export const ApiRequestLogEntry = z.object({
  id: z.number().int(),
  time: z.string(),
  /** e.g. 'POST /v1/chat/completions' */
  endpoint: z.string(),
  model: z.string().nullable(),
  status: z.number().int(),
  /** 'stop', 'length', 'cancelled' (the client went away) or 'error'. */
  outcome: z.string(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  latencyMs: z.number(),
  /** Generated tokens per second of the decode phase, when there was one. */
  tokensPerSecond: z.number().nullable(),
  error: z.string().nullable(),
});
export type ApiRequestLogEntry = z.infer<typeof ApiRequestLogEntry>;

export const serveApiMethods = {
  /** Start the server on 127.0.0.1 with `model` loaded; refused while one runs. Resolves once it listens (or failed). */
  'serveApi.start': {
    params: z.object({
      model: z.string().min(1),
      /** 0 picks a free port. */
      port: z.number().int().min(0).max(65535).default(SERVE_API_DEFAULT_PORT),
      /** CPU threads per loaded model (default: all cores). */
      threads: z.number().int().min(1).max(256).optional(),
    }),
    result: ServeApiStatus,
  },
  /** Stop the server (requests in flight are cancelled); answers the status after it stopped. */
  'serveApi.stop': { params: z.object({}), result: ServeApiStatus },
  'serveApi.status': { params: z.object({}), result: ServeApiStatus },
  /** The latest requests the server answered (this studio's or `lathe serve-api`'s), newest first. */
  'serveApi.log': { params: z.object({ limit: z.number().int().min(1).max(500).default(50) }), result: z.array(ApiRequestLogEntry) },
} as const;
