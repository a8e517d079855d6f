// Hub downloads against a local HTTP server that speaks the Hub's API (file list + resolve with Range): a
// partial file is resumed from where it stopped, a server that ignores Range restarts the file, a pickled-only repo names what to fetch instead, a gated repo
// asks for a token, an unreachable Hub gives the offline message, and the whole job ends with an imported model.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';
import { OFFLINE_MESSAGE, downloadDir, downloadRepo } from '../../native/models/hub-download.ts';
import { describeSource } from '../../renderer/src/pages/select/format.ts';

const DIR = path.resolve(import.meta.dirname, '../../../shared/data/models/stories260K');
const present = fs.existsSync(path.join(DIR, 'stories260K.bin'));
if (!present) console.log(`download tests skipped: ${DIR} is absent (the shared data kit is not mounted)`);

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.skipIf(!present)('Hub downloads', () => {
  let tmp: string;
  let repoDir: string;
  let server: http.Server;
  let endpoint: string;
  const ranges: (string | undefined)[] = [];
  let honourRange = true;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-dl-'));
    repoDir = (await importLlama2cCheckpoint(path.join(tmp, 'source'), path.join(DIR, 'stories260K.bin'), path.join(DIR, 'tok512.bin'), 's')).path;
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname.includes('/gated/')) return void res.writeHead(401).end('gated');
      if (url.pathname === '/api/models/lathe/pickled/revision/main') {
        const siblings = ['config.json', 'pytorch_model.bin', 'tokenizer.json'].map((rfilename) => ({ rfilename, size: 10 }));
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ siblings }));
      }
      if (url.pathname === '/api/models/lathe/tiny/revision/main') {
        const siblings = fs.readdirSync(repoDir).map((f) => ({ rfilename: f, size: fs.statSync(path.join(repoDir, f)).size }));
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ siblings: [...siblings, { rfilename: 'README.md', size: 3 }] }));
      }
      const m = /^\/lathe\/tiny\/resolve\/main\/(.+)$/.exec(url.pathname);
      if (!m || !fs.existsSync(path.join(repoDir, m[1]))) return void res.writeHead(404).end();
      const body = fs.readFileSync(path.join(repoDir, m[1]));
      ranges.push(req.headers.range);
      const start = honourRange && req.headers.range ? Number(/bytes=(\d+)-/.exec(req.headers.range)![1]) : 0;
      if (start > 0) res.writeHead(206, { 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` });
      else res.writeHead(200, { 'Content-Length': body.length });
      res.end(body.subarray(start));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.LATHE_HF_ENDPOINT = endpoint;
  });

  afterAll(() => {
    delete process.env.LATHE_HF_ENDPOINT;
    server?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('resumes a partial file with a Range request and skips files it does not need', async () => {
    const dest = downloadDir(path.join(tmp, 'data1'), 'lathe/tiny', 'main');
    const weights = fs.readFileSync(path.join(repoDir, 'model.safetensors'));
    const half = Math.floor(weights.length / 2);
    fs.mkdirSync(dest, { recursive: true });
    fs.writeFileSync(path.join(dest, 'model.safetensors.partial'), weights.subarray(0, half));
    ranges.length = 0;
    const progress: number[] = [];
    await downloadRepo({ repo: 'lathe/tiny', revision: 'main' }, dest, (done) => progress.push(done));
    expect(ranges).toContain(`bytes=${half}-`);
    expect(sha(fs.readFileSync(path.join(dest, 'model.safetensors')))).toBe(sha(weights));
    expect(fs.existsSync(path.join(dest, 'model.safetensors.partial'))).toBe(false);
    expect(fs.existsSync(path.join(dest, 'README.md'))).toBe(false);
    const total = fs.readdirSync(repoDir).reduce((s, f) => s + fs.statSync(path.join(repoDir, f)).size, 0);
    expect(progress.at(-1)).toBe(total); // bytes already on disk count toward progress
  });

  it('restarts the file when the server ignores Range', async () => {
    honourRange = false;
    try {
      const dest = downloadDir(path.join(tmp, 'data2'), 'lathe/tiny', 'main');
      const weights = fs.readFileSync(path.join(repoDir, 'model.safetensors'));
      fs.mkdirSync(dest, { recursive: true });
      fs.writeFileSync(path.join(dest, 'model.safetensors.partial'), Buffer.alloc(1000, 7)); // junk that must not survive
      await downloadRepo({ repo: 'lathe/tiny', revision: 'main' }, dest, () => undefined);
      expect(sha(fs.readFileSync(path.join(dest, 'model.safetensors')))).toBe(sha(weights));
    } finally {
      honourRange = true;
    }
  });

  it('asks for a token for gated repositories', async () => {
    await expect(downloadRepo({ repo: 'gated/model', revision: 'main' }, path.join(tmp, 'g'), () => undefined)).rejects.toThrow(/gated or private.*access token/);
  });

  it('refuses a repository with only pickled PyTorch weights, naming the file and the refs/pr/N way to safetensors', async () => {
    const dest = path.join(tmp, 'pickled');
    await expect(downloadRepo({ repo: 'lathe/pickled', revision: 'main' }, dest, () => undefined)).rejects.toThrow(
      /lathe\/pickled at revision 'main' has no \.safetensors weights, only PyTorch weights \(pytorch_model\.bin\).*refs\/pr\/N/,
    );
    expect(fs.existsSync(dest)).toBe(false); // refused before anything is written
  });

  it('says the Hub is unreachable when it is', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    process.env.LATHE_HF_ENDPOINT = `http://127.0.0.1:${port}`;
    try {
      await expect(downloadRepo({ repo: 'lathe/tiny', revision: 'main' }, path.join(tmp, 'o'), () => undefined)).rejects.toThrow(OFFLINE_MESSAGE);
    } finally {
      process.env.LATHE_HF_ENDPOINT = endpoint;
    }
  });

  it('downloads and imports through the studio as a job', async () => {
    const studio = new Studio({ dataDir: path.join(tmp, 'studio'), mode: 'cli' });
    try {
      const job = await studio.call('models.download', { repo: 'lathe/tiny' });
      await studio.queue.whenFinished(job.id);
      const done = await studio.call('jobs.get', { id: job.id });
      expect(done.state, done.error ?? '').toBe('succeeded');
      const models = await studio.call('models.list', {});
      expect(models.map((m) => m.name)).toEqual(['tiny']);
      expect(models[0].source).toBe('hub:lathe/tiny'); // where it came from, not the staging folder
      expect(describeSource(models[0].source)).toBe('Hugging Face Hub · lathe/tiny');
      const card = await studio.call('models.get', { id: 'tiny' });
      expect(card.parameters.total).toBe(260032);
      expect(fs.existsSync(downloadDir(path.join(tmp, 'studio'), 'lathe/tiny', 'main'))).toBe(false); // the staging copy is gone
      await expect(studio.call('models.download', { repo: 'lathe/tiny' })).rejects.toThrow(/already exists/);
    } finally {
      await studio.close();
    }
  });
});
