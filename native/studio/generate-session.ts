// What the generation worker does with a loaded model: stream one generation token by token (with each
// token's log-probability and the model's top alternatives), and the next-token distribution before and after
// the sampling knobs. Plain functions over a TextGenerator, so tests can call them in-process.
import type { GenerateSettings, NextTokenResult } from '../api/models.ts';
import { StudioError } from '../api/errors.ts';
import { generate, type LanguageModel } from '../generate/generate.ts';
import type { GenerateOptions } from '../generate/options.ts';
import { resolveOptions } from '../generate/options.ts';
import type { TextGenerator } from '../generate/pipeline.ts';
import { applyProcessors, argmax, logSoftmax, softmax } from '../generate/processors.ts';
import type { KvCache } from '../models/decoder.ts';
import type { FromGenerationWorker, TopAlternative } from './generate-protocol.ts';

export class GenerationCancelled extends Error {
  constructor() {
    super('generation cancelled');
  }
}

export function toOptions(s: GenerateSettings): GenerateOptions {
  return {
    doSample: s.doSample,
    temperature: s.temperature,
    topK: s.topK,
    topP: s.topP,
    minP: s.minP,
    repetitionPenalty: s.repetitionPenalty,
    presencePenalty: s.presencePenalty,
    frequencyPenalty: s.frequencyPenalty,
    noRepeatNgramSize: s.noRepeatNgramSize,
    numBeams: s.numBeams,
    maxNewTokens: s.maxNewTokens,
    stopStrings: s.stopStrings,
    seed: s.seed,
  };
}

function stopIds(gen: TextGenerator): number[] {
  const spec = gen.model.spec;
  return spec.eosTokenIds.length ? spec.eosTokenIds : gen.tokenizer.eosTokenId !== null ? [gen.tokenizer.eosTokenId] : [];
}

/** Tokenize and check the prompt fits the model's context; returns ids and how many new tokens fit after it. */
function encodePrompt(gen: TextGenerator, prompt: string, maxNewTokens: number): { ids: number[]; maxNew: number } {
  const ids = gen.tokenizer.encode(prompt);
  if (ids.length === 0) throw new StudioError('invalid_params', 'the prompt is empty: write something for the model to continue', { field: 'prompt' });
  const context = gen.model.spec.maxPositions;
  if (ids.length >= context) throw new StudioError('invalid_params', `the prompt is ${ids.length} tokens but this model reads at most ${context}; shorten it or use fewer examples`, { field: 'prompt' });
  return { ids, maxNew: Math.min(maxNewTokens, context - ids.length) };
}

/** The n largest entries of `values`, largest first, without sorting the whole vocabulary. */
export function topN(values: ArrayLike<number>, n: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (best.length === n && values[i] <= values[best[n - 1]]) continue;
    let j = best.length < n ? best.length : n - 1;
    best[j] = i;
    while (j > 0 && values[best[j]] > values[best[j - 1]]) {
      [best[j], best[j - 1]] = [best[j - 1], best[j]];
      j--;
    }
  }
  return best;
}

/**
 * Generate, sending a 'token' message per token. `isCancelled` is polled at each token; cancelling ends the
 * generation early with what was produced so far (finishReason 'cancelled').
 */
