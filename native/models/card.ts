// The model card — what a model is made of, what each hyperparameter means and what it will cost in memory —
// built once here for the Select page (models.get) and for `lathe model inspect`.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import type { ModelCard } from '../api/models.ts';
import type { Model } from '../api/schemas.ts';
import { readHfFolder } from './checkpoint.ts';
import type { ModelSpec } from './config.ts';
import { declaredOnnxDtype, isOnnxOnlyFolder, onnxVariantFile } from './onnx-variants.ts';
import { kvCacheElements, memoryEstimates, parameterCounts } from './params.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { loraTrainableParameters } from '../api/train.ts';
import { defaultLoraConfig, loraParametersPerRank } from './lora.ts';
import { encoderCard } from './encoder-card.ts';


/**
 * Each setting's name in config.json, per family: the card labels its rows with the key a person finds in the
 * file (and on the Hub), not with Lathe's internal names.
 */
const CONFIG_KEYS = {
  llama: {
    layers: 'num_hidden_layers', heads: 'num_attention_heads', kvHeads: 'num_key_value_heads', hidden: 'hidden_size',
    mlp: 'intermediate_size', positions: 'max_position_embeddings', vocab: 'vocab_size', eps: 'rms_norm_eps',
  },
  gpt2: {
    layers: 'n_layer', heads: 'n_head', kvHeads: null, hidden: 'n_embd',
    mlp: 'n_inner', positions: 'n_positions', vocab: 'vocab_size', eps: 'layer_norm_epsilon',
  },
} as const;

/** Each hyperparameter in the product's words: what the number controls and what it costs. */
export function hyperparameters(s: ModelSpec): ModelCard['hyperparameters'] {
  const norm = s.family === 'llama' ? 'RMSNorm' : 'LayerNorm';
  const k = CONFIG_KEYS[s.family];
  const rows: ModelCard['hyperparameters'] = [
    {
      key: k.layers, label: 'Layers', value: s.numLayers,
      meaning: 'Transformer blocks stacked on top of each other; each one lets every token look at the others (attention) '
        + 'and then think alone (MLP).',
    },
    {
      key: k.heads, label: 'Attention heads', value: s.numHeads,
      meaning: `Parallel attention patterns per layer, each reading its own ${s.headDim}-number slice of the token's vector.`,
    },
    {
      key: k.hidden, label: 'Hidden size', value: s.hiddenSize,
      meaning: 'Length of the vector that represents each token as it flows through the model; wider means more capacity '
        + 'and more compute.',
    },
    {
      key: k.mlp, label: 'MLP width', value: s.intermediateSize,
      meaning: s.family === 'llama'
        ? 'Inner width of each block’s feed-forward network (SwiGLU), where most per-token computation happens.'
        : 'Inner width of each block’s feed-forward network (GELU).',
    },
    {
      key: k.positions, label: 'Context length', value: s.maxPositions,
      meaning: 'The most tokens (prompt plus answer) the model was built to read at once.',
    },
    {
      key: k.vocab, label: 'Vocabulary', value: s.vocabSize,
      meaning: 'How many distinct tokens the tokenizer can produce; every step picks the next one among them.',
    },
    {
      key: k.eps, label: 'Norm epsilon', value: s.normEps,
      meaning: `A tiny number added inside each ${norm} so it never divides by zero; it must match what the model was trained with.`,
    },
    {
      key: 'tie_word_embeddings', label: 'Tied embeddings', value: s.tieWordEmbeddings ? 'yes' : 'no',
      meaning: s.tieWordEmbeddings
        ? 'The output layer reuses the input embedding matrix, saving vocabulary × hidden parameters.'
        : 'The output layer has its own matrix, separate from the input embeddings.',
    },
  ];
  // GPT-2's config has no key/value head count: it always has one per query head.
  if (k.kvHeads) {
    rows.splice(2, 0, {
      key: k.kvHeads, label: 'Key/value heads', value: s.numKvHeads,
      meaning: s.numKvHeads < s.numHeads
        ? `Grouped-query attention: ${s.numHeads / s.numKvHeads} query heads share each key/value head, which shrinks the `
          + 'memory kept per generated token.'
        : 'One key/value head per query head (classic multi-head attention).',
    });
  }
  if (s.rope) {
    const scaling = s.rope.scaling ? ` (${s.rope.scaling.type} scaling ×${s.rope.scaling.factor} stretches the context)` : '';
    rows.push({
      key: 'rope_theta', label: 'RoPE base', value: s.rope.theta,
      meaning: `Rotary position encoding: word order is written into attention by rotating queries and keys${scaling}.`,
    });
  } else {
    rows.push({
      key: 'positions', label: 'Positions', value: 'learned',
      meaning: 'A learned vector per position is added to each token, so the context cannot grow past it.',
    });
  }
  if (s.qkvBias) {
    rows.push({ key: 'qkv_bias', label: 'Q/K/V biases', value: 'yes', meaning: 'The query, key and value projections add a learned bias (as Qwen2 does).' });
  }
  if (s.slidingWindow) {
    rows.push({ key: 'sliding_window', label: 'Sliding window', value: s.slidingWindow, meaning: 'Each token attends to at most this many previous tokens.' });
  }
  return rows;
}

