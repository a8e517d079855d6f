// The Llama family in GGUF as llama.cpp's convert_hf_to_gguf.py writes it: Hugging Face tensor names ⇄ GGUF
// names, the Q/K row order (HF keeps each head's rotary pairs split in halves; llama.cpp's "llama" RoPE wants
// them interleaved), and config.json ⇄ the llama.* metadata keys.
import { CheckpointError } from '../api/errors.ts';
import type { ModelSpec } from '../models/config.ts';
import { f32, str, u32, type GgufMetadata, type GgufValue } from './gguf-format.ts';
import type { MetadataReader } from './gguf-metadata.ts';

/** HF name → GGUF name for one layer's tensors (the part after `model.layers.N.`). */
const LAYER_NAMES: [string, string][] = [
  ['input_layernorm.weight', 'attn_norm.weight'],
  ['self_attn.q_proj.weight', 'attn_q.weight'],
  ['self_attn.k_proj.weight', 'attn_k.weight'],
  ['self_attn.v_proj.weight', 'attn_v.weight'],
  ['self_attn.o_proj.weight', 'attn_output.weight'],
  ['post_attention_layernorm.weight', 'ffn_norm.weight'],
  ['mlp.gate_proj.weight', 'ffn_gate.weight'],
  ['mlp.up_proj.weight', 'ffn_up.weight'],
  ['mlp.down_proj.weight', 'ffn_down.weight'],
];
const GLOBAL_NAMES: [string, string][] = [
  ['model.embed_tokens.weight', 'token_embd.weight'],
  ['model.norm.weight', 'output_norm.weight'],
  ['lm_head.weight', 'output.weight'],
];

export function ggufTensorName(hf: string): string | null {
  const global = GLOBAL_NAMES.find(([h]) => h === hf);
  if (global) return global[1];
  const m = /^model\.layers\.(\d+)\.(.+)$/.exec(hf);
  const layer = m && LAYER_NAMES.find(([h]) => h === m[2]);
  return layer ? `blk.${m[1]}.${layer[1]}` : null;
}

export function hfTensorName(gguf: string): string | null {
  const global = GLOBAL_NAMES.find(([, g]) => g === gguf);
  if (global) return global[0];
  const m = /^blk\.(\d+)\.(.+)$/.exec(gguf);
  const layer = m && LAYER_NAMES.find(([, g]) => g === m[2]);
  return layer ? `model.layers.${m[1]}.${layer[0]}` : null;
}

/** How many heads a Q or K projection (GGUF name) is permuted over, or null for every other tensor. */
export function permutedHeads(ggufName: string, spec: Pick<ModelSpec, 'numHeads' | 'numKvHeads'>): number | null {
  if (/^blk\.\d+\.attn_q\.weight$/.test(ggufName)) return spec.numHeads;
  if (/^blk\.\d+\.attn_k\.weight$/.test(ggufName)) return spec.numKvHeads;
  return null;
}

/**
 * convert_hf_to_gguf's `permute`: rows of a (heads·hs, cols) projection, reshaped (heads, 2, hs/2) and
 * swapped to (heads, hs/2, 2): row h·hs + j·hs/2 + i (HF, halves) goes to h·hs + 2i + j (interleaved pairs).
 * `inverse` undoes it (GGUF → HF).
 */
export function permuteRotaryRows(w: Float32Array, heads: number, rows: number, cols: number, inverse = false): Float32Array {
  const hs = rows / heads;
  const out = new Float32Array(w.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < hs / 2; i++) {
      for (let j = 0; j < 2; j++) {
        const halves = (h * hs + j * (hs / 2) + i) * cols;
        const pairs = (h * hs + 2 * i + j) * cols;
        const [src, dst] = inverse ? [pairs, halves] : [halves, pairs];
        out.set(w.subarray(src, src + cols), dst);
      }
    }
  }
  return out;
}

/** llama.cpp's rope_freqs for Llama 3's rope_scaling (convert_hf_to_gguf LlamaModel.generate_extra_tensors). */
export function llama3RopeFactors(spec: ModelSpec): Float32Array | null {
  const s = spec.rope?.scaling;
  if (!s || s.type !== 'llama3') return null;
  const dim = spec.headDim;
  const lowWavelen = s.originalMaxPositions / s.lowFreqFactor;
  const highWavelen = s.originalMaxPositions / s.highFreqFactor;
  const out = new Float32Array(dim / 2);
  for (let k = 0; k < dim / 2; k++) {
    const freq = 1 / spec.rope!.theta ** ((2 * k) / dim);
    const wavelen = (2 * Math.PI) / freq;
    if (wavelen < highWavelen) out[k] = 1;
    else if (wavelen > lowWavelen) out[k] = s.factor;
    else {
      const smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
      out[k] = 1 / ((1 - smooth) / s.factor + smooth);
    }
  }
  return out;
}

