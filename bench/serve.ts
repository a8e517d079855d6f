// Serving benchmark: `lathe serve-api`'s server (in this process) under 1, 4 and 8 concurrent streaming clients (the
// official openai client, chat completions with stream_options.include_usage), on stories260K and on a GPT-2-sized
// model (GPT-2 small's shape: 12 layers, d 768, 12 heads, vocabulary 50,257, 124 M parameters, with random weights,
// since no GPT-2 checkpoint can be fetched here: serving speed does not depend on the weights' values). Then a soak:
// SOAK requests from 8 clients on stories260K, with the process's resident memory sampled as it goes.
// Prints one JSON line. Per model and concurrency: aggregate generated tokens per second (all completion tokens over
// the wall time), time to first token p50/p95 as clients see it (queueing included), per-stream decode tokens per
// second (a request's tokens after its first over the time after its first; median), the mean rows per decode step
// of the continuous batcher, errors, the process's CPU time (tokens per CPU-second), and where the batcher's time went
// (prefill, decode, sampling, cache join and compaction; ContinuousBatcher.stats).
//   npm run bench:serve     BENCH_TOKENS (64), BENCH_REQUESTS per client (3), BENCH_SLOTS (8), BENCH_THREADS (1),
//                           BENCH_CONCURRENCY (1,4,8), BENCH_MODELS (stories260K,gpt2-124M), BENCH_SOAK (2000) override
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { importLlama2cCheckpoint, importModelFolder } from '../native/models/import.ts';
import { resolveServedModel } from '../native/openai/served-models.ts';
import { startApiServer, type ApiServer } from '../native/openai/server.ts';
import { writeGpt2Sized } from './gpt2-sized.ts';

const STORIES = path.resolve(import.meta.dirname, '../../shared/data/models/stories260K');
const TOKENS = Number(process.env.BENCH_TOKENS ?? 64);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 8);
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,4,8').split(',').map(Number);
const MODELS = (process.env.BENCH_MODELS ?? 'stories260K,gpt2-124M').split(',');
const SOAK = Number(process.env.BENCH_SOAK ?? 2000);
const SOAK_CLIENTS = 8;
const SOAK_TOKENS = 16;
const MESSAGES = [{ role: 'user' as const, content: 'Tell me a story about a little girl and her dog.' }];

const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const round = (x: number) => Number(x.toFixed(1));
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

interface RequestSample { ttftMs: number; tokens: number; streamTokensPerSecond: number | null; error: string | null }

