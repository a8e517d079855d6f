// The tensors an architecture expects (names, shapes, component), derived from its ModelSpec: used to check a
// checkpoint before building anything, to count parameters by component, and to estimate memory.
import type { ModelSpec } from './config.ts';
import { CheckpointError, numel } from './safetensors.ts';
import type { CheckpointWeights } from './checkpoint.ts';

export type Component = 'embeddings' | 'attention' | 'mlp' | 'norms' | 'head';

export interface ExpectedTensor {
  name: string;
  shape: number[];
  component: Component;
  /** Alternative names the same tensor may have (GPT-2 hub files with or without `transformer.`). */
  aliases?: string[];
}

export function expectedTensors(s: ModelSpec): ExpectedTensor[] {
  const { hiddenSize: C, vocabSize: V, numHeads: nh, numKvHeads: nkv, headDim: hs, intermediateSize: F } = s;
  const out: ExpectedTensor[] = [];
  const add = (name: string, shape: number[], component: Component) => out.push({ name, shape, component });
  if (s.family === 'gpt2') {
    add('wte.weight', [V, C], 'embeddings');
    add('wpe.weight', [s.maxPositions, C], 'embeddings');
    for (let i = 0; i < s.numLayers; i++) {
      const p = `h.${i}`;
      add(`${p}.ln_1.weight`, [C], 'norms');
      add(`${p}.ln_1.bias`, [C], 'norms');
      add(`${p}.attn.c_attn.weight`, [C, 3 * C], 'attention');
      add(`${p}.attn.c_attn.bias`, [3 * C], 'attention');
      add(`${p}.attn.c_proj.weight`, [C, C], 'attention');
      add(`${p}.attn.c_proj.bias`, [C], 'attention');
      add(`${p}.ln_2.weight`, [C], 'norms');
      add(`${p}.ln_2.bias`, [C], 'norms');
      add(`${p}.mlp.c_fc.weight`, [C, F], 'mlp');
      add(`${p}.mlp.c_fc.bias`, [F], 'mlp');
      add(`${p}.mlp.c_proj.weight`, [F, C], 'mlp');
      add(`${p}.mlp.c_proj.bias`, [C], 'mlp');
    }
    add('ln_f.weight', [C], 'norms');
    add('ln_f.bias', [C], 'norms');
    return out.map((t) => ({ ...t, aliases: [`transformer.${t.name}`] }));
  }
  add('model.embed_tokens.weight', [V, C], 'embeddings');
  for (let i = 0; i < s.numLayers; i++) {
    const p = `model.layers.${i}`;
    add(`${p}.input_layernorm.weight`, [C], 'norms');
    add(`${p}.self_attn.q_proj.weight`, [nh * hs, C], 'attention');
    add(`${p}.self_attn.k_proj.weight`, [nkv * hs, C], 'attention');
    add(`${p}.self_attn.v_proj.weight`, [nkv * hs, C], 'attention');
    if (s.qkvBias) {
      add(`${p}.self_attn.q_proj.bias`, [nh * hs], 'attention');
      add(`${p}.self_attn.k_proj.bias`, [nkv * hs], 'attention');
      add(`${p}.self_attn.v_proj.bias`, [nkv * hs], 'attention');
    }
    add(`${p}.self_attn.o_proj.weight`, [C, nh * hs], 'attention');
    if (s.outBias) add(`${p}.self_attn.o_proj.bias`, [C], 'attention');
    add(`${p}.post_attention_layernorm.weight`, [C], 'norms');
    for (const [name, shape] of [['gate_proj', [F, C]], ['up_proj', [F, C]], ['down_proj', [C, F]]] as const) {
      add(`${p}.mlp.${name}.weight`, [...shape], 'mlp');
      if (s.mlpBias) add(`${p}.mlp.${name}.bias`, [shape[0]], 'mlp');
    }
  }
  add('model.norm.weight', [C], 'norms');
  if (!s.tieWordEmbeddings) add('lm_head.weight', [V, C], 'head');
  return out;
}

/** Check that every expected tensor is present with the right shape, before any weight is read. */
export function checkCheckpoint(s: ModelSpec, w: CheckpointWeights): void {
  for (const t of expectedTensors(s)) {
    const name = [t.name, ...(t.aliases ?? [])].find((n) => w.has(n));
    if (!name) throw new CheckpointError(`${w.dir}: config.json describes ${s.architecture} but the weights lack '${t.name}' (shape ${JSON.stringify(t.shape)})`);
    const shape = w.shape(name);
    if (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i])) {
      throw new CheckpointError(`${w.dir}: tensor '${name}' has shape ${JSON.stringify(shape)} but config.json implies ${JSON.stringify(t.shape)}`);
    }
  }
}

export function parameterCounts(s: ModelSpec): Record<Component | 'total', number> {
  const counts = { embeddings: 0, attention: 0, mlp: 0, norms: 0, head: 0, total: 0 };
  for (const t of expectedTensors(s)) {
    const n = numel(t.shape);
    counts[t.component] += n;
    counts.total += n;
  }
  return counts;
}

export interface MemoryEstimate {
  /** Bytes, per precision. */
  fp32: number;
  fp16: number;
}

/**
 * Rough memory needs, excluding activations (which grow with batch × sequence) and runtime overhead.
 * inference: weights + a full-context KV cache at batch 1. full fine-tuning with Adam: weights + gradients
 * + two moments (fp32: 16 B/param; fp16: 2 + 2 + 8 fp32 moments = 12 B/param). LoRA: frozen weights + the
 * adapters' weights, gradients and moments, for `loraParameters` trainable numbers (counted by the caller with
 * loraTrainableParameters, the rule the Fine-tune page uses too).
 */
/** Numbers the KV cache holds for a full context at batch 1: a key and a value per layer, KV head and head dimension. */
export function kvCacheElements(s: ModelSpec): number {
  return 2 * s.numLayers * s.numKvHeads * s.headDim * s.maxPositions;
}

export function memoryEstimates(s: ModelSpec, loraParameters: number): { inference: MemoryEstimate; fullFineTune: MemoryEstimate; lora: MemoryEstimate; loraParameters: number; kvCacheTokens: number } {
  const P = parameterCounts(s).total;
  const kv = kvCacheElements(s);
  return {
    inference: { fp32: 4 * (P + kv), fp16: 2 * (P + kv) },
    fullFineTune: { fp32: 16 * P, fp16: 12 * P },
    lora: { fp32: 4 * P + 16 * loraParameters, fp16: 2 * P + 12 * loraParameters },
    loraParameters,
    kvCacheTokens: s.maxPositions,
  };
}
