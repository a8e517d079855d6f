// Embedding models for dense retrieval, loaded from a Hugging Face folder: a sentence encoder (encoders.ts: BERT,
// RoBERTa, XLM-R, nomic-style; the sentence-transformers pooling, normalised) or, as a fallback, any decoder Lathe runs — the mean of its final
// hidden states over the real tokens, normalised (a decoder was not trained for this; it groups texts only roughly).
import { parseJsonText } from '../api/json-text.ts';
import fs from 'node:fs';
import path from 'node:path';
import { createSession, ort, type Session } from '../onnx/index.ts';
import { CheckpointWeights } from '../models/checkpoint.ts';
import { CausalLM } from '../models/decoder.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { readPooling, type Pooling } from './bert.ts';
import { isEncoderConfig, parseEncoderConfig, type EncoderSpec } from './encoders.ts';
import { readPrompts } from '../models/encoder-config.ts';

export { readPrompts } from '../models/encoder-config.ts';
import type { TokenCounter } from './chunk.ts';

export interface Embedder {
  /** 'bert (mean pooling, normalised)', 'decoder (mean of last hidden state)': what the vectors are. */
  readonly kind: string;
  readonly dim: number;
  /** Longest input in tokens; longer texts are cut to it. */
  readonly maxTokens: number;
  readonly countTokens: TokenCounter;
  /**
   * Unit-length vectors, one per text. `role` picks the prompt a model was trained with for queries or passages
   * (E5's 'query: ' / 'passage: ' from config_sentence_transformers.json; nomic's 'search_query: ' /
   * 'search_document: '), where it names one.
   */
  embed(texts: readonly string[], role?: EmbedRole): Promise<Float32Array[]>;
  release(): Promise<void>;
}

export type { EmbedRole } from '../models/encoder-config.ts';
import type { EmbedRole } from '../models/encoder-config.ts';

export interface EmbedderOptions {
  intraOpNumThreads?: number;
  /** Texts per forward pass (default 16). */
  batchSize?: number;
  /** Override the folder's sentence-transformers pooling (tests). */
  pooling?: Pooling;
}

function readConfig(dir: string): Record<string, unknown> {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file)) throw new Error(`${dir}: no config.json; give the folder of a Hugging Face embedding model (BERT, MiniLM, BGE, E5, RoBERTa, XLM-R, nomic-embed) or of a decoder`);
  return parseJsonText(fs.readFileSync(file, 'utf8'), file) as Record<string, unknown>;
}

/** The tokenizer's count of a text's tokens, without special tokens: what chunk sizes are measured in. */
export function tokenCounterFor(dir: string): TokenCounter {
  const tok = TextTokenizer.fromFolder(dir);
  return (text) => tok.encode(text, { addSpecialTokens: false }).length;
}

/**
 * The embedding model a collection was made with. Its folder is recorded by path; one deleted or moved since is
 * named as the collection's, with what to do, rather than as a folder someone just gave (`no config.json; give the
 * folder of …`, advice for making a collection).
 */
export async function loadCollectionEmbedder(col: { name: string; embedModel: string }, opts: EmbedderOptions = {}): Promise<Embedder> {
  if (!fs.existsSync(path.join(col.embedModel, 'config.json'))) {
    throw new Error(`collection '${col.name}' embeds with the model at ${col.embedModel}, which is no longer there (deleted or moved): put the model back at that path, or make a new collection with another embedding model; this one can still be searched with bm25`);
  }
  return loadEmbedder(col.embedModel, opts);
}

export async function loadEmbedder(dir: string, opts: EmbedderOptions = {}): Promise<Embedder> {
  const config = readConfig(dir);
  return isEncoderConfig(config) ? BertEmbedder.load(dir, config, opts) : DecoderEmbedder.load(dir, opts);
}

/** Rows of ids padded to the longest with `pad`, as (B, T) int64 tensors of ids and mask. */
function padBatch(rows: number[][], pad: number): { ids: ort.Tensor; mask: ort.Tensor; zeros: ort.Tensor } {
  const B = rows.length;
  const T = Math.max(1, ...rows.map((r) => r.length));
  const ids = new BigInt64Array(B * T).fill(BigInt(pad));
  const mask = new BigInt64Array(B * T);
  rows.forEach((r, b) => r.forEach((id, t) => { ids[b * T + t] = BigInt(id); mask[b * T + t] = 1n; }));
  return { ids: new ort.Tensor('int64', ids, [B, T]), mask: new ort.Tensor('int64', mask, [B, T]), zeros: new ort.Tensor('int64', new BigInt64Array(B * T), [B, T]) };
}

