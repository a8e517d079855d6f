// The shape of a model trained from scratch: its config.json from the pretraining input, and the parameter count
// and training memory reported before anything runs (the builder page mirrors this in renderer/src/pages/pretrain).
import { humanBytes } from '../api/format.ts';
import type { PretrainConfig } from '../api/train.ts';
import { parseModelConfig, type ModelSpec } from '../models/config.ts';
import { parameterCounts } from '../models/params.ts';

/** config.json of a fresh model of the requested shape. */
export function pretrainModelConfig(c: Pick<PretrainConfig, 'family' | 'layers' | 'heads' | 'dModel' | 'context' | 'vocab'>): Record<string, unknown> {
  if (c.dModel % c.heads !== 0) throw new Error(`--d-model ${c.dModel} must be divisible by --heads ${c.heads}`);
  if (c.family === 'gpt2') {
    return { architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: c.vocab, n_embd: c.dModel, n_layer: c.layers, n_head: c.heads, n_positions: c.context, activation_function: 'gelu_new', layer_norm_epsilon: 1e-5, tie_word_embeddings: true, bos_token_id: 0, eos_token_id: 0 };
  }
  const hidden = Math.ceil((8 * c.dModel) / 3 / 8) * 8;
  return { architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: c.vocab, hidden_size: c.dModel, intermediate_size: hidden, num_hidden_layers: c.layers, num_attention_heads: c.heads, num_key_value_heads: c.heads, max_position_embeddings: c.context, rms_norm_eps: 1e-5, rope_theta: 10000, tie_word_embeddings: true, bos_token_id: 0, eos_token_id: 0, hidden_act: 'silu' };
}

/** Parameter count and the fp32 bytes training needs (weights, gradients, two AdamW moments), before running. */
export function pretrainPlan(config: Record<string, unknown>): { spec: ModelSpec; parameters: number; trainingBytes: number } {
  const spec = parseModelConfig(config);
  const parameters = parameterCounts(spec).total;
  return { spec, parameters, trainingBytes: 16 * parameters };
}

/**
 * The line a pretraining run logs as it starts: 'llama: 2 layers, 2 heads, d=64, context 128, vocab 512: 133,440
 * parameters, about 2.0 MB for weights, gradients and AdamW state' — memory in humanBytes' units, as the builder
 * page's "Memory to train" says it (it said "2.0 MiB" beside the page's "2.0 MB").
 */
export function pretrainPlanLine(c: Pick<PretrainConfig, 'family' | 'layers' | 'heads' | 'dModel' | 'context' | 'vocab'>, plan: { parameters: number; trainingBytes: number }): string {
  return `${c.family}: ${c.layers} layers, ${c.heads} heads, d=${c.dModel}, context ${c.context}, vocab ${c.vocab}: ${plan.parameters.toLocaleString('en')} parameters, about ${humanBytes(plan.trainingBytes)} for weights, gradients and AdamW state`;
}
