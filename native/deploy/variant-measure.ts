// What one weight variant of a model costs and keeps, measured in this process: prefill and decode tokens/s,
// perplexity on held-out text, and the greedy tokens for a fixed prompt set (compared with fp32's by the report).
// Peak memory is the process's high-water mark, so the report runs each variant in its own child process
// (variant-measure-worker.ts). Timings are medians of a few repetitions after a warm-up.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { TextGenerator } from '../generate/pipeline.ts';
import type { KvCache } from '../models/decoder.ts';
import type { OnnxDtype } from '../models/onnx-variants.ts';

export interface MeasureParams {
  dir: string;
  /** The ONNX variant to run; null: build the fp32 graph from the folder's safetensors. */
  dtype: OnnxDtype | null;
  /** Held-out text for perplexity (its tokens are also the prefill prompt). */
  text: string;
  prompts: readonly string[];
  newTokens: number;
  threads: number;
  /** Tokens scored for perplexity, in windows of at most `window`. */
  perplexityTokens: number;
  window: number;
  prefillTokens: number;
}

export interface VariantMeasurement {
  loadSeconds: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  perplexity: number;
  scoredTokens: number;
  greedy: number[][];
  /** Resident memory (MiB) before loading and the high-water mark after everything ran. */
  rssBeforeMb: number;
  peakRssMb: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function vmHwmMb(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
}

/** −log p(target) from one row of logits (a log-softmax over the vocabulary, as sampling reads a row). */
function nll(row: Float32Array, target: number): number {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  return Math.log(sum) + max - row[target];
}

export async function measureVariant(p: MeasureParams): Promise<VariantMeasurement> {
  const rssBeforeMb = vmHwmMb('VmRSS');
  const t0 = performance.now();
  const gen = await TextGenerator.load(p.dir, { dtype: p.dtype ?? undefined, intraOpNumThreads: p.threads });
  const loadSeconds = (performance.now() - t0) / 1000;
  try {
    const lm = gen.model;
    const V = lm.vocabSize;
    const textIds = gen.tokenizer.encode(p.text);
    const ones = (n: number) => [Array.from({ length: n }, () => 1)];

    // Prefill: one forward over P prompt tokens from an empty cache.
    const prompt = textIds.slice(0, Math.min(p.prefillTokens, lm.spec.maxPositions - 1));
    const prefillTimes: number[] = [];
    let cache: KvCache = lm.emptyCache(1);
    let last = 0;
    for (let r = 0; r < 4; r++) {
      const s = performance.now();
      const out = await lm.forward([prompt], ones(prompt.length), lm.emptyCache(1));
      if (r > 0) prefillTimes.push((performance.now() - s) / 1000);
      cache = out.present;
      last = argmax(out.logits.subarray((prompt.length - 1) * V, prompt.length * V));
    }
    // Decode: one token at a time on the cache, greedy.
    const steps = Math.min(p.newTokens, lm.spec.maxPositions - prompt.length - 1);
    const stepTimes: number[] = [];
    for (let i = 0; i < steps; i++) {
      const s = performance.now();
      const out = await lm.forward([[last]], ones(prompt.length + i + 1), cache);
      stepTimes.push((performance.now() - s) / 1000);
      cache = out.present;
      last = argmax(out.logits);
    }

    // Perplexity over the held-out tokens, in non-overlapping windows.
    let total = 0;
    let scored = 0;
    const window = Math.min(p.window, lm.spec.maxPositions);
    for (let start = 0; start + 1 < textIds.length && scored < p.perplexityTokens; start += window) {
      const ids = textIds.slice(start, start + window);
      if (ids.length < 2) break;
      const { logits } = await lm.forward([ids], ones(ids.length), lm.emptyCache(1));
      for (let t = 0; t + 1 < ids.length && scored < p.perplexityTokens; t++, scored++) total += nll(logits.subarray(t * V, (t + 1) * V), ids[t + 1]);
    }

    const greedy: number[][] = [];
    for (const text of p.prompts) {
      const r = await gen.generate([text], { maxNewTokens: p.newTokens, minNewTokens: p.newTokens, temperature: 0 });
      greedy.push(r.rows[0].tokenIds);
    }
    return {
      loadSeconds,
      prefillTokensPerSecond: prompt.length / median(prefillTimes),
      decodeTokensPerSecond: 1 / median(stepTimes),
      perplexity: Math.exp(total / Math.max(1, scored)),
      scoredTokens: scored,
      greedy,
      rssBeforeMb,
      peakRssMb: vmHwmMb('VmHWM'),
    };
  } finally {
    await gen.release();
  }
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}
