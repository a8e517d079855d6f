// A loaded causal LM: the decoder graph built from an HF folder, in one onnxruntime session, plus the KV cache
// it carries between steps (kv-cache.ts). One graph with `past_key_values.*` inputs serves prefill (P = 0) and
// decode.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphBuilder, PROTOBUF_LIMIT, createSession, ort, saveModel, type Session } from '../onnx/index.ts';
import { CheckpointWeights, readHfFolder, type HfFolder } from './checkpoint.ts';
import type { ModelSpec } from './config.ts';
import { buildLlamaGraph } from './llama.ts';
import { buildGpt2Graph } from './gpt2.ts';
import { supportsKvAppend, type DecoderGraphOptions } from './layers.ts';
import { loraAdapter } from './lora.ts';
import { declaresInPlaceKv, isOnnxOnlyFolder, onnxVariantFile, type OnnxDtype } from './onnx-variants.ts';
import { readPeftAdapter } from './peft.ts';
import { CheckpointError } from './safetensors.ts';
import { KvCache, planCapacity } from './kv-cache.ts';
import { appendOnlyModel } from './append-rewrite.ts';

export { KvCache };

/**
 * How a session's KV cache passes from step to step:
 * - 'append' (graphs built here, DecoderGraphOptions.kvAppend): the past buffers are fed where they lie and the
 *   session returns only the step's new columns, which are written into the buffers' free room (kv-cache.ts);
 * - 'in-place' (Lathe's ONNX exports, GroupQueryAttention): the buffers are both past and preallocated present and
 *   the session writes the new columns into them — but onnxruntime-node copies every returned output into a new
 *   JS buffer, so each step still copies the cache once (see planCapacity);
 * - 'grow': the session returns a new (B, nkv, S, hs) present per layer, which the next step's cache wraps.
 */
export type KvMode = 'append' | 'in-place' | 'grow';

export interface ForwardResult {
  logits: Float32Array; // (B, T, V) row-major
  present: KvCache;
  attentions?: ort.Tensor[]; // (B, nh, T, S) per layer, when loaded with outputAttentions
  hidden?: Float32Array; // (B, T, C) row-major final hidden states, when loaded with outputHiddenStates
}

export interface LoadOptions {
  intraOpNumThreads?: number;
  outputAttentions?: boolean;
  /** Also return the final hidden states from forward (for embeddings). */
  outputHiddenStates?: boolean;
  /** Load through a temporary .onnx + external data file above this many weight bytes (default: protobuf's limit). */
  externalDataAboveBytes?: number;
  /** A PEFT LoRA adapter folder applied on top of the weights, unmerged (the base files stay untouched). */
  adapter?: string;
  /**
   * Run this ONNX variant of the folder (onnx/model*.onnx, transformers.js layout) instead of building the graph
   * from safetensors. A folder with only ONNX weights (a quantised model) runs its declared variant by default.
   */
  dtype?: OnnxDtype;
  /**
   * Keep the KV cache in place between steps (CausalLM.kvMode 'append', or 'in-place' for some exports) instead of
   * a new present per step. Default: wherever the model allows it — graphs built here without attention maps or a
   * sliding window, and prebuilt ONNX files whose config.json declares it. false takes the grow path (for
   * comparisons); true where the model cannot is an error.
   */
  kvInPlace?: boolean;
}

/** Build the decoder graph of a checkpoint: the one place that maps an architecture to its builder. */
export function buildDecoderGraph(spec: ModelSpec, weights: CheckpointWeights, opts: DecoderGraphOptions): GraphBuilder {
  return spec.family === 'llama' ? buildLlamaGraph(spec, weights, opts) : buildGpt2Graph(spec, weights, opts);
}

export class CausalLM {
  private constructor(
    readonly folder: HfFolder,
    readonly spec: ModelSpec,
    private readonly session: Session,
    readonly outputAttentions: boolean,
    /**
     * How the cache passes between steps (see KvMode). 'append' for graphs built here, 'in-place' for Lathe's
     * ONNX exports that declare it, 'grow' otherwise (attention maps, other ONNX files, sliding windows).
     */
    readonly kvMode: KvMode,
  ) {}

