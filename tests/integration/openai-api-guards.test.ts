// The OpenAI-compatible server under bad and hostile requests: each gets OpenAI's error shape with the right
// status (400 naming the parameter, 401, 403, 404, 413, 429) and the server keeps serving; a client that leaves
// mid-stream stops its generation within one decode step and frees its slot; a waiting client that leaves frees
// its place in the queue.
import fs from 'node:fs';
import http from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../native/openai/server.ts';
import { tempDir } from './helpers/lathe.ts';
import { HAS_STORIES, SKIP_STORIES_REASON, importStories } from './helpers/openai-server.ts';

if (!HAS_STORIES) console.warn(`openai-api-guards: skipped: ${SKIP_STORIES_REASON}`);

const MODEL = 's260k';
const ALLOWED_ORIGIN = 'http://allowed.example';
let dataDir = '';
let server: ApiServer;
let client: OpenAI;
/** Tokens generated so far, and how many of them came after a client left. */
const counts = { tokens: 0, gone: 0, tokensAfterGone: 0 };

beforeAll(async () => {
  if (!HAS_STORIES) return;
  dataDir = tempDir('openai-guards');
  await importStories(dataDir, MODEL);
  server = await startApiServer({
    dataDir,
    port: 0,
    threads: 1,
    slots: 1,
    maxQueued: 1,
    corsOrigins: [ALLOWED_ORIGIN],
    hooks: {
      tokenGenerated: () => {
        counts.tokens++;
        if (counts.gone > 0) counts.tokensAfterGone++;
      },
      clientGone: () => counts.gone++,
    },
  });
  client = new OpenAI({ baseURL: server.url, apiKey: server.apiKey, maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function post(path: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } } };
}

const chat = (extra: Record<string, unknown>) => JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4, ...extra });

