// The Llama family as an ONNX graph: Llama 2/3 (incl. llama3 RoPE scaling), Mistral (sliding window),
// Qwen2 (q/k/v biases), SmolLM; tied or separate embeddings. Follows transformers' modeling_llama.py:
//
//   h = embed_tokens(input_ids)
//   for each layer:  h = h + o_proj(attn(rope(q_proj(n)), rope(k_proj(n)), v_proj(n)))   n = RMSNorm(h)
//                    h = h + down_proj(silu(gate_proj(n)) * up_proj(n))                  n = RMSNorm(h)
//   logits = lm_head(RMSNorm(h))
//
// Symbols: B batch, T new tokens, P cached tokens, S = P + T, C hidden, F MLP width, V vocab,
// nh query heads, nkv key/value heads, hs head size.
import { GraphBuilder, type Value } from '../onnx/index.ts';
import type { CheckpointWeights } from './checkpoint.ts';
import { ropeInverseFrequencies, type ModelSpec } from './config.ts';
import { appendAttention, fusedLinear, groupQueryAttention, rotary, rotaryInputs, toBatchMajor } from './fused-attention.ts';
import { adapted, attention, declareInputs, declareLayerOutputs, hiddenStateOutput, linear, lmHead, splitHeads, weight, type DecoderGraphOptions, type DecoderInputs } from './layers.ts';

type Rope = { kind: 'unfused'; cos: Value; sin: Value } | { kind: 'fused'; positions: Value; cos: Value; sin: Value };

/** cos and sin of each position's rotation angles, laid out for rotate_half: (B, 1, T, hs). */
function rotaryTables(g: GraphBuilder, spec: ModelSpec, positionIds: Value): { cos: Value; sin: Value } {
  const invFreq = ropeInverseFrequencies(spec.rope!, spec.headDim); // (hs/2)
  const pos = g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: 1 }), g.ints([2])]); // (B, T, 1)
  const freqs = g.op('Mul', [pos, g.initializer('rope.inv_freq', invFreq, [invFreq.length])]); // (B, T, hs/2)
  const emb = g.op('Unsqueeze', [g.op('Concat', [freqs, freqs], { axis: -1 }), g.ints([1])]); // (B, 1, T, hs)
  return { cos: g.op('Cos', [emb]), sin: g.op('Sin', [emb]) };
}

/** x * cos + rotate_half(x) * sin, rotate_half(x) = concat(-x2, x1) over the two halves of each head. */
function applyRotary(g: GraphBuilder, x: Value, rope: { cos: Value; sin: Value }): Value {
  const [x1, x2] = g.opN('Split', [x], 2, { axis: -1, num_outputs: 2 }); // (B, h, T, hs/2) each
  const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: -1 }); // (B, h, T, hs)
  return g.op('Add', [g.op('Mul', [x, rope.cos]), g.op('Mul', [rotated, rope.sin])]);
}

function rmsNorm(g: GraphBuilder, x: Value, w: Value, eps: number): Value {
  return g.op('RMSNormalization', [x, w], { axis: -1, epsilon: eps });
}

