// `lathe serve` as an attacker's web page meets it: a page that re-pointed its own domain at 127.0.0.1 (DNS
// rebinding) is refused by its Host header; a cross-site form (text/plain, no custom headers) can make no RPC
// call, even holding the token, since the token counts in the URL only for the event stream; the studio cannot
// be framed; and a malformed or NUL-bearing path is a 404, not an internal error.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../native/serve/server.ts';

const running: RunningServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

async function serve(allowedHosts?: string[]): Promise<RunningServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-serve-guards-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'renderer'));
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Lathe</title>');
  const server = await startServer({ dataDir: dir, port: 0, token: 'the-token', rendererDir: path.join(dir, 'renderer'), allowedHosts });
  running.push(server);
  return server;
}

/** One request through node:http, which (unlike fetch) sends the Host header it is given. */
function request(server: RunningServer, p: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: p, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      // the event stream never ends: its first bytes are enough
      res.on('data', (c: string) => {
        body += c;
        if (res.headers['content-type']?.startsWith('text/event-stream')) req.destroy();
      });
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      res.on('end', done);
      res.on('close', done);
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end(init.body);
  });
}

const bearer = { authorization: 'Bearer the-token', 'content-type': 'application/json' };

describe('lathe serve against a web page', () => {
  it('refuses a Host header that is not its own address (DNS rebinding), on the API and the page alike', async () => {
    const server = await serve();
    for (const p of ['/api/rpc/projects.list', '/']) {
      const res = await request(server, p, { method: p === '/' ? 'GET' : 'POST', headers: { ...bearer, host: `attacker.example:${server.port}` }, body: p === '/' ? undefined : '{}' });
      expect(res.status, p).toBe(403);
      expect(res.body).not.toMatch(/result|<title>/);
    }
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`]) {
      expect((await request(server, '/api/rpc/projects.list', { method: 'POST', headers: { ...bearer, host }, body: '{}' })).body).toBe('{"result":[]}');
    }
  });

  it('answers to a name it was told with allowedHosts (--allow-host)', async () => {
    const server = await serve(['studio.internal']);
    const res = await request(server, '/api/rpc/projects.list', { method: 'POST', headers: { ...bearer, host: `studio.internal:${server.port}` }, body: '{}' });
    expect(res.status).toBe(200);
  });

  it('takes the token from the URL for the event stream only', async () => {
    const server = await serve();
    const form = await request(server, '/api/rpc/projects.create?token=the-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"p","task":"qa"}' });
    expect(form.status).toBe(401);
    const upload = await request(server, '/api/upload?name=a.jsonl&token=the-token', { method: 'POST', body: '{"a":1}\n' });
    expect(upload.status).toBe(401);
    expect(fs.existsSync(path.join(dirs[0], 'uploads'))).toBe(false);
    const events = await request(server, '/api/events?token=the-token');
    expect([events.status, events.headers['content-type']]).toEqual([200, 'text/event-stream; charset=utf-8']);
  });

  it('refuses RPC params that are not sent as JSON (what a cross-site form sends), with the token or not', async () => {
    const server = await serve();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const headers: Record<string, string> = { authorization: 'Bearer the-token', ...(type ? { 'content-type': type } : {}) };
      const res = await request(server, '/api/rpc/projects.create', { method: 'POST', headers, body: '{"name":"p","task":"qa"}' });
      expect(res.status, type).toBe(415);
    }
    const listed = await request(server, '/api/rpc/projects.list', { method: 'POST', headers: { ...bearer, 'content-type': 'application/json; charset=utf-8' }, body: '{}' });
    expect(listed.body).toBe('{"result":[]}'); // nothing was created
  });

  it('may not be framed by another page', async () => {
    const server = await serve();
    const page = await request(server, '/');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toBe("frame-ancestors 'none'");
  });

  it('answers a malformed or NUL-bearing path with a 404 or an unknown method, never an internal error', async () => {
    const server = await serve();
    for (const p of ['/%E0%A4%A.js', '/a%00.js', '/%00']) expect((await request(server, p)).status, p).toBe(404);
    const rpc = await request(server, '/api/rpc/%E0%A4%A', { method: 'POST', headers: bearer, body: '{}' });
    expect([rpc.status, JSON.parse(rpc.body).error.code]).toEqual([404, 'unknown_method']);
  });
});
