// The studio's OpenAI-compatible server: a child process that runs native/openai's server (the one `lathe
// serve-api` runs) until the studio tells it to stop, goes away, or dies (the IPC channel closes and this process
// exits with it, so a server never outlives its studio).
//
// Why a child process: the server decodes tokens for whole requests (synchronous native work between awaits,
// model loads that build graphs in JavaScript); in the studio's own process that would stall every Studio API
// call and event stream. A crash (out of memory on a large model) ends the server, never the studio.
import { OpenAIError } from '../openai/errors.ts';
import { startApiServer, type ApiServer } from '../openai/server.ts';
import { beginCommandUse, type InUseMark } from '../store/in-use.ts';

export type ToServeApiWorker = { type: 'start'; dataDir: string; model: string; port: number; threads?: number } | { type: 'stop' };
export type FromServeApiWorker =
  | { type: 'ready'; url: string; apiKey: string; port: number }
  | { type: 'failed'; message: string; userError: boolean }
  | { type: 'stopped' };

let server: ApiServer | null = null;
/** The models it serves, named in an in-use marker (store/in-use.ts), so the studio refuses to delete them meanwhile. */
let inUse: InUseMark | null = null;
let stopping: Promise<void> | null = null;

function send(message: FromServeApiWorker): void {
  if (process.connected && process.send) process.send(message);
}

function whyNot(err: unknown, port: number): { message: string; userError: boolean } {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') return { message: `port ${port} is already in use: pick another port, or 0 for any free one`, userError: true };
  if (e?.code === 'EACCES') return { message: `port ${port} needs privileges this user lacks: pick a port above 1023, or 0 for any free one`, userError: true };
  return { message: e?.message ?? String(err), userError: err instanceof OpenAIError };
}

async function start(m: Extract<ToServeApiWorker, { type: 'start' }>): Promise<void> {
  // what the server loads (its --model at once, any other a request names) is added as the store finds it
  inUse = beginCommandUse(m.dataDir, "the studio's API server", { models: [m.model] }, 'stop the API server (Integrate → Serve to applications → Stop server)');
  try {
    server = await startApiServer({ dataDir: m.dataDir, host: '127.0.0.1', port: m.port, preload: m.model, threads: m.threads });
    send({ type: 'ready', url: server.url, apiKey: server.apiKey, port: server.port });
  } catch (err) {
    send({ type: 'failed', ...whyNot(err, m.port) });
    process.exit(0);
  }
}

function stop(): Promise<void> {
  stopping ??= (async () => {
    await server?.close();
    inUse?.release();
    send({ type: 'stopped' });
    process.exit(0);
  })();
  return stopping;
}

process.on('message', (m: ToServeApiWorker) => void (m.type === 'start' ? start(m) : stop()));
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
