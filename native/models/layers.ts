// Building blocks shared by the decoder-only architectures (llama.ts, gpt2.ts): the transformers.js /
// Optimum graph interface, the causal + padding mask, multi-head attention over a KV cache, linear layers.
// Symbols: B batch, T new tokens, P cached tokens, S = P + T, C hidden size, nh / nkv query / key-value heads,
// hs head size, V vocabulary.
import type { GraphBuilder, Value } from '../onnx/index.ts';
import type { CheckpointWeights } from './checkpoint.ts';
import type { ModelSpec } from './config.ts';

export interface DecoderGraphOptions {
  /** Take `past_key_values.*` inputs (decode); without them the graph is a prefill graph (P = 0). */
  withPast: boolean;
  /** Also output `attentions.N` (B, nh, T, S): the attention probabilities of each layer. */
  outputAttentions?: boolean;
  /** Also output `last_hidden_state` (B, T, C): the final-normed hidden states the head reads (embeddings, reward models). */
  outputHiddenStates?: boolean;
  /** Rewrites each projection's output, given the module's HF name and its input (LoRA adapters; see lora.ts). */
  adapt?: LinearAdapter;
  /**
   * Take a `logits_to_keep` input (int64, shape [1]): the head runs on each row's last k positions only, logits
   * (B, k, V); 0 keeps all T (transformers' `logits_to_keep`). A prefill that needs only the next token skips the
   * head's (T − 1) × C × V multiply-adds and (T − 1) × V logits per row. Only for our own sessions: exported ONNX
   * files keep the inputs transformers.js feeds.
   */
  logitsToKeep?: boolean;
  /**
   * Attention as one com.microsoft.GroupQueryAttention per layer (and RoPE as RotaryEmbedding; see
   * fused-attention.ts), whose present outputs can share the past inputs' buffers: fed a capacity buffer as past
   * and the same tensors as preallocated `present.*` fetches, a step writes only its new columns. Inputs and
   * outputs keep their names and dtypes, so a plain run (past of exactly P columns) still grows the cache.
   * Needs `withPast`; excludes `outputAttentions`.
   */
  kvInPlace?: boolean;
  /**
   * Lathe's own sessions: the past inputs are capacity buffers read where they lie and `present.*` are only the
   * step's new columns (B, nkv, T, hs), which the runtime appends (fused-attention.ts appendAttention). The mask
   * spans the buffers' Cap columns + T. Not for exports (transformers.js expects the whole present). Needs
   * `withPast`; excludes `outputAttentions`, `kvInPlace` and sliding windows (whose mask needs column = position).
   */
  kvAppend?: boolean;
}

/** y' = adapt(module, x, y) for a projection y = x W^T (+ b) of the module named as in HF checkpoints. */
export type LinearAdapter = (g: GraphBuilder, module: string, x: Value, y: Value) => Value;

/** A projection's output after the graph's adapter, if any. */
export function adapted(g: GraphBuilder, opts: DecoderGraphOptions, module: string, x: Value, y: Value): Value {
  return opts.adapt ? opts.adapt(g, module, x, y) : y;
}

/** Graph inputs and the values every layer needs. */
export interface DecoderInputs {
  inputIds: Value; // (B, T) int64
  positionIds: Value; // (B, T) int64
  /** Additive attention bias, 0 where allowed and a large negative number elsewhere. */
  maskBias: Value; // (B, 1, T, S)
  batch: Value; // (1,) int64: B, for reshapes
  past: { key: Value; value: Value }[] | null; // each (B, nkv, P, hs)
  /** (1,) int64: how many last positions the head runs on (0 = all), when the options ask for the input. */
  logitsToKeep: Value | null;
  /**
   * GroupQueryAttention's inputs when `kvInPlace`: seqlens_k (B) int32 = S − 1, total_sequence_length () int32 = S,
   * and the past's shape (4,) = [B, nkv, −1, hs] (see fused-attention.ts).
   */
  gqa: { seqlensK: Value; total: Value; pastShape: Value } | null;
  /** kvAppend: the cache buffers' column count (1,), computed once for all layers on first use. */
  bufferColumns?: Value;
}

