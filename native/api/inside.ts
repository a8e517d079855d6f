// The "Inside" part of the Studio API: what a model does with one prompt, read from its own graph — the
// tokens it sees, every layer's and head's attention probabilities, and its next-token odds at each position.
// Spread into `methods` in contract.ts.
import { z } from 'zod';

/** A prompt longer than this is refused: T×T maps per head grow quadratically and stop being readable. */
export const INSIDE_MAX_TOKENS = 64;

export const InsideToken = z.object({
  id: z.number().int(),
  /** The vocabulary entry, e.g. '▁teacher', 'Ġthe' or '<0xC3>'. */
  piece: z.string(),
  /** True for SentencePiece byte-fallback pieces (`<0xXX>`): one raw UTF-8 byte of a character the vocabulary lacks. */
  byteFallback: z.boolean(),
  /** True for BOS / EOS / padding: tokens that decode to no text. */
  special: z.boolean(),
  /** The characters of `text` (the decoded prompt) this token covers, [start, end); empty for special tokens. */
  start: z.number().int(),
  end: z.number().int(),
});
export type InsideToken = z.infer<typeof InsideToken>;

export const NextTokenGuess = z.object({ id: z.number().int(), piece: z.string(), text: z.string(), probability: z.number() });
export type NextTokenGuess = z.infer<typeof NextTokenGuess>;

export const PositionPrediction = z.object({
  /** The model's most likely next tokens after reading tokens 0..position, most likely first. */
  top: z.array(NextTokenGuess),
  /** The token that really comes next in the prompt and the probability the model gave it (null at the last position). */
  actual: z.object({ id: z.number().int(), probability: z.number(), rank: z.number().int() }).nullable(),
});
export type PositionPrediction = z.infer<typeof PositionPrediction>;

export const AttentionMaps = z.object({
  modelId: z.string(),
  /** The prompt as the tokenizer decodes it back (spans in `tokens` index into it). */
  text: z.string(),
  tokens: z.array(InsideToken),
  layers: z.number().int(),
  heads: z.number().int(),
  /** Key/value heads: fewer than `heads` under grouped-query attention (heads of a group share keys). */
  kvHeads: z.number().int(),
  /**
   * attentions[layer][head] is the T×T matrix of attention probabilities, row-major: row q (the reading
   * token) over columns k (the tokens it reads). Each row sums to 1; entries with k > q are exactly 0 (causal).
   */
  attentions: z.array(z.array(z.array(z.number()))),
  /** predictions[t]: the next-token distribution after tokens 0..t. */
  predictions: z.array(PositionPrediction),
  maxTokens: z.number().int(),
});
export type AttentionMaps = z.infer<typeof AttentionMaps>;

export const AttentionMapsInput = z.object({
  modelId: z.string().min(1),
  prompt: z.string(),
  /** Next-token candidates reported per position. */
  top: z.number().int().min(1).max(20).default(5),
});

export const insideMethods = {
  /** Tokens, per-layer per-head attention probabilities and per-position next-token odds of one prompt. */
  'inside.attention': { params: AttentionMapsInput, result: AttentionMaps },
} as const;
