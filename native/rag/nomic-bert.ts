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
import { attentionMaskBias, encoderInputs, poolAndNormalise, prefixOf, type Pooling } from './bert.ts';

export interface NomicBertSpec {
  /** Rows of the word embedding: vocab_size rounded up to pad_vocab_size_multiple, as the model pads it. */
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  innerSize: number;
  /** Learned absolute positions (only without a rotary embedding) and the longest input in tokens. */
  maxPositions: number;
  maxTokens: number;
  typeVocabSize: number;
  layerNormEps: number;
  /** The MLP: gated (fc11, fc12, fc2) with silu / gelu / sigmoid on the gate, or plain fc1, gelu, fc2. */
  activation: 'swiglu' | 'geglu' | 'glu' | 'gelu';
  /** Head dimensions rotated (0: learned position embeddings instead), the base and the pairing of dimensions. */
  rotaryDim: number;
  rotaryBase: number;
  rotaryInterleaved: boolean;
  qkvBias: boolean;
  fc1Bias: boolean;
  fc2Bias: boolean;
}

export function isNomicBertConfig(config: Record<string, unknown>): boolean {
  return config.model_type === 'nomic_bert';
}

/** The query and document prefixes nomic-embed models were trained with (their model card). */
export const NOMIC_PROMPTS = { query: 'search_query: ', document: 'search_document: ' } as const;

export function parseNomicBertConfig(c: Record<string, unknown>, file = 'config.json'): NomicBertSpec {
  if (!isNomicBertConfig(c)) throw new Error(`${file}: model_type '${String(c.model_type)}' is not nomic_bert`);
  if (c.n_embd === undefined && c.hidden_size !== undefined) {
    throw new Error(`${file}: a nomic_bert config without 'n_embd' is transformers' own NomicBert layout (query/key/value weights), which Lathe does not build; use the checkpoint as nomic-ai publishes it (Wqkv, fc11/fc12, n_embd, n_head, n_layer)`);
  }
  const int = (field: string, fallback?: number, min = 1): number => {
    const v = c[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`${file}: field '${field}' must be a whole number of at least ${min}, got ${JSON.stringify(c[field])}`);
    return v;
  };
  const bool = (field: string, fallback: boolean): boolean => {
    const v = c[field] ?? fallback;
    if (typeof v !== 'boolean') throw new Error(`${file}: field '${field}' must be true or false, got ${JSON.stringify(c[field])}`);
    return v;
  };
  const num = (field: string, fallback: number): number => {
    const v = c[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${file}: field '${field}' must be a number, got ${JSON.stringify(c[field])}`);
    return v;
  };
  // Options of the remote code that change the computation and that no published nomic embedder sets.
  const unsupported = (field: string, ok: (v: unknown) => boolean, what: string) => {
    if (c[field] !== undefined && !ok(c[field])) throw new Error(`${file}: field '${field}' = ${JSON.stringify(c[field])} is not supported (${what})`);
  };
  unsupported('prenorm', (v) => v === false, 'Lathe builds the post-LayerNorm blocks nomic-embed uses; prenorm must be false');
  unsupported('parallel_block', (v) => v === false, 'parallel attention/MLP blocks are not built');
  unsupported('use_rms_norm', (v) => v === false, 'RMSNorm is not built; LayerNorm only');
  unsupported('causal', (v) => v === false, 'an embedder attends both ways; causal must be false');
  unsupported('rotary_emb_scale_base', (v) => v === null, 'xPos-scaled rotary embeddings are not built');
  unsupported('num_heads_kv', (v) => v === null || v === c.n_head, 'grouped key/value heads are not built');
  unsupported('moe_every_n_layers', (v) => v === 0 || v === null, 'mixture-of-experts layers (nomic-embed-text-v2-moe) are not built');

  const act = String(c.activation_function ?? 'gelu_new'); // GPT2Config's default
  // The remote code's plain MLP applies F.gelu (the exact form) for every gelu variant it accepts.
  const activation = act === 'swiglu' || act === 'geglu' || act === 'glu' ? act : ['gelu', 'gelu_new', 'gelu_fast', 'gelu_pytorch_tanh'].includes(act) ? 'gelu' : null;
  if (!activation) throw new Error(`${file}: activation_function '${act}' is not supported (swiglu, geglu, glu, gelu, gelu_new, gelu_fast, gelu_pytorch_tanh)`);

  const hiddenSize = int('n_embd');
  const numHeads = int('n_head');
  if (hiddenSize % numHeads) throw new Error(`${file}: n_embd ${hiddenSize} is not a multiple of n_head ${numHeads}`);
  const hs = hiddenSize / numHeads;
  const fraction = num('rotary_emb_fraction', 0);
  const rotaryDim = hs * fraction;
  if (fraction < 0 || fraction > 1 || !Number.isInteger(rotaryDim) || rotaryDim % 2) {
    throw new Error(`${file}: field 'rotary_emb_fraction' ${fraction} must give an even whole number of rotated dimensions of the head size ${hs}`);
  }
  const gated = activation !== 'gelu';
  // n_inner null: the remote code's defaults (8/3·C rounded up to a multiple of 256 when gated, 4·C otherwise).
  const innerSize = c.n_inner === null || c.n_inner === undefined ? (gated ? Math.ceil(Math.floor((8 * hiddenSize) / 3) / 256) * 256 : 4 * hiddenSize) : int('n_inner');
  const multiple = int('pad_vocab_size_multiple', 1);
  const vocab = int('vocab_size');
  const maxPositions = int('n_positions', int('max_position_embeddings', 1024));
  // With rotary_scaling_factor (dynamic NTK) the rotary base grows past max_trained_positions; up to there it is
  // the plain rotary embedding built here, so longer inputs are cut to that length.
  const scaled = c.rotary_scaling_factor !== undefined && c.rotary_scaling_factor !== null;
  const maxTokens = rotaryDim > 0 && scaled ? Math.min(maxPositions, int('max_trained_positions', 2048)) : maxPositions;
  return {
    vocabSize: Math.ceil(vocab / multiple) * multiple,
    hiddenSize,
    numLayers: int('n_layer'),
    numHeads,
    innerSize,
    maxPositions,
    maxTokens,
    typeVocabSize: int('type_vocab_size', 2, 0),
    layerNormEps: num('layer_norm_epsilon', 1e-5),
    activation,
    rotaryDim,
    rotaryBase: num('rotary_emb_base', 10_000),
    rotaryInterleaved: bool('rotary_emb_interleaved', false),
    qkvBias: bool('qkv_proj_bias', true),
    fc1Bias: bool('mlp_fc1_bias', true),
    fc2Bias: bool('mlp_fc2_bias', true),
  };
}

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
