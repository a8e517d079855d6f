// Nomic-style BERT encoders (NomicBertModel, model_type 'nomic_bert': nomic-embed-text-v1 / v1.5) in the layout of
// their checkpoints (the remote code modeling_hf_nomic_bert.py, config fields as GPT2Config names them) as one ONNX
// graph, then the same pooling and normalisation as the BERT family (bert.ts).
//
//   h = emb_ln(word[ids] + token_type[types] (+ position[0..T) when there is no rotary embedding))
//   for each layer (post-LayerNorm):
//     q, k, v = split(Wqkv(h));  q, k = rope(q), rope(k) on the first rotary_emb_fraction of each head
//     h = norm1(h + out_proj(attn(q, k, v)))
//     h = norm2(h + fc2(fc11(h) * act(fc12(h))))     gated (swiglu: silu, geglu: gelu, glu: sigmoid)
//     h = norm2(h + fc2(gelu(fc1(h))))               otherwise
//   e = normalise(pool(h, mask))
//
// Symbols: B batch, T tokens, C hidden, F inner, nh heads, hs head size, rd rotary dims, V vocabulary.
import { GraphBuilder, type Value } from '../onnx/index.ts';
import type { CheckpointWeights } from '../models/checkpoint.ts';
import { linear, splitHeads } from '../models/layers.ts';
import type { NomicBertSpec } from '../models/nomic-bert-config.ts';
import { attentionMaskBias, encoderInputs, poolAndNormalise, prefixOf, type Pooling } from './bert.ts';

export { NOMIC_PROMPTS, isNomicBertConfig, parseNomicBertConfig, type NomicBertSpec } from '../models/nomic-bert-config.ts';

/** cos and sin of each position's angles: (T, rd/2), position t times base^(−2i/rd), in float32 as the model. */
function rotaryTables(g: GraphBuilder, spec: NomicBertSpec, T: Value): { cos: Value; sin: Value } {
  const half = spec.rotaryDim / 2;
  const invFreq = Float32Array.from({ length: half }, (_, i) => 1 / spec.rotaryBase ** ((2 * i) / spec.rotaryDim));
  const t = g.op('Unsqueeze', [g.op('Cast', [g.op('Range', [g.scalar(0, 'int64'), T, g.scalar(1, 'int64')])], { to: 1 }), g.ints([1])]); // (T, 1)
  const freqs = g.op('Mul', [t, g.initializer('rotary.inv_freq', invFreq, [half])]); // (T, rd/2)
  return { cos: g.op('Cos', [freqs]), sin: g.op('Sin', [freqs]) };
}

/**
 * Rotate the first rd dimensions of each head of x (B, nh, T, hs): pairs (x1, x2) become (x1·cos − x2·sin,
 * x2·cos + x1·sin). Pairs are the two halves of the rd dimensions (GPT-NeoX) or neighbours (interleaved, GPT-J).
 */
function applyRotary(g: GraphBuilder, x: Value, spec: NomicBertSpec, rope: { cos: Value; sin: Value }): Value {
  const rd = spec.rotaryDim;
  const hs = spec.hiddenSize / spec.numHeads;
  const axis = g.ints([3]);
  const rot = rd === hs ? x : g.op('Slice', [x, g.ints([0]), g.ints([rd]), axis]); // (B, nh, T, rd)
  let x1: Value, x2: Value; // (B, nh, T, rd/2)
  if (spec.rotaryInterleaved) {
    x1 = g.op('Slice', [rot, g.ints([0]), g.ints([rd]), axis, g.ints([2])]);
    x2 = g.op('Slice', [rot, g.ints([1]), g.ints([rd]), axis, g.ints([2])]);
  } else {
    [x1, x2] = g.opN('Split', [rot], 2, { axis: -1, num_outputs: 2 });
  }
  const y1 = g.op('Sub', [g.op('Mul', [x1, rope.cos]), g.op('Mul', [x2, rope.sin])]);
  const y2 = g.op('Add', [g.op('Mul', [x2, rope.cos]), g.op('Mul', [x1, rope.sin])]);
  const rotated = spec.rotaryInterleaved
    ? g.op('Reshape', [g.op('Concat', [g.op('Unsqueeze', [y1, g.ints([4])]), g.op('Unsqueeze', [y2, g.ints([4])])], { axis: 4 }), g.ints([0, 0, 0, rd])]) // (B, nh, T, rd/2, 2) → (B, nh, T, rd)
    : g.op('Concat', [y1, y2], { axis: -1 });
  return rd === hs ? rotated : g.op('Concat', [rotated, g.op('Slice', [x, g.ints([rd]), g.ints([hs]), axis])], { axis: -1 });
}

