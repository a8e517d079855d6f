// The OpenAI-compatible server (lathe serve-api) as applications use it: the official `openai` npm client against
// a server on an ephemeral port over stories260K — chat and text completions, whole and streamed, their text,
// usage, timings, finish reasons and logprobs; the SSE framing byte for byte; adapters as <model>:<run>; embeddings;
// and the request log.
import fs from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHfFolder } from '../../native/models/checkpoint.ts';
import { CausalLM } from '../../native/models/decoder.ts';
import { createNllSession, sequenceNll } from '../../native/eval/runner-perplexity.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { startApiServer, type ApiServer } from '../../native/openai/server.ts';
import { tempDir } from './helpers/lathe.ts';
import { HAS_STORIES, SKIP_STORIES_REASON, importStories, recordLoraRun } from './helpers/openai-server.ts';

if (!HAS_STORIES) console.warn(`openai-api: skipped: ${SKIP_STORIES_REASON}`);

let dataDir = '';
let server: ApiServer;
let client: OpenAI;
let adapterModel = '';
let modelPath = '';
const MODEL = 's260k';

beforeAll(async () => {
  if (!HAS_STORIES) return;
  dataDir = tempDir('openai-api');
  const model = await importStories(dataDir, MODEL);
  modelPath = model.path;
  server = await startApiServer({ dataDir, port: 0, threads: 1 });
  adapterModel = `${MODEL}:${await recordLoraRun(server.store, dataDir, model)}`;
  client = new OpenAI({ baseURL: server.url, apiKey: server.apiKey, maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const messages = [{ role: 'system' as const, content: 'You tell stories.' }, { role: 'user' as const, content: 'Tell me about a cat.' }];

describe.skipIf(!HAS_STORIES)('the OpenAI-compatible server with the official client', () => {
  it('lists every model of the store and every LoRA run as <model>:<run>', async () => {
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual([MODEL, adapterModel]);
    expect((await client.models.retrieve(MODEL)).object).toBe('model');
  });

  it('answers a chat completion with text, usage, finish_reason and llama.cpp timings', async () => {
    const r = await client.chat.completions.create({ model: MODEL, messages, temperature: 0, max_tokens: 24 });
    expect(r.object).toBe('chat.completion');
    expect(r.model).toBe(MODEL);
    expect(r.choices).toHaveLength(1);
    const c = r.choices[0];
    expect(c.message.role).toBe('assistant');
    expect(c.message.content!.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(c.finish_reason);
    expect(r.usage!.completion_tokens).toBeLessThanOrEqual(24);
    if (c.finish_reason === 'length') expect(r.usage!.completion_tokens).toBe(24);
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
    const timings = (r as unknown as { timings: Record<string, number> }).timings;
    expect(timings.prompt_n).toBe(r.usage!.prompt_tokens);
    expect(timings.predicted_n).toBe(r.usage!.completion_tokens);
    expect(timings.predicted_per_second).toBeGreaterThan(0);
  });

  it('streams the same greedy chat text it answers whole, with the usage chunk last when asked', async () => {
    const whole = await client.chat.completions.create({ model: MODEL, messages, temperature: 0, max_tokens: 40 });
    const stream = await client.chat.completions.create({ model: MODEL, messages, temperature: 0, max_tokens: 40, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.flatMap((c) => c.choices.map((x) => x.delta.content ?? '')).join('');
    expect(text).toBe(whole.choices[0].message.content);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(whole.usage);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe(whole.choices[0].finish_reason);
  });

  it('streams the same greedy text completion it answers whole, and echoes the prompt when asked', async () => {
    const prompt = 'Once upon a time';
    const whole = await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 30 });
    expect(whole.object).toBe('text_completion');
    const stream = await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 30, stream: true });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0].text;
      finish = chunk.choices[0].finish_reason ?? finish;
    }
    expect(text).toBe(whole.choices[0].text);
    expect(finish).toBe(whole.choices[0].finish_reason);
    const echoed = await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 30, echo: true });
    expect(echoed.choices[0].text).toBe(prompt + whole.choices[0].text);
  });

  it('takes a prompt as lists of token ids, each list a prompt of its own as with strings', async () => {
    const lists = [[1, 365, 471], [1, 300]];
    const ask = (prompt: number[] | number[][]) => client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 8, echo: true });
    const alone = [(await ask(lists[0])).choices[0].text, (await ask(lists[1])).choices[0].text];
    const together = await ask(lists);
    expect(together.choices.map((c) => c.text)).toEqual(alone);
    expect(together.usage!.prompt_tokens).toBe(5);
    // an id past the vocabulary is a 400 naming its place, as /v1/embeddings names it
    const vocab = readHfFolder(server.store.models.find(MODEL).path).spec.vocabSize;
    expect(await ask([lists[0], [1, vocab]]).catch((e: unknown) => e)).toMatchObject({ status: 400, param: 'prompt[1][1]' });
    expect(await ask([1, 2, vocab + 3]).catch((e: unknown) => e)).toMatchObject({ status: 400, param: 'prompt[2]' });
  });

  it('defaults a text completion to 16 new tokens, as OpenAI does', async () => {
    const r = await client.completions.create({ model: MODEL, prompt: 'The dog', temperature: 0, stop: null });
    expect(r.usage!.completion_tokens).toBeLessThanOrEqual(16);
    if (r.choices[0].finish_reason === 'length') expect(r.usage!.completion_tokens).toBe(16);
  });

  it('gives chat logprobs with top alternatives, the greedy token the likeliest of them', async () => {
    const r = await client.chat.completions.create({ model: MODEL, messages, temperature: 0, max_tokens: 12, logprobs: true, top_logprobs: 3 });
    const content = r.choices[0].logprobs!.content!;
    expect(content.length).toBeGreaterThan(0);
    expect(content.map((t) => t.token).join('')).toBe(r.choices[0].message.content);
    for (const t of content) {
      expect(t.top_logprobs).toHaveLength(3);
      expect(t.logprob).toBeLessThanOrEqual(0);
      expect(t.logprob).toBeCloseTo(Math.max(...t.top_logprobs.map((a) => a.logprob)), 9);
      expect(Buffer.from(t.bytes!).toString('utf8')).toBe(t.token);
    }
  });

  it('gives text-completion logprobs in the legacy layout (tokens, token_logprobs, top_logprobs, text_offset)', async () => {
    const r = await client.completions.create({ model: MODEL, prompt: 'Lily saw a', temperature: 0, max_tokens: 8, logprobs: 2 });
    const lp = r.choices[0].logprobs!;
    expect(lp.tokens!.length).toBe(lp.token_logprobs!.length);
    expect(lp.tokens!.join('')).toBe(r.choices[0].text);
    expect(lp.top_logprobs!.every((t) => Object.keys(t).length >= 1 && Object.keys(t).length <= 2)).toBe(true);
    expect(lp.text_offset![1]).toBe(lp.tokens![0].length);
    const stream = await client.completions.create({ model: MODEL, prompt: 'Lily saw a', temperature: 0, max_tokens: 8, logprobs: 2, stream: true });
    const streamed: { tokens: string[]; offsets: number[] } = { tokens: [], offsets: [] };
    for await (const chunk of stream) {
      const l = chunk.choices[0].logprobs;
      if (!l) continue;
      streamed.tokens.push(...l.tokens!);
      streamed.offsets.push(...l.text_offset!);
    }
    expect(streamed).toEqual({ tokens: lp.tokens, offsets: lp.text_offset });
  });

  it('spells the returned text with its logprob tokens after an empty prompt, where the decoder drops the first leading space', async () => {
    const ask = { model: MODEL, prompt: '', temperature: 0, max_tokens: 6, logprobs: 3 };
    const r = await client.completions.create(ask);
    const { text } = r.choices[0];
    const lp = r.choices[0].logprobs!;
    expect(text.startsWith(' ')).toBe(false);
    expect(lp.tokens!.join('')).toBe(text);
    expect(lp.text_offset).toEqual(lp.tokens!.map((_, i) => lp.tokens!.slice(0, i).join('').length));
    lp.tokens!.forEach((token, i) => expect(Object.keys(lp.top_logprobs![i]), `top_logprobs[${i}] is keyed as tokens[${i}] is spelled`).toContain(token));
    const streamed: { tokens: string[]; offsets: number[] } = { tokens: [], offsets: [] };
    for await (const chunk of await client.completions.create({ ...ask, stream: true })) {
      const l = chunk.choices[0].logprobs;
      if (!l) continue;
      streamed.tokens.push(...l.tokens!);
      streamed.offsets.push(...l.text_offset!);
    }
    expect(streamed).toEqual({ tokens: lp.tokens, offsets: lp.text_offset });
    const chat = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: '' }], temperature: 0, max_tokens: 6, logprobs: true, top_logprobs: 2 });
    const content = chat.choices[0].logprobs!.content!;
    expect(content.map((t) => t.token).join('')).toBe(chat.choices[0].message.content);
    expect(Buffer.concat(content.map((t) => Buffer.from(t.bytes!))).toString('utf8')).toBe(chat.choices[0].message.content);
  });

  it("scores an echoed prompt as OpenAI does: every prompt token's logprob from the prefill, the first null", async () => {
    const prompt = 'Once upon a time, there was a little cat.';
    const r = await client.completions.create({ model: MODEL, prompt, max_tokens: 0, echo: true, logprobs: 2 });
    expect(r.choices[0].text).toBe(prompt);
    expect(r.usage!.completion_tokens).toBe(0);
    const lp = r.choices[0].logprobs!;
    expect(lp.tokens!.join('')).toBe(prompt);
    expect(lp.text_offset).toEqual(lp.tokens!.map((_, i) => lp.tokens!.slice(0, i).join('').length));
    expect(lp.token_logprobs![0]).toBeNull();
    expect(lp.top_logprobs![0]).toBeNull();
    for (const top of lp.top_logprobs!.slice(1)) expect(Object.keys(top!).length).toBeGreaterThanOrEqual(1);

    // The same numbers as the perplexity evaluation's own prefill and loss graph give.
    const ids = TextTokenizer.fromFolder(modelPath).encode(prompt);
    expect(lp.tokens).toHaveLength(ids.length);
    const model = await CausalLM.load(modelPath, { intraOpNumThreads: 1 });
    const nll = await createNllSession(model.vocabSize, 1);
    try {
      const reference = await sequenceNll(model, nll, ids, model.spec.maxPositions);
      const summed = -(lp.token_logprobs!.slice(1) as number[]).reduce((a, b) => a + b, 0);
      expect(summed).toBeCloseTo(reference.nll, 3);
    } finally {
      await nll.release();
      await model.release();
    }

    // With new tokens too: the prompt's tokens, then the generated ones, as they are without echo.
    const plain = await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 6, logprobs: 2 });
    const both = await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 6, logprobs: 2, echo: true });
    expect(both.choices[0].text).toBe(prompt + plain.choices[0].text);
    const all = both.choices[0].logprobs!;
    expect(all.tokens!.join('')).toBe(both.choices[0].text);
    expect(all.tokens!.slice(ids.length)).toEqual(plain.choices[0].logprobs!.tokens);
    expect((all.token_logprobs!.slice(0, ids.length) as (number | null)[]).map((v) => (v === null ? null : Number(v.toFixed(4))))).toEqual(lp.token_logprobs!.map((v) => (v === null ? null : Number(v.toFixed(4)))));
    expect(all.text_offset!.slice(ids.length)).toEqual(plain.choices[0].logprobs!.text_offset!.map((o) => o + prompt.length));

    // Streamed: the echo's chunk carries the prompt's logprobs, the rest follow token by token.
    const streamed: { text: string; tokens: string[]; offsets: number[] } = { text: '', tokens: [], offsets: [] };
    for await (const chunk of await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 6, logprobs: 2, echo: true, stream: true })) {
      streamed.text += chunk.choices[0].text;
      const l = chunk.choices[0].logprobs;
      if (!l) continue;
      streamed.tokens.push(...l.tokens!);
      streamed.offsets.push(...l.text_offset!);
    }
    expect(streamed).toEqual({ text: both.choices[0].text, tokens: all.tokens, offsets: all.text_offset });

    // A prompt as long as the context is scored whole (nothing is generated after it); one token more is refused.
    const context = readHfFolder(modelPath).spec.maxPositions;
    const full = Array.from({ length: context }, (_, i) => (i === 0 ? 1 : ids[1 + (i % (ids.length - 1))]));
    const whole = await client.completions.create({ model: MODEL, prompt: full, max_tokens: 0, echo: true, logprobs: 0 });
    expect(whole.choices[0].logprobs!.token_logprobs).toHaveLength(context);
    await expect(client.completions.create({ model: MODEL, prompt: [...full, ids[1]], max_tokens: 0, echo: true, logprobs: 0 })).rejects.toMatchObject({ status: 400, code: 'context_length_exceeded' });

    // max_tokens 0 only scores a prompt: without echo and logprobs it would answer nothing, so it is refused.
    await expect(client.completions.create({ model: MODEL, prompt, max_tokens: 0 })).rejects.toMatchObject({ status: 400, param: 'max_tokens' });
  });

  it('gives logprobs only for the text it returns when a stop string cuts it, whole and streamed', async () => {
    const prompt = 'Once upon a time';
    const whole = await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 30 });
    const stop = whole.choices[0].text.trim().split(' ').slice(2, 4).join(' '); // two words, several tokens
    const cut = await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 30, stop, logprobs: 1 });
    expect(cut.choices[0].finish_reason).toBe('stop');
    const spelled = cut.choices[0].logprobs!.tokens!.join('');
    expect(cut.choices[0].text.startsWith(spelled)).toBe(true); // a token the cut goes through (' was') is left out
    expect(cut.choices[0].text.length - spelled.length).toBeLessThanOrEqual(1);
    const chatWhole = await client.chat.completions.create({ model: MODEL, messages, temperature: 0, max_tokens: 30 });
    const chatStop = chatWhole.choices[0].message.content!.split(' ').slice(2, 4).join(' ');
    const ask = { model: MODEL, messages, temperature: 0, max_tokens: 30, stop: [chatStop], logprobs: true };
    const chat = await client.chat.completions.create(ask);
    expect(chat.choices[0].finish_reason).toBe('stop');
    const chatSpelled = chat.choices[0].logprobs!.content!.map((t) => t.token).join('');
    expect(chat.choices[0].message.content!.startsWith(chatSpelled)).toBe(true);
    expect(chat.choices[0].message.content!.length - chatSpelled.length).toBeLessThanOrEqual(1);
    let streamedTokens = '';
    for await (const chunk of await client.chat.completions.create({ ...ask, stream: true })) {
      streamedTokens += (chunk.choices[0]?.logprobs?.content ?? []).map((t) => t.token).join('');
    }
    expect(streamedTokens).toBe(chatSpelled);
  });

  it('cuts at a stop string, repeats a seeded sample, and returns n choices', async () => {
    const whole = await client.completions.create({ model: MODEL, prompt: 'Once upon a time', temperature: 0, max_tokens: 30 });
    const word = whole.choices[0].text.trim().split(' ')[2];
    const cut = await client.completions.create({ model: MODEL, prompt: 'Once upon a time', temperature: 0, max_tokens: 30, stop: [word] });
    expect(whole.choices[0].text.startsWith(cut.choices[0].text)).toBe(true);
    expect(cut.choices[0].text).not.toContain(word);
    expect(cut.choices[0].finish_reason).toBe('stop');
    const sample = { model: MODEL, messages, temperature: 1.2, top_p: 0.95, max_tokens: 20, seed: 1234, n: 3 };
    const [a, b] = [await client.chat.completions.create(sample), await client.chat.completions.create(sample)];
    expect(a.choices.map((c) => c.message.content)).toEqual(b.choices.map((c) => c.message.content));
    expect(a.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(a.choices.map((c) => c.message.content)).size).toBeGreaterThan(1);
  });

  it('samples differently for a negative seed than for its absolute value', async () => {
    const sample = (seed: number) => client.chat.completions.create({ model: MODEL, messages, temperature: 1.5, max_tokens: 20, seed }).then((r) => r.choices[0].message.content);
    expect(await sample(-77)).toBe(await sample(-77));
    expect(await sample(-77)).not.toBe(await sample(77));
  });

  it('applies presence and frequency penalties', async () => {
    const plain = await client.completions.create({ model: MODEL, prompt: 'The cat', temperature: 0, max_tokens: 40 });
    const penalised = await client.completions.create({ model: MODEL, prompt: 'The cat', temperature: 0, max_tokens: 40, presence_penalty: 2, frequency_penalty: 2 });
    expect(penalised.choices[0].text).not.toBe(plain.choices[0].text);
  });

  it('serves a LoRA adapter on its base as <model>:<run>, with outputs of its own', async () => {
    const ask = (model: string) => client.completions.create({ model, prompt: 'Once upon a time', temperature: 0, max_tokens: 6, logprobs: 1 });
    const [base, adapted] = [await ask(MODEL), await ask(adapterModel)];
    expect(adapted.model).toBe(adapterModel);
    expect(adapted.choices[0].logprobs!.token_logprobs![0]).not.toBeCloseTo(base.choices[0].logprobs!.token_logprobs![0], 4);
    expect(server.pool.loaded).toEqual([MODEL, adapterModel]);
  });

  it('gives the same greedy answers when requests run side by side in several slots as when they run alone', async () => {
    const prompts = ['Once upon a time', 'The little dog', 'Tom and Sue went', 'She saw a big'];
    const ask = (c: OpenAI, prompt: string) => c.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 24 }).then((r) => r.choices[0].text);
    const alone: string[] = [];
    for (const p of prompts) alone.push(await ask(client, p));
    const wide = await startApiServer({ dataDir, port: 0, threads: 1, slots: 4 });
    try {
      const wideClient = new OpenAI({ baseURL: wide.url, apiKey: wide.apiKey, maxRetries: 0 });
      await ask(wideClient, 'warm'); // one load, then four at once on the same session
      expect(await Promise.all(prompts.map((p) => ask(wideClient, p)))).toEqual(alone);
    } finally {
      await wide.close();
    }
  });

  it('frames the stream exactly as OpenAI does: data blocks ended by a blank line, then data: [DONE]', async () => {
    const res = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages, temperature: 0, max_tokens: 5, stream: true, stream_options: { include_usage: true } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await res.text();
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    const blocks = body.split('\n\n').slice(0, -1);
    expect(blocks.every((b) => b.startsWith('data: ') && !b.slice(6).includes('\n'))).toBe(true);
    const usage = JSON.parse(blocks.at(-2)!.slice(6));
    expect(usage.usage.completion_tokens).toBeLessThanOrEqual(5);
    expect(usage.timings.predicted_n).toBe(usage.usage.completion_tokens);
  });

  it('embeds texts as unit-length mean-pooled last hidden states, the same alone or in a batch, float or base64', async () => {
    const texts = ['The cat sat on the mat.', 'A dog ran in the park.', 'The cat sat on the mat.'];
    const floats = await fetch(`${server.url}/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, input: texts, encoding_format: 'float' }),
    }).then((r) => r.json() as Promise<{ data: { index: number; embedding: number[] }[]; usage: { prompt_tokens: number } }>);
    const hidden = readHfFolder(server.store.models.find(MODEL).path).spec.hiddenSize;
    expect(floats.data.map((d) => d.index)).toEqual([0, 1, 2]);
    for (const d of floats.data) {
      expect(d.embedding).toHaveLength(hidden);
      expect(Math.hypot(...d.embedding)).toBeCloseTo(1, 5);
    }
    expect(floats.data[2].embedding).toEqual(floats.data[0].embedding);
    expect(floats.data[1].embedding).not.toEqual(floats.data[0].embedding);
    expect(floats.usage.prompt_tokens).toBeGreaterThan(3);
    // The official client asks for base64 and decodes it; the values are the same float32s.
    const one = await client.embeddings.create({ model: MODEL, input: texts[1] });
    expect(one.data[0].embedding.map((v) => Math.fround(v))).toEqual(floats.data[1].embedding.map((v) => Math.fround(v)));
  });

  it('embeds token ids as OpenAI takes them: one list, or a list of lists, the same vectors as their text', async () => {
    // before: an array of integers was a 400 ('expected a string'), so a client that tokenizes itself could not embed
    const tok = TextTokenizer.fromFolder(server.store.models.find(MODEL).path);
    const texts = ['The cat sat on the mat.', 'A dog ran in the park.'];
    const ids = texts.map((t) => tok.encode(t));
    const byText = await client.embeddings.create({ model: MODEL, input: texts });
    const lists = await client.embeddings.create({ model: MODEL, input: ids });
    expect(lists.data.map((d) => d.index)).toEqual([0, 1]);
    expect(lists.data.map((d) => d.embedding)).toEqual(byText.data.map((d) => d.embedding));
    expect(lists.usage.prompt_tokens).toBe(ids[0].length + ids[1].length);
    const one = await client.embeddings.create({ model: MODEL, input: ids[1] });
    expect(one.data).toHaveLength(1);
    expect(one.data[0].embedding).toEqual(byText.data[1].embedding);
    // an id past the vocabulary is a 400 naming it, before anything is embedded; a mix of forms names the odd one
    const vocab = readHfFolder(server.store.models.find(MODEL).path).spec.vocabSize;
    const far = await client.embeddings.create({ model: MODEL, input: [ids[0], [1, vocab]] }).catch((e: unknown) => e);
    expect(far).toBeInstanceOf(OpenAI.BadRequestError);
    expect(far).toMatchObject({ param: 'input[1][1]', code: 'invalid_value' });
    expect((far as Error).message).toContain(`token id ${vocab} is outside this model's vocabulary (0..${vocab - 1})`);
    expect(await client.embeddings.create({ model: MODEL, input: [1, vocab + 5] }).catch((e: unknown) => e)).toMatchObject({ status: 400, param: 'input[1]' });
    expect(await client.embeddings.create({ model: MODEL, input: [ids[0], 'text'] as never }).catch((e: unknown) => e)).toMatchObject({ status: 400, param: 'input[1]' });
  });

  it('logs each request: model, tokens in and out, latency, tokens/s and status', () => {
    const rows = server.store.apiRequests.recent(500);
    const chats = rows.filter((r) => r.endpoint === 'POST /v1/chat/completions' && r.status === 200);
    expect(chats.length).toBeGreaterThan(3);
    for (const r of chats) {
      expect(r.model).toBe(MODEL);
      expect(r.promptTokens).toBeGreaterThan(0);
      expect(r.completionTokens).toBeGreaterThan(0);
      expect(r.latencyMs).toBeGreaterThan(0);
      expect(['stop', 'length']).toContain(r.outcome);
    }
    expect(rows.some((r) => r.endpoint === 'GET /v1/models' && r.status === 200)).toBe(true);
  });
});