function folderBytes(dir: string): number {
  let total = 0;
  // onnx/ holds a quantised model's weights
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) total += f.isDirectory() ? folderBytes(path.join(dir, f.name)) : f.isFile() ? fs.statSync(path.join(dir, f.name)).size : 0;
  return total;
}

export function modelCard(model: Model): ModelCard {
  if (!fs.existsSync(model.path)) {
    const message = `model ${model.name}: its folder ${model.path} is missing; delete the model and import it again`;
    throw new StudioError('not_found', message, { file: model.path });
  }
  if (model.kind === 'encoder') return encoderCard(model, folderBytes(model.path));
  const folder = readHfFolder(model.path);
  const spec = folder.spec;
  const counts = parameterCounts(spec);
  let tokenizer: ModelCard['tokenizer'] = { vocabSize: spec.vocabSize, hasChatTemplate: false, bosToken: null, eosToken: null };
  try {
    const tok = TextTokenizer.fromFolder(model.path);
    tokenizer = { vocabSize: tok.vocabSize, hasChatTemplate: tok.chatTemplate !== null, bosToken: tok.bosToken, eosToken: tok.eosToken };
  } catch {
    // a model without tokenizer.json still has a card; generation will say what is missing
  }
  const diskBytes = folderBytes(model.path);
  const onnx = isOnnxOnlyFolder(model.path) ? onnxRunCosts(model.path, folder.config, spec) : null;
  const memory = onnx ? null : trainingAndRunCosts(spec);
  return { model, family: spec.family, parameters: counts, hyperparameters: hyperparameters(spec), memory, embedding: null, tokenizer, diskBytes, onnx };
}

/** Memory to run, fully fine-tune and LoRA-tune a model Lathe builds from safetensors, estimated from its shape. */
function trainingAndRunCosts(spec: ModelSpec): NonNullable<ModelCard['memory']> {
  const lora = defaultLoraConfig(spec);
  const loraPerRank = loraParametersPerRank(spec);
  const memory = memoryEstimates(spec, loraTrainableParameters(loraPerRank, lora.r, lora.targetModules));
  return { ...memory, loraRank: lora.r, loraTargets: lora.targetModules, loraPerRank };
}

/** What running a quantised variant needs: its ONNX file (and external data) as stored, plus a float32 KV cache. */
function onnxRunCosts(dir: string, config: Record<string, unknown>, spec: ModelSpec): NonNullable<ModelCard['onnx']> {
  const file = onnxVariantFile(dir, config);
  const data = `${file}_data`; // onnx-export.ts' external data, for a variant too big for one file
  const weightBytes = fs.statSync(file).size + (fs.existsSync(data) ? fs.statSync(data).size : 0);
  const kvCacheBytes = 4 * kvCacheElements(spec);
  const dtype = declaredOnnxDtype(config) ?? 'fp32';
  return { dtype, file: path.relative(dir, file), weightBytes, kvCacheBytes, inferenceBytes: weightBytes + kvCacheBytes, kvCacheTokens: spec.maxPositions };
}
