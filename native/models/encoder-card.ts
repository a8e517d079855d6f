// The model card of an embedding model (a sentence encoder, encoder-config.ts): what it embeds into (width,
// pooling, longest input, prompts), its parameters by component counted from the safetensors headers, and its
// shape from config.json. No memory table: it is never trained or generated with in Lathe.
import type { ModelCard } from '../api/models.ts';
import type { Model } from '../api/schemas.ts';
import { CheckpointWeights } from './checkpoint.ts';
import { readEncoderFolder } from './encoder-config.ts';
import { TextTokenizer } from '../text/tokenizer.ts';

/** Which component a tensor belongs to, by its name in BertModel / NomicBertModel checkpoints. */
function component(name: string): keyof ModelCard['parameters'] {
  if (/LayerNorm|(^|\.)(emb_ln|norm\d?)\./.test(name)) return 'norms';
  if (/(^|\.)embeddings\./.test(name)) return 'embeddings';
  if (/(^|\.)(attention|attn)\./.test(name)) return 'attention';
  if (/(^|\.)pooler\./.test(name)) return 'head'; // BERT's pooler: saved, unused by sentence pooling
  return 'mlp';
}

function parameterCounts(dir: string): ModelCard['parameters'] {
  const counts = { embeddings: 0, attention: 0, mlp: 0, norms: 0, head: 0, total: 0 };
  const w = CheckpointWeights.open(dir);
  try {
    for (const name of w.names()) {
      const n = w.shape(name).reduce((a, b) => a * b, 1);
      counts[component(name)] += n;
      counts.total += n;
    }
  } finally {
    w.close();
  }
  return counts;
}

export function encoderCard(model: Model, diskBytes: number): ModelCard {
  const enc = readEncoderFolder(model.path);
  if (!enc) throw new Error(`model ${model.name}: ${model.path}/config.json no longer describes an embedding model`);
  const key = (bert: string, nomic: string) => (enc.family.name === 'nomic_bert' ? nomic : bert);
  const heads = enc.family.spec.numHeads;
  const hyperparameters: ModelCard['hyperparameters'] = [
    { key: key('hidden_size', 'n_embd'), label: 'Embedding width', value: enc.dim, meaning: 'Numbers in each vector the model gives a text; a collection stores one per chunk, and search compares them by dot product.' },
    { key: 'pooling', label: 'Pooling', value: enc.pooling, meaning: enc.pooling === 'cls' ? 'The text’s vector is the first token’s ([CLS]) final state, then normalised to unit length.' : 'The text’s vector is the mean of its tokens’ final states, then normalised to unit length.' },
    { key: key('max_position_embeddings', 'n_positions'), label: 'Longest input', value: enc.maxTokens, meaning: 'The most tokens (special tokens included) the model reads; longer chunks are cut, so chunk sizes must fit under it.' },
    { key: key('num_hidden_layers', 'n_layer'), label: 'Layers', value: enc.numLayers, meaning: 'Transformer blocks; every token attends to every other, both ways (an encoder does not predict next tokens).' },
    { key: key('num_attention_heads', 'n_head'), label: 'Attention heads', value: heads, meaning: `Parallel attention patterns per layer, each reading a ${enc.dim / heads}-number slice.` },
    { key: 'vocab_size', label: 'Vocabulary', value: enc.family.spec.vocabSize, meaning: 'How many distinct tokens the tokenizer can produce.' },
  ];
  const prompts = enc.prompts;
  let tokenizer: ModelCard['tokenizer'] = { vocabSize: enc.family.spec.vocabSize, hasChatTemplate: false, bosToken: null, eosToken: null };
  try {
    const tok = TextTokenizer.fromFolder(model.path);
    tokenizer = { vocabSize: tok.vocabSize, hasChatTemplate: false, bosToken: tok.bosToken, eosToken: tok.eosToken };
  } catch {
    // the card still shows; embedding will say what is missing
  }
  return {
    model, family: enc.modelType, parameters: parameterCounts(model.path), hyperparameters, memory: null,
    embedding: { dim: enc.dim, pooling: enc.pooling, maxTokens: enc.maxTokens, prompts }, tokenizer, diskBytes, onnx: null,
  };
}