/** A raw request whose Host and Origin headers fetch would not let a test choose. */
function rawRequest(method: string, path: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.skipIf(!HAS_STORIES)('the OpenAI-compatible server refuses bad requests in OpenAI\'s error shape', () => {
  it('400 for malformed JSON', async () => {
    const r = await post('/chat/completions', '{"model": "s260k", "messages": [');
    expect(r.status).toBe(400);
    expect(Object.keys(r.json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(r.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json', param: null });
  });

  it('400 naming the parameter for a wrong type, a missing field and max_tokens -1', async () => {
    expect((await post('/chat/completions', chat({ temperature: 'hot' }))).json.error).toMatchObject({ param: 'temperature', code: 'invalid_value' });
    // the request log (lathe api-log) names the model the refused request asked for; it had an empty model column
    await until(() => server.store.apiRequests.recent(1)[0]?.status === 400, 'the request log row');
    expect(server.store.apiRequests.recent(1)[0].model).toBe(MODEL);
    const content = await post('/chat/completions', JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 42 }] }));
    expect(content.status).toBe(400);
    expect(content.json.error.param).toBe('messages[0].content');
    const missing = await post('/chat/completions', JSON.stringify({ model: MODEL }));
    expect(missing.json.error).toMatchObject({ param: 'messages', code: 'missing_required_parameter' });
    const negative = await post('/completions', JSON.stringify({ model: MODEL, prompt: 'a', max_tokens: -1 }));
    expect(negative.status).toBe(400);
    expect(negative.json.error.param).toBe('max_tokens');
    expect((await post('/chat/completions', chat({ top_logprobs: 2 }))).json.error.param).toBe('top_logprobs');
    expect((await post('/chat/completions', chat({ n: 0 }))).json.error.param).toBe('n');
    const wide = await post('/completions', JSON.stringify({ model: MODEL, prompt: Array.from({ length: 10 }, () => 'a'), n: 16, max_tokens: 1 }));
    expect(wide.status).toBe(400);
    expect(wide.json.error.message).toContain('160 completions at once');
  });

  it('400 when the prompt fills the model\'s context', async () => {
    const r = await post('/completions', JSON.stringify({ model: MODEL, prompt: 'Once upon a time '.repeat(400), max_tokens: 4 }));
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ param: 'prompt', code: 'context_length_exceeded' });
    // Streamed, the refusal still comes before any event, as a status the client raises.
    const streamed = await client.completions.create({ model: MODEL, prompt: 'Once upon a time '.repeat(400), max_tokens: 4, stream: true }).catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('413 for a 10 MB body', async () => {
    const r = await post('/chat/completions', new Uint8Array(10 << 20).fill(0x20));
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('request_too_large');
  });

  it('404 for an unknown model (the client raises NotFoundError) and an unknown route', async () => {
    const err = await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('model');
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).message).toContain(MODEL);
    expect((await post('/embeddingz', '{}')).status).toBe(404);
  });

  it('400 for a misspelled argument on every endpoint, and a 404 that says which model a typo meant', async () => {
    // before: each was a 200 that dropped the argument in silence (the completion sampled at temperature 1)
    const typo = await post('/completions', JSON.stringify({ prompt: 'Once', model: MODEL, max_tokens: 5, temprature: 0 }));
    expect(typo.status).toBe(400);
    expect(typo.json.error).toEqual({ message: "Unrecognized request argument supplied: temprature; did you mean 'temperature'?", type: 'invalid_request_error', param: 'temprature', code: 'unknown_parameter' });
    expect((await post('/chat/completions', chat({ top_pp: 0.5 }))).json.error).toMatchObject({ param: 'top_pp', code: 'unknown_parameter' });
    expect((await post('/embeddings', JSON.stringify({ model: MODEL, input: 'Once', encoding: 'float' }))).status).toBe(400);
    // the official client raises it as a BadRequestError with the argument as its param
    const viaClient = await client.completions.create({ model: MODEL, prompt: 'Once', max_tokens: 2, temprature: 0 } as never).catch((e: unknown) => e);
    expect(viaClient).toBeInstanceOf(OpenAI.BadRequestError);
    expect((viaClient as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('temprature');
    // a key inside a message or stream_options too, by its path
    const nested = await client.chat.completions.create({ model: MODEL, max_tokens: 2, messages: [{ role: 'user', content: 'Hi' }, { role: 'user', contnet: 'more' }] } as never).catch((e: unknown) => e);
    expect(nested).toBeInstanceOf(OpenAI.BadRequestError);
    expect(nested).toMatchObject({ param: 'messages[1].contnet', code: 'unknown_parameter', type: 'invalid_request_error' });
    expect((await post('/completions', JSON.stringify({ prompt: 'Once', model: MODEL, stream: true, stream_options: { include_usge: true } }))).json.error).toMatchObject({ param: 'stream_options.include_usge', code: 'unknown_parameter' });
    // what the client sends in normal use passes: an answer sent back as history, usage in a stream
    const first = await client.chat.completions.create({ model: MODEL, max_tokens: 2, messages: [{ role: 'user', content: 'Hi' }] });
    const stream = await client.chat.completions.create({ model: MODEL, max_tokens: 2, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hi' }, first.choices[0].message, { role: 'user', content: 'More' }] });
    let usage = null;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    const model = await client.chat.completions.create({ model: 's26k', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(model).toBeInstanceOf(OpenAI.NotFoundError);
    expect((model as InstanceType<typeof OpenAI.NotFoundError>).message).toContain("The model 's26k' does not exist. Did you mean 's260k'?");
  });

  it('400, not a 500, for a model path that is not valid percent-encoding', async () => {
    const res = await fetch(`${server.url}/models/%E0%A4%A`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'model', code: 'invalid_value' } });
  });

  it('401 for a missing or wrong key', async () => {
    const noKey = await fetch(`${server.url}/models`);
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    const wrong = new OpenAI({ baseURL: server.url, apiKey: `${server.apiKey}x`, maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('403 for a Host header that is not the server\'s (DNS rebinding) and for an origin not allowed', async () => {
    const auth = { authorization: `Bearer ${server.apiKey}` };
    expect((await rawRequest('GET', '/v1/models', { ...auth, host: `attacker.example:${server.port}` })).status).toBe(403);
    expect((await rawRequest('GET', '/v1/models', { ...auth, host: `localhost:${server.port}` })).status).toBe(200);
    const foreign = await rawRequest('GET', '/v1/models', { ...auth, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await rawRequest('OPTIONS', '/v1/chat/completions', { origin: ALLOWED_ORIGIN, 'access-control-request-headers': 'authorization, content-type' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    const allowed = await rawRequest('GET', '/v1/models', { ...auth, origin: ALLOWED_ORIGIN });
    expect(allowed.status).toBe(200);
  });

  it('keeps serving after every bad request, and logs each refusal with its status', async () => {
    const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], temperature: 0, max_tokens: 4 });
    expect(r.choices[0].message.content!.length).toBeGreaterThan(0);
    const statuses = new Set(server.store.apiRequests.recent(500).map((row) => row.status));
    for (const status of [400, 401, 403, 404, 413, 200]) expect(statuses.has(status), `status ${status} logged`).toBe(true);
    const refused = server.store.apiRequests.recent(500).find((row) => row.status === 404 && row.model === 'no-such-model');
    expect(refused).toMatchObject({ outcome: 'error', endpoint: 'POST /v1/chat/completions' });
    expect(refused!.error).toContain("'no-such-model' does not exist");
    expect(refused!.error).toContain('GET /v1/models lists them'); // the running server's own list
  });
});

describe.skipIf(!HAS_STORIES)('the OpenAI-compatible server under load and disconnects', () => {
  it('stops a generation within one decode step of its client leaving, and frees its slot', async () => {
    const tokensBefore = counts.tokens;
    const controller = new AbortController();
    const stream = await client.completions.create({ model: MODEL, prompt: 'Once upon a time', temperature: 0.8, seed: 3, max_tokens: 480, stream: true }, { signal: controller.signal });
    let chunks = 0;
    // The client's stream ends quietly on its own abort (the SDK treats it as the caller's choice, not an error).
    for await (const chunk of stream) if (chunk.choices[0]?.text && ++chunks === 3) controller.abort();
    expect(chunks).toBe(3);
    await until(() => server.queue.active === 0, 'the slot to be freed');
    expect(counts.gone).toBe(1);
    expect(counts.tokens - tokensBefore).toBeGreaterThanOrEqual(3);
    expect(counts.tokensAfterGone).toBeLessThanOrEqual(1);
    await until(() => server.store.apiRequests.recent(1)[0]?.status === 499, 'the request log row');
    const row = server.store.apiRequests.recent(1)[0];
    expect(row).toMatchObject({ endpoint: 'POST /v1/completions', outcome: 'cancelled', error: null });
    expect(row.completionTokens).toBe(counts.tokens - tokensBefore);
  });

  it('answers 429 when the queue is full, lets a waiting client leave the line, and keeps the order', async () => {
    const long = new AbortController();
    const running = client.completions.create({ model: MODEL, prompt: 'Once upon a time', temperature: 0.8, seed: 5, max_tokens: 480, stream: true }, { signal: long.signal });
    const stream = await running;
    await until(() => server.queue.active === 1, 'the first request to run');
    const leaving = new AbortController();
    const waiting = client.completions.create({ model: MODEL, prompt: 'A', max_tokens: 2 }, { signal: leaving.signal }).catch((e: Error) => e);
    await until(() => server.queue.queued === 1, 'the second request to wait');
    const full = await client.completions.create({ model: MODEL, prompt: 'B', max_tokens: 2 }).catch((e: unknown) => e);
    expect(full).toBeInstanceOf(OpenAI.RateLimitError);
    leaving.abort();
    expect(await waiting).toBeInstanceOf(Error);
    await until(() => server.queue.queued === 0, 'the waiting client to leave the line');
    const next = client.completions.create({ model: MODEL, prompt: 'C', max_tokens: 2, temperature: 0 });
    await until(() => server.queue.queued === 1, 'a new request to wait');
    long.abort();
    await (async () => {
      for await (const _ of stream);
    })().catch(() => {});
    expect((await next).choices[0].text.length).toBeGreaterThan(0);
  });
});