/** The llama.* (and general.architecture) keys llama.cpp reads to build the graph. */
export function llamaMetadata(spec: ModelSpec): GgufMetadata {
  const m: GgufMetadata = new Map<string, GgufValue>();
  m.set('general.architecture', str('llama'));
  m.set('llama.vocab_size', u32(spec.vocabSize));
  m.set('llama.context_length', u32(spec.maxPositions));
  m.set('llama.embedding_length', u32(spec.hiddenSize));
  m.set('llama.block_count', u32(spec.numLayers));
  m.set('llama.feed_forward_length', u32(spec.intermediateSize));
  m.set('llama.rope.dimension_count', u32(spec.headDim));
  m.set('llama.attention.head_count', u32(spec.numHeads));
  m.set('llama.attention.head_count_kv', u32(spec.numKvHeads));
  if (spec.headDim * spec.numHeads !== spec.hiddenSize) {
    m.set('llama.attention.key_length', u32(spec.headDim));
    m.set('llama.attention.value_length', u32(spec.headDim));
  }
  m.set('llama.attention.layer_norm_rms_epsilon', f32(spec.normEps));
  m.set('llama.rope.freq_base', f32(spec.rope?.theta ?? 10000));
  const scaling = spec.rope?.scaling;
  if (scaling?.type === 'linear') {
    m.set('llama.rope.scaling.type', str('linear'));
    m.set('llama.rope.scaling.factor', f32(scaling.factor));
  }
  return m;
}

/** Each config.json field read from a llama.* metadata key (llamaConfigFromMetadata), so errors can name the key. */
const GGUF_KEY_OF_FIELD = {
  hidden_size: 'llama.embedding_length',
  intermediate_size: 'llama.feed_forward_length',
  num_hidden_layers: 'llama.block_count',
  num_attention_heads: 'llama.attention.head_count',
  num_key_value_heads: 'llama.attention.head_count_kv',
  max_position_embeddings: 'llama.context_length',
  rms_norm_eps: 'llama.attention.layer_norm_rms_epsilon',
  rope_theta: 'llama.rope.freq_base',
  head_dim: 'llama.attention.key_length',
  'rope_scaling.factor': 'llama.rope.scaling.factor',
  bos_token_id: 'tokenizer.ggml.bos_token_id',
  eos_token_id: 'tokenizer.ggml.eos_token_id',
} as const;
const K = GGUF_KEY_OF_FIELD;
const FIELD_NAMES = new RegExp(`field '(${Object.keys(K).join('|')})'|\\b(${Object.keys(K).join('|')})\\b`, 'g');

/**
 * A config.json error about a config rebuilt from GGUF metadata, in the file's terms: each field named by the
 * metadata key it came from (the user has a GGUF file, not a config.json), and the advice that fits a GGUF.
 */
export function inGgufTerms(message: string): string {
  return message
    .replace(FIELD_NAMES, (_, quoted: string | undefined, bare: string | undefined) => `metadata key '${K[(quoted ?? bare) as keyof typeof K]}'`)
    .replace("Correct the field (the model's published config.json has the right values) and try again", 'The file\'s header is inconsistent: convert or download the model again');
}

/** config.json for a llama GGUF, from its metadata (and whether it carries an output.weight). */
export function llamaConfigFromMetadata(meta: MetadataReader, hasOutput: boolean, vocabRows: number): Record<string, unknown> {
  const arch = meta.string('general.architecture');
  if (arch !== 'llama') throw new CheckpointError(`${meta.file}: metadata key 'general.architecture' is ${JSON.stringify(arch)}; Lathe imports 'llama' GGUF files`);
  const heads = meta.int(K.num_attention_heads, { min: 1 })!;
  const hidden = meta.int(K.hidden_size, { min: 1 })!;
  const headDim = meta.int(K.head_dim, { min: 1, optional: true }) ?? hidden / heads;
  const config: Record<string, unknown> = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: vocabRows,
    hidden_size: hidden,
    intermediate_size: meta.int(K.intermediate_size, { min: 1 }),
    num_hidden_layers: meta.int(K.num_hidden_layers, { min: 1 }),
    num_attention_heads: heads,
    num_key_value_heads: meta.int(K.num_key_value_heads, { min: 1, optional: true }) ?? heads,
    max_position_embeddings: meta.int(K.max_position_embeddings, { min: 1 }),
    rms_norm_eps: meta.float(K.rms_norm_eps, 1e-5),
    rope_theta: meta.float(K.rope_theta, 10000),
    hidden_act: 'silu',
    tie_word_embeddings: !hasOutput,
    attention_bias: false,
    mlp_bias: false,
    torch_dtype: 'float32',
  };
  if (headDim * heads !== hidden) config.head_dim = headDim;
  const scaling = meta.string('llama.rope.scaling.type');
  if (scaling === 'linear') config.rope_scaling = { type: 'linear', factor: meta.float(K['rope_scaling.factor'], 1) };
  else if (scaling !== undefined && scaling !== 'none') throw new CheckpointError(`${meta.file}: metadata key 'llama.rope.scaling.type' is ${JSON.stringify(scaling)}; Lathe imports plain or linear RoPE scaling`);
  const bos = meta.int(K.bos_token_id, { optional: true });
  const eos = meta.int(K.eos_token_id, { optional: true });
  if (bos !== undefined) config.bos_token_id = bos;
  if (eos !== undefined) config.eos_token_id = eos;
  return config;
}
