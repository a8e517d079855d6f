// Inside a model, for one prompt: the tokens it reads, the attention probabilities of every layer and head,
// and its next-token odds at every position. The probabilities are the decoder graph's own `attentions.N`
// outputs (layers.ts: softmax(q kᵀ / √hs + causal mask)), the same graph that generates text, not a
// re-computation; the next-token odds come from a small ORT graph (softmax + top-k) over the logits.
// Symbols: T prompt tokens, V vocabulary, nh query heads.
import { StudioError } from '../api/errors.ts';
import { INSIDE_MAX_TOKENS, type AttentionMaps, type InsideToken, type PositionPrediction } from '../api/inside.ts';
import { GraphBuilder, createSession, ort, type Session } from '../onnx/index.ts';
import type { TextTokenizer } from '../text/tokenizer.ts';
import type { CausalLM } from './decoder.ts';

const BYTE_PIECE = /^<0x[0-9A-Fa-f]{2}>$/;

/**
 * Softmax over the vocabulary, its top k per row, and the probability and rank of the token that really
 * follows. Built once per process; its shapes are symbolic.
 */
function buildOddsGraph(): GraphBuilder {
  const g = new GraphBuilder({ name: 'next-token-odds', opset: 23 });
  const logits = g.input('logits', 'float32', ['T', 'V']);
  const k = g.input('k', 'int64', [1]);
  const next = g.input('next_ids', 'int64', ['T', 1]); // the following prompt token (anything at the last row)
  const probs = g.op('Softmax', [logits], { axis: -1 }); // (T, V)
  const [topP, topIdx] = g.opN('TopK', [probs, k], 2, { axis: -1, largest: 1, sorted: 1 }); // (T, k) each
  g.output(topP, 'top_probs');
  // The builder has no shape rule for TopK and would type its indices float32; the Cast states int64 (a no-op at run time).
  g.output(g.op('Cast', [topIdx], { to: 7 }), 'top_ids');
  const actual = g.op('GatherElements', [probs, next], { axis: 1 }); // (T, 1)
  g.output(actual, 'actual_probs');
  // Rank = 1 + how many tokens the model found more likely than the real one.
  const better = g.op('Cast', [g.op('Greater', [probs, actual])], { to: 1 }); // (T, V)
  g.output(g.op('ReduceSum', [better, g.ints([-1])], { keepdims: 1 }), 'better_count'); // (T, 1)
  return g;
}

let oddsSession: Promise<Session> | null = null;

function odds(): Promise<Session> {
  oddsSession ??= createSession(buildOddsGraph(), { intraOpNumThreads: 1 });
  return oddsSession;
}

/** Each token's piece, flags and the characters of the decoded prompt it covers. */
export function describeTokens(tokenizer: TextTokenizer, ids: number[]): { text: string; tokens: InsideToken[] } {
  const specials = new Set([tokenizer.bosTokenId, tokenizer.eosTokenId, tokenizer.padTokenId].filter((x): x is number => x !== null));
  // Offsets come from decoding growing prefixes (the tokenizer library reports none): a token covers what its
  // arrival changes in the text. A byte of an unfinished UTF-8 character decodes to '\uFFFD' until its last
  // byte arrives and replaces it, so a token starts where its decoding first differs from the previous one,
  // not at the previous one's length.
  const prefixes = ids.map((_, i) => tokenizer.decode(ids.slice(0, i + 1)));
  const text = prefixes.at(-1) ?? '';
  const tokens = ids.map((id, i): InsideToken => {
    const piece = tokenizer.idToToken(id) ?? `#${id}`;
    const before = i > 0 ? prefixes[i - 1] : '';
    let start = commonPrefixLength(before, prefixes[i]);
    const end = Math.max(start, prefixes[i].length);
    if (specials.has(id)) start = end;
    return { id, piece, byteFallback: BYTE_PIECE.test(piece), special: specials.has(id), start: Math.min(start, text.length), end: Math.min(end, text.length) };
  });
  // The middle bytes of a character add nothing the text can show yet: they point at the character their run completes.
  for (let i = tokens.length - 2; i >= 0; i--) {
    const t = tokens[i];
    if (t.byteFallback && t.start === t.end && tokens[i + 1].byteFallback) [t.start, t.end] = [tokens[i + 1].start, tokens[i + 1].end];
  }
  return { text, tokens };
}

function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * Run the prompt once through a model loaded with `outputAttentions` and read everything the Inside page
 * shows. The prompt is tokenized as generation tokenizes it (with BOS where the model adds one).
 */
export async function attentionMaps(lm: CausalLM, tokenizer: TextTokenizer, modelId: string, prompt: string, top: number): Promise<AttentionMaps> {
  if (!lm.outputAttentions) throw new Error('attentionMaps needs a model loaded with outputAttentions: true');
  const ids = tokenizer.encode(prompt);
  if (ids.length === 0) throw new StudioError('invalid_params', 'the prompt is empty: write a sentence to look inside', { field: 'prompt' });
  const limit = Math.min(INSIDE_MAX_TOKENS, lm.spec.maxPositions);
  if (ids.length > limit) {
    throw new StudioError('invalid_params', `the prompt is ${ids.length} tokens; the attention view reads at most ${limit} (each head draws a ${limit}×${limit} map); shorten the prompt`, { field: 'prompt' });
  }
  const T = ids.length;
  const out = await lm.forward([ids], [ids.map(() => 1)], lm.emptyCache(1));
  const { numLayers, numHeads, numKvHeads } = lm.spec;
  const attentions = out.attentions!.map((layer) => {
    const probs = layer.data as Float32Array; // (1, nh, T, T)
    return Array.from({ length: numHeads }, (_, h) => Array.from(probs.subarray(h * T * T, (h + 1) * T * T)));
  });
  const { text, tokens } = describeTokens(tokenizer, ids);
  const predictions = await predict(out.logits, ids, lm.vocabSize, Math.min(top, lm.vocabSize), tokenizer);
  return { modelId, text, tokens, layers: numLayers, heads: numHeads, kvHeads: numKvHeads, attentions, predictions, maxTokens: limit };
}

async function predict(logits: Float32Array, ids: number[], V: number, k: number, tokenizer: TextTokenizer): Promise<PositionPrediction[]> {
  const T = ids.length;
  const next = BigInt64Array.from(ids.map((_, t) => BigInt(t + 1 < T ? ids[t + 1] : 0)));
  const r = await (await odds()).run({
    logits: new ort.Tensor('float32', logits, [T, V]),
    k: new ort.Tensor('int64', BigInt64Array.from([BigInt(k)]), [1]),
    next_ids: new ort.Tensor('int64', next, [T, 1]),
  });
  const topP = r.top_probs.data as Float32Array;
  const topIds = r.top_ids.data as BigInt64Array;
  const actual = r.actual_probs.data as Float32Array;
  const better = r.better_count.data as Float32Array;
  return ids.map((_, t) => ({
    top: Array.from({ length: k }, (_, j) => {
      const id = Number(topIds[t * k + j]);
      return { id, piece: tokenizer.idToToken(id) ?? `#${id}`, text: tokenizer.decode([id]), probability: topP[t * k + j] };
    }),
    actual: t + 1 < T ? { id: ids[t + 1], probability: actual[t], rank: better[t] + 1 } : null,
  }));
}
