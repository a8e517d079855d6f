// `lathe serve`: the Studio API over HTTP exactly as native/api/http.ts defines it (RPC, server-sent events,
// streamed uploads), plus the built renderer as static files. Every /api request needs the token; every request
// must name this server in its Host header (a page that re-points its own domain at 127.0.0.1 — DNS rebinding —
// sends its own name and is refused), and no page may frame the studio.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { EVENTS_PATH, RPC_PREFIX, TOKEN_QUERY, UPLOAD_PATH } from '../api/http.ts';
import { fsyncDir } from '../data/files.ts';
import { hostAllowed } from '../openai/guards.ts';
import { Studio } from '../studio/studio.ts';
import { CONTENT_TYPES, readBody, requestToken, sendError, sendJson, tokenMatches } from './http-util.ts';

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
const RPC_BODY_LIMIT = 16 << 20;
const HEARTBEAT_MS = 15_000;
const NOT_BUILT_PAGE = '<!doctype html><meta charset="utf-8"><title>Lathe</title><p>The Lathe UI is not built yet: run <code>npm run build:renderer</code>, then reload this page.</p>\n';

export interface ServerOptions {
  dataDir: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Generated (crypto random) when not given. */
  token?: string;
  rendererDir?: string;
  /** More names the Host header may carry (a reverse proxy's, say), besides the address the server listens on. */
  allowedHosts?: string[];
}

/** Whether `rendererDir` holds a built renderer (its index.html); without one every page is NOT_BUILT_PAGE. */
export function rendererBuilt(rendererDir: string): boolean {
  return fs.statSync(path.join(rendererDir, 'index.html'), { throwIfNoEntry: false })?.isFile() ?? false;
}

export interface RunningServer {
  url: string;
  /** The folder of the built renderer it serves, resolved. */
  rendererDir: string;
  host: string;
  port: number;
  token: string;
  studio: Studio;
  close(): Promise<void>;
}

