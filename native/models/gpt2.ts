// GPT-2 as an ONNX graph, following transformers' modeling_gpt2.py:
//
//   h = wte(input_ids) + wpe(position_ids)
//   for each block:  h = h + c_proj(attn(split(c_attn(ln_1(h)))))
//                    h = h + mlp.c_proj(gelu_new(mlp.c_fc(ln_2(h))))
//   logits = ln_f(h) @ wte^T        (the head is tied to the token embedding)
//
// Conv1D layers store their weight as (in, out), the transpose of nn.Linear. gelu_new is GELU's tanh
// approximation. Symbols: B batch, T new tokens, S = P + T, C hidden, F MLP width (4C), V vocab, nh heads, hs head size.
import { GraphBuilder, type Value } from '../onnx/index.ts';
import type { CheckpointWeights } from './checkpoint.ts';
import type { ModelSpec } from './config.ts';
import { appendAttention, groupQueryAttention, toBatchMajor } from './fused-attention.ts';
import { adapted, attention, conv1d, declareInputs, declareLayerOutputs, hiddenStateOutput, lmHead, splitHeads, weightAny, type DecoderGraphOptions, type DecoderInputs } from './layers.ts';

/** Hub GPT-2 checkpoints name tensors with or without the `transformer.` prefix. */
function param(g: GraphBuilder, w: CheckpointWeights, name: string, shape: number[]): Value {
  return weightAny(g, w, [`transformer.${name}`, name], shape);
}

function layerNorm(g: GraphBuilder, w: CheckpointWeights, x: Value, name: string, spec: ModelSpec): Value {
  const C = spec.hiddenSize;
  return g.op('LayerNormalization', [x, param(g, w, `${name}.weight`, [C]), param(g, w, `${name}.bias`, [C])], { axis: -1, epsilon: spec.normEps });
}

function block(g: GraphBuilder, w: CheckpointWeights, spec: ModelSpec, i: number, h: Value, inputs: DecoderInputs, opts: DecoderGraphOptions): Value {
  const { hiddenSize: C, numHeads: nh, headDim: hs, intermediateSize: F } = spec;
  const p = `h.${i}`;
  // PEFT names GPT-2's modules with the `transformer.` prefix of GPT2LMHeadModel.
  const proj = (name: string, x: Value, inp: number, out: number) =>
    adapted(g, opts, `transformer.${p}.${name}`, x, conv1d(g, x, param(g, w, `${p}.${name}.weight`, [inp, out]), param(g, w, `${p}.${name}.bias`, [out])));
  const n1 = layerNorm(g, w, h, `${p}.ln_1`, spec); // (B*T, C)
  const qkv = proj('attn.c_attn', n1, C, 3 * C); // (B*T, 3C)
  let attnOut: Value; // (B*T, C)
  if (opts.kvAppend) {
    const [q, k, v] = g.opN('Split', [toBatchMajor(g, qkv, inputs.batch, 3 * C)], 3, { axis: -1, num_outputs: 3 }); // (B, T, C) each
    attnOut = appendAttention(g, q, k, v, inputs, spec, i);
  } else if (opts.kvInPlace) {
    // c_attn's output is GroupQueryAttention's packed q|k|v layout already.
    attnOut = groupQueryAttention(g, toBatchMajor(g, qkv, inputs.batch, 3 * C), null, null, inputs, spec, i);
  } else {
    const [q, k, v] = g.opN('Split', [qkv], 3, { axis: -1, num_outputs: 3 }); // (B*T, C) each
    const a = attention(g, splitHeads(g, q, inputs.batch, nh, hs), splitHeads(g, k, inputs.batch, nh, hs), splitHeads(g, v, inputs.batch, nh, hs), inputs.past?.[i] ?? null, inputs, spec, i);
    declareLayerOutputs(g, i, a, opts);
    attnOut = a.out;
  }
  h = g.op('Add', [h, proj('attn.c_proj', attnOut, C, C)]); // (B*T, C)

  const n2 = layerNorm(g, w, h, `${p}.ln_2`, spec); // (B*T, C)
  const fc = proj('mlp.c_fc', n2, C, F); // (B*T, F)
  const act = g.op('Gelu', [fc], { approximate: 'tanh' }); // (B*T, F) gelu_new
  const out = proj('mlp.c_proj', act, F, C); // (B*T, C)
  return g.op('Add', [h, out]); // (B*T, C)
}

/** Build the decoder graph (prefill, or decode with `past_key_values.*`) for a GPT-2 checkpoint. */
export function buildGpt2Graph(spec: ModelSpec, w: CheckpointWeights, opts: DecoderGraphOptions): GraphBuilder {
  if (spec.family !== 'gpt2') throw new Error(`buildGpt2Graph: ${spec.architecture} is not GPT-2`);
  const { hiddenSize: C, vocabSize: V } = spec;
  const g = new GraphBuilder({ name: `gpt2-${opts.withPast ? 'decode' : 'prefill'}`, opset: 23 });
  const inputs = declareInputs(g, spec, opts);
  const wte = param(g, w, 'wte.weight', [V, C]); // (V, C)
  const wpe = param(g, w, 'wpe.weight', [spec.maxPositions, C]); // (n_positions, C)
  const ids = g.op('Reshape', [inputs.inputIds, g.ints([-1])]); // (B*T)
  const pos = g.op('Reshape', [inputs.positionIds, g.ints([-1])]); // (B*T)
  let h = g.op('Add', [g.op('Gather', [wte, ids], { axis: 0 }), g.op('Gather', [wpe, pos], { axis: 0 })]); // (B*T, C)
  for (let i = 0; i < spec.numLayers; i++) h = block(g, w, spec, i, h, inputs, opts);
  h = layerNorm(g, w, h, 'ln_f', spec); // (B*T, C)
  hiddenStateOutput(g, h, inputs.batch, C, opts); // (B, T, C) when asked
  const head = spec.tieWordEmbeddings || !w.has('lm_head.weight') ? wte : param(g, w, 'lm_head.weight', [V, C]);
  lmHead(g, h, head, inputs.batch, V, inputs.logitsToKeep); // logits (B, T, V), or (B, k, V)
  return g;
}
