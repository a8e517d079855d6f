// What every request passes before it reaches an endpoint: the Host header names this server (a web page that
// re-points its own domain at 127.0.0.1 — DNS rebinding — sends its own name and is refused), a browser's Origin
// is on the CORS allow-list (none by default, so no page can call the server), the API key matches (compared in
// constant time over equal-length digests), and the body stays under its cap.
import crypto from 'node:crypto';
import type http from 'node:http';
import net from 'node:net';
import { OpenAIError } from './errors.ts';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || (net.isIPv4(h) && h.startsWith('127.'));
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * Whether the Host header names this server. A server bound to loopback answers to loopback names only (plus
 * `extra`); one bound to a given address to that address; one bound to every interface (0.0.0.0, ::) to any name,
 * since it is reachable under names it cannot know and its key is what protects it.
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string, port: number, extra: readonly string[] = []): boolean {
  if (!hostHeader) return false;
  let url: URL;
  try {
    url = new URL(`http://${hostHeader}`);
  } catch {
    return false;
  }
  if (url.username || url.password || url.pathname !== '/') return false;
  if (url.port !== '' && Number(url.port) !== port) return false;
  const name = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (extra.some((h) => h.toLowerCase() === name)) return true;
  const bound = boundHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (WILDCARDS.has(bound)) return true;
  if (isLoopbackHost(bound)) return isLoopbackHost(name);
  return name === bound;
}

export function checkHost(req: http.IncomingMessage, boundHost: string, port: number, extra: readonly string[]): void {
  if (!hostAllowed(req.headers.host, boundHost, port, extra)) {
    const message = `Host '${req.headers.host ?? ''}' is not this server's address; connect to ${boundHost}:${port} (or allow another name with --allow-host)`;
    throw new OpenAIError(403, message, 'invalid_request_error', null, 'host_not_allowed');
  }
}

/**
 * Apply the CORS policy: a request without Origin (any non-browser client) passes; a browser's passes only when
 * its origin is listed (or the list is ['*']), and then gets the headers that let the page read the answer.
 */
export function applyCors(req: http.IncomingMessage, res: http.ServerResponse, allowed: readonly string[]): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  if (!allowed.includes('*') && !allowed.includes(origin)) {
    const message = `requests from web pages at ${origin} are not allowed; start the server with --cors-origin ${origin} to allow them`;
    throw new OpenAIError(403, message, 'invalid_request_error', null, 'origin_not_allowed');
  }
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
  res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? 'authorization, content-type');
  res.setHeader('access-control-max-age', '600');
}

const digest = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();

/** Compare keys in constant time: equal-length SHA-256 digests through timingSafeEqual, so no length or prefix leaks. */
export function keyMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

export function checkApiKey(req: http.IncomingMessage, expected: string): void {
  const header = req.headers.authorization;
  const given = header?.match(/^Bearer\s+(.+)$/i)?.[1].trim() ?? null;
  if (keyMatches(given, expected)) return;
  const message = given === null
    ? "You didn't provide an API key: send it as 'Authorization: Bearer <key>' (lathe serve-api printed it when it started)."
    : 'Incorrect API key provided; use the key lathe serve-api printed or was given with --api-key.';
  throw new OpenAIError(401, message, 'invalid_request_error', null, 'invalid_api_key', { 'www-authenticate': 'Bearer' });
}

/** Past the cap, a body is still read (and dropped) up to this many bytes so that the client can read the 413. */
const DRAIN_LIMIT = 64 << 20;

/** Read the body as UTF-8 up to `cap` bytes; a larger one is a 413 (answered after draining it, or the socket is cut). */
export function readBody(req: http.IncomingMessage, cap: number): Promise<string> {
  const tooLarge = () => new OpenAIError(413, `The request body is over ${cap} bytes, the most this server accepts.`, 'invalid_request_error', null, 'request_too_large', { connection: 'close' });
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = declared > cap;
    if (declared > DRAIN_LIMIT) {
      req.resume();
      return reject(tooLarge());
    }
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > cap) over = true;
      if (size > DRAIN_LIMIT) {
        req.destroy();
        return reject(tooLarge());
      }
      if (!over) chunks.push(c);
    });
    req.on('end', () => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}
