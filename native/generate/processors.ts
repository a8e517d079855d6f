// Logits processors, transformers.js style: each one rewrites one row of next-token logits given the
// tokens so far, and generation composes them in a list. Penalties and bans come first, then the warpers
// (temperature, top-k, top-p, min-p) that shape the distribution sampling draws from. Constructors validate.

/** The sequence a row has so far: the prompt's ids followed by the generated ones. */
export interface RowState {
  ids: readonly number[];
  promptLength: number;
}

export interface LogitsProcessor {
  readonly name: string;
  /** Rewrite `logits` (one row, length V) in place. */
  apply(row: RowState, logits: Float32Array): void;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}

/** transformers' RepetitionPenaltyLogitsProcessor: every token already in the sequence gets its logit divided by `penalty` (multiplied when negative). */
export class RepetitionPenalty implements LogitsProcessor {
  readonly name = 'repetition_penalty';
  constructor(readonly penalty: number) {
    check(penalty > 0 && Number.isFinite(penalty), `repetition_penalty must be a positive number, got ${penalty}`);
  }
  apply(row: RowState, logits: Float32Array): void {
    for (const id of new Set(row.ids)) logits[id] = logits[id] < 0 ? logits[id] * this.penalty : logits[id] / this.penalty;
  }
}

/** OpenAI-style presence and frequency penalties over the generated tokens: logit −= presence·[count>0] + frequency·count. */
export class PresenceFrequencyPenalty implements LogitsProcessor {
  readonly name = 'presence_frequency_penalty';
  constructor(
    readonly presence: number,
    readonly frequency: number,
  ) {
    check(Number.isFinite(presence) && Number.isFinite(frequency), 'presence/frequency penalties must be finite numbers');
  }
  apply(row: RowState, logits: Float32Array): void {
    const counts = new Map<number, number>();
    for (let i = row.promptLength; i < row.ids.length; i++) counts.set(row.ids[i], (counts.get(row.ids[i]) ?? 0) + 1);
    for (const [id, n] of counts) logits[id] -= this.presence + this.frequency * n;
  }
}

/** transformers' NoRepeatNGramLogitsProcessor: ban any token that would complete an n-gram already in the sequence. */
export class NoRepeatNgram implements LogitsProcessor {
  readonly name = 'no_repeat_ngram_size';
  constructor(readonly n: number) {
    check(Number.isInteger(n) && n > 0, `no_repeat_ngram_size must be a positive integer, got ${n}`);
  }
  apply(row: RowState, logits: Float32Array): void {
    const ids = row.ids;
    const n = this.n;
    if (ids.length + 1 < n) return;
    const prefix = ids.slice(ids.length - n + 1).join(',');
    for (let i = 0; i + n <= ids.length; i++) {
      if (n === 1 || ids.slice(i, i + n - 1).join(',') === prefix) logits[ids[i + n - 1]] = -Infinity;
    }
  }
}

/** Ban the stop tokens until `minNewTokens` have been generated. */
export class MinNewTokens implements LogitsProcessor {
  readonly name = 'min_new_tokens';
  constructor(
    readonly min: number,
    readonly stopTokenIds: readonly number[],
  ) {
    check(Number.isInteger(min) && min >= 0, `min_new_tokens must be a non-negative integer, got ${min}`);
  }
  apply(row: RowState, logits: Float32Array): void {
    if (row.ids.length - row.promptLength < this.min) for (const id of this.stopTokenIds) logits[id] = -Infinity;
  }
}

export class Temperature implements LogitsProcessor {
  readonly name = 'temperature';
  constructor(readonly t: number) {
    check(t > 0 && Number.isFinite(t), `temperature must be > 0 for sampling (use greedy decoding for 0), got ${t}`);
  }
  apply(_row: RowState, logits: Float32Array): void {
    if (this.t !== 1) for (let i = 0; i < logits.length; i++) logits[i] /= this.t;
  }
}

/** Keep the k highest logits (ties with the k-th kept too), −∞ elsewhere. */
export class TopK implements LogitsProcessor {
  readonly name = 'top_k';
  constructor(readonly k: number) {
    check(Number.isInteger(k) && k > 0, `top_k must be a positive integer, got ${k}`);
  }
  apply(_row: RowState, logits: Float32Array): void {
    if (this.k >= logits.length) return;
    const kth = Float32Array.from(logits).sort().reverse()[this.k - 1];
    for (let i = 0; i < logits.length; i++) if (logits[i] < kth) logits[i] = -Infinity;
  }
}

/** Nucleus sampling: keep the smallest set of most likely tokens whose probability reaches p (at least one). */
export class TopP implements LogitsProcessor {
  readonly name = 'top_p';
  constructor(readonly p: number) {
    check(p > 0 && p <= 1, `top_p must be in (0, 1], got ${p}`);
  }
  apply(_row: RowState, logits: Float32Array): void {
    if (this.p >= 1) return;
    const probs = softmax(logits);
    const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]);
    let cum = 0;
    let keep = 0;
    while (keep < order.length && cum < this.p) cum += probs[order[keep++]];
    for (let i = keep; i < order.length; i++) logits[order[i]] = -Infinity;
  }
}

/** min-p: drop tokens whose probability is below min_p × the top token's probability. */
export class MinP implements LogitsProcessor {
  readonly name = 'min_p';
  constructor(readonly minP: number) {
    check(minP >= 0 && minP <= 1, `min_p must be in [0, 1], got ${minP}`);
  }
  apply(_row: RowState, logits: Float32Array): void {
    const probs = softmax(logits);
    let top = 0;
    for (const p of probs) top = Math.max(top, p);
    const threshold = this.minP * top;
    for (let i = 0; i < logits.length; i++) if (probs[i] < threshold) logits[i] = -Infinity;
  }
}

export function applyProcessors(processors: readonly LogitsProcessor[], row: RowState, logits: Float32Array): void {
  for (const p of processors) p.apply(row, logits);
}

export function softmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const x of logits) if (x > max) max = x;
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i] - max);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

export function logSoftmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const x of logits) if (x > max) max = x;
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  const lse = max + Math.log(sum);
  return Float64Array.from(logits, (x) => x - lse);
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Indices of the n largest values, largest first. */
export function topIndices(values: ArrayLike<number>, n: number): number[] {
  // Insertion into a kept list of n: one pass over the vocabulary instead of sorting all of it at every step.
  const best: number[] = [];
  if (n <= 0) return best;
  for (let i = 0; i < values.length; i++) {
    if (best.length === n && !(values[i] > values[best[n - 1]])) continue;
    let j = best.length < n ? best.length : n - 1;
    best[j] = i;
    while (j > 0 && values[best[j]] > values[best[j - 1]]) {
      [best[j], best[j - 1]] = [best[j - 1], best[j]];
      j--;
    }
  }
  return best;
}
