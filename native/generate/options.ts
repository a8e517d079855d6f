// Generation settings: what the caller asked for, merged over the model's generation_config.json, validated,
// and turned into the list of logits processors (the one factory that picks greedy, sampling or beams).
import type { GeneratedToken } from './language-model.ts';
import { MinNewTokens, MinP, NoRepeatNgram, PresenceFrequencyPenalty, RepetitionPenalty, Temperature, TopK, TopP, type LogitsProcessor } from './processors.ts';

/** New tokens when neither the options nor generation_config.json say how many. */
export const DEFAULT_MAX_NEW_TOKENS = 128;

export interface TokenLogprob {
  id: number;
  logprob: number;
}

export interface TokenEvent {
  /** Which prompt of the batch. */
  row: number;
  /** -1 for the text still pending when generation ends (a flushed tail), which is no token. */
  tokenId: number;
  /** The new text this token completes (may be '' while a multi-byte character or a possible stop string is pending). */
  text: string;
  /**
   * Where this token's text ends in the row's continuation, in characters as the text stream decodes it (a stop string
   * not yet cut off included); set for each generated token but a stop token.
   */
  textEnd?: number;
  /** With the `logprobs` option: the token's log-probability under the model (before processors and warpers). */
  logprob?: number;
  /** With `logprobs` > 0: that many most likely tokens at this step, most likely first. */
  top?: TokenLogprob[];
}

export interface GenerateOptions {
  maxNewTokens?: number;
  minNewTokens?: number;
  /** Sample (true) or pick the most likely token (false). Default: sample iff temperature > 0 was given, else generation_config's do_sample. */
  doSample?: boolean;
  /** 0 means greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  repetitionPenalty?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  noRepeatNgramSize?: number;
  numBeams?: number;
  lengthPenalty?: number;
  /** Stop when the continuation contains one of these; the text is cut before it. */
  stopStrings?: string[];
  /** Stop at these ids (default: generation_config / config eos_token_id). */
  stopTokenIds?: number[];
  seed?: number;
  /** Report each generated token's log-probability and this many top alternatives (0: just the token's). */
  logprobs?: number;
  /**
   * Score the prompt too (OpenAI's echo with logprobs): each prompt token after the first gets its log-probability
   * and `logprobs` alternatives from the prefill's logits, in GeneratedRow.promptLogprobs and onPromptScored.
   * maxNewTokens may then be 0: the prompt is scored and nothing generated.
   */
  scorePrompt?: boolean;
  onToken?: (e: TokenEvent) => void;
  /** With scorePrompt: row `row`'s prompt scored, before its first token is generated. */
  onPromptScored?: (row: number, tokens: GeneratedToken[]) => void;
  /**
   * Stop early: checked before each decode step, so an abort costs at most the step in flight. The rows not
   * yet finished end with finishReason 'cancelled' and keep what they generated.
   */
  signal?: AbortSignal;
}

export type DecodingStrategy = 'greedy' | 'sample' | 'beam';

export interface ResolvedOptions {
  strategy: DecodingStrategy;
  /** 0 only when scorePrompt. */
  maxNewTokens: number;
  numBeams: number;
  lengthPenalty: number;
  stopStrings: string[];
  stopTokenIds: number[];
  seed: number;
  logprobs: number | null;
  scorePrompt: boolean;
  processors: LogitsProcessor[];
  /** The settings as applied, for reports (`--json`). */
  settings: Record<string, unknown>;
}

function pick<T>(v: T | undefined, cfg: unknown): T | undefined {
  return v !== undefined ? v : cfg === null || cfg === undefined ? undefined : (cfg as T);
}

function ids(v: unknown): number[] {
  return v === null || v === undefined ? [] : Array.isArray(v) ? (v as number[]) : [v as number];
}

/**
 * How `o` decodes over generation_config.json (`gen`): beam search when num_beams > 1, sampling when asked (doSample,
 * a temperature above 0, or the config's do_sample) at a temperature above 0, else greedy. resolveOptions decides by
 * it, and `lathe generate` says which sampling flags a greedy or beam decode leaves unused.
 */
export function decodingOf(o: Pick<GenerateOptions, 'numBeams' | 'temperature' | 'doSample'>, gen: Record<string, unknown> | null): { strategy: DecodingStrategy; numBeams: number; temperature: number; doSample: boolean } {
  const g = gen ?? {};
  const numBeams = pick(o.numBeams, g.num_beams) ?? 1;
  const temperature = pick(o.temperature, g.temperature) ?? 1;
  const doSample = (o.doSample ?? (o.temperature !== undefined ? o.temperature > 0 : Boolean(g.do_sample))) && temperature > 0;
  return { strategy: numBeams > 1 ? 'beam' : doSample ? 'sample' : 'greedy', numBeams, temperature, doSample };
}

