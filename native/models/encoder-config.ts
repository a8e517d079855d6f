// Which Hugging Face folders are sentence encoders (embedding models) that Lathe builds, by config.json's
// model_type: the BERT family (bert, roberta, xlm-roberta; bert-config.ts) and nomic-style encoders (nomic_bert;
// nomic-bert-config.ts). The one place that says what a folder is: import (import.ts) records such a model with
// kind 'encoder', decoder loaders (config.ts) refuse it, and rag/encoders.ts builds its graph.
import { showName, showValue } from './safetensors.ts';
import fs from 'node:fs';
import path from 'node:path';
import { isBertConfig, parseBertConfig, readPooling, type BertSpec, type Pooling } from './bert-config.ts';
import { NOMIC_PROMPTS, isNomicBertConfig, parseNomicBertConfig, type NomicBertSpec } from './nomic-bert-config.ts';

export type EmbedRole = 'query' | 'document';

export const ENCODER_MODEL_TYPES = ['bert', 'roberta', 'xlm-roberta', 'nomic_bert'] as const;

export type { ModelKind } from '../api/schemas.ts';

/** The files a sentence-transformers folder adds beside config.json: pooling, prompts, the modules' order. */
export const SENTENCE_TRANSFORMERS_FILES = ['modules.json', 'config_sentence_transformers.json', 'sentence_bert_config.json', '1_Pooling/config.json'];

export interface EncoderConfig {
  /** config.json's model_type. */
  modelType: string;
  /** The architecture to record: config.json's architectures[0], else the family's base model class. */
  architecture: string;
  dim: number;
  numLayers: number;
  /** The longest input in tokens, special tokens included. */
  maxTokens: number;
  /** The id the graph treats as padding (RoBERTa's positions depend on it); null: the tokenizer's. */
  padTokenId: number | null;
  /** Prompts the model expects when its folder names none (nomic: 'search_query: ' / 'search_document: '). */
  defaultPrompts: { query: string; document: string } | null;
  family: { name: 'bert'; spec: BertSpec } | { name: 'nomic_bert'; spec: NomicBertSpec };
}

const BASE_CLASS: Record<string, string> = { bert: 'BertModel', roberta: 'RobertaModel', 'xlm-roberta': 'XLMRobertaModel', nomic_bert: 'NomicBertModel' };

export function isEncoderConfig(config: Record<string, unknown>): boolean {
  return isBertConfig(config) || isNomicBertConfig(config);
}

/** Read and check an encoder's config.json (the fields its graph needs); errors name the file and the field. */
export function parseEncoderConfig(config: Record<string, unknown>, file = 'config.json'): EncoderConfig {
  const modelType = typeof config.model_type === 'string' ? config.model_type : showValue(config.model_type);
  const archs = config.architectures;
  const architecture = Array.isArray(archs) && typeof archs[0] === 'string' ? archs[0] : BASE_CLASS[modelType] ?? modelType;
  if (isNomicBertConfig(config)) {
    const spec = parseNomicBertConfig(config, file);
    return { modelType, architecture, dim: spec.hiddenSize, numLayers: spec.numLayers, maxTokens: spec.maxTokens, padTokenId: null, defaultPrompts: NOMIC_PROMPTS, family: { name: 'nomic_bert', spec } };
  }
  if (isBertConfig(config)) {
    const spec = parseBertConfig(config, file);
    const padTokenId = spec.positions === 'absolute' ? null : spec.padTokenId;
    return { modelType, architecture, dim: spec.hiddenSize, numLayers: spec.numLayers, maxTokens: spec.maxTokens, padTokenId, defaultPrompts: null, family: { name: 'bert', spec } };
  }
  throw new Error(`${file}: model_type ${showName(config.model_type)} is not a sentence encoder Lathe builds (${ENCODER_MODEL_TYPES.join(', ')})`);
}

/** A folder's config.json when it describes an encoder; null for anything else (decoders, missing file). */
export function readEncoderFolder(dir: string): (EncoderConfig & { pooling: Pooling; prompts: Record<EmbedRole, string> }) | null {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file)) return null;
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null; // the decoder path reports the broken JSON with its position
  }
  if (!config || typeof config !== 'object' || !isEncoderConfig(config)) return null;
  const encoder = parseEncoderConfig(config, file);
  return { ...encoder, pooling: readPooling(dir).pooling, prompts: readPrompts(dir, encoder.defaultPrompts) };
}

/**
 * The prompts sentence-transformers prepends for queries and documents (config_sentence_transformers.json's
 * `prompts`: E5 has {query: 'query: ', passage: 'passage: '}; BGE a query instruction). When the folder names
 * neither, the model family's own (`fallback`: nomic's 'search_query: ' / 'search_document: '), else none.
 */
export function readPrompts(dir: string, fallback: Record<EmbedRole, string> | null = null): Record<EmbedRole, string> {
  const file = path.join(dir, 'config_sentence_transformers.json');
  const prompts = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { prompts?: Record<string, unknown> }).prompts ?? {} : {};
  const pick = (...names: string[]) => String(names.map((n) => prompts[n]).find((v) => typeof v === 'string') ?? '');
  const named = { query: pick('query'), document: pick('passage', 'document', 'corpus') };
  return !named.query && !named.document && fallback ? { ...fallback } : named;
}

