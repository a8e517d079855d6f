// Serving benchmark: `lathe serve-api` over stories260K under 1, 4 and 8 concurrent streaming clients (the official
// openai client, chat completions with stream_options.include_usage). Prints one JSON line: per concurrency, the
// aggregate generated tokens per second (all completion tokens over the wall time) and the time to first token
// p50/p95 as clients see it (queueing included: with one slot, later clients wait for earlier ones).
//   npm run bench:serve     BENCH_TOKENS (64), BENCH_REQUESTS per client (3), BENCH_SLOTS (1), BENCH_THREADS (1),
//                           BENCH_CONCURRENCY (1,4,8) override the defaults
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { importLlama2cCheckpoint } from '../native/models/import.ts';
import { startApiServer } from '../native/openai/server.ts';

const DIR = path.resolve(import.meta.dirname, '../../shared/data/models/stories260K');
const TOKENS = Number(process.env.BENCH_TOKENS ?? 64);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 1);
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,4,8').split(',').map(Number);
const MESSAGES = [{ role: 'user' as const, content: 'Tell me a story about a little girl and her dog.' }];

const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

interface RequestSample { ttftMs: number; tokens: number }

async function streamOnce(client: OpenAI, seed: number): Promise<RequestSample> {
  const t0 = performance.now();
  let ttftMs = 0;
  let tokens = 0;
  const stream = await client.chat.completions.create({ model: 's260k', messages: MESSAGES, max_tokens: TOKENS, temperature: 0.8, seed, stream: true, stream_options: { include_usage: true } });
  for await (const chunk of stream) {
    if (!ttftMs && chunk.choices[0]?.delta.content) ttftMs = performance.now() - t0;
    if (chunk.usage) tokens = chunk.usage.completion_tokens;
  }
  return { ttftMs, tokens };
}

async function main(): Promise<void> {
  if (!existsSync(path.join(DIR, 'stories260K.bin'))) throw new Error(`${DIR} is absent: the benchmark needs the shared data kit (../shared/data)`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-serve-'));
  try {
    await importLlama2cCheckpoint(tmp, path.join(DIR, 'stories260K.bin'), path.join(DIR, 'tok512.bin'), 's260k');
    const server = await startApiServer({ dataDir: tmp, port: 0, threads: THREADS, slots: SLOTS, maxQueued: Math.max(...CONCURRENCY), preload: 's260k' });
    const client = new OpenAI({ baseURL: server.url, apiKey: server.apiKey, maxRetries: 0 });
    try {
      await streamOnce(client, 0); // warm-up
      const results = [];
      for (const c of CONCURRENCY) {
        const t0 = performance.now();
        const perClient = await Promise.all(Array.from({ length: c }, async (_, i) => {
          const samples: RequestSample[] = [];
          for (let r = 0; r < REQUESTS; r++) samples.push(await streamOnce(client, i * 1000 + r));
          return samples;
        }));
        const wallMs = performance.now() - t0;
        const samples = perClient.flat();
        const tokens = samples.reduce((s, x) => s + x.tokens, 0);
        results.push({
          concurrency: c,
          requests: samples.length,
          tokens,
          aggregateTokensPerSecond: Number(((tokens * 1000) / wallMs).toFixed(1)),
          ttftMsP50: Number(percentile(samples.map((s) => s.ttftMs), 50).toFixed(1)),
          ttftMsP95: Number(percentile(samples.map((s) => s.ttftMs), 95).toFixed(1)),
        });
      }
      console.log(JSON.stringify({ bench: 'serve', model: 'stories260K', maxTokens: TOKENS, requestsPerClient: REQUESTS, slots: SLOTS, threads: THREADS, cpus: os.cpus().length, results }));
    } finally {
      await server.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
