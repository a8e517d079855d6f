// BERT-family sentence encoders (BERT, MiniLM, BGE, E5; RoBERTa and XLM-RoBERTa) in the Hugging Face layout as one
// ONNX graph: transformers' BertModel / RobertaModel (modeling_bert.py, modeling_roberta.py, eager attention)
// followed by sentence-transformers' pooling — the mean of the real tokens' last hidden states or the first token's
// state — and L2 normalisation, so a dot product is the cosine similarity.
//
//   h = LayerNorm(word[ids] + position[p] + token_type[types])
//       p = 0..T-1 for BERT; for RoBERTa/XLM-R p = padding_idx + 1 + (index among the non-pad tokens), and
//       padding_idx at the pad tokens (create_position_ids_from_input_ids)
//
// Tokenizers are the folder's tokenizer.json (WordPiece, RoBERTa's byte-level BPE, XLM-R's Unigram); for XLM-R's
// 'Precompiled' normaliser @huggingface/tokenizers applies NFKC and SentencePiece's whitespace rules instead of
// reading precompiled_charsmap, so rare characters may normalise differently from the Rust tokenizers.
//   for each layer:  h = LayerNorm(h + dense(attn(query(h), key(h), value(h))))
//                    h = LayerNorm(h + output(act(intermediate(h))))
//   e = normalise(pool(h, mask))
//
// Symbols: B batch, T tokens, C hidden, F intermediate, nh heads, hs head size, V vocabulary.
import { GraphBuilder, type Value } from '../onnx/index.ts';
import { CheckpointWeights } from '../models/checkpoint.ts';
import { linear, splitHeads } from '../models/layers.ts';
import type { BertSpec, Pooling } from '../models/bert-config.ts';

export { isBertConfig, parseBertConfig, readPooling, type BertSpec, type Pooling, type PoolingConfig } from '../models/bert-config.ts';

const NEG = -3.4028234663852886e38; // torch.finfo(float32).min, as BertModel's extended attention mask

/** The checkpoint's tensor names carry 'bert.' or 'roberta.' when saved from a task model (BertForMaskedLM, …). */
export function prefixOf(w: CheckpointWeights, first: string): string {
  return ['', 'bert.', 'roberta.', 'model.'].find((p) => w.has(`${p}${first}`)) ?? '';
}

/**
 * The encoder graph: inputs input_ids, attention_mask, token_type_ids (B, T) int64; outputs last_hidden_state
 * (B, T, C) and sentence_embedding (B, C), pooled as `pooling` says and normalised to unit length.
 */
export function buildBertGraph(spec: BertSpec, w: CheckpointWeights, pooling: Pooling): GraphBuilder {
  const { hiddenSize: C, numHeads: nh, intermediateSize: F } = spec;
  const hs = C / nh;
  const p = prefixOf(w, 'embeddings.word_embeddings.weight');
  const g = new GraphBuilder({ name: `bert-${pooling}`, opset: 23 });
  const param = (name: string, shape: number[]): Value => {
    const t = w.read(`${p}${name}`, shape);
    return g.initializer(name, t.data, t.shape);
  };
  const layerNorm = (x: Value, name: string): Value => g.op('LayerNormalization', [x, param(`${name}.weight`, [C]), param(`${name}.bias`, [C])], { axis: -1, epsilon: spec.layerNormEps });
  const dense = (x: Value, name: string, out: number, inp: number): Value => linear(g, x, param(`${name}.weight`, [out, inp]), param(`${name}.bias`, [out]));

  const { ids, mask, types, batch, T } = encoderInputs(g, true);
  let positions: Value; // (T) or (B, T)
  if (spec.positions === 'absolute') {
    positions = g.op('Range', [g.scalar(0, 'int64'), T, g.scalar(1, 'int64')]);
  } else {
    const real = g.op('Cast', [g.op('Not', [g.op('Equal', [ids, g.scalar(spec.padTokenId, 'int64')])])], { to: 7 }); // (B, T) 1 at non-pad tokens
    const counted = g.op('Mul', [g.op('CumSum', [real, g.scalar(1, 'int64')]), real]); // (B, T) 1, 2, … at non-pad tokens, 0 at pads
    positions = g.op('Add', [counted, g.scalar(spec.padTokenId, 'int64')]);
  }

  const word = g.op('Gather', [param('embeddings.word_embeddings.weight', [spec.vocabSize, C]), ids], { axis: 0 }); // (B, T, C)
  const pos = g.op('Gather', [param('embeddings.position_embeddings.weight', [spec.maxPositions, C]), positions], { axis: 0 }); // (T, C) or (B, T, C)
  const type = g.op('Gather', [param('embeddings.token_type_embeddings.weight', [spec.typeVocabSize, C]), types!], { axis: 0 }); // (B, T, C)
  const embedded = layerNorm(g.op('Add', [g.op('Add', [word, pos]), type]), 'embeddings.LayerNorm'); // (B, T, C)
  let h = g.op('Reshape', [embedded, g.ints([-1, C])]); // (B*T, C)

  const maskBias = attentionMaskBias(g, mask); // (B, 1, 1, T)
  for (let i = 0; i < spec.numLayers; i++) {
    const l = `encoder.layer.${i}`;
    const q = splitHeads(g, dense(h, `${l}.attention.self.query`, C, C), batch, nh, hs); // (B, nh, T, hs)
    const k = splitHeads(g, dense(h, `${l}.attention.self.key`, C, C), batch, nh, hs); // (B, nh, T, hs)
    const v = splitHeads(g, dense(h, `${l}.attention.self.value`, C, C), batch, nh, hs); // (B, nh, T, hs)
    const scores = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), g.scalar(1 / Math.sqrt(hs))]); // (B, nh, T, T)
    const probs = g.op('Softmax', [g.op('Add', [scores, maskBias])], { axis: -1 }); // (B, nh, T, T)
    const context = g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }); // (B, T, nh, hs)
    const attn = dense(g.op('Reshape', [context, g.ints([-1, C])]), `${l}.attention.output.dense`, C, C); // (B*T, C)
    h = layerNorm(g.op('Add', [attn, h]), `${l}.attention.output.LayerNorm`); // (B*T, C)
    const inner = dense(h, `${l}.intermediate.dense`, F, C); // (B*T, F)
    const act = spec.activation === 'relu' ? g.op('Relu', [inner]) : g.op('Gelu', [inner], { approximate: spec.activation === 'gelu' ? 'none' : 'tanh' });
    h = layerNorm(g.op('Add', [dense(act, `${l}.output.dense`, C, F), h]), `${l}.output.LayerNorm`); // (B*T, C)
  }
  poolAndNormalise(g, h, batch, mask, C, pooling);
  return g;
}

