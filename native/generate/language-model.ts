// What decoding needs from a model (one forward step over a KV cache of any representation) and what it
// hands back per prompt. Apart from generate.ts so that beam.ts, which generate.ts calls, needs nothing from it.
import type { TokenLogprob } from './options.ts';

export type { TokenLogprob };

/** What generation needs from a model: one forward step over a KV cache of any representation. */
export interface LanguageModel<Cache> {
  readonly vocabSize: number;
  emptyCache(batch: number): Cache;
  /** One step; consumes `past` (the returned `present` may reuse its buffers). */
  forward(inputIds: number[][], attentionMask: number[][], past: Cache): Promise<{ logits: Float32Array; present: Cache }>;
  /** The cache rows picked by `index` (consumes `cache`). */
  reorderCache(cache: Cache, index: number[]): Promise<Cache>;
}

export interface GeneratedToken extends TokenLogprob {
  /** The most likely alternatives at this step under the model's distribution (before sampling warpers). */
  top?: TokenLogprob[];
}

/** Why a row ended: a stop token, a stop string, max new tokens, or the caller's AbortSignal. */
export type FinishReason = 'stop_token' | 'stop_string' | 'length' | 'cancelled';

export interface GeneratedRow {
  text: string;
  tokenIds: number[];
  finishReason: FinishReason;
  logprobs?: GeneratedToken[];
  /** With the scorePrompt option: the prompt's tokens after the first, each scored given those before it. */
  promptLogprobs?: GeneratedToken[];
  /** Beam search: the sequence's length-normalised score. */
  score?: number;
}
