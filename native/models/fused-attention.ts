// The decoder's attention as onnxruntime's fused contrib ops (DecoderGraphOptions.kvInPlace):
// com.microsoft.GroupQueryAttention over the KV cache and com.microsoft.RotaryEmbedding for RoPE, both on
// (B, T, heads*hs) activations, so a layer has no per-head Reshape/Transpose, no rotate_half subgraph and no
// Concat of the whole cache. GroupQueryAttention writes present = past with the new T columns at P..S-1:
//   GROW mode: past fed with exactly P columns → present is a new (B, nkv, S, hs) tensor (transformers.js);
//   IN-PLACE mode: past fed as a capacity buffer (B, nkv, Cap, hs), Cap ≥ S, and the same tensors passed as the
//   preallocated `present.*` fetches → only the new columns are written, into that buffer.
// Padding and sliding windows stay in the additive mask bias (B, 1, T, S): seqlens_k = S − 1 for every row
// makes GroupQueryAttention see all S columns, and the bias masks what each row must not see.
// Symbols: B batch, T new tokens, P cached tokens, S = P + T, nh / nkv query / key-value heads, hs head size.
import type { GraphBuilder, Value } from '../onnx/index.ts';
import type { ModelSpec } from './config.ts';
import { presentName, type DecoderInputs } from './layers.ts';

const MS = 'com.microsoft';

/** (B*T, W) → (B, T, W). */
export function toBatchMajor(g: GraphBuilder, x: Value, batch: Value, width: number): Value {
  const shape = g.op('Concat', [batch, g.ints([-1, width])], { axis: 0 });
  // The builder cannot infer the rank of a Reshape to a computed shape, so it is declared.
  return g.op('Reshape', [x, shape], {}, { types: [{ dtype: x.dtype, shape: ['B', 'T', width] }] });
}

/**
 * RoPE inputs for RotaryEmbedding: a cos/sin row per token (B*T, hs/2) computed in the graph from the position
 * ids, and position ids (B, T) = 0..B*T−1 that pick each token's own row. Chosen over a (maxPositions, hs/2)
 * table: the angles are the same float32 products pos × inv_freq the unfused graph takes (so both graphs agree to
 * rounding at every position), nothing bounds the position by the table's length, and no table enlarges the file
 * (Llama 3's 131072 positions × 64 would be 64 MiB); the cost is B*T*hs/2 cos and sin per step, once for all layers.
 */
export function rotaryInputs(g: GraphBuilder, invFreq: Float32Array, positionIds: Value): { positions: Value; cos: Value; sin: Value } {
  const half = invFreq.length;
  const flat = g.op('Cast', [g.op('Reshape', [positionIds, g.ints([-1, 1])])], { to: 1 }); // (B*T, 1)
  const angles = g.op('Mul', [flat, g.initializer('rope.inv_freq', invFreq, [half])]); // (B*T, hs/2)
  const count = g.op('Size', [positionIds]); // () B*T
  const rows = g.op('Range', [g.scalar(0, 'int64'), count, g.scalar(1, 'int64')]); // (B*T)
  const positions = g.op('Reshape', [rows, g.op('Shape', [positionIds])], {}, { types: [{ dtype: 'int64', shape: ['B', 'T'] }] }); // (B, T)
  return { positions, cos: g.op('Cos', [angles]), sin: g.op('Sin', [angles]) };
}

/** rotate_half RoPE of x (B, T, heads*hs) (HF's non-interleaved layout). */
export function rotary(g: GraphBuilder, x: Value, rope: { positions: Value; cos: Value; sin: Value }, heads: number): Value {
  return g.op('RotaryEmbedding', [x, rope.positions, rope.cos, rope.sin], { num_heads: heads, interleaved: 0 }, { domain: MS, types: [{ dtype: 'float32', shape: x.shape }] });
}

/**
 * One GroupQueryAttention node over layer `layer`'s cache. q (B, T, nh*hs); k, v (B, T, nkv*hs), or both null
 * when q is the packed (B, T, (nh + 2 nkv)*hs) projection. Its present outputs are the graph outputs
 * `present.N.key|value` themselves. Returns the heads merged back: (B*T, nh*hs).
 */