function decoderLayer(g: GraphBuilder, w: CheckpointWeights, spec: ModelSpec, i: number, h: Value, inputs: DecoderInputs, rope: Rope, opts: DecoderGraphOptions): Value {
  const { hiddenSize: C, numHeads: nh, numKvHeads: nkv, headDim: hs, intermediateSize: F } = spec;
  const p = `model.layers.${i}`;
  const bias = (name: string, n: number, present: boolean) => (present ? weight(g, w, `${p}.${name}.bias`, [n]) : null);
  const proj = (name: string, x: Value, out: number, inp: number, hasBias: boolean) =>
    adapted(g, opts, `${p}.${name}`, x, linear(g, x, weight(g, w, `${p}.${name}.weight`, [out, inp]), bias(name, out, hasBias)));
  // The fused graph stacks projections of the same input into one Gemm, unless an adapter must see each
  // module's own output under its HF name (LoRA).
  const fuse = rope.kind === 'fused' && !opts.adapt;
  const stacked = (names: string[], outs: number[], inp: number, hasBias: boolean, x: Value, as: string): Value[] =>
    fusedLinear(g, x, `${p}.${as}`, names.map((n, j) => w.read(`${p}.${n}.weight`, [outs[j], inp]).data as Float32Array), outs, inp,
      hasBias ? names.map((n, j) => w.read(`${p}.${n}.bias`, [outs[j]]).data as Float32Array) : null);

  const n1 = rmsNorm(g, h, weight(g, w, `${p}.input_layernorm.weight`, [C]), spec.normEps); // (B*T, C)
  let attnOut: Value; // (B*T, nh*hs)
  if (rope.kind === 'fused') {
    const [q, k, v] = fuse
      ? stacked(['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj'], [nh * hs, nkv * hs, nkv * hs], C, spec.qkvBias, n1, 'self_attn.qkv_proj')
      : [proj('self_attn.q_proj', n1, nh * hs, C, spec.qkvBias), proj('self_attn.k_proj', n1, nkv * hs, C, spec.qkvBias), proj('self_attn.v_proj', n1, nkv * hs, C, spec.qkvBias)];
    const qb = rotary(g, toBatchMajor(g, q, inputs.batch, nh * hs), rope, nh); // (B, T, nh*hs)
    const kb = rotary(g, toBatchMajor(g, k, inputs.batch, nkv * hs), rope, nkv); // (B, T, nkv*hs)
    const vb = toBatchMajor(g, v, inputs.batch, nkv * hs); // (B, T, nkv*hs)
    attnOut = opts.kvAppend ? appendAttention(g, qb, kb, vb, inputs, spec, i) : groupQueryAttention(g, qb, kb, vb, inputs, spec, i);
  } else {
    const q = proj('self_attn.q_proj', n1, nh * hs, C, spec.qkvBias); // (B*T, nh*hs)
    const k = proj('self_attn.k_proj', n1, nkv * hs, C, spec.qkvBias); // (B*T, nkv*hs)
    const v = proj('self_attn.v_proj', n1, nkv * hs, C, spec.qkvBias); // (B*T, nkv*hs)
    const qh = applyRotary(g, splitHeads(g, q, inputs.batch, nh, hs), rope); // (B, nh, T, hs)
    const kh = applyRotary(g, splitHeads(g, k, inputs.batch, nkv, hs), rope); // (B, nkv, T, hs)
    const vh = splitHeads(g, v, inputs.batch, nkv, hs); // (B, nkv, T, hs)
    const a = attention(g, qh, kh, vh, inputs.past?.[i] ?? null, inputs, spec, i); // out (B*T, nh*hs)
    declareLayerOutputs(g, i, a, opts);
    attnOut = a.out;
  }
  const o = proj('self_attn.o_proj', attnOut, C, nh * hs, spec.outBias); // (B*T, C)
  h = g.op('Add', [h, o]); // (B*T, C)

  const n2 = rmsNorm(g, h, weight(g, w, `${p}.post_attention_layernorm.weight`, [C]), spec.normEps); // (B*T, C)
  const [gate, up] = fuse
    ? stacked(['mlp.gate_proj', 'mlp.up_proj'], [F, F], C, spec.mlpBias, n2, 'mlp.gate_up_proj')
    : [proj('mlp.gate_proj', n2, F, C, spec.mlpBias), proj('mlp.up_proj', n2, F, C, spec.mlpBias)]; // (B*T, F) each
  const silu = g.op('Mul', [gate, g.op('Sigmoid', [gate])]); // (B*T, F)
  const down = proj('mlp.down_proj', g.op('Mul', [silu, up]), C, F, spec.mlpBias); // (B*T, C)
  return g.op('Add', [h, down]); // (B*T, C)
}

/** Build the decoder graph (prefill, or decode with `past_key_values.*`) for a Llama-family checkpoint. */
export function buildLlamaGraph(spec: ModelSpec, w: CheckpointWeights, opts: DecoderGraphOptions): GraphBuilder {
  if (spec.family !== 'llama') throw new Error(`buildLlamaGraph: ${spec.architecture} is not a Llama-family model`);
  const { hiddenSize: C, vocabSize: V } = spec;
  const g = new GraphBuilder({ name: `${spec.modelType}-${opts.withPast ? 'decode' : 'prefill'}`, opset: 23 });
  const inputs = declareInputs(g, spec, opts);
  const embed = weight(g, w, 'model.embed_tokens.weight', [V, C]); // (V, C)
  const ids = g.op('Reshape', [inputs.inputIds, g.ints([-1])]); // (B*T)
  let h = g.op('Gather', [embed, ids], { axis: 0 }); // (B*T, C)
  const rope: Rope = opts.kvInPlace || opts.kvAppend
    ? { kind: 'fused', ...rotaryInputs(g, ropeInverseFrequencies(spec.rope!, spec.headDim), inputs.positionIds) }
    : { kind: 'unfused', ...rotaryTables(g, spec, inputs.positionIds) };
  for (let i = 0; i < spec.numLayers; i++) h = decoderLayer(g, w, spec, i, h, inputs, rope, opts);
  h = rmsNorm(g, h, weight(g, w, 'model.norm.weight', [C]), spec.normEps); // (B*T, C)
  hiddenStateOutput(g, h, inputs.batch, C, opts); // (B, T, C) when asked
  const head = spec.tieWordEmbeddings && !w.has('lm_head.weight') ? embed : weight(g, w, 'lm_head.weight', [V, C]); // (V, C)
  lmHead(g, h, head, inputs.batch, V, inputs.logitsToKeep); // logits (B, T, V), or (B, k, V)
  return g;
}
