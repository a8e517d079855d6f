// /v1/embeddings from a causal LM: each input's vector is the mean, over its tokens (BOS included where the
// tokenizer adds one), of the model's last hidden state — the final-normed states its LM head reads — scaled to
// unit length as OpenAI's embeddings are (so a dot product is the cosine similarity). A causal LM was not trained
// for this: such vectors group texts by topic and wording only roughly; a dedicated embedding model does better.
import type { TextGenerator } from '../generate/pipeline.ts';
import { invalidParam } from './errors.ts';

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