export function groupQueryAttention(g: GraphBuilder, q: Value, k: Value | null, v: Value | null, inputs: DecoderInputs, spec: ModelSpec, layer: number): Value {
  const { numHeads: nh, numKvHeads: nkv, headDim: hs } = spec;
  const past = inputs.past?.[layer];
  if (!past || !inputs.gqa) throw new Error('groupQueryAttention: the graph was built without kvInPlace and past inputs');
  const cache = { dtype: 'float32' as const, shape: ['B', nkv, 'present_S', hs] };
  // transformers.js starts with an empty past of batch 0, (0, nkv, 0, hs), which GroupQueryAttention refuses;
  // reshaped to (B, nkv, −1, hs) it is (B, nkv, 0, hs). A Reshape aliases its input, so a capacity buffer stays
  // the buffer the present output shares.
  const reshaped = (x: Value) => g.op('Reshape', [x, inputs.gqa!.pastShape], {}, { types: [{ dtype: 'float32', shape: ['B', nkv, 'P', hs] }] });
  const [out, presentKey, presentValue] = g.opN(
    'GroupQueryAttention',
    [q, k, v, reshaped(past.key), reshaped(past.value), inputs.gqa.seqlensK, inputs.gqa.total, null, null, null, inputs.maskBias],
    3,
    { num_heads: nh, kv_num_heads: nkv },
    { domain: MS, outputs: [g.fresh('gqa_out'), presentName(layer, 'key'), presentName(layer, 'value')], types: [{ dtype: 'float32', shape: ['B', 'T', nh * hs] }, cache, cache] },
  );
  g.output(presentKey);
  g.output(presentValue);
  return g.op('Reshape', [out, g.ints([-1, nh * hs])]); // (B*T, nh*hs)
}

/**
 * Several nn.Linear projections of the same input as one Gemm on their weights stacked along the output axis
 * (and their biases, if any), split back. x (N, in); each weight (out_i, in). Returns the outputs (N, out_i).
 */