  /** Whether a step leaves the cache where it is (no whole-cache copy per step): 'append' or 'in-place'. */
  get kvInPlace(): boolean {
    return this.kvMode !== 'grow';
  }

  static async load(dir: string, opts: LoadOptions = {}): Promise<CausalLM> {
    const folder = readHfFolder(dir);
    const threads = opts.intraOpNumThreads;
    if (opts.dtype || isOnnxOnlyFolder(dir)) {
      const file = onnxVariantFile(dir, folder.config, opts.dtype);
      const needs = opts.adapter ? 'a LoRA adapter' : opts.outputAttentions ? 'attention maps' : opts.outputHiddenStates ? 'hidden states' : null;
      if (needs) throw new CheckpointError(`${file}: a prebuilt ONNX model cannot give ${needs}; use the model it was exported from (its safetensors weights)`);
      // Lathe's exports say in config.json when their attention can write the cache in place; others grow it.
      const declared = declaresInPlaceKv(folder.config);
      if (opts.kvInPlace && !declared) throw new CheckpointError(`${file}: this ONNX model does not declare an in-place KV cache ("lathe": {"kv_cache": "in_place"} in config.json); load it without kvInPlace`);
      if (!(opts.kvInPlace ?? declared)) return new CausalLM(folder, folder.spec, await createSession(file, { intraOpNumThreads: threads }), false, 'grow');
      // Its GroupQueryAttention nodes become the append-only attention of the graphs built here (append-rewrite.ts);
      // an export with external data, or of a model with a sliding window (whose mask needs each cache column at its
      // position, which the append-only buffers' room breaks), keeps them and runs them in place.
      const appendOnly = supportsKvAppend(folder.spec) ? appendOnlyModel(fs.readFileSync(file), folder.spec) : null;
      if (appendOnly) return new CausalLM(folder, folder.spec, await createSession(appendOnly, { intraOpNumThreads: threads }), false, 'append');
      return new CausalLM(folder, folder.spec, await createSession(file, { intraOpNumThreads: threads }), false, 'in-place');
    }
    if (opts.kvInPlace && opts.outputAttentions) throw new CheckpointError(`${dir}: an in-place KV cache cannot give attention maps (the fused attention does not expose them); load without kvInPlace`);
    if (opts.kvInPlace && !supportsKvAppend(folder.spec)) throw new CheckpointError(`${dir}: ${folder.spec.architecture} has a sliding window, which the append-only KV cache cannot mask; load without kvInPlace`);
    const kvAppend = opts.kvInPlace ?? (!opts.outputAttentions && supportsKvAppend(folder.spec));
    const weights = CheckpointWeights.open(dir);
    let graph: GraphBuilder;
    try {
      const adapter = opts.adapter ? readPeftAdapter(opts.adapter) : null;
      const adapt = adapter ? loraAdapter(folder.spec, adapter.config, adapter.weights, { training: false }) : undefined;
      graph = buildDecoderGraph(folder.spec, weights, { withPast: true, outputAttentions: opts.outputAttentions, outputHiddenStates: opts.outputHiddenStates, adapt, logitsToKeep: true, kvAppend });
    } finally {
      weights.close();
    }
    const session = await sessionFor(graph, threads, opts.externalDataAboveBytes ?? PROTOBUF_LIMIT);
    return new CausalLM(folder, folder.spec, session, Boolean(opts.outputAttentions), kvAppend ? 'append' : 'grow');
  }

  /** Whether the session takes `logits_to_keep` (graphs built here do; prebuilt ONNX variants do not). */
  private get keepsLogits(): boolean {
    return this.session.inputNames.includes('logits_to_keep');
  }

  get vocabSize(): number {
    return this.spec.vocabSize;
  }

  /** An empty cache (S = 0) for a batch of `batch` sequences; an in-place step gives it room as it fills. */
  emptyCache(batch: number): KvCache {
    const { numLayers, numKvHeads, headDim } = this.spec;
    return KvCache.empty(numLayers, batch, numKvHeads, headDim);
  }

