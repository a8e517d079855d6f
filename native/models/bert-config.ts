// The configuration of BERT-family sentence encoders (BERT, MiniLM, BGE, E5; RoBERTa and XLM-RoBERTa) as config.json
// and the sentence-transformers files describe them: read and checked here, below the layers that import models
// (models/import.ts) and build their graphs (rag/bert.ts). What each field means: rag/bert.ts's header.
import { showName, showValue } from './safetensors.ts';
import { parseJsonText } from '../api/json-text.ts';
import fs from 'node:fs';
import path from 'node:path';

export type Pooling = 'mean' | 'cls';

export interface BertSpec {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositions: number;
  /** The longest input in tokens: maxPositions for BERT, maxPositions − padding_idx − 1 for RoBERTa. */
  maxTokens: number;
  typeVocabSize: number;
  /** 'absolute': positions 0..T-1 (BERT); 'after-padding': RoBERTa's positions, counted from padding_idx + 1. */
  positions: 'absolute' | 'after-padding';
  /** config.json's pad_token_id: RoBERTa's padding_idx. */
  padTokenId: number;
  layerNormEps: number;
  /** Gelu's exact (erf) form, its tanh approximation, or ReLU, as config.json's hidden_act says. */
  activation: 'gelu' | 'gelu_tanh' | 'relu';
}

/** model_type → how positions are counted; the defaults of each family's config class where config.json omits them. */
const FAMILIES: Record<string, { positions: BertSpec['positions']; maxPositions: number; typeVocabSize: number; eps: number; pad: number }> = {
  bert: { positions: 'absolute', maxPositions: 512, typeVocabSize: 2, eps: 1e-12, pad: 0 },
  roberta: { positions: 'after-padding', maxPositions: 512, typeVocabSize: 2, eps: 1e-12, pad: 1 },
  'xlm-roberta': { positions: 'after-padding', maxPositions: 512, typeVocabSize: 2, eps: 1e-12, pad: 1 },
};

/** Whether a config.json describes an encoder this file builds (the rest are decoders, or not supported). */
export function isBertConfig(config: Record<string, unknown>): boolean {
  return typeof config.model_type === 'string' && Object.hasOwn(FAMILIES, config.model_type);
}

export function parseBertConfig(c: Record<string, unknown>, file = 'config.json'): BertSpec {
  if (!isBertConfig(c)) throw new Error(`${file}: model_type ${showName(c.model_type)} is not a BERT-family encoder Lathe builds (${Object.keys(FAMILIES).join(', ')})`);
  const family = FAMILIES[c.model_type as string];
  const int = (field: string, fallback?: number, min = 1): number => {
    const v = c[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`${file}: field '${field}' must be a whole number of at least ${min}, got ${showValue(c[field])}`);
    return v;
  };
  const act = c.hidden_act ?? 'gelu';
  const activation = act === 'gelu' ? 'gelu' : act === 'gelu_new' || act === 'gelu_pytorch_tanh' ? 'gelu_tanh' : act === 'relu' ? 'relu' : null;
  if (!activation) throw new Error(`${file}: hidden_act ${showName(act)} is not supported (gelu, gelu_new, gelu_pytorch_tanh, relu)`);
  const spec: BertSpec = {
    vocabSize: int('vocab_size'),
    hiddenSize: int('hidden_size'),
    numLayers: int('num_hidden_layers'),
    numHeads: int('num_attention_heads'),
    intermediateSize: int('intermediate_size'),
    maxPositions: int('max_position_embeddings', family.maxPositions),
    maxTokens: 0,
    typeVocabSize: int('type_vocab_size', family.typeVocabSize),
    positions: family.positions,
    padTokenId: family.positions === 'absolute' ? family.pad : int('pad_token_id', family.pad, 0), // BERT's positions ignore it
    layerNormEps: typeof c.layer_norm_eps === 'number' ? c.layer_norm_eps : family.eps,
    activation,
  };
  spec.maxTokens = spec.positions === 'absolute' ? spec.maxPositions : spec.maxPositions - spec.padTokenId - 1;
  if (spec.maxTokens < 2) throw new Error(`${file}: max_position_embeddings ${spec.maxPositions} leaves no room for tokens after pad_token_id ${spec.padTokenId} (RoBERTa counts positions from pad_token_id + 1)`);
  if (spec.hiddenSize % spec.numHeads) throw new Error(`${file}: hidden_size ${spec.hiddenSize} is not a multiple of num_attention_heads ${spec.numHeads}`);
  if (c.position_embedding_type !== undefined && c.position_embedding_type !== 'absolute') throw new Error(`${file}: position_embedding_type ${showName(c.position_embedding_type)} is not supported (absolute only)`);
  return spec;
}

export interface PoolingConfig {
  pooling: Pooling;
  /** Where the choice came from: a sentence-transformers file, or the default when the folder has none. */
  source: string;
}

/**
 * The pooling sentence-transformers would apply: modules.json names the Pooling module's folder, whose config.json
 * sets pooling_mode_cls_token or pooling_mode_mean_tokens. Without those files: mean pooling.
 */
export function readPooling(dir: string): PoolingConfig {
  const modulesFile = path.join(dir, 'modules.json');
  let poolingDir = path.join(dir, '1_Pooling');
  if (fs.existsSync(modulesFile)) {
    const modules = parseJsonText(fs.readFileSync(modulesFile, 'utf8'), modulesFile) as { type?: string; path?: string }[];
    const pooling = Array.isArray(modules) ? modules.find((m) => String(m.type).endsWith('.Pooling')) : undefined;
    if (pooling?.path !== undefined) poolingDir = path.join(dir, pooling.path);
  }
  const file = path.join(poolingDir, 'config.json');
  if (!fs.existsSync(file)) return { pooling: 'mean', source: 'default (no sentence-transformers pooling config)' };
  const cfg = parseJsonText(fs.readFileSync(file, 'utf8'), file) as Record<string, unknown>;
  if (cfg.pooling_mode_cls_token === true) return { pooling: 'cls', source: file };
  if (cfg.pooling_mode_mean_tokens === true) return { pooling: 'mean', source: file };
  const modes = Object.entries(cfg).filter(([k, v]) => k.startsWith('pooling_mode') && v === true).map(([k]) => k);
  throw new Error(`${file}: pooling ${modes.join(', ') || '(none set)'} is not supported; Lathe pools by pooling_mode_mean_tokens or pooling_mode_cls_token`);
}