export function fusedLinear(g: GraphBuilder, x: Value, name: string, weights: Float32Array[], outs: number[], inp: number, biases: Float32Array[] | null): Value[] {
  const total = outs.reduce((a, b) => a + b, 0);
  const w = g.initializer(`${name}.weight`, concat(weights), [total, inp]);
  const b = biases ? g.initializer(`${name}.bias`, concat(biases), [total]) : null;
  const y = g.op('Gemm', b ? [x, w, b] : [x, w], { transB: 1 }); // (N, total)
  return g.opN('Split', [y, g.ints(outs)], outs.length, { axis: -1 });
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Attention for Lathe's own sessions with an APPEND-ONLY cache (DecoderGraphOptions.kvAppend): the past inputs
 * are the runtime's capacity buffers (B, nkv, Cap, hs), read where they lie, and the outputs `present.N.key|value`
 * are only this step's new columns (B, nkv, T, hs), which the runtime writes into the buffers (kv-cache.ts). The
 * attention mask spans Cap + T columns; the buffers' unfilled columns are masked like padding. Nothing per step
 * is proportional to the cache but the two reads attention needs: no Concat of past and new, no present tensor of
 * the whole cache that onnxruntime-node would copy into a new JS buffer (it copies every output it returns,
 * preallocated ones included, so GroupQueryAttention's shared buffer does not spare that copy through this binding).
 * Grouped heads need no repeat: each key/value head's g = nh/nkv query heads are stacked as g·T query rows.
 * q (B, T, nh*hs); k, v (B, T, nkv*hs). Returns the heads merged back: (B*T, nh*hs).
 */
export function appendAttention(g: GraphBuilder, q: Value, k: Value, v: Value, inputs: DecoderInputs, spec: ModelSpec, layer: number): Value {
  const past = inputs.past?.[layer];
  if (!past) throw new Error('appendAttention: the graph was built without past inputs');
  const cap = (inputs.bufferColumns ??= bufferColumns(g, inputs.past![0].key)); // shared by all layers
  return appendAttentionOver(g, { q, k, v, pastKey: past.key, pastValue: past.value, maskBias: inputs.maskBias, cap }, spec, layer);
}

/**
 * appendAttention's subgraph over explicit values (also spliced into exported graphs: append-rewrite.ts). `cap`,
 * the buffers' column count (1,), may be shared by all layers; without it each layer reads it off its past key.
 * Kept to few nodes (each costs a few µs a step): FusedMatMul reads the keys transposed (no Transpose node), and
 * with as many key/value heads as query heads the grouping reshapes are left out. The 1/√hs scale multiplies q
 * (T rows) before the head reshape rather than riding in FusedMatMul's alpha: onnxruntime 1.30's single-row
 * product takes its fast path only at alpha 1 — with alpha 1/8 one layer's scores over 1,024 cached columns took
 * 197 µs against 125 µs (12 heads × 64, 1 thread, best of 200; docs/benchmarks.md, "Decode: Lathe vs llama.cpp") —
 * and a Mul that feeds the MatMul directly would be folded back into alpha by the optimiser.
 */
export function appendAttentionOver(g: GraphBuilder, x: { q: Value; k: Value; v: Value; pastKey: Value; pastValue: Value; maskBias: Value; cap?: Value; scaleIn?: 'q' | 'alpha' }, spec: ModelSpec, layer: number): Value {
  const { numHeads: nh, numKvHeads: nkv, headDim: hs } = spec;
  const grouped = nh !== nkv;
  const heads = (t: Value, n: number, name?: string) => g.op('Transpose', [g.op('Reshape', [t, g.ints([0, 0, n, hs])])], { perm: [0, 2, 1, 3] }, name ? { outputs: [name] } : {}); // (B, n, T, hs)
  const scale = 1 / Math.sqrt(hs);
  const onQ = (x.scaleIn ?? 'q') === 'q';
  const qh = heads(onQ ? g.op('Mul', [x.q, g.scalar(scale)]) : x.q, nh); // (B, nh, T, hs)
  const qg = grouped ? g.op('Reshape', [qh, g.ints([0, nkv, -1, hs])]) : qh; // (B, nkv, g*T, hs): each kv head's query rows
  const kNew = g.output(heads(x.k, nkv, presentName(layer, 'key'))); // (B, nkv, T, hs)
  const vNew = g.output(heads(x.v, nkv, presentName(layer, 'value'))); // (B, nkv, T, hs)
  const score = (keys: Value, width: string) => g.op('FusedMatMul', [qg, keys], { alpha: onQ ? 1 : scale, transB: 1 }, { domain: MS, types: [{ dtype: 'float32', shape: ['B', nkv, grouped ? 'gT' : 'T', width] }] });
  const scores = g.op('Concat', [score(x.pastKey, 'Cap'), score(kNew, 'T')], { axis: -1 }); // (B, nkv, g*T, Cap+T)
  const perHead = grouped ? g.op('Reshape', [scores, g.ints([0, nh, -1, 0])]) : scores; // (B, nh, T, Cap+T)
  const softmax = g.op('Softmax', [g.op('Add', [perHead, x.maskBias])], { axis: -1 }); // (B, nh, T, Cap+T)
  const probs = grouped ? g.op('Reshape', [softmax, g.ints([0, nkv, -1, 0])]) : softmax; // (B, nkv, g*T, Cap+T)
  const cap = x.cap ?? bufferColumns(g, x.pastKey);
  const end = g.constant(BigInt64Array.from([2n ** 63n - 1n]), [1], 'int64');
  const axis = g.ints([3]);
  const fromPast = g.op('MatMul', [g.op('Slice', [probs, g.ints([0]), cap, axis]), x.pastValue]); // (B, nkv, g*T, hs)
  const fromNew = g.op('MatMul', [g.op('Slice', [probs, cap, end, axis]), vNew]); // (B, nkv, g*T, hs)
  const sum = g.op('Add', [fromPast, fromNew]);
  const merged = g.op('Transpose', [grouped ? g.op('Reshape', [sum, g.ints([0, nh, -1, hs])]) : sum], { perm: [0, 2, 1, 3] }); // (B, T, nh, hs)
  return g.op('Reshape', [merged, g.ints([-1, nh * hs])]); // (B*T, nh*hs)
}

/** (1,) = [Cap]: the column count of a cache buffer (B, nkv, Cap, hs). */
export function bufferColumns(g: GraphBuilder, pastKey: Value): Value {
  return g.op('Slice', [g.op('Shape', [pastKey]), g.ints([2]), g.ints([3])]);
}