  /**
   * Run T new tokens per row. `attentionMask` covers cached + new tokens (B, S); position ids are derived
   * from it (cumulative sum − 1, as transformers does for left padding) unless given. `past` holds S − T columns
   * and is consumed: an in-place session writes the new columns into its buffers, which the returned `present`
   * now owns, so the old object refuses further use (take `past.copy()` first to run one cache twice).
   */
  async forward(inputIds: number[][], attentionMask: number[][], past: KvCache, positionIds?: number[][]): Promise<ForwardResult> {
    return this.run(inputIds, attentionMask, past, positionIds, 0);
  }

  /**
   * forward() with logits for each row's last position only (B, 1, V): a prefill that only needs the next token
   * skips the head on the other T − 1 positions (for GPT-2 small and a 60-token prompt, about a third of the
   * prefill's multiply-adds) and their logits. Sessions without the `logits_to_keep` input (prebuilt ONNX
   * variants) run the whole head and the last position is cut out here. Consumes `past` as forward() does.
   */
  async forwardLast(inputIds: number[][], attentionMask: number[][], past: KvCache): Promise<ForwardResult> {
    const out = await this.run(inputIds, attentionMask, past, undefined, 1);
    const T = inputIds[0].length;
    if (out.logits.length === inputIds.length * this.vocabSize || T === 1) return out;
    const V = this.vocabSize;
    const last = new Float32Array(inputIds.length * V);
    for (let b = 0; b < inputIds.length; b++) last.set(out.logits.subarray((b * T + T - 1) * V, (b * T + T) * V), b * V);
    return { ...out, logits: last };
  }

