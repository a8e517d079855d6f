// Concurrent clients of the OpenAI-compatible server decode together: eight streaming and non-streaming greedy
// requests sent at once, with different prompts and lengths, each get exactly the text they get one at a time,
// and the model's batcher ran fewer decode steps than tokens (its steps carried several rows).
import fs from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../native/openai/server.ts';
import { resolveServedModel } from '../../native/openai/served-models.ts';
import { tempDir } from './helpers/lathe.ts';
import { HAS_STORIES, SKIP_STORIES_REASON, importStories } from './helpers/openai-server.ts';

if (!HAS_STORIES) console.warn(`openai-concurrency: skipped: ${SKIP_STORIES_REASON}`);

const MODEL = 's260k';
const PROMPTS = ['Once upon a time', 'Lily', 'The big dog ran to the park and', 'Tom had a red ball.', 'One day', 'She', 'The sun was hot', 'A little bird'];

describe.skipIf(!HAS_STORIES)('concurrent clients', () => {
  let dataDir = '';
  let server: ApiServer;
  let client: OpenAI;

  beforeAll(async () => {
    dataDir = tempDir('openai-concurrency');
    await importStories(dataDir, MODEL);
    server = await startApiServer({ dataDir, port: 0, threads: 1, slots: 8, preload: MODEL });
    client = new OpenAI({ baseURL: server.url, apiKey: server.apiKey, maxRetries: 0 });
  });

  afterAll(async () => {
    await server?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function complete(prompt: string, i: number): Promise<string> {
    const body = { model: MODEL, prompt, max_tokens: 10 + 3 * i, temperature: 0 };
    if (i % 2 === 0) return (await client.completions.create(body)).choices[0].text;
    let text = '';
    for await (const chunk of await client.completions.create({ ...body, stream: true })) text += chunk.choices[0]?.text ?? '';
    return text;
  }

  it('gives each of eight simultaneous requests the text it gets alone, in shared decode steps', async () => {
    const alone: string[] = [];
    for (const [i, p] of PROMPTS.entries()) alone.push(await complete(p, i));
    const batcher = await server.pool.use(resolveServedModel(server.store, MODEL), async (g) => g.batcher());
    const before = { ...batcher.stats };

    const together = await Promise.all(PROMPTS.map((p, i) => complete(p, i)));
    expect(together).toEqual(alone);
    const steps = batcher.stats.steps - before.steps;
    const rows = batcher.stats.rows - before.rows;
    expect(rows / steps).toBeGreaterThan(2); // on average more than two requests per forward pass
    expect(server.store.apiRequests.recent(8).every((r) => r.status === 200)).toBe(true);
  });
});
