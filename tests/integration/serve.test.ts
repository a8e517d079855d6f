// `lathe serve` as a browser and a crash see it: token on every /api request, RPC, server-sent events,
// streamed upload then import, static files; and a server killed mid-import that restarts consistent.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../native/api/contract.ts';
import type { Dataset, Job } from '../../native/api/schemas.ts';
import { rendererMissing } from '../../native/cli/serve.ts';
import { startServer } from '../../native/serve/server.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { HAS_SHARED_DATA, lathe, SHARED_DATA, SKIP_SHARED_REASON, startServe, tempDir } from './helpers/lathe.ts';

if (!HAS_SHARED_DATA) console.warn(SKIP_SHARED_REASON);
const dirs: string[] = [];
const children: { kill(signal?: NodeJS.Signals): boolean }[] = [];
afterAll(() => {
  children.forEach((c) => c.kill('SIGKILL'));
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});
function dataDir(): string {
  const d = tempDir('serve');
  dirs.push(d);
  return d;
}

async function rpc<T>(base: string, token: string | null, method: string, params: unknown = {}): Promise<{ status: number; body: { result?: T; error?: { code: string; message: string } } }> {
  const res = await fetch(`${base}/api/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** Collect server-sent events until `until` says stop. */
async function collectEvents(url: string, until: (e: StudioEvent) => boolean, timeoutMs = 60_000): Promise<StudioEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const res = await fetch(url, { signal: controller.signal });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const events: StudioEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        const event = JSON.parse(data.slice(6)) as StudioEvent;
        events.push(event);
        if (until(event)) return events;
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

describe('lathe serve', () => {
  it('takes its token from LATHE_TOKEN (out of the process list), refuses a short one by name, and warns off loopback', async () => {
    const dir = dataDir();
    const short = lathe(dir, ['serve', '--port', '0'], { timeoutMs: 20_000, env: { LATHE_TOKEN: 'abc' } });
    expect([short.code, short.stderr]).toEqual([2, expect.stringMatching(/^lathe serve: LATHE_TOKEN is too short: use at least 8 characters/)]);
    const shortKey = lathe(dir, ['serve-api', '--model', 'none'], { timeoutMs: 20_000, env: { LATHE_API_KEY: 'abc' } });
    expect([shortKey.code, shortKey.stderr]).toEqual([2, expect.stringMatching(/LATHE_API_KEY is too short: use at least 8 characters/)]);
    const server = await startServe(dir, ['--host', '0.0.0.0'], { LATHE_TOKEN: 'from-the-environment' });
    children.push(server.child);
    try {
      expect(server.token).toBe('from-the-environment');
      expect((await rpc(server.base, 'from-the-environment', 'projects.list')).status).toBe(200);
      await expect.poll(() => server.stderr()).toMatch(/warning: serving plain HTTP on 0\.0\.0\.0: the key and every request cross the network unencrypted/);
    } finally {
      server.child.kill('SIGTERM');
    }
  });

  // a fresh checkout printed the URL and nothing else; the page then said only "The Lathe UI is not built yet"
  it('warns on stderr at start-up when the renderer it serves is not built, and says what to run', async () => {
    const dir = dataDir();
    const unbuilt = path.join(dir, 'unbuilt');
    const built = path.join(dir, 'built');
    fs.mkdirSync(unbuilt);
    fs.mkdirSync(built);
    fs.writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>Lathe</title>');
    const started = (folder: string) => startServe(dir, ['--renderer-dir', folder]).then((server) => (children.push(server.child), server));
    const ready = /press Ctrl\+C to stop/; // the last start-up line: any warning is written before it
    const missing = await started(unbuilt);
    await expect.poll(() => missing.stderr()).toMatch(ready);
    expect(missing.stderr()).toContain(`warning: --renderer-dir ${unbuilt} holds no index.html, so the page will only say the UI is not built; give the folder 'npm run build:renderer' writes (dist/renderer)`);
    missing.child.kill('SIGTERM');
    const present = await started(built);
    await expect.poll(() => present.stderr()).toMatch(ready);
    expect(present.stderr()).not.toContain('warning:');
    present.child.kill('SIGTERM');
    expect(rendererMissing('/x/dist/renderer', false)).toBe("the studio's UI is not built (no /x/dist/renderer/index.html), so the page will only say so: run 'npm run build:renderer' (or start the studio with 'npm start', which builds it first), then reload the page");
  });

  it('refuses a short --token, and answers 401 with no data to any /api request without the right token', async () => {
    const dir = dataDir();
    const short = lathe(dir, ['serve', '--port', '0', '--token', 't0k'], { timeoutMs: 20_000 });
    expect([short.code, short.stderr]).toEqual([2, expect.stringMatching(/--token is too short: use at least 8 characters/)]);
    const { base, token, child } = await startServe(dir, ['--token', 't0k-t0k-']);
    children.push(child);
    expect(token).toBe('t0k-t0k-');
    for (const [method, url] of [['POST', '/api/rpc/projects.list'], ['GET', '/api/events'], ['POST', '/api/upload?name=a.jsonl'], ['GET', '/api/rpc/projects.list?token=wrong']] as const) {
      const res = await fetch(base + url, { method });
      expect(res.status, url).toBe(401);
      expect(await res.text()).not.toMatch(/proj_|result/);
    }
    expect((await rpc(base, 'wrong', 'projects.list')).status).toBe(401);
    const ok = await rpc<unknown[]>(base, 't0k-t0k-', 'projects.list');
    expect(ok).toEqual({ status: 200, body: { result: [] } });
    const bad = await rpc(base, 't0k-t0k-', 'projects.create', { name: '', task: 'qa' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('invalid_params');
    expect((await rpc(base, 't0k-t0k-', 'no.such')).body.error?.code).toBe('unknown_method');
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  });

  it.skipIf(!HAS_SHARED_DATA)('uploads a file, imports it as a job and pushes job events over SSE', async () => {
    const dir = dataDir();
    const server = await startServer({ dataDir: dir, port: 0, rendererDir: path.join(dir, 'no-renderer') });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      const base = new URL(server.url).origin;
      const page = await fetch(`${base}/`);
      expect(await page.text()).toMatch(/npm run build:renderer/);
      const upload = await fetch(`${base}/api/upload?name=dev.jsonl`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}` },
        body: fs.readFileSync(path.join(SHARED_DATA, 'datasets/dialogsum/dev.jsonl')),
      });
      const uploaded = ((await upload.json()) as { result: { path: string } }).result.path;
      expect(uploaded.startsWith(path.join(dir, 'uploads'))).toBe(true);
      const project = (await rpc<{ id: string }>(base, server.token, 'projects.create', { name: 'p', task: 'summarization' })).body.result!;
      const events = collectEvents(`${base}/api/events?token=${server.token}`, (e) => e.type === 'job.updated' && ['succeeded', 'failed'].includes(e.payload.state));
      await new Promise((r) => setTimeout(r, 200)); // let the event stream connect before the job starts
      const started = await rpc<Job>(base, server.token, 'datasets.import', { path: uploaded, name: 'dev', projectId: project.id });
      expect(started.body.result?.kind).toBe('dataset-import');
      const seen = await events;
      const last = seen.at(-1) as Extract<StudioEvent, { type: 'job.updated' }>;
      expect(last.payload).toMatchObject({ id: started.body.result!.id, state: 'succeeded' });
      expect(seen.some((e) => e.type === 'job.log')).toBe(true);
      const datasets = (await rpc<Dataset[]>(base, server.token, 'datasets.list', { projectId: project.id })).body.result!;
      expect(datasets.map((d) => d.rowCount)).toEqual([500]);
      const rows = (await rpc<{ rows: unknown[]; total: number }>(base, server.token, 'datasets.rows', { id: datasets[0].id, split: 'validation', limit: 3 })).body.result!;
      expect([rows.rows.length, rows.total]).toEqual([3, 50]);
    } finally {
      await server.close();
    }
  });

  it('an uploaded file that fails to import is named by its own name, never by its upload path', async () => {
    const dir = dataDir();
    const server = await startServer({ dataDir: dir, port: 0, rendererDir: path.join(dir, 'no-renderer') });
    try {
      const base = new URL(server.url).origin;
      const upload = await fetch(`${base}/api/upload?name=notes.jsonl`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: '{"a":1}\n{"b":2}\n' });
      const uploaded = ((await upload.json()) as { result: { path: string } }).result.path;
      const started = (await rpc<Job>(base, server.token, 'datasets.import', { path: uploaded, fileName: 'notes.jsonl', name: 'notes' })).body.result!;
      let job = started;
      for (let i = 0; i < 200 && !['succeeded', 'failed'].includes(job.state); i++) {
        await new Promise((r) => setTimeout(r, 100));
        job = (await rpc<Job>(base, server.token, 'jobs.get', { id: started.id })).body.result!;
      }
      expect(job.state).toBe('failed');
      expect(job.error).toMatch(/^notes\.jsonl line 2: /);
      expect(job.error).not.toContain(path.basename(uploaded));
      expect(job.error).not.toMatch(/uploads/);
    } finally {
      await server.close();
    }
  });

  it.skipIf(!HAS_SHARED_DATA)('killed with SIGKILL during an import, restarts with a sound database and the job interrupted', async () => {
    const dir = dataDir();
    const work = dataDir();
    const big = path.join(work, 'dialogsum-x30.jsonl');
    const chunk = fs.readFileSync(path.join(SHARED_DATA, 'datasets/dialogsum/train.jsonl'));
    fs.writeFileSync(big, '');
    for (let i = 0; i < 30; i++) fs.appendFileSync(big, chunk);

    const first = await startServe(dir);
    children.push(first.child);
    const job = (await rpc<Job>(first.base, first.token, 'datasets.import', { path: big, name: 'big' })).body.result!;
    // Wait until the import is well under way (rows being written), then pull the plug.
    for (let t0 = Date.now(); ; ) {
      const current = (await rpc<Job>(first.base, first.token, 'jobs.get', { id: job.id })).body.result!;
      if (current.state === 'running' && current.progress > 0.02) break;
      expect(current.state).toMatch(/queued|running/);
      if (Date.now() - t0 > 30_000) throw new Error('the import did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    // The orphaned worker notices its parent is gone and stops; wait for it so the folder check is fair.
    const raw = new Database(path.join(dir, 'lathe.db'), { readonly: true });
    const { worker_pid: workerPid } = raw.prepare('SELECT worker_pid FROM jobs WHERE id = ?').get(job.id) as { worker_pid: number };
    raw.close();
    for (let t0 = Date.now(); isAlive(workerPid) && Date.now() - t0 < 15_000; ) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(workerPid)).toBe(false);

    const second = await startServe(dir);
    children.push(second.child);
    const after = (await rpc<Job>(second.base, second.token, 'jobs.get', { id: job.id })).body.result!;
    expect(after.state).toBe('interrupted');
    expect(after.finishedAt).not.toBeNull();
    expect((await rpc<Dataset[]>(second.base, second.token, 'datasets.list')).body.result).toEqual([]);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));

    const db = new Database(path.join(dir, 'lathe.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) AS n FROM datasets').get()).toEqual({ n: 0 });
    db.close();
    expect(fs.existsSync(path.join(dir, 'datasets')) ? fs.readdirSync(path.join(dir, 'datasets')) : []).toEqual([]);

    // The CLI sees the same history.
    expect((await inProcessLathe(dir, ['jobs', 'list', '--json'])).json<Job[]>().map((j) => [j.id, j.state])).toEqual([[job.id, 'interrupted']]);
    expect((await inProcessLathe(dir, ['jobs', 'list'])).stdout).toMatch(new RegExp(`${job.id}\\s+dataset-import\\s+interrupted`));
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
