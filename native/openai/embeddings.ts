// /v1/embeddings from a causal LM: each input's vector is the mean, over its tokens (BOS included where the
// tokenizer adds one), of the model's last hidden state — the final-normed states its LM head reads — scaled to
// unit length as OpenAI's embeddings are (so a dot product is the cosine similarity). A causal LM was not trained
// for this: such vectors group texts by topic and wording only roughly; a dedicated embedding model does better.
import type { TextGenerator } from '../generate/pipeline.ts';
import { isOnnxOnlyFolder } from '../models/onnx-variants.ts';
import type { Store } from '../store/db.ts';
import { invalidParam } from './errors.ts';
import type { ServedModel } from './served-models.ts';

/**
 * Whether `served` can give the hidden states embeddings are made of: a model Lathe builds from safetensors can, a
 * folder that holds only a prebuilt ONNX graph (a quantised variant) cannot — its graph outputs logits alone
 * (models/decoder.ts refuses hidden states for it). The pool loads each model with hidden states exactly when it can.
 */
export function givesHiddenStates(served: ServedModel): boolean {
  return !isOnnxOnlyFolder(served.model.path);
}

/**
 * Refuse /v1/embeddings on a model without hidden states, before it is queued or loaded: a 400 naming the model and
 * what to ask for instead (the model it was quantised from, when the store still has it). Its chat and completions
 * still answer.
 */
export function requireHiddenStates(store: Store, served: ServedModel): void {
  if (givesHiddenStates(served)) return;
  const source = store.models.variantSource(served.model);
  const instead = source ? `ask /v1/embeddings for '${source.name}', the model it was quantised from` : 'ask /v1/embeddings for the model it was made from (its safetensors weights)';
  throw invalidParam('model', `'${served.name}' is a quantised ONNX model: its prebuilt graph gives no hidden states, so it cannot make embeddings; ${instead}. It still answers /v1/chat/completions and /v1/completions.`, 'model_not_supported');
}

/** Mean-pooled, unit-length last hidden state of one tokenized input. */
export async function embedTokens(generator: TextGenerator, ids: number[], param: string): Promise<Float32Array> {
  const model = generator.model;
  const { hiddenSize: C, maxPositions } = model.spec;
  if (ids.length === 0) throw invalidParam(param, 'the input encodes to no tokens; give some text to embed');
  if (ids.length > maxPositions) throw invalidParam(param, `the input has ${ids.length} tokens; this model reads at most ${maxPositions}`, 'context_length_exceeded');
  const out = await model.forward([ids], [ids.map(() => 1)], model.emptyCache(1));
  if (!out.hidden) throw new Error('the model was loaded without its hidden states (outputHiddenStates)');
  const T = ids.length;
  const mean = new Float32Array(C);
  for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) mean[c] += out.hidden[t * C + c] / T; // (T, C) -> (C): one pass per request
  let norm = 0;
  for (const v of mean) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  for (let c = 0; c < C; c++) mean[c] /= norm;
  return mean;
}

/** OpenAI's base64 encoding: the float32 values' little-endian bytes. */
export function base64Floats(v: Float32Array): string {
  const bytes = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString('base64');
}