const NEG = -3.4028234663852886e38; // torch.finfo(float32).min, as transformers uses for masked positions

/** Whether onnxruntime's GroupQueryAttention can run this model's attention (CPU: head size a multiple of 8). */
export function supportsKvInPlace(spec: ModelSpec): boolean {
  return spec.headDim % 8 === 0;
}

/** Whether the append-only cache (DecoderGraphOptions.kvAppend) can serve this model: not with a sliding window. */
export function supportsKvAppend(spec: ModelSpec): boolean {
  return !spec.slidingWindow;
}

/** Refuse option combinations the fused attention cannot serve. */
function checkKvInPlace(spec: ModelSpec, opts: DecoderGraphOptions): void {
  if (opts.kvAppend) {
    if (!supportsKvAppend(spec)) throw new Error(`kvAppend: ${spec.architecture} has a sliding window, whose mask needs each cache column at its position (build without kvAppend)`);
    if (opts.kvInPlace) throw new Error('kvAppend and kvInPlace are two different caches: choose one');
    if (!opts.withPast) throw new Error('kvAppend needs withPast: the cache lives in the past_key_values inputs (build the decode graph)');
    if (opts.outputAttentions) throw new Error('kvAppend cannot output attentions (build without kvAppend for attention maps)');
    return;
  }
  if (!opts.kvInPlace) return;
  if (!supportsKvInPlace(spec)) throw new Error(`kvInPlace: head size ${spec.headDim} is not a multiple of 8, which onnxruntime's GroupQueryAttention needs (build without kvInPlace)`);
  if (!opts.withPast) throw new Error('kvInPlace needs withPast: the in-place KV cache lives in the past_key_values inputs (build the decode graph)');
  if (opts.outputAttentions) throw new Error('kvInPlace cannot output attentions: GroupQueryAttention does not expose its probabilities (build without kvInPlace for attention maps)');
}

export function declareInputs(g: GraphBuilder, spec: ModelSpec, opts: DecoderGraphOptions): DecoderInputs {
  checkKvInPlace(spec, opts);
  const inputIds = g.input('input_ids', 'int64', ['B', 'T']);
  const attentionMask = g.input('attention_mask', 'int64', ['B', opts.withPast ? 'S' : 'T']); // S = P + T
  const positionIds = g.input('position_ids', 'int64', ['B', 'T']);
  const past = opts.withPast
    ? Array.from({ length: spec.numLayers }, (_, i) => ({
        key: g.input(`past_key_values.${i}.key`, 'float32', ['B', spec.numKvHeads, 'P', spec.headDim]),
        value: g.input(`past_key_values.${i}.value`, 'float32', ['B', spec.numKvHeads, 'P', spec.headDim]),
      }))
    : null;
  const idsShape = g.op('Shape', [inputIds]); // (2,) = [B, T]
  const batch = g.op('Slice', [idsShape, g.ints([0]), g.ints([1])]); // (1,)
  const T = g.op('Gather', [idsShape, g.scalar(1, 'int64')]); // ()
  const S = g.op('Gather', [g.op('Shape', [attentionMask]), g.scalar(1, 'int64')]); // ()
  const P = g.op('Sub', [S, T]); // ()
  const one = g.scalar(1, 'int64');
  const queryPos = g.op('Unsqueeze', [g.op('Range', [P, S, one]), g.ints([1])]); // (T, 1) absolute positions
  const keyPos = g.op('Unsqueeze', [g.op('Range', [g.scalar(0, 'int64'), S, one]), g.ints([0])]); // (1, S)
  let allowed = g.op('LessOrEqual', [keyPos, queryPos]); // (T, S) causal
  if (spec.slidingWindow) {
    // Mistral: a query sees only the last `sliding_window` keys (transformers' sliding_window mask).
    const window = g.op('Greater', [keyPos, g.op('Sub', [queryPos, g.scalar(spec.slidingWindow, 'int64')])]);
    allowed = g.op('And', [allowed, window]);
  }
  const notPadding = g.op('Unsqueeze', [g.op('Cast', [attentionMask], { to: 9 }), g.ints([1, 2])]); // (B, 1, 1, S) bool
  allowed = g.op('And', [allowed, notPadding]); // (B, 1, T, S)
  const maskBias = g.op('Where', [allowed, g.scalar(0), g.scalar(NEG)]); // (B, 1, T, S)
  const logitsToKeep = opts.logitsToKeep ? g.input('logits_to_keep', 'int64', [1]) : null;
  const gqa = opts.kvInPlace
    ? {
        total: g.op('Cast', [S], { to: 6 }),
        seqlensK: g.op('Expand', [g.op('Cast', [g.op('Sub', [S, one])], { to: 6 }), batch], {}, { types: [{ dtype: 'int32', shape: ['B'] }] }),
        pastShape: g.op('Concat', [batch, g.ints([spec.numKvHeads, -1, spec.headDim])], { axis: 0 }),
      }
    : null;
  return { inputIds, positionIds, maskBias, batch, past, logitsToKeep, gqa };
}