async function streamOnce(client: OpenAI, model: string, seed: number, maxTokens = TOKENS): Promise<RequestSample> {
  const t0 = performance.now();
  let first = 0;
  let tokens = 0;
  try {
    const stream = await client.chat.completions.create({ model, messages: MESSAGES, max_tokens: maxTokens, temperature: 0.8, seed, stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) {
      if (!first && chunk.choices[0]?.delta.content) first = performance.now();
      if (chunk.usage) tokens = chunk.usage.completion_tokens;
    }
  } catch (err) {
    return { ttftMs: 0, tokens: 0, streamTokensPerSecond: null, error: (err as Error).message };
  }
  const after = performance.now() - first;
  return { ttftMs: first - t0, tokens, streamTokensPerSecond: first && tokens > 1 && after > 0 ? ((tokens - 1) * 1000) / after : null, error: null };
}

type BatcherStats = Record<'steps' | 'rows' | 'prefills' | 'prefillRows' | 'prefillMs' | 'decodeMs' | 'sampleMs' | 'joinMs' | 'compactMs', number>;

async function stepStats(server: ApiServer, model: string): Promise<BatcherStats> {
  return server.pool.use(resolveServedModel(server.store, model), async (g) => ({ ...g.batcher().stats }));
}

/**
 * Where the batcher's time went during one pass, in ms of the pass's wall time: prefills (and rows per prefill),
 * decode steps (ms per step), sampling in JS, cache joins and compaction; `otherMs` is the rest (the loop waiting
 * on clients, HTTP and SSE, the event loop).
 */
function schedulerBreakdown(before: BatcherStats, after: BatcherStats, wallMs: number) {
  const d = (k: keyof BatcherStats) => after[k] - before[k];
  const busy = d('prefillMs') + d('decodeMs') + d('sampleMs') + d('joinMs') + d('compactMs');
  return {
    wallMs: round(wallMs), prefills: d('prefills'), rowsPerPrefill: round(d('prefillRows') / Math.max(1, d('prefills'))), prefillMs: round(d('prefillMs')),
    decodeMs: round(d('decodeMs')), msPerStep: round(d('decodeMs') / Math.max(1, d('steps'))), sampleMs: round(d('sampleMs')),
    joinMs: round(d('joinMs')), compactMs: round(d('compactMs')), otherMs: round(wallMs - busy),
  };
}

async function concurrencyRuns(server: ApiServer, client: OpenAI, model: string) {
  await streamOnce(client, model, 0); // warm-up
  const results = [];
  for (const c of CONCURRENCY) {
    const before = await stepStats(server, model);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const perClient = await Promise.all(Array.from({ length: c }, async (_, i) => {
      const samples: RequestSample[] = [];
      for (let r = 0; r < REQUESTS; r++) samples.push(await streamOnce(client, model, i * 1000 + r));
      return samples;
    }));
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const after = await stepStats(server, model);
    const samples = perClient.flat();
    const ok = samples.filter((s) => !s.error);
    const tokens = ok.reduce((s, x) => s + x.tokens, 0);
    const rates = ok.map((s) => s.streamTokensPerSecond).filter((x): x is number => x !== null);
    results.push({
      concurrency: c,
      requests: samples.length,
      errors: samples.length - ok.length,
      firstError: samples.find((s) => s.error)?.error ?? null,
      tokens,
      aggregateTokensPerSecond: round((tokens * 1000) / wallMs),
      cpuSeconds: round(cpuSeconds),
      tokensPerCpuSecond: round(tokens / cpuSeconds),
      ttftMsP50: round(percentile(ok.map((s) => s.ttftMs), 50)),
      ttftMsP95: round(percentile(ok.map((s) => s.ttftMs), 95)),
      perStreamTokensPerSecondMedian: round(percentile(rates, 50)),
      meanRowsPerStep: round((after.rows - before.rows) / Math.max(1, after.steps - before.steps)),
      scheduler: schedulerBreakdown(before, after, wallMs),
    });
  }
  const one = results.find((r) => r.concurrency === 1);
  const eight = results.find((r) => r.concurrency === 8);
  // Wall-clock ratio, and the same in tokens per CPU-second of this process (server, ORT and clients alike): on a
  // shared machine, where other work takes the cores, the second says what batching saves per token regardless.
  return {
    results,
    speedup8vs1: one && eight ? round(eight.aggregateTokensPerSecond / one.aggregateTokensPerSecond) : null,
    cpuEfficiency8vs1: one && eight ? round(eight.tokensPerCpuSecond / one.tokensPerCpuSecond) : null,
  };
}

async function soak(client: OpenAI, model: string) {
  let sent = 0;
  let errors = 0;
  const memory: { requests: number; rssMb: number; heapMb: number }[] = [];
  // After a full collection when node runs with --expose-gc (npm run bench:serve does): what is still held, not
  // garbage V8 has not collected yet.
  const gc = (globalThis as { gc?: () => void }).gc;
  const sample = () => {
    gc?.();
    memory.push({ requests: sent, rssMb: round(rssMb()), heapMb: round(process.memoryUsage().heapUsed / 2 ** 20) });
  };
  sample();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: SOAK_CLIENTS }, async (_, i) => {
    while (sent < SOAK) {
      const n = ++sent;
      const s = await streamOnce(client, model, n, SOAK_TOKENS + (i % 4) * 8);
      if (s.error) errors++;
      if (n % 250 === 0) sample();
    }
  }));
  sample();
  const rss = memory.map((m) => m.rssMb);
  const settled = memory.filter((m) => m.requests >= 250).map((m) => m.rssMb); // after the allocator has warmed up
  return { requests: sent, clients: SOAK_CLIENTS, errors, gcBeforeSamples: gc !== undefined, seconds: round((performance.now() - t0) / 1000), rssMbFirst: rss[0], rssMbLast: rss.at(-1), rssMbMax: Math.max(...rss), rssMbSpreadAfter250: round(Math.max(...settled) - Math.min(...settled)), memory };
}

async function main(): Promise<void> {
  if (!existsSync(path.join(STORIES, 'stories260K.bin'))) throw new Error(`${STORIES} is absent: the benchmark needs the shared data kit (../shared/data)`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-serve-'));
  try {
    if (MODELS.includes('stories260K')) await importLlama2cCheckpoint(tmp, path.join(STORIES, 'stories260K.bin'), path.join(STORIES, 'tok512.bin'), 'stories260K');
    if (MODELS.includes('gpt2-124M')) {
      await writeGpt2Sized(path.join(tmp, 'gpt2-src'));
      await importModelFolder(tmp, path.join(tmp, 'gpt2-src'), 'gpt2-124M');
      rmSync(path.join(tmp, 'gpt2-src'), { recursive: true, force: true });
    }
    const server = await startApiServer({ dataDir: tmp, port: 0, threads: THREADS, slots: SLOTS, maxQueued: 64, maxLoadedModels: MODELS.length });
    const client = new OpenAI({ baseURL: server.url, apiKey: server.apiKey, maxRetries: 0, timeout: 600_000 });
    try {
      const models: Record<string, unknown> = {};
      for (const m of MODELS) models[m] = await concurrencyRuns(server, client, m);
      const soakResult = SOAK > 0 && MODELS.includes('stories260K') ? await soak(client, 'stories260K') : null;
      console.log(JSON.stringify({ bench: 'serve', maxTokens: TOKENS, requestsPerClient: REQUESTS, slots: SLOTS, threads: THREADS, cpus: os.cpus().length, loadavg: os.loadavg().map(round), models, soak: soakResult }));
    } finally {
      await server.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
