// The configuration of nomic-style BERT encoders (model_type 'nomic_bert': nomic-embed-text-v1 / v1.5), read and
// checked here so that models/import.ts can recognise them; rag/nomic-bert.ts builds their graph.
import { showName, showValue } from './safetensors.ts';
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
  if (!isNomicBertConfig(c)) throw new Error(`${file}: model_type ${showName(c.model_type)} is not nomic_bert`);
  if (c.n_embd === undefined && c.hidden_size !== undefined) {
    throw new Error(`${file}: a nomic_bert config without 'n_embd' is transformers' own NomicBert layout (query/key/value weights), which Lathe does not build; use the checkpoint as nomic-ai publishes it (Wqkv, fc11/fc12, n_embd, n_head, n_layer)`);
  }
  const int = (field: string, fallback?: number, min = 1): number => {
    const v = c[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`${file}: field '${field}' must be a whole number of at least ${min}, got ${showValue(c[field])}`);
    return v;
  };
  const bool = (field: string, fallback: boolean): boolean => {
    const v = c[field] ?? fallback;
    if (typeof v !== 'boolean') throw new Error(`${file}: field '${field}' must be true or false, got ${showValue(c[field])}`);
    return v;
  };
  const num = (field: string, fallback: number): number => {
    const v = c[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${file}: field '${field}' must be a number, got ${showValue(c[field])}`);
    return v;
  };
  // Options of the remote code that change the computation and that no published nomic embedder sets.
  const unsupported = (field: string, ok: (v: unknown) => boolean, what: string) => {
    if (c[field] !== undefined && !ok(c[field])) throw new Error(`${file}: field '${field}' = ${showValue(c[field])} is not supported (${what})`);
  };
  unsupported('prenorm', (v) => v === false, 'Lathe builds the post-LayerNorm blocks nomic-embed uses; prenorm must be false');
  unsupported('parallel_block', (v) => v === false, 'parallel attention/MLP blocks are not built');
  unsupported('use_rms_norm', (v) => v === false, 'RMSNorm is not built; LayerNorm only');
  unsupported('causal', (v) => v === false, 'an embedder attends both ways; causal must be false');
  unsupported('rotary_emb_scale_base', (v) => v === null, 'xPos-scaled rotary embeddings are not built');
  unsupported('num_heads_kv', (v) => v === null || v === c.n_head, 'grouped key/value heads are not built');
  unsupported('moe_every_n_layers', (v) => v === 0 || v === null, 'mixture-of-experts layers (nomic-embed-text-v2-moe) are not built');

  const act = c.activation_function ?? 'gelu_new'; // GPT2Config's default
  // The remote code's plain MLP applies F.gelu (the exact form) for every gelu variant it accepts.
  const activation = act === 'swiglu' || act === 'geglu' || act === 'glu' ? act : ['gelu', 'gelu_new', 'gelu_fast', 'gelu_pytorch_tanh'].includes(act as string) ? 'gelu' : null;
  if (!activation) throw new Error(`${file}: activation_function ${showName(act)} is not supported (swiglu, geglu, glu, gelu, gelu_new, gelu_fast, gelu_pytorch_tanh)`);

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