/**
 * The encoder graph: inputs input_ids, attention_mask (and token_type_ids when type_vocab_size > 0), (B, T) int64;
 * outputs last_hidden_state (B, T, C) and sentence_embedding (B, C), pooled and normalised.
 */
export function buildNomicBertGraph(spec: NomicBertSpec, w: CheckpointWeights, pooling: Pooling): GraphBuilder {
  const { hiddenSize: C, numHeads: nh, innerSize: F } = spec;
  const hs = C / nh;
  const p = prefixOf(w, 'embeddings.word_embeddings.weight');
  const g = new GraphBuilder({ name: `nomic-bert-${pooling}`, opset: 23 });
  const param = (name: string, shape: number[]): Value => {
    const t = w.read(`${p}${name}`, shape);
    return g.initializer(name, t.data, t.shape);
  };
  const layerNorm = (x: Value, name: string): Value => g.op('LayerNormalization', [x, param(`${name}.weight`, [C]), param(`${name}.bias`, [C])], { axis: -1, epsilon: spec.layerNormEps });
  const dense = (x: Value, name: string, out: number, inp: number, bias: boolean): Value => linear(g, x, param(`${name}.weight`, [out, inp]), bias ? param(`${name}.bias`, [out]) : null);

  const { ids, mask, types, batch, T } = encoderInputs(g, spec.typeVocabSize > 0);
  let e = g.op('Gather', [param('embeddings.word_embeddings.weight', [spec.vocabSize, C]), ids], { axis: 0 }); // (B, T, C)
  if (types) e = g.op('Add', [e, g.op('Gather', [param('embeddings.token_type_embeddings.weight', [spec.typeVocabSize, C]), types], { axis: 0 })]);
  if (spec.rotaryDim === 0) {
    const positions = g.op('Range', [g.scalar(0, 'int64'), T, g.scalar(1, 'int64')]); // (T)
    e = g.op('Add', [e, g.op('Gather', [param('embeddings.position_embeddings.weight', [spec.maxPositions, C]), positions], { axis: 0 })]);
  }
  let h = g.op('Reshape', [layerNorm(e, 'emb_ln'), g.ints([-1, C])]); // (B*T, C)

  const rope = spec.rotaryDim > 0 ? rotaryTables(g, spec, T) : null;
  const maskBias = attentionMaskBias(g, mask); // (B, 1, 1, T)
  for (let i = 0; i < spec.numLayers; i++) {
    const l = `encoder.layers.${i}`;
    const qkv = dense(h, `${l}.attn.Wqkv`, 3 * C, C, spec.qkvBias); // (B*T, 3C): q, k, v, each (nh, hs)
    const [q0, k0, v] = g.opN('Split', [qkv], 3, { axis: -1, num_outputs: 3 }).map((x) => splitHeads(g, x, batch, nh, hs)); // (B, nh, T, hs)
    const [q, k] = rope ? [applyRotary(g, q0, spec, rope), applyRotary(g, k0, spec, rope)] : [q0, k0];
    const scores = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), g.scalar(1 / Math.sqrt(hs))]); // (B, nh, T, T)
    const probs = g.op('Softmax', [g.op('Add', [scores, maskBias])], { axis: -1 }); // (B, nh, T, T)
    const context = g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }); // (B, T, nh, hs)
    const attn = dense(g.op('Reshape', [context, g.ints([-1, C])]), `${l}.attn.out_proj`, C, C, spec.qkvBias); // (B*T, C)
    h = layerNorm(g.op('Add', [attn, h]), `${l}.norm1`); // (B*T, C)
    let inner: Value; // (B*T, F)
    if (spec.activation === 'gelu') {
      inner = g.op('Gelu', [dense(h, `${l}.mlp.fc1`, F, C, spec.fc1Bias)], { approximate: 'none' });
    } else {
      const value = dense(h, `${l}.mlp.fc11`, F, C, spec.fc1Bias);
      const g12 = dense(h, `${l}.mlp.fc12`, F, C, spec.fc1Bias);
      const gated = spec.activation === 'swiglu' ? g.op('Mul', [g12, g.op('Sigmoid', [g12])]) // silu
        : spec.activation === 'geglu' ? g.op('Gelu', [g12], { approximate: 'none' })
        : g.op('Sigmoid', [g12]); // glu
      inner = g.op('Mul', [value, gated]);
    }
    h = layerNorm(g.op('Add', [dense(inner, `${l}.mlp.fc2`, C, F, spec.fc2Bias), h]), `${l}.norm2`); // (B*T, C)
  }
  poolAndNormalise(g, h, batch, mask, C, pooling);
  return g;
}