function splitRows(data: Float32Array, dim: number): Float32Array[] {
  return Array.from({ length: data.length / dim }, (_, i) => data.slice(i * dim, (i + 1) * dim));
}

export class BertEmbedder implements Embedder {
  readonly kind: string;
  private constructor(
    readonly spec: EncoderSpec,
    readonly pooling: Pooling,
    private readonly tokenizer: TextTokenizer,
    private readonly session: Session,
    private readonly batchSize: number,
    private readonly prompts: Record<EmbedRole, string>,
  ) {
    this.kind = `${spec.modelType} (${pooling} pooling, normalised)`;
  }

  static async load(dir: string, config: Record<string, unknown>, opts: EmbedderOptions): Promise<BertEmbedder> {
    const spec = parseEncoderConfig(config, path.join(dir, 'config.json'));
    const pooling = opts.pooling ?? readPooling(dir).pooling;
    const tokenizer = TextTokenizer.fromFolder(dir);
    const weights = CheckpointWeights.open(dir);
    let graph;
    try {
      graph = spec.build(weights, pooling);
    } finally {
      weights.close();
    }
    const session = await createSession(graph, { intraOpNumThreads: opts.intraOpNumThreads });
    return new BertEmbedder(spec, pooling, tokenizer, session, opts.batchSize ?? 16, readPrompts(dir, spec.defaultPrompts));
  }

  get dim(): number { return this.spec.dim; }
  get maxTokens(): number { return this.spec.maxTokens; }
  readonly countTokens: TokenCounter = (text) => this.tokenizer.encode(text, { addSpecialTokens: false }).length;

  /** Embed already-tokenized rows (with their special tokens): the graph's pooled, normalised output. */
  async embedIds(rows: number[][]): Promise<Float32Array[]> {
    const { ids, mask, zeros } = padBatch(rows, this.spec.padTokenId ?? this.tokenizer.padTokenId ?? 0);
    const feeds = { input_ids: ids, attention_mask: mask, token_type_ids: zeros };
    const out = await this.session.run(Object.fromEntries(this.session.inputNames.map((n) => [n, feeds[n as keyof typeof feeds]])));
    return splitRows(out.sentence_embedding.data as Float32Array, this.dim);
  }

  async embed(texts: readonly string[], role: EmbedRole = 'document'): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const prefix = this.prompts[role];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const rows = texts.slice(i, i + this.batchSize).map((t) => truncate(this.tokenizer.encode(prefix + t), this.maxTokens));
      out.push(...(await this.embedIds(rows)));
    }
    return out;
  }

  release(): Promise<void> { return this.session.release(); }
}

/** Keep the first max − 1 tokens and the last one (the [SEP] or </s> the tokenizer adds). */
function truncate(ids: number[], max: number): number[] {
  return ids.length <= max ? ids : [...ids.slice(0, max - 1), ids[ids.length - 1]];
}

export class DecoderEmbedder implements Embedder {
  readonly kind = 'decoder (mean of the last hidden state, normalised)';
  private constructor(private readonly model: CausalLM, private readonly tokenizer: TextTokenizer) {}

  static async load(dir: string, opts: EmbedderOptions): Promise<DecoderEmbedder> {
    const tokenizer = TextTokenizer.fromFolder(dir);
    const model = await CausalLM.load(dir, { outputHiddenStates: true, intraOpNumThreads: opts.intraOpNumThreads });
    return new DecoderEmbedder(model, tokenizer);
  }

  get dim(): number { return this.model.spec.hiddenSize; }
  get maxTokens(): number { return this.model.spec.maxPositions; }
  readonly countTokens: TokenCounter = (text) => this.tokenizer.encode(text, { addSpecialTokens: false }).length;

  /** One text at a time (no padding, so every position is a real token); the mean over T is one pass per text. */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const C = this.dim;
    const out: Float32Array[] = [];
    for (const text of texts) {
      let ids = this.tokenizer.encode(text);
      if (!ids.length) ids = [this.tokenizer.bosTokenId ?? this.tokenizer.eosTokenId ?? 0];
      ids = ids.slice(0, this.maxTokens);
      const r = await this.model.forward([ids], [ids.map(() => 1)], this.model.emptyCache(1));
      if (!r.hidden) throw new Error('the decoder was loaded without its hidden states');
      const T = ids.length;
      const v = new Float32Array(C);
      for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) v[c] += r.hidden[t * C + c] / T; // (T, C) -> (C)
      const norm = Math.hypot(...v) || 1;
      out.push(v.map((x) => x / norm));
    }
    return out;
  }

  release(): Promise<void> { return this.model.release(); }
}
