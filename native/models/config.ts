// config.json → ModelSpec: one normalised description of a checkpoint's architecture, read once and used by
// every graph builder (inference, training, attention maps) and by `lathe model inspect`.
import { z } from 'zod';
import { isEncoderConfig } from './encoder-config.ts';
import { CheckpointError, showName, showValue } from './safetensors.ts';

export type Family = 'llama' | 'gpt2';

export interface RopeSpec {
  theta: number;
  /** HF rope_scaling; null for plain RoPE. */
  scaling: { type: 'linear'; factor: number } | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositions: number } | null;
}

export interface ModelSpec {
  family: Family;
  /** The HF class name, e.g. LlamaForCausalLM. */
  architecture: string;
  modelType: string;
  vocabSize: number; // V
  hiddenSize: number; // C
  numLayers: number; // L
  numHeads: number; // nh
  numKvHeads: number; // nkv (GQA: nh / nkv query heads share one key/value head)
  headDim: number; // hs
  intermediateSize: number; // F, the MLP's inner width
  maxPositions: number;
  normEps: number;
  tieWordEmbeddings: boolean;
  /** Llama family: biases on q/k/v (Qwen2) and on o / MLP (some Llama variants). */
  qkvBias: boolean;
  outBias: boolean;
  mlpBias: boolean;
  rope: RopeSpec | null; // null for learned positions (GPT-2)
  bosTokenId: number | null;
  eosTokenIds: number[];
  /** Mistral's sliding window, recorded but only reached beyond its length (see llama.ts). */
  slidingWindow: number | null;
}

/**
 * The most layers a config may declare. Graph builders and checks loop over the layers before any weight is
 * read, so a corrupt count (2^31) would exhaust memory instead of failing; released models have under 200.
 */
export const MAX_LAYERS = 4096;

const ids = z.union([z.number().int(), z.array(z.number().int())]).nullish();

const LlamaConfig = z.object({
  architectures: z.array(z.string()).optional(),
  model_type: z.string().optional(),
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive().max(MAX_LAYERS),
  num_attention_heads: z.number().int().positive(),
  num_key_value_heads: z.number().int().positive().nullish(),
  head_dim: z.number().int().positive().nullish(),
  intermediate_size: z.number().int().positive(),
  max_position_embeddings: z.number().int().positive().default(2048),
  rms_norm_eps: z.number().positive().default(1e-6),
  rope_theta: z.number().positive().default(10000),
  rope_scaling: z.record(z.string(), z.unknown()).nullish(),
  tie_word_embeddings: z.boolean().default(false),
  attention_bias: z.boolean().default(false),
  mlp_bias: z.boolean().default(false),
  hidden_act: z.string().default('silu'),
  sliding_window: z.number().int().nullish(),
  use_sliding_window: z.boolean().optional(),
  bos_token_id: ids,
  eos_token_id: ids,
});

const Gpt2Config = z.object({
  architectures: z.array(z.string()).optional(),
  model_type: z.string().optional(),
  vocab_size: z.number().int().positive(),
  n_embd: z.number().int().positive(),
  n_layer: z.number().int().positive().max(MAX_LAYERS),
  n_head: z.number().int().positive(),
  n_inner: z.number().int().positive().nullish(),
  n_positions: z.number().int().positive(),
  layer_norm_epsilon: z.number().positive().default(1e-5),
  activation_function: z.string().default('gelu_new'),
  tie_word_embeddings: z.boolean().default(true),
  scale_attn_by_inverse_layer_idx: z.boolean().default(false),
  reorder_and_upcast_attn: z.boolean().default(false),
  bos_token_id: ids,
  eos_token_id: ids,
});

const LLAMA_ARCHS: Record<string, string> = {
  LlamaForCausalLM: 'llama',
  MistralForCausalLM: 'mistral',
  Qwen2ForCausalLM: 'qwen2',
};