/** Merge `o` over generation_config.json (`gen`) and model defaults, validate, and build the processors. */
export function resolveOptions(o: GenerateOptions, gen: Record<string, unknown> | null, defaultStopIds: number[]): ResolvedOptions {
  const g = gen ?? {};
  const { strategy, numBeams, temperature, doSample } = decodingOf(o, gen);
  if (!Number.isInteger(numBeams) || numBeams < 1) throw new RangeError(`num_beams must be a positive integer, got ${numBeams}`);
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new RangeError(`temperature must be >= 0, got ${temperature}`);
  if (strategy === 'beam' && doSample) throw new RangeError('beam search with sampling is not supported; use num_beams = 1 to sample');
  const scorePrompt = o.scorePrompt ?? false;
  if (scorePrompt && strategy === 'beam') throw new RangeError('scoring the prompt needs num_beams = 1');
  const maxNewTokens = o.maxNewTokens ?? (g.max_new_tokens as number | undefined) ?? DEFAULT_MAX_NEW_TOKENS;
  const fewest = scorePrompt ? 0 : 1; // a scored prompt is an answer of its own
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < fewest) throw new RangeError(`max_new_tokens must be ${scorePrompt ? 'a non-negative' : 'a positive'} integer, got ${maxNewTokens}`);
  const stopTokenIds = o.stopTokenIds ?? (ids(g.eos_token_id).length ? ids(g.eos_token_id) : defaultStopIds);
  const logprobs = o.logprobs ?? null;
  if (logprobs !== null && (!Number.isInteger(logprobs) || logprobs < 0 || logprobs > 20)) throw new RangeError(`logprobs must be an integer in 0..20, got ${logprobs}`);

  const processors: LogitsProcessor[] = [];
  const repetition = pick(o.repetitionPenalty, g.repetition_penalty) ?? 1;
  const repetitionPenalty = new RepetitionPenalty(repetition);
  if (repetition !== 1) processors.push(repetitionPenalty);
  if (o.presencePenalty || o.frequencyPenalty) processors.push(new PresenceFrequencyPenalty(o.presencePenalty ?? 0, o.frequencyPenalty ?? 0));
  const ngram = pick(o.noRepeatNgramSize, g.no_repeat_ngram_size) ?? 0;
  if (!Number.isInteger(ngram) || ngram < 0) throw new RangeError(`no_repeat_ngram_size must be a non-negative integer, got ${ngram}`);
  if (ngram > 0) processors.push(new NoRepeatNgram(ngram));
  const minNew = pick(o.minNewTokens, g.min_new_tokens) ?? 0;
  if (minNew > 0) processors.push(new MinNewTokens(minNew, stopTokenIds));
  // Warpers only shape what sampling draws from; greedy and beam search use the processed logits as they are.
  const settings: Record<string, unknown> = { strategy, maxNewTokens, numBeams, stopTokenIds, repetitionPenalty: repetition, noRepeatNgramSize: ngram };
  if (strategy === 'sample') {
    const topK = pick(o.topK, g.top_k) ?? 50; // transformers' default
    const topP = pick(o.topP, g.top_p) ?? 1;
    const minP = pick(o.minP, g.min_p) ?? 0;
    if (!Number.isInteger(topK) || topK < 0) throw new RangeError(`top_k must be a non-negative integer (0 = off), got ${topK}`);
    // Constructed before the "is it active" test so that out-of-range values are reported, not ignored.
    const [topPWarper, minPWarper] = [new TopP(topP), new MinP(minP)];
    processors.push(new Temperature(temperature));
    if (topK > 0) processors.push(new TopK(topK));
    if (topP < 1) processors.push(topPWarper);
    if (minP > 0) processors.push(minPWarper);
    Object.assign(settings, { temperature, topK, topP, minP });
  }
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (strategy === 'sample') settings.seed = seed;
  return {
    strategy,
    maxNewTokens,
    numBeams,
    lengthPenalty: pick(o.lengthPenalty, g.length_penalty) ?? 1,
    stopStrings: o.stopStrings ?? [],
    stopTokenIds,
    seed,
    logprobs,
    scorePrompt,
    processors,
    settings,
  };
}
