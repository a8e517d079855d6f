// What the generation worker does with a loaded model: stream one generation token by token (generate() gives
// each token's log-probability and the model's top alternatives, and stops on an AbortSignal), and the
// next-token distribution before and after the sampling knobs. Plain functions over a TextGenerator, so tests
// can call them in-process.
import type { GenerateSettings, NextTokenResult } from '../api/models.ts';
import { StudioError } from '../api/errors.ts';
import { generate } from '../generate/generate.ts';
import type { GenerateOptions } from '../generate/options.ts';
import { PromptTooLong, type ContextFit } from '../generate/context-fit.ts';
import { resolveOptions } from '../generate/options.ts';
import type { TextGenerator } from '../generate/pipeline.ts';
import { applyProcessors, argmax, softmax, topIndices } from '../generate/processors.ts';
import type { FromGenerationWorker, TopAlternative } from './generate-protocol.ts';

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

function tokenName(gen: TextGenerator, id: number): string {
  return gen.tokenizer.idToToken(id) ?? `#${id}`;
}

function stopIds(gen: TextGenerator): number[] {
  const spec = gen.model.spec;
  return spec.eosTokenIds.length ? spec.eosTokenIds : gen.tokenizer.eosTokenId !== null ? [gen.tokenizer.eosTokenId] : [];
}

/** Tokenize and check the prompt fits the model's context (see generate/context-fit.ts); the ids and the room left for the answer. */
function encodePrompt(gen: TextGenerator, prompt: string, maxNewTokens: number): { ids: number[]; fit: ContextFit } {
  const ids = gen.tokenizer.encode(prompt);
  if (ids.length === 0) throw new StudioError('invalid_params', 'the prompt is empty: write something for the model to continue', { field: 'prompt' });
  try {
    return { ids, fit: gen.fit(ids.length, maxNewTokens) };
  } catch (err) {
    if (!(err instanceof PromptTooLong)) throw err;
    throw new StudioError('invalid_params', `the prompt is ${err.promptTokens} tokens but this model reads at most ${err.context}; shorten it or use fewer examples`, { field: 'prompt' });
  }
}

/**
 * Generate, sending a 'token' message per token with its log-probability and the model's top alternatives.
 * Aborting `signal` ends the generation before its next step with what was produced so far (finishReason
 * 'cancelled').
 */
export async function streamGeneration(
  gen: TextGenerator,
  id: string,
  prompt: string,
  settings: GenerateSettings,
  top: number,
  send: (m: FromGenerationWorker) => void,
  signal?: AbortSignal,
): Promise<void> {
  const { ids, fit } = encodePrompt(gen, prompt, settings.maxNewTokens);
  const alternative = (j: number, logprob: number): TopAlternative => ({ id: j, token: tokenName(gen, j), text: gen.tokenizer.decode([j]), logprob });
  let index = 0;
  const options: GenerateOptions = {
    ...toOptions(settings),
    maxNewTokens: fit.maxNewTokens,
    logprobs: top,
    signal,
    onToken: (e) => {
      const token = e.tokenId >= 0 ? tokenName(gen, e.tokenId) : '';
      const alternatives = (e.top ?? []).map((t) => alternative(t.id, t.logprob));
      send({ type: 'token', id, index: index++, text: e.text, tokenId: e.tokenId, token, logprob: e.logprob ?? null, top: alternatives });
    },
  };
  const stops = stopIds(gen);
  const generationConfig = gen.model.folder.generationConfig;
  send({ type: 'started', id, promptTokens: ids.length, settings: resolveOptions(options, generationConfig, stops).settings });
  const result = await generate(gen.model, gen.tokenizer, [ids], options, {
    generationConfig,
    defaultStopIds: stops,
    padTokenId: gen.tokenizer.padTokenId ?? stops[0] ?? 0,
  });
  const row = result.rows[0];
  const contextFull = row.finishReason === 'length' && fit.shortened ? fit.context : null;
  send({ type: 'done', id, text: row.text, tokenIds: row.tokenIds, finishReason: row.finishReason, contextFull, timing: result.timing, settings: result.settings });
}

function entropyBits(p: Float64Array): number {
  let h = 0;
  for (const x of p) if (x > 0) h -= x * Math.log2(x);
  return h;
}

/** Next-token probabilities after `prompt`: the model's own, and after the settings' penalties and warpers. */
export async function nextTokenDistribution(
  gen: TextGenerator,
  prompt: string,
  settings: GenerateSettings,
  top: number,
  logitsOf: (ids: number[]) => Promise<Float32Array>,
): Promise<NextTokenResult> {
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
  const order = topIndices(before, top);
  for (const j of topIndices(after, Math.min(top, 5))) if (!order.includes(j) && after[j] > 0) order.push(j);
  let kept = 0;
  for (const p of after) if (p > 0) kept++;
  return {
    strategy: o.strategy,
    promptTokens: ids.length,
    candidates: order.map((j) => ({ id: j, token: tokenName(gen, j), text: gen.tokenizer.decode([j]), before: before[j], after: after[j] })),
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
