// One OpenAI request's generation: its prompts (each `n` times) decoded by the model's continuous batcher, alongside
// every other request in flight (native/generate/continuous.ts), with the request's settings mapped onto the
// engine's. Streaming and non-streaming answers both come from the deltas reported here, so the two can never
// disagree on the text. Settings follow OpenAI's defaults (temperature 1, top_p 1, no top-k, no repetition
// penalty), not the model's generation_config, except for its stop ids.
import type { GenerateOptions, TokenLogprob } from '../generate/options.ts';
import type { TextGenerator } from '../generate/pipeline.ts';
import { PromptTooLong } from '../generate/context-fit.ts';
import type { FinishReason } from '../generate/language-model.ts';
import { invalidParam } from './errors.ts';
import { ShownTokens } from './shown-tokens.ts';
import { tokenStretches } from './token-text.ts';

export interface SamplingRequest {
  maxTokens: number | null;
  /** The parameter that carried the prompt ('messages' or 'prompt'), for a context-length error. */
  promptParam: string;
  temperature?: number | null;
  top_p?: number | null;
  top_k?: number | null;
  min_p?: number | null;
  repetition_penalty?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  n?: number | null;
  /** Top alternatives per token, or null for no log-probabilities. */
  logprobs: number | null;
  /** Score the prompt's tokens too (echo with logprobs), from the prefill; maxTokens may then be 0. */
  scorePrompt?: boolean;
}

export interface ScoredToken {
  id: number;
  logprob: number;
  top: TokenLogprob[];
  /** The characters of the answer this token spells: its own text, but for what the decoder changed (shown-tokens.ts). */
  text: string;
}

/** A token of a scored prompt: the first has no log-probability and no alternatives (nothing precedes it), as OpenAI answers. */
export interface PromptToken extends Omit<ScoredToken, 'logprob' | 'top'> {
  logprob: number | null;
  top: TokenLogprob[] | null;
}

/** New text for one choice, and the scored tokens (with logprobs asked for) whose text it shows (shown-tokens.ts). */
export interface ChoiceDelta {
  index: number;
  text: string;
  tokens: ScoredToken[];
}

export type OpenAIFinish = 'stop' | 'length' | 'cancelled';