export async function streamGeneration(gen: TextGenerator, id: string, prompt: string, settings: GenerateSettings, top: number, send: (m: FromGenerationWorker) => void, isCancelled: () => boolean): Promise<void> {
  const { ids, maxNew } = encodePrompt(gen, prompt, settings.maxNewTokens);
  const V = gen.model.vocabSize;
  // Wrap the model to see each step's raw logits: the top alternatives are the model's own ranking.
  let last: { logits: Float32Array; T: number; B: number } | null = null;
  const observed: LanguageModel<KvCache> = {
    vocabSize: V,
    emptyCache: (b) => gen.model.emptyCache(b),
    reorderCache: (c, index) => gen.model.reorderCache(c, index),
    forward: async (inputIds, mask, past) => {
      const out = await gen.model.forward(inputIds, mask, past);
      last = { logits: out.logits, T: inputIds[0].length, B: inputIds.length };
      return out;
    },
  };
  const options: GenerateOptions = { ...toOptions(settings), maxNewTokens: maxNew };
  const resolvedSettings = resolveOptions(options, gen.model.folder.generationConfig, stopIds(gen)).settings;
  send({ type: 'started', id, promptTokens: ids.length, settings: resolvedSettings });
  let index = 0;
  let text = '';
  const tokenIds: number[] = [];
  options.onToken = (e) => {
    if (isCancelled()) throw new GenerationCancelled();
    let logprob: number | null = null;
    let alternatives: TopAlternative[] = [];
    const step = last as { logits: Float32Array; T: number; B: number } | null;
    if (e.tokenId >= 0 && step && step.B === 1) {
      const row = logSoftmax(step.logits.subarray((step.T - 1) * V, step.T * V));
      logprob = row[e.tokenId];
      alternatives = topN(row, top).map((j) => ({ id: j, token: gen.tokenizer.idToToken(j) ?? `#${j}`, text: gen.tokenizer.decode([j]), logprob: row[j] }));
    }
    if (e.tokenId >= 0) tokenIds.push(e.tokenId);
    text += e.text;
    const token = e.tokenId >= 0 ? (gen.tokenizer.idToToken(e.tokenId) ?? `#${e.tokenId}`) : '';
    send({ type: 'token', id, index: index++, text: e.text, tokenId: e.tokenId, token, logprob, top: alternatives });
  };
  const t0 = performance.now();
  let firstMs = 0;
  const onToken = options.onToken;
  options.onToken = (e) => {
    if (index === 0) firstMs = performance.now() - t0;
    onToken(e);
  };
  try {
    const result = await generate(observed, gen.tokenizer, [ids], options, {
      generationConfig: gen.model.folder.generationConfig,
      defaultStopIds: stopIds(gen),
      padTokenId: gen.tokenizer.padTokenId ?? stopIds(gen)[0] ?? 0,
    });
    const row = result.rows[0];
    send({ type: 'done', id, text: row.text, tokenIds: row.tokenIds, finishReason: row.finishReason, timing: result.timing, settings: result.settings });
  } catch (err) {
    if (!(err instanceof GenerationCancelled)) throw err;
    const totalMs = performance.now() - t0;
    const decodeMs = totalMs - firstMs;
    send({
      type: 'done', id, text, tokenIds, finishReason: 'cancelled', settings: resolvedSettings,
      timing: { promptTokens: ids.length, generatedTokens: tokenIds.length, timeToFirstTokenMs: firstMs, totalMs, decodeTokensPerSecond: tokenIds.length > 1 && decodeMs > 0 ? (tokenIds.length - 1) / (decodeMs / 1000) : 0 },
    });
  }
}

function entropyBits(p: Float64Array): number {
  let h = 0;
  for (const x of p) if (x > 0) h -= x * Math.log2(x);
  return h;
}

/** Next-token probabilities after `prompt`: the model's own, and after the settings' penalties and warpers. */
export async function nextTokenDistribution(gen: TextGenerator, prompt: string, settings: GenerateSettings, top: number, logitsOf: (ids: number[]) => Promise<Float32Array>): Promise<NextTokenResult> {
  const { ids } = encodePrompt(gen, prompt, 1);
  const o = resolveOptions(toOptions(settings), gen.model.folder.generationConfig, stopIds(gen));
  const raw = await logitsOf(ids);
  const before = softmax(raw);
  const processed = Float32Array.from(raw);
  applyProcessors(o.processors, { ids, promptLength: ids.length }, processed);
  let after: Float64Array;
  if (o.strategy === 'sample') after = softmax(processed);
  else {
    // Greedy (and the first step of beam search, for its best beam) takes the top processed token with certainty.
    after = new Float64Array(raw.length);
    after[argmax(processed)] = 1;
  }
  const order = topN(before, top);
  for (const j of topN(after, Math.min(top, 5))) if (!order.includes(j) && after[j] > 0) order.push(j);
  let kept = 0;
  for (const p of after) if (p > 0) kept++;
  return {
    strategy: o.strategy,
    promptTokens: ids.length,
    candidates: order.map((j) => ({ id: j, token: gen.tokenizer.idToToken(j) ?? `#${j}`, text: gen.tokenizer.decode([j]), before: before[j], after: after[j] })),
    keptTokens: kept,
    vocabSize: raw.length,
    entropyBefore: entropyBits(before),
    entropyAfter: entropyBits(after),
  };
}

/** The last position's logits for `ids` (one prefill through an empty cache). */
export async function lastLogits(gen: TextGenerator, ids: number[]): Promise<Float32Array> {
  const out = await gen.model.forward([ids], [ids.map(() => 1)], gen.model.emptyCache(1));
  const V = gen.model.vocabSize;
  return out.logits.slice((ids.length - 1) * V, ids.length * V);
}
