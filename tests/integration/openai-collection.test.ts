// `lathe_collection` on the OpenAI-compatible server, through the official `openai` npm client (the extra body
// parameter sent as Python's extra_body would send it): the last user message is answered from a collection's
// retrieved chunks, rendered into the same RAG prompt `lathe ask` uses, with the passages in `lathe_retrieval` and
// each choice's cited numbers in `lathe_cited`, whole and streamed; unknown collections and impossible modes are 400s
// naming the parameter.
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../native/openai/server.ts';
import { citedPassages, ragPrompt } from '../../native/rag/answer.ts';
import { addDocuments, createCollection } from '../../native/rag/collection.ts';
import { searchCollection } from '../../native/rag/search.ts';
import { tempDir } from './helpers/lathe.ts';
import { HAS_STORIES, SKIP_STORIES_REASON, importStories } from './helpers/openai-server.ts';

if (!HAS_STORIES) console.warn(`openai-collection: skipped: ${SKIP_STORIES_REASON}`);

const MODEL = 's260k';
const QUESTION = 'When does the ferry run?';
let dataDir = '';
let server: ApiServer;
let client: OpenAI;

interface Passage { number: number; text: string; score: number; source: string; page: number | null; section: string | null; document_id: string; chunk_id: number; char_start: number; char_end: number }
interface Retrieval { collection: string; mode: string; query: string; passages: Passage[] }
type ApiError = InstanceType<typeof OpenAI.APIError>;
type WithRag = OpenAI.ChatCompletion & { lathe_retrieval: Retrieval; choices: (OpenAI.ChatCompletion.Choice & { lathe_cited: number[] })[] };

/** A chat request with Lathe's extension; the client sends body parameters it does not know as they are. */
function ask(extra: Record<string, unknown>, question = QUESTION): OpenAI.ChatCompletionCreateParamsNonStreaming {
  return { model: MODEL, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: question }], temperature: 0, max_tokens: 16, ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming;
}

beforeAll(async () => {
  if (!HAS_STORIES) return;
  dataDir = tempDir('openai-collection');
  await importStories(dataDir, MODEL);
  const docs = path.join(dataDir, 'docs');
  fs.mkdirSync(docs);
  fs.writeFileSync(path.join(docs, 'ferry.txt'), 'The ferry runs hourly from the north pier.');
  fs.writeFileSync(path.join(docs, 'crane.txt'), 'The crane arrives in May at the harbour.');
  fs.writeFileSync(path.join(docs, 'engines.txt'), 'Diesel engines are rebuilt each winter.');
  server = await startApiServer({ dataDir, port: 0, threads: 1 });
  createCollection(server.store, { name: 'harbour' });
  await addDocuments(server.store, 'harbour', [docs]);
  client = new OpenAI({ baseURL: server.url, apiKey: server.apiKey, maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!HAS_STORIES)('lathe_collection on /v1/chat/completions', () => {
  it('answers from the retrieved passages, the same prompt as the RAG template, with the passages and citations', async () => {
    const r = (await client.chat.completions.create(ask({ lathe_collection: { name: 'harbour', mode: 'bm25', k: 2 } }))) as WithRag;
    const { lathe_retrieval: retrieval } = r;
    expect(retrieval.collection).toBe('harbour');
    expect(retrieval.mode).toBe('bm25');
    expect(retrieval.query).toBe(QUESTION);
    expect(retrieval.passages.length).toBeGreaterThan(0);
    expect(retrieval.passages[0]).toMatchObject({ number: 1, source: 'ferry.txt', text: 'The ferry runs hourly from the north pier.', page: null });
    const content = r.choices[0].message.content!;
    expect(r.choices[0].lathe_cited).toEqual(citedPassages(content, retrieval.passages.length));

    // The same request written by hand (the user message replaced by ragPrompt over the same hits) is the same
    // prompt: same token count and, greedy, the same answer.
    const hits = await searchCollection(server.store, 'harbour', QUESTION, 'bm25', 2, 1);
    expect(hits.map((h) => h.id)).toEqual(retrieval.passages.map((p) => p.chunk_id));
    const plain = await client.chat.completions.create(ask({}, ragPrompt(QUESTION, hits)));
    expect(r.usage!.prompt_tokens).toBe(plain.usage!.prompt_tokens);
    expect(content).toBe(plain.choices[0].message.content);
    expect('lathe_retrieval' in plain).toBe(false);
  });

  it('takes the collection by name alone, and streams the passages first and the citations with the finish', async () => {
    const whole = (await client.chat.completions.create(ask({ lathe_collection: 'harbour' }))) as WithRag;
    expect(whole.lathe_retrieval.mode).toBe('bm25'); // no embedding model: BM25
    expect(whole.lathe_retrieval.passages.length).toBeLessThanOrEqual(4);
    const stream = await client.chat.completions.create({ ...ask({ lathe_collection: 'harbour' }), stream: true } as OpenAI.ChatCompletionCreateParamsStreaming);
    const chunks: Record<string, unknown>[] = [];
    for await (const chunk of stream) chunks.push(chunk as unknown as Record<string, unknown>);
    expect(chunks[0].lathe_retrieval).toEqual(whole.lathe_retrieval);
    expect(chunks.slice(1).every((c) => !('lathe_retrieval' in c))).toBe(true);
    const text = chunks.flatMap((c) => (c.choices as { delta: { content?: string } }[]).map((x) => x.delta.content ?? '')).join('');
    expect(text).toBe(whole.choices[0].message.content);
    const finish = chunks.find((c) => (c.choices as { finish_reason: string | null }[])[0]?.finish_reason)!;
    expect((finish.choices as { lathe_cited: number[] }[])[0].lathe_cited).toEqual(whole.choices[0].lathe_cited);
  });

  it('refuses an unknown collection and a mode the collection cannot search, naming the parameter', async () => {
    const unknown = await client.chat.completions.create(ask({ lathe_collection: 'nope' })).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.BadRequestError);
    expect((unknown as ApiError).param).toBe('lathe_collection');
    expect((unknown as Error).message).toMatch(/no collection named 'nope'.*harbour/);
    const dense = await client.chat.completions.create(ask({ lathe_collection: { name: 'harbour', mode: 'dense' } })).catch((e: unknown) => e);
    expect((dense as ApiError).status).toBe(400);
    expect((dense as ApiError).param).toBe('lathe_collection.mode');
    const bad = await client.chat.completions.create(ask({ lathe_collection: { name: 'harbour', k: 0 } })).catch((e: unknown) => e);
    expect((bad as ApiError).status).toBe(400);
  });
});