export interface Choice {
  index: number;
  text: string;
  finishReason: OpenAIFinish;
  tokens: ScoredToken[];
  /** With scorePrompt: the prompt's tokens, spelling the prompt as the tokenizer decodes it. */
  prompt: PromptToken[] | null;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** llama.cpp's `timings`: the prompt phase is everything up to the first token, the rest is the decode phase. */
export interface Timings {
  prompt_n: number;
  prompt_ms: number;
  prompt_per_token_ms: number;
  prompt_per_second: number;
  predicted_n: number;
  predicted_ms: number;
  predicted_per_token_ms: number;
  predicted_per_second: number;
}

export interface GenerationOutcome {
  choices: Choice[];
  usage: Usage;
  timings: Timings;
}

export interface RunOptions {
  signal?: AbortSignal;
  onDelta?: (d: ChoiceDelta) => void;
  /** Called once per generated token of any choice (a decode step yields one per unfinished choice). */
  onToken?: () => void;
  /** With scorePrompt: a choice's prompt scored, before its first token. */
  onPromptScored?: (index: number, prompt: PromptToken[]) => void;
}

const FINISH: Record<FinishReason, OpenAIFinish> = { stop_token: 'stop', stop_string: 'stop', length: 'length', cancelled: 'cancelled' };

/** The continuation the model's context leaves after `promptLength` tokens, at most `wanted` (see generate/context-fit.ts), refused in OpenAI's terms when none fits. */
function tokensThatFit(generator: TextGenerator, promptLength: number, wanted: number | undefined, param: string, scoreOnly = false): number {
  try {
    return generator.fit(promptLength, wanted, { scoreOnly }).maxNewTokens;
  } catch (err) {
    if (!(err instanceof PromptTooLong)) throw err;
    throw invalidParam(param, `This model's maximum context length is ${err.context} tokens; the prompt has ${err.promptTokens}. Shorten the ${param}.`, 'context_length_exceeded');
  }
}

const SEED_RANGE = 2 ** 31;

/**
 * OpenAI's seed is any integer, the engine's is in [0, 2^31): wrapped (not Math.abs, which gave -5 the samples of
 * 5), so distinct seeds in that range stay distinct and a seed already in it is kept as it is.
 */
export function engineSeed(seed: number): number {
  return ((seed % SEED_RANGE) + SEED_RANGE) % SEED_RANGE;
}

function engineOptions(r: SamplingRequest, maxNewTokens: number, stopTokenIds: number[]): GenerateOptions {
  const temperature = r.temperature ?? 1;
  const stop = r.stop == null ? [] : typeof r.stop === 'string' ? [r.stop] : r.stop;
  return {
    maxNewTokens,
    temperature,
    doSample: temperature > 0,
    topP: r.top_p ?? 1,
    topK: r.top_k ?? 0,
    minP: r.min_p ?? 0,
    repetitionPenalty: r.repetition_penalty ?? 1,
    presencePenalty: r.presence_penalty ?? 0,
    frequencyPenalty: r.frequency_penalty ?? 0,
    noRepeatNgramSize: 0,
    minNewTokens: 0,
    numBeams: 1,
    stopStrings: stop.filter((s) => s !== ''),
    stopTokenIds,
    seed: r.seed == null ? undefined : engineSeed(r.seed),
    logprobs: r.logprobs ?? undefined,
    scorePrompt: r.scorePrompt,
  };
}

/** Generate `n` choices for each prompt (choice index = prompt index * n + j). */
export async function runGeneration(generator: TextGenerator, prompts: number[][], r: SamplingRequest, opts: RunOptions = {}): Promise<GenerationOutcome> {
  const n = r.n ?? 1;
  const longest = Math.max(...prompts.map((p) => p.length));
  const maxNewTokens = tokensThatFit(generator, longest, r.maxTokens ?? undefined, r.promptParam, Boolean(r.scorePrompt) && r.maxTokens === 0);
  const stopTokenIds = generator.defaultStopIds;
  const stops = new Set(stopTokenIds);
  const batch = prompts.flatMap((p) => Array.from({ length: n }, () => p));
  const tokens: ScoredToken[][] = batch.map(() => []);
  const shown = batch.map(() => new ShownTokens());
  const scoredPrompts: (PromptToken[] | null)[] = batch.map(() => null);
  const stretches = new Map<number[], string[]>(); // per prompt, shared by its n choices
  const deliver = (row: number, text: string, scored: ScoredToken[]) => {
    tokens[row].push(...scored);
    if (text || scored.length) opts.onDelta?.({ index: row, text, tokens: scored });
  };
  const options = engineOptions(r, maxNewTokens, stopTokenIds);
  // Through the model's continuous batcher: this request decodes in the same steps as every other one in flight.
  const result = await generator.batcher().generate(batch, {
    ...options,
    signal: opts.signal,
    onPromptScored: (row, scored) => {
      const ids = batch[row];
      if (!stretches.has(ids)) stretches.set(ids, tokenStretches(generator.tokenizer, ids));
      const texts = stretches.get(ids)!;
      const first: PromptToken = { id: ids[0], text: texts[0], logprob: null, top: null };
      scoredPrompts[row] = [first, ...scored.map((t, i) => ({ id: t.id, text: texts[i + 1], logprob: t.logprob, top: t.top ?? [] }))];
      opts.onPromptScored?.(row, scoredPrompts[row]);
    },
    onToken: (e) => {
      if (e.tokenId >= 0) opts.onToken?.();
      const real = e.tokenId >= 0 && !stops.has(e.tokenId);
      if (real && e.logprob !== undefined) shown[e.row].generate({ id: e.tokenId, logprob: e.logprob, top: e.top ?? [] }, e.textEnd ?? 0);
      deliver(e.row, e.text, shown[e.row].show(e.text));
    },
  });
  result.rows.forEach((row, i) => deliver(i, '', shown[i].finish(row.finishReason === 'stop_string')));
  const choices = result.rows.map((row, i) => ({ index: i, text: row.text, finishReason: FINISH[row.finishReason], tokens: tokens[i], prompt: scoredPrompts[i] }));
  const promptTokens = prompts.reduce((s, p) => s + p.length, 0);
  const completionTokens = result.rows.reduce((s, row) => s + row.tokenIds.length, 0);
  return { choices, usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens }, timings: timingsOf(result.timing, promptTokens, completionTokens) };
}

function timingsOf(t: { timeToFirstTokenMs: number; totalMs: number }, promptN: number, predictedN: number): Timings {
  const promptMs = t.timeToFirstTokenMs;
  const predictedMs = Math.max(0, t.totalMs - t.timeToFirstTokenMs);
  const perToken = (ms: number, count: number) => (count > 0 ? ms / count : 0);
  const perSecond = (ms: number, count: number) => (ms > 0 ? (count * 1000) / ms : 0);
  return {
    prompt_n: promptN,
    prompt_ms: promptMs,
    prompt_per_token_ms: perToken(promptMs, promptN),
    prompt_per_second: perSecond(promptMs, promptN),
    predicted_n: predictedN,
    predicted_ms: predictedMs,
    predicted_per_token_ms: perToken(predictedMs, predictedN),
    predicted_per_second: perSecond(predictedMs, predictedN),
  };
}