function idList(v: number | number[] | null | undefined): number[] {
  return v === null || v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * Each refused field with the value the file holds (zod's 'expected int, received number' alone does not say that
 * 5.5 is the problem), then what to do once.
 */
function zodMessage(file: string, raw: unknown, err: z.ZodError): string {
  const fields = err.issues.map((i) => {
    let value: unknown = raw;
    for (const key of i.path) value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    const found = value === undefined ? 'is missing' : `is ${showValue(value)}`;
    return `${file}: field '${i.path.join('.')}' ${found}: ${i.message}`;
  });
  return `${fields.join('; ')}. Correct the field (the model's published config.json has the right values) and try again`;
}

/** Normalise a parsed config.json. `file` names the source in error messages. */
export function parseModelConfig(raw: unknown, file = 'config.json'): ModelSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new CheckpointError(`${file}: not a JSON object; config.json holds {"architectures": [...], "vocab_size": ..., ...}`);
  const obj = raw as { architectures?: unknown; model_type?: unknown };
  // Checked before use: a name that is not a string would be stringified (a deep array overflows the stack)
  // and a name like 'constructor' is 'in' every object, so the lookup below uses own properties only.
  if (obj.architectures !== undefined && !(Array.isArray(obj.architectures) && obj.architectures.every((a) => typeof a === 'string'))) {
    throw new CheckpointError(`${file}: field 'architectures' must be a list of class names, e.g. ["LlamaForCausalLM"]`);
  }
  const arch = (obj.architectures as string[] | undefined)?.[0] ?? (obj.model_type === 'gpt2' ? 'GPT2LMHeadModel' : obj.model_type === 'llama' ? 'LlamaForCausalLM' : undefined);
  if (!arch) throw new CheckpointError(`${file}: no 'architectures' or known 'model_type'; Lathe runs ${[...Object.keys(LLAMA_ARCHS), 'GPT2LMHeadModel'].join(', ')}`);
  if (arch === 'GPT2LMHeadModel') return parseGpt2(raw, file);
  if (Object.hasOwn(LLAMA_ARCHS, arch)) return parseLlama(raw, file, arch);
  if (isEncoderConfig(raw as Record<string, unknown>)) {
    throw new CheckpointError(`${file}: ${arch} (model_type ${showName(obj.model_type)}) is an embedding model (a sentence encoder): it embeds text for document collections (lathe docs create C --embed-model M) and does not generate text; Lathe runs ${[...Object.keys(LLAMA_ARCHS), 'GPT2LMHeadModel'].join(', ')} for that`);
  }
  throw new CheckpointError(`${file}: architecture '${arch}' is not supported; Lathe runs ${[...Object.keys(LLAMA_ARCHS), 'GPT2LMHeadModel'].join(', ')}`);
}

function parseLlama(raw: unknown, file: string, arch: string): ModelSpec {
  const r = LlamaConfig.safeParse(raw);
  if (!r.success) throw new CheckpointError(zodMessage(file, raw, r.error));
  const c = r.data;
  if (c.hidden_act !== 'silu') throw new CheckpointError(`${file}: field 'hidden_act' is '${c.hidden_act}'; the Llama family here uses 'silu' (SwiGLU)`);
  const numKvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % numKvHeads !== 0) {
    throw new CheckpointError(`${file}: num_attention_heads ${c.num_attention_heads} is not a multiple of num_key_value_heads ${numKvHeads}`);
  }
  const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  if (!Number.isInteger(headDim)) throw new CheckpointError(`${file}: hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}`);
  // rotate_half splits each head in two halves; an odd head size builds a graph that fails at its first run.
  if (headDim % 2 !== 0) throw new CheckpointError(`${file}: field '${c.head_dim ? 'head_dim' : 'hidden_size'}': the head size ${headDim} is odd; RoPE rotates pairs of values, so it must be even`);
  const modelType = c.model_type ?? LLAMA_ARCHS[arch];
  return {
    family: 'llama',
    architecture: arch,
    modelType,
    vocabSize: c.vocab_size,
    hiddenSize: c.hidden_size,
    numLayers: c.num_hidden_layers,
    numHeads: c.num_attention_heads,
    numKvHeads,
    headDim,
    intermediateSize: c.intermediate_size,
    maxPositions: c.max_position_embeddings,
    normEps: c.rms_norm_eps,
    tieWordEmbeddings: c.tie_word_embeddings,
    // Qwen2 always has q/k/v biases and no o_proj bias; Llama's attention_bias covers all four.
    qkvBias: arch === 'Qwen2ForCausalLM' || c.attention_bias,
    outBias: arch !== 'Qwen2ForCausalLM' && c.attention_bias,
    mlpBias: c.mlp_bias,
    rope: { theta: c.rope_theta, scaling: parseRopeScaling(c.rope_scaling ?? null, file) },
    bosTokenId: idList(c.bos_token_id)[0] ?? null,
    eosTokenIds: idList(c.eos_token_id),
    slidingWindow: arch === 'Qwen2ForCausalLM' && !c.use_sliding_window ? null : (c.sliding_window ?? null),
  };
}