export interface EncoderInputs {
  ids: Value; // (B, T) int64
  mask: Value; // (B, T) int64
  types: Value | null; // (B, T) int64, when the model has token types
  batch: Value; // (1,) = [B]
  T: Value; // () the sequence length
}

/** The inputs every encoder graph takes: input_ids, attention_mask and (when it has token types) token_type_ids. */
export function encoderInputs(g: GraphBuilder, withTypes: boolean): EncoderInputs {
  const ids = g.input('input_ids', 'int64', ['B', 'T']);
  const mask = g.input('attention_mask', 'int64', ['B', 'T']);
  const types = withTypes ? g.input('token_type_ids', 'int64', ['B', 'T']) : null;
  const idsShape = g.op('Shape', [ids]); // (2,) = [B, T]
  const batch = g.op('Slice', [idsShape, g.ints([0]), g.ints([1])]); // (1,)
  const T = g.op('Gather', [idsShape, g.scalar(1, 'int64')]); // ()
  return { ids, mask, types, batch, T };
}

/** 0 where a key is a real token, the float32 minimum where it is padding: (B, 1, 1, T), as get_extended_attention_mask. */
export function attentionMaskBias(g: GraphBuilder, mask: Value): Value {
  const allowed = g.op('Unsqueeze', [g.op('Cast', [mask], { to: 9 }), g.ints([1, 2])]); // (B, 1, 1, T) bool
  return g.op('Where', [allowed, g.scalar(0), g.scalar(NEG)]);
}

/**
 * Outputs last_hidden_state (B, T, C) from the (B*T, C) final states, and sentence_embedding (B, C): pooled as
 * sentence-transformers' Pooling module does, then normalised to unit length as its Normalize module.
 */
export function poolAndNormalise(g: GraphBuilder, h: Value, batch: Value, mask: Value, C: number, pooling: Pooling): void {
  const shape = g.op('Concat', [batch, g.ints([-1, C])], { axis: 0 });
  const hidden = g.op('Reshape', [h, shape], {}, { types: [{ dtype: 'float32', shape: ['B', 'T', C] }] }); // (B, T, C)
  g.output(hidden, 'last_hidden_state');

  let pooled: Value; // (B, C)
  if (pooling === 'cls') {
    pooled = g.op('Gather', [hidden, g.scalar(0, 'int64')], { axis: 1 });
  } else {
    const m = g.op('Unsqueeze', [g.op('Cast', [mask], { to: 1 }), g.ints([2])]); // (B, T, 1)
    const summed = g.op('ReduceSum', [g.op('Mul', [hidden, m]), g.ints([1])], { keepdims: 0 }); // (B, C)
    const counts = g.op('Max', [g.op('ReduceSum', [m, g.ints([1])], { keepdims: 0 }), g.scalar(1e-9)]); // (B, 1), as sentence-transformers clamps
    pooled = g.op('Div', [summed, counts]);
  }
  const norm = g.op('Max', [g.op('ReduceL2', [pooled, g.ints([1])], { keepdims: 1 }), g.scalar(1e-12)]); // (B, 1), as F.normalize
  g.output(g.op('Div', [pooled, norm]), 'sentence_embedding'); // (B, C)
}