/** (N, in) @ W^T + b for an HF nn.Linear weight W (out, in), without copying W. */
export function linear(g: GraphBuilder, x: Value, weight: Value, bias: Value | null = null): Value {
  return g.op('Gemm', bias ? [x, weight, bias] : [x, weight], { transB: 1 });
}

/** (N, in) @ W + b for a GPT-2 Conv1D weight W (in, out). */
export function conv1d(g: GraphBuilder, x: Value, weight: Value, bias: Value): Value {
  return g.op('Gemm', [x, weight, bias]);
}

/** (B*T, heads*hs) → (B, heads, T, hs). */
export function splitHeads(g: GraphBuilder, x: Value, batch: Value, heads: number, hs: number): Value {
  const shape = g.op('Concat', [batch, g.ints([-1, heads, hs])], { axis: 0 });
  // The builder cannot infer the rank of a Reshape to a computed shape, so it is declared.
  const bthd = g.op('Reshape', [x, shape], {}, { types: [{ dtype: x.dtype, shape: ['B', 'T', heads, hs] }] }); // (B, T, heads, hs)
  return g.op('Transpose', [bthd], { perm: [0, 2, 1, 3] });
}

export interface AttentionResult {
  out: Value; // (B*T, nh*hs) the heads merged back, before the output projection
  presentKey: Value; // (B, nkv, S, hs)
  presentValue: Value; // (B, nkv, S, hs)
  probs: Value; // (B, nh, T, S)
}

/**
 * Scaled dot-product attention of q over the cached and new keys/values. Grouped-query attention repeats each
 * key/value head nh/nkv times (transformers' repeat_kv).
 */
export function attention(
  g: GraphBuilder,
  q: Value, // (B, nh, T, hs)
  k: Value, // (B, nkv, T, hs)
  v: Value, // (B, nkv, T, hs)
  past: { key: Value; value: Value } | null,
  inputs: DecoderInputs,
  spec: ModelSpec,
  layer: number,
): AttentionResult {
  const { numHeads: nh, numKvHeads: nkv, headDim: hs } = spec;
  // The Concat writes straight into the graph output `present.N.*` (no Identity copy of the whole cache per step).
  const append = (cached: Value, fresh: Value, name: string) => g.op('Concat', [cached, fresh], { axis: 2 }, { outputs: [name] });
  const presentKey = past ? append(past.key, k, presentName(layer, 'key')) : k; // (B, nkv, S, hs)
  const presentValue = past ? append(past.value, v, presentName(layer, 'value')) : v; // (B, nkv, S, hs)
  const repeatKv = (x: Value): Value => {
    if (nh === nkv) return x;
    const grouped = g.op('Unsqueeze', [x, g.ints([2])]); // (B, nkv, 1, S, hs)
    const expanded = g.op('Expand', [grouped, g.ints([1, 1, nh / nkv, 1, 1])]); // (B, nkv, nh/nkv, S, hs)
    return g.op('Reshape', [expanded, g.ints([0, nh, -1, hs])]); // (B, nh, S, hs)
  };
  const keys = repeatKv(presentKey);
  const values = repeatKv(presentValue);
  const scores = g.op('MatMul', [q, g.op('Transpose', [keys], { perm: [0, 1, 3, 2] })]); // (B, nh, T, S)
  const scaled = g.op('Add', [g.op('Mul', [scores, g.scalar(1 / Math.sqrt(hs))]), inputs.maskBias]); // (B, nh, T, S)
  const probs = g.op('Softmax', [scaled], { axis: -1 }); // (B, nh, T, S)
  const y = g.op('Transpose', [g.op('MatMul', [probs, values])], { perm: [0, 2, 1, 3] }); // (B, T, nh, hs)
  const out = g.op('Reshape', [y, g.ints([-1, nh * hs])]); // (B*T, nh*hs)
  return { out, presentKey, presentValue, probs };
}