export function generateToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? generateToken();
  const rendererDir = path.resolve(options.rendererDir ?? DEFAULT_RENDERER_DIR);
  // Opening the studio marks jobs left running by a crashed server as interrupted.
  const studio = new Studio({ dataDir: options.dataDir, mode: 'serve' });
  const streams = new Set<http.ServerResponse>();
  let port = 0; // known once listening, before the first request

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) sendError(res, { code: 'internal', message: `internal error: ${err.message}` });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('x-content-type-options', 'nosniff');
    // A meta tag cannot forbid framing (frame-ancestors), so the headers do: no page may overlay the studio's buttons.
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('content-security-policy', "frame-ancestors 'none'");
    if (!hostAllowed(req.headers.host, host, port, options.allowedHosts ?? [])) {
      const message = `Host '${req.headers.host ?? ''}' is not this server's address; open the URL that \`lathe serve\` printed (or allow another name with --allow-host)`;
      return sendJson(res, 403, { error: { code: 'unauthorized', message } });
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      // ?token= counts only for the event stream, which EventSource opens without headers: anywhere else a token in
      // the URL would let a plain form on another site make the call, and URLs are kept in history and logs.
      const tokenQuery = req.method === 'GET' && url.pathname === EVENTS_PATH ? TOKEN_QUERY : null;
      if (!tokenMatches(requestToken(req, url, tokenQuery), token)) {
        res.writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' });
        res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'missing or wrong token: open the URL that `lathe serve` printed' } }));
        return;
      }
      if (url.pathname.startsWith(RPC_PREFIX)) return rpc(req, res, decodePath(url.pathname.slice(RPC_PREFIX.length)) ?? '');
      if (url.pathname === EVENTS_PATH) return events(req, res);
      if (url.pathname === UPLOAD_PATH) return upload(req, res, url);
      return sendError(res, { code: 'not_found', message: `no API route ${url.pathname}` });
    }
    return serveStatic(req, res, url.pathname);
  }

  async function rpc(req: http.IncomingMessage, res: http.ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, { error: { code: 'invalid_params', message: 'RPC calls are POST requests with JSON params' } });
    // JSON only: a form on another site can send text/plain without asking (no CORS preflight), never JSON.
    if (!isJson(req.headers['content-type'])) return sendJson(res, 415, { error: { code: 'invalid_params', message: 'RPC calls send their params as JSON, with Content-Type: application/json' } });
    let params: unknown;
    try {
      const body = await readBody(req, RPC_BODY_LIMIT);
      params = body.trim() === '' ? {} : JSON.parse(body);
    } catch (err) {
      return sendError(res, { code: 'invalid_params', message: `the request body is not valid JSON params (${(err as Error).message})` });
    }
    const outcome = await studio.dispatch(method, params);
    if ('error' in outcome) return sendError(res, outcome.error);
    sendJson(res, 200, outcome);
  }

  function events(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    streams.add(res);
    const unsubscribe = studio.listen((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  }

  /** Stream the body to <dataDir>/uploads/ (temporary name, fsync, rename); answer with the path for datasets.import. */
  async function upload(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, { error: { code: 'invalid_params', message: 'uploads are POST requests with the file as the body' } });
    const name = path.basename(url.searchParams.get('name') ?? '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
    if (!name) return sendError(res, { code: 'invalid_params', message: 'give the file name as ?name=…', details: { field: 'name' } });
    const dir = path.join(options.dataDir, 'uploads');
    fs.mkdirSync(dir, { recursive: true });
    const final = path.join(dir, `${crypto.randomBytes(4).toString('hex')}-${name}`);
    const partial = `${final}.part`;
    try {
      const out = fs.createWriteStream(partial);
      await pipeline(req, out);
      const fd = fs.openSync(partial, 'r+');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(partial, final);
      fsyncDir(dir);
    } catch (err) {
      fs.rmSync(partial, { force: true });
      // The message names the user's file; the server's working path (uploads/<random>-name.part) means nothing to them.
      const code = (err as NodeJS.ErrnoException).code;
      if (!res.headersSent && !req.destroyed) sendError(res, { code: 'internal', message: `uploading ${name} failed${code ? ` (${code})` : ''}; nothing was kept. Try again; if it fails again, check the space and permissions of the data folder.` });
      return;
    }
    sendJson(res, 200, { result: { path: final } });
  }

  function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const index = path.join(rendererDir, 'index.html');
    const decoded = decodePath(pathname);
    if (decoded === null) return notFound(res);
    let file = path.join(rendererDir, path.normalize(decoded));
    if (path.relative(rendererDir, file).startsWith('..')) file = index;
    let stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      file = path.join(file, 'index.html');
      stat = fs.statSync(file, { throwIfNoEntry: false });
    }
    if (!stat?.isFile()) {
      // Client-side routes (no extension) get the app; a missing asset is a plain 404.
      if (path.extname(pathname) && pathname !== '/index.html') return notFound(res);
      file = index;
      stat = fs.statSync(file, { throwIfNoEntry: false });
      if (!stat?.isFile()) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : NOT_BUILT_PAGE);
        return;
      }
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': stat.size,
      // The page itself is always checked again, so a new build's hashed assets are picked up at once.
      'cache-control': path.basename(file) === 'index.html' ? 'no-cache' : 'public, max-age=3600',
    });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  }).catch(async (err) => {
    await studio.close();
    throw err;
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/?${TOKEN_QUERY}=${encodeURIComponent(token)}`,
    rendererDir,
    host,
    port,
    token,
    studio,
    close() {
      closing ??= (async () => {
        for (const s of streams) s.end();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await studio.close();
      })();
      return closing;
    },
  };
}

/** A URL path percent-decoded, or null when it is malformed or names a NUL byte (which no file has): a 404, not a 500. */
function decodePath(encoded: string): string | null {
  try {
    const decoded = decodeURIComponent(encoded);
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}

function notFound(res: http.ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('not found\n');
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/json';
}
