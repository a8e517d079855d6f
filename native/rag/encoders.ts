// The sentence encoders Lathe builds, by config.json's model_type: the BERT family (bert, roberta, xlm-roberta;
// bert.ts) and nomic-style encoders (nomic_bert; nomic-bert.ts). One place that says what a folder is.
import type { GraphBuilder } from '../onnx/index.ts';
import type { CheckpointWeights } from '../models/checkpoint.ts';
import { buildBertGraph, isBertConfig, parseBertConfig, type Pooling } from './bert.ts';
import { NOMIC_PROMPTS, buildNomicBertGraph, isNomicBertConfig, parseNomicBertConfig } from './nomic-bert.ts';

export interface EncoderSpec {
  /** config.json's model_type. */
  modelType: string;
  dim: number;
  /** The longest input in tokens, special tokens included. */
  maxTokens: number;
  /** The id the graph treats as padding (RoBERTa's positions depend on it); null: the tokenizer's. */
  padTokenId: number | null;
  /** Prompts the model expects when its folder names none (nomic: 'search_query: ' / 'search_document: '). */
  defaultPrompts: { query: string; document: string } | null;
  build(w: CheckpointWeights, pooling: Pooling): GraphBuilder;
}

export const ENCODER_MODEL_TYPES = ['bert', 'roberta', 'xlm-roberta', 'nomic_bert'] as const;

export function isEncoderConfig(config: Record<string, unknown>): boolean {
  return isBertConfig(config) || isNomicBertConfig(config);
}

export function parseEncoderConfig(config: Record<string, unknown>, file = 'config.json'): EncoderSpec {
  const modelType = String(config.model_type);
  if (isNomicBertConfig(config)) {
    const spec = parseNomicBertConfig(config, file);
    return { modelType, dim: spec.hiddenSize, maxTokens: spec.maxTokens, padTokenId: null, defaultPrompts: NOMIC_PROMPTS, build: (w, pooling) => buildNomicBertGraph(spec, w, pooling) };
  }
  if (isBertConfig(config)) {
    const spec = parseBertConfig(config, file);
    return {
      modelType, dim: spec.hiddenSize, maxTokens: spec.maxTokens, padTokenId: spec.positions === 'absolute' ? null : spec.padTokenId, defaultPrompts: null,
      build: (w, pooling) => buildBertGraph(spec, w, pooling),
    };
  }
  throw new Error(`${file}: model_type '${modelType}' is not a sentence encoder Lathe builds (${ENCODER_MODEL_TYPES.join(', ')})`);
}