/** The transformers.js name of a layer's cache output. */
export function presentName(layer: number, which: 'key' | 'value'): string {
  return `present.${layer}.${which}`;
}

/** Name the per-layer outputs as transformers.js expects them. */
export function declareLayerOutputs(g: GraphBuilder, layer: number, a: AttentionResult, opts: DecoderGraphOptions): void {
  g.output(a.presentKey, presentName(layer, 'key'));
  g.output(a.presentValue, presentName(layer, 'value'));
  if (opts.outputAttentions) g.output(a.probs, `attentions.${layer}`);
}

/** (B*T, C) final hidden states → the `last_hidden_state` output (B, T, C), when the options ask for it. */
export function hiddenStateOutput(g: GraphBuilder, h: Value, batch: Value, hidden: number, opts: DecoderGraphOptions): void {
  if (!opts.outputHiddenStates) return;
  const shape = g.op('Concat', [batch, g.ints([-1, hidden])], { axis: 0 });
  g.output(g.op('Reshape', [h, shape], {}, { types: [{ dtype: 'float32', shape: ['B', 'T', hidden] }] }), 'last_hidden_state'); // (B, T, C)
}

/**
 * (B*T, C) hidden states → logits (B, T, V) through the head (B*T, C) @ W^T, W (V, C); with `keep` (see
 * DecoderGraphOptions.logitsToKeep), on each row's last `keep` positions only (0 = all): logits (B, k, V).
 */
export function lmHead(g: GraphBuilder, h: Value, headWeight: Value, batch: Value, vocab: number, keep: Value | null = null): Value {
  if (keep) {
    const width = g.op('Slice', [g.op('Shape', [h]), g.ints([1]), g.ints([2])]); // (1,) = [C]
    // The builder cannot infer the rank of a Reshape to a computed shape, so it is declared.
    const hidden = g.op('Reshape', [h, g.op('Concat', [batch, g.ints([-1]), width], { axis: 0 })], {}, { types: [{ dtype: h.dtype, shape: ['B', 'T', 'C'] }] }); // (B, T, C)
    const end = g.constant(BigInt64Array.from([2n ** 63n - 1n]), [1], 'int64');
    const last = g.op('Slice', [hidden, g.op('Neg', [keep]), end, g.ints([1])]); // (B, k, C); −0 = 0 keeps all T
    h = g.op('Reshape', [last, g.op('Concat', [g.ints([-1]), width], { axis: 0 })], {}, { types: [{ dtype: h.dtype, shape: ['BK', 'C'] }] }); // (B*k, C)
  }
  const flat = linear(g, h, headWeight); // (B*T, V)
  const shape = g.op('Concat', [batch, g.ints([-1, vocab])], { axis: 0 });
  return g.output(g.op('Reshape', [flat, shape], {}, { types: [{ dtype: 'float32', shape: ['B', keep ? 'K' : 'T', vocab] }] }), 'logits'); // (B, T or k, V)
}

/** Load a checkpoint tensor as a graph initializer, checking the shape config.json implies. */
export function weight(g: GraphBuilder, w: CheckpointWeights, name: string, shape: number[]): Value {
  const t = w.read(name, shape);
  return g.initializer(name, t.data, t.shape);
}

/** Like `weight`, taking the first of several names a checkpoint may use (e.g. with or without a prefix). */
export function weightAny(g: GraphBuilder, w: CheckpointWeights, names: string[], shape: number[]): Value {
  const found = names.find((n) => w.has(n));
  return weight(g, w, found ?? names[0], shape);
}
