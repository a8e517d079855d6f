// One decoding step of one sequence, shared by the batch loop (generate.ts) and continuous batching
// (continuous.ts): the row's logits through the processors, a greedy or sampled token, its log-probability, the
// stop checks and the streamed text.
import { applyProcessors, argmax, logSoftmax, topIndices } from './processors.ts';
import type { GeneratedRow, GeneratedToken } from './language-model.ts';
import type { GenerateOptions, ResolvedOptions } from './options.ts';
import type { Rng } from './rng.ts';
import type { TextStream } from './text-stream.ts';

export type RowState = GeneratedRow & { done: boolean };

export function newRowState(o: ResolvedOptions): RowState {
  return { text: '', tokenIds: [], finishReason: 'length', done: false, logprobs: o.logprobs === null ? undefined : [] };
}

export interface RowContext {
  o: ResolvedOptions;
  rng: Rng;
  stops: Set<number>;
  prompt: number[];
  stream: TextStream;
  /** The row's index in its caller's batch (TokenEvent.row). */
  index: number;
  onToken: GenerateOptions['onToken'];
}

/** Pick the next token of `row` from its next-token `logits` (a copy: the processors change it in place). */
export function stepRow(row: RowState, logits: Float32Array, c: RowContext): void {
  const { o } = c;
  const raw = o.logprobs === null ? null : logSoftmax(logits);
  applyProcessors(o.processors, { ids: [...c.prompt, ...row.tokenIds], promptLength: c.prompt.length }, logits);
  const id = o.strategy === 'greedy' ? argmax(logits) : sampleSoftmax(logits, c.rng);
  row.tokenIds.push(id);
  const scored = raw ? scoredToken(raw, id, o.logprobs!) : undefined;
  if (scored) row.logprobs!.push(scored);
  if (c.stops.has(id)) {
    row.done = true;
    row.finishReason = 'stop_token';
    c.onToken?.({ row: c.index, tokenId: id, text: c.stream.flush(), logprob: scored?.logprob, top: scored?.top });
    return;
  }
  const text = c.stream.push(id);
  c.onToken?.({ row: c.index, tokenId: id, text, textEnd: c.stream.decodedLength, logprob: scored?.logprob, top: scored?.top });
  if (c.stream.stopped) {
    row.done = true;
    row.finishReason = 'stop_string';
  }
}

/**
 * The prompt's tokens after the first, each scored from the prefill's logits at the position before it: row `b` of
 * (B, T, V) logits, the prompt right-aligned in T (left padding). One prefill thus scores the prompt and starts the
 * continuation.
 */
export function scorePromptRow(logits: Float32Array, b: number, T: number, V: number, prompt: readonly number[], top: number): GeneratedToken[] {
  const pad = T - prompt.length;
  const out: GeneratedToken[] = [];
  for (let t = 1; t < prompt.length; t++) {
    const start = (b * T + pad + t - 1) * V;
    out.push(scoredToken(logSoftmax(logits.subarray(start, start + V)), prompt[t], top));
  }
  return out;
}

/** The chosen token's log-probability and the `top` most likely tokens, from one row of log-softmaxed logits. */
function scoredToken(logprobs: Float64Array, id: number, top: number): GeneratedToken {
  const alternatives = top > 0 ? topIndices(logprobs, top).map((j) => ({ id: j, logprob: logprobs[j] })) : undefined;
  return { id, logprob: logprobs[id], top: alternatives };
}

let scratch = new Float64Array(0);

/**
 * sampleFrom(softmax(logits), rng) without allocating the probability vector at every token or normalising the
 * whole of it: the same exponentials into a reused buffer, then each probability divided out only as the running
 * total reaches it. The arithmetic is the same, so the draw is the same (tests/unit/generate-sampling.test.ts); at
 * GPT-2's 50,257 entries the allocation and the second pass were a third of the JS time per token.
 */
export function sampleSoftmax(logits: Float32Array, rng: Rng): number {
  if (scratch.length < logits.length) scratch = new Float64Array(logits.length);
  let max = -Infinity;
  for (const x of logits) if (x > max) max = x;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += scratch[i] = Math.exp(logits[i] - max);
  const u = rng.next();
  let cum = 0;
  let last = 0;
  for (let i = 0; i < logits.length; i++) {
    const p = scratch[i] / sum;
    if (p <= 0) continue;
    cum += p;
    last = i;
    if (u < cum) return i;
  }
  return last; // rounding left u above the total
}

/** Draw an index from a probability vector. */
export function sampleFrom(probs: Float64Array, rng: Rng): number {
  const u = rng.next();
  let cum = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue;
    cum += probs[i];
    last = i;
    if (u < cum) return i;
  }
  return last; // rounding left u above the total
}