function parseRopeScaling(s: Record<string, unknown> | null, file: string): RopeSpec['scaling'] {
  if (!s) return null;
  const type = (s.rope_type ?? s.type) as string | undefined;
  const num = (key: string, fallback?: number): number => {
    const v = s[key] ?? fallback;
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new CheckpointError(`${file}: field 'rope_scaling.${key}' must be a positive number`);
    return v;
  };
  if (type === 'default') return null;
  if (type === 'linear') return { type, factor: num('factor') };
  if (type === 'llama3') {
    const scaling = {
      type,
      factor: num('factor'),
      lowFreqFactor: num('low_freq_factor', 1),
      highFreqFactor: num('high_freq_factor', 4),
      originalMaxPositions: num('original_max_position_embeddings', 8192),
    } as const;
    // ropeInverseFrequencies blends between the two bands dividing by their difference.
    if (scaling.highFreqFactor <= scaling.lowFreqFactor) throw new CheckpointError(`${file}: field 'rope_scaling.high_freq_factor' (${scaling.highFreqFactor}) must exceed low_freq_factor (${scaling.lowFreqFactor})`);
    return scaling;
  }
  throw new CheckpointError(`${file}: rope_scaling type '${typeof type === 'string' ? type : showValue(type)}' is not supported (supported: default, linear, llama3)`);
}

function parseGpt2(raw: unknown, file: string): ModelSpec {
  const r = Gpt2Config.safeParse(raw);
  if (!r.success) throw new CheckpointError(zodMessage(file, raw, r.error));
  const c = r.data;
  if (c.activation_function !== 'gelu_new' && c.activation_function !== 'gelu_pytorch_tanh') {
    throw new CheckpointError(`${file}: activation_function '${c.activation_function}' is not supported (gelu_new)`);
  }
  if (c.scale_attn_by_inverse_layer_idx || c.reorder_and_upcast_attn) {
    throw new CheckpointError(`${file}: scale_attn_by_inverse_layer_idx / reorder_and_upcast_attn are not supported`);
  }
  if (c.n_embd % c.n_head !== 0) throw new CheckpointError(`${file}: n_embd ${c.n_embd} is not divisible by n_head ${c.n_head}`);
  return {
    family: 'gpt2',
    architecture: 'GPT2LMHeadModel',
    modelType: 'gpt2',
    vocabSize: c.vocab_size,
    hiddenSize: c.n_embd,
    numLayers: c.n_layer,
    numHeads: c.n_head,
    numKvHeads: c.n_head,
    headDim: c.n_embd / c.n_head,
    intermediateSize: c.n_inner ?? 4 * c.n_embd,
    maxPositions: c.n_positions,
    normEps: c.layer_norm_epsilon,
    tieWordEmbeddings: c.tie_word_embeddings,
    qkvBias: true,
    outBias: true,
    mlpBias: true,
    rope: null,
    bosTokenId: idList(c.bos_token_id)[0] ?? null,
    eosTokenIds: idList(c.eos_token_id),
    slidingWindow: null,
  };
}

/** RoPE inverse frequencies (hs/2), with HF's linear and llama3 scaling applied. */
export function ropeInverseFrequencies(rope: RopeSpec, headDim: number): Float32Array {
  const half = headDim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / rope.theta ** ((2 * i) / headDim);
  const s = rope.scaling;
  if (s?.type === 'linear') for (let i = 0; i < half; i++) inv[i] /= s.factor;
  if (s?.type === 'llama3') {
    // transformers' _compute_llama3_parameters: keep high frequencies, divide low ones by factor, blend between.
    const lowWavelen = s.originalMaxPositions / s.lowFreqFactor;
    const highWavelen = s.originalMaxPositions / s.highFreqFactor;
    for (let i = 0; i < half; i++) {
      const wavelen = (2 * Math.PI) / inv[i];
      if (wavelen > lowWavelen) inv[i] = inv[i] / s.factor;
      else if (wavelen >= highWavelen) {
        const smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
        inv[i] = (1 - smooth) * (inv[i] / s.factor) + smooth * inv[i];
      }
    }
  }
  return Float32Array.from(inv);
}
