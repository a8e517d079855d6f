// The studio starts and stops the OpenAI-compatible server (serveApi.* methods): it listens with a fresh key,
// answers a client, its requests reach serveApi.log, a second start is refused while it runs, a bad model or a
// taken port is refused with the field named, and it stops with stop() and with the studio.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../native/api/errors.ts';
import { quantizeModel } from '../../native/deploy/quantize-model.ts';
import { Studio } from '../../native/studio/studio.ts';
import { tempDir } from './helpers/lathe.ts';
import { HAS_STORIES, SKIP_STORIES_REASON, importStories } from './helpers/openai-server.ts';

if (!HAS_STORIES) console.warn(`serve-api-studio: skipped: ${SKIP_STORIES_REASON}`);

const reachable = (url: string) => fetch(`${url}/models`).then(() => true, () => false);

describe.skipIf(!HAS_STORIES)('the studio’s API server', () => {
  let dataDir = '';
  let studio: Studio;

  beforeAll(async () => {
    dataDir = tempDir('serve-api-studio');
    await importStories(dataDir, 's260k');
    studio = new Studio({ dataDir, mode: 'serve' });
  });

  afterAll(async () => {
    await studio?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses an unknown model, naming it, and stays stopped', async () => {
    const err = await studio.call('serveApi.start', { model: 'nope', port: 0, threads: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).message).toMatch(/nope/);
    expect((err as StudioError).details).toEqual({ field: 'model' });
    const status = await studio.call('serveApi.status', {});
    expect(status.state).toBe('failed');
    expect(status.url).toBeNull();
  });

  it('refuses a port another program holds, naming the port', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const err = await studio.call('serveApi.start', { model: 's260k', port, threads: 1 }).catch((e: unknown) => e);
      expect((err as StudioError).message).toMatch(new RegExp(`port ${port} is already in use`));
      expect((err as StudioError).details).toEqual({ field: 'port' });
    } finally {
      holder.close();
    }
  });

  it('starts, answers a client with its key, logs the request, refuses a second start, and stops', async () => {
    const status = await studio.call('serveApi.start', { model: 's260k', port: 0, threads: 1 });
    expect(status).toMatchObject({ state: 'running', model: 's260k', error: null });
    expect(status.url).toBe(`http://127.0.0.1:${status.port}/v1`);
    expect(status.apiKey).toMatch(/^lathe-/);
    expect(await studio.call('serveApi.status', {})).toEqual(status);

    const again = await studio.call('serveApi.start', { model: 's260k', port: 0 }).catch((e: unknown) => e);
    expect((again as StudioError).code).toBe('conflict');

    const res = await fetch(`${status.url}/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${status.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 's260k', prompt: 'Once upon a time', max_tokens: 5, temperature: 0 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    const unauthorised = await fetch(`${status.url}/models`);
    expect(unauthorised.status).toBe(401);

    // The server writes a row once the answer is sent, so the log may trail the client by a moment.
    await expect.poll(async () => (await studio.call('serveApi.log', { limit: 5 })).map((r) => [r.endpoint, r.status]), { timeout: 10_000 })
      .toEqual([['GET /v1/models', 401], ['POST /v1/completions', 200]]);
    const log = await studio.call('serveApi.log', { limit: 5 });
    expect(log[1]).toMatchObject({ model: 's260k', promptTokens: body.usage.prompt_tokens, completionTokens: body.usage.completion_tokens, outcome: 'length' });

    // the model it serves cannot be deleted meanwhile: its marker (store/in-use.ts) says who holds it and how to stop that
    const model = (await studio.call('models.list', {})).find((m) => m.name === 's260k')!;
    const refused = await studio.call('models.delete', { id: model.id }).catch((e: unknown) => e);
    expect((refused as StudioError).code).toBe('conflict');
    expect((refused as StudioError).message).toMatch(/the studio's API server \(process \d+, since .+\) is using it; stop the API server \(Integrate → Serve to applications → Stop server\) or let it finish, then delete the model$/);

    const stopped = await studio.call('serveApi.stop', {});
    expect(stopped.state).toBe('stopped');
    expect(await reachable(status.url!)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'models', '.in-use'))).toBe(false); // its marker went with it
  });

  it('serves a quantised variant picked as its model (it used to fail to start: the variant could not load with hidden states)', async () => {
    await quantizeModel(dataDir, studio.store.models.find('s260k'), 'q4', 's260k-q4');
    const status = await studio.call('serveApi.start', { model: 's260k-q4', port: 0, threads: 1 });
    expect(status).toMatchObject({ state: 'running', model: 's260k-q4', error: null });
    try {
      const res = await fetch(`${status.url}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${status.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 's260k-q4', messages: [{ role: 'user', content: 'Tell me a story.' }], max_tokens: 5, temperature: 0 }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBeGreaterThan(0);
    } finally {
      await studio.call('serveApi.stop', {});
    }
  });

  it('stops its server when the studio closes', async () => {
    const status = await studio.call('serveApi.start', { model: 's260k', port: 0, threads: 1 });
    expect(await reachable(status.url!)).toBe(true);
    await studio.close();
    expect(await reachable(status.url!)).toBe(false);
    studio = new Studio({ dataDir, mode: 'serve' });
    expect((await studio.call('serveApi.status', {})).state).toBe('stopped');
  });
});