  private async run(inputIds: number[][], attentionMask: number[][], past: KvCache, positionIds: number[][] | undefined, logitsToKeep: number): Promise<ForwardResult> {
    const B = inputIds.length;
    const T = inputIds[0].length;
    const S = attentionMask[0].length;
    if (past.batch !== B || past.length !== S - T) {
      throw new RangeError(`forward: the cache holds ${past.batch} rows × ${past.length} columns; ${B} rows of ${T} new tokens under a ${S}-column mask need ${B} × ${S - T}`);
    }
    const positions = positionIds ?? attentionMask.map((row) => positionsFromMask(row).slice(S - T));
    const P = S - T;
    // 'append' and 'in-place' feed the buffers with room for S columns; 'grow' feeds exactly the P cached ones.
    const cache = this.kvMode === 'grow' ? past.withCapacity(P) : past.withCapacity(planCapacity(S, past.capacity));
    // 'append': the mask spans the buffers' Cap columns (the P cached ones, then the unfilled room, masked) and the
    // T new ones.
    const room = this.kvMode === 'append' ? new Array<number>(cache.capacity - P).fill(0) : null;
    const mask = room ? attentionMask.map((row) => [...row.slice(0, P), ...room, ...row.slice(P)]) : attentionMask;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64(inputIds, [B, T]),
      attention_mask: int64(mask, [B, mask[0].length]),
      position_ids: int64(positions, [B, T]),
    };
    if (this.keepsLogits) feeds.logits_to_keep = new ort.Tensor('int64', BigInt64Array.from([BigInt(logitsToKeep)]), [1]);
    const L = this.spec.numLayers;
    for (let i = 0; i < L; i++) {
      const kv = cache.tensors(i);
      feeds[`past_key_values.${i}.key`] = kv.key;
      feeds[`past_key_values.${i}.value`] = kv.value;
    }
    if (this.kvMode === 'append') {
      // The session returns only the T new columns; they are written into the buffers' room here.
      const out = await this.session.run(feeds);
      for (let i = 0; i < L; i++) cache.write(i, out[`present.${i}.key`].data as Float32Array, out[`present.${i}.value`].data as Float32Array, P, T);
      return this.result(out, cache.extendedTo(S));
    }
    if (this.kvMode === 'in-place') {
      // The past buffers are also the preallocated present outputs: the step writes its T new columns at P..S−1 of
      // every (row, head) and nothing else (ORT sees the same pointer and shares it). onnxruntime-node 1.30 still
      // copies each fetched present into a new JS tensor after the run; that copy is unused here and costs a pass
      // over the whole capacity per step (see planCapacity).
      const fetches: Record<string, ort.Tensor | null> = {};
      for (const name of this.session.outputNames) fetches[name] = null; // ORT allocates the rest
      for (let i = 0; i < L; i++) {
        fetches[`present.${i}.key`] = feeds[`past_key_values.${i}.key`];
        fetches[`present.${i}.value`] = feeds[`past_key_values.${i}.value`];
      }
      const out = await this.session.run(feeds, fetches);
      return this.result(out, cache.extendedTo(S));
    }
    // Grow: the session returns new (B, nkv, S, hs) tensors, which the next step's cache wraps.
    const out = await this.session.run(feeds);
    cache.spend('a forward step');
    return this.result(out, KvCache.fromTensors(Array.from({ length: L }, (_, i) => ({ key: out[`present.${i}.key`], value: out[`present.${i}.value`] }))));
  }

  private result(out: Record<string, ort.Tensor>, present: KvCache): ForwardResult {
    const attentions = this.outputAttentions ? Array.from({ length: this.spec.numLayers }, (_, i) => out[`attentions.${i}`]) : undefined;
    const hidden = out.last_hidden_state?.data as Float32Array | undefined;
    return { logits: out.logits.data as Float32Array, present, attentions, hidden };
  }

  /**
   * The cache rows picked by `index` (beam search: each surviving beam's parent; continuous batching: the rows
   * that stay). Consumes `cache`. An in-place session keeps the room it had; a grow session gets exactly S columns.
   */
  async reorderCache(cache: KvCache, index: number[]): Promise<KvCache> {
    return cache.reorder(index, this.kvInPlace ? planCapacity(cache.length, cache.capacity) : cache.length);
  }

  /**
   * Two batches' caches as one (continuous batching): each left-padded with `padA` / `padB` masked columns.
   * Consumes both. For an in-place session the result has room for the next step.
   */
  async joinCaches(a: KvCache, b: KvCache, padA: number, padB: number): Promise<KvCache> {
    const S = a.length + padA;
    return KvCache.join(a, b, padA, padB, this.kvInPlace ? planCapacity(S + 1, S) : S);
  }

  /**
   * The cache without its first `drop` sequence columns (ones no row attends to any more). Consumes `cache`. An
   * in-place session moves the columns down inside the same buffers unless that leaves too much room (see
   * planCapacity), a grow session gets exactly the remaining columns.
   */
  async trimCache(cache: KvCache, drop: number): Promise<KvCache> {
    const length = cache.length - drop;
    return cache.trim(drop, this.kvInPlace ? planCapacity(length, cache.capacity) : length);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * A session for the decoder graph. Models above protobuf's 2 GB limit are written to a temporary .onnx with
 * external data (onnxruntime needs a file path to find it), then the files are removed once loaded.
 */
async function sessionFor(graph: GraphBuilder, threads: number | undefined, externalAbove: number): Promise<Session> {
  let bytes = 0;
  for (const init of graph.initializers.values()) bytes += init.data.byteLength;
  if (bytes < externalAbove) return createSession(graph, { intraOpNumThreads: threads });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-decoder-'));
  try {
    saveModel(graph, path.join(dir, 'decoder.onnx'), { externalDataThreshold: 1024 });
    return await createSession(path.join(dir, 'decoder.onnx'), { intraOpNumThreads: threads });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** transformers' position ids for a (left-padded) row: cumsum(mask) − 1, and 1 where the mask is 0. */
export function positionsFromMask(mask: number[]): number[] {
  let n = 0;
  return mask.map((m) => (m ? n++ : 1));
}

function int64(rows: number[][], dims: number[]): ort.Tensor {
  const data = new BigInt64Array(dims[0] * dims[1]);
  rows.forEach((row, i) => row.forEach((v, j) => (data[i * dims[1] + j] = BigInt(v))));
  return new ort.Tensor('int64', data, dims);
}
