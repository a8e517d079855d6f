// Export a model as an ONNX folder in the transformers.js layout, one file per dtype:
//   config.json (+ transformers.js_config: the default dtype, external data per file), tokenizer.json,
//   tokenizer_config.json, generation_config.json, onnx/model.onnx, onnx/model_fp16.onnx,
//   onnx/model_quantized.onnx, onnx/model_int8.onnx, onnx/model_q4.onnx
// so `from_pretrained(dir, { dtype })` picks the file. Each variant is Lathe's decoder graph with KV cache,
// rewritten by onnx-quantize.ts; built with kvInPlace (GroupQueryAttention) where the head size allows, which
// config.json then says with `"lathe": { "kv_cache": "in_place" }` (onnx-variants.ts, declaresInPlaceKv). The folder is built beside its destination and renamed into place whole.
import fs from 'node:fs';
import path from 'node:path';
import { saveModel } from '../onnx/index.ts';
import { stopIfCancelled } from '../models/atomic.ts';
import { CheckpointWeights, readHfFolder } from '../models/checkpoint.ts';
import { CheckpointError } from '../models/safetensors.ts';
import { buildDecoderGraph } from '../models/decoder.ts';
import { supportsKvInPlace } from '../models/layers.ts';
import { ONNX_VARIANTS, withKvMarker, type OnnxDtype } from '../models/onnx-variants.ts';
import { isOnnxOnlyFolder } from '../models/onnx-variants.ts';
import { quantizeDecoderGraph, type QuantizeOptions, type QuantizeSummary } from './onnx-quantize.ts';
import { replaceFolderAtomic } from './replace-folder.ts';

const COPIED = ['generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja'];
/** transformers.js (like protobuf) cannot hold a model above 2 GB in one file. */
const EXTERNAL_ABOVE_BYTES = 1.8e9;

export interface OnnxExportOptions extends QuantizeOptions {
  dtypes: readonly OnnxDtype[];
  /** The dtype config.json names for transformers.js and for Lathe's loader (default: the first of `dtypes`). */
  defaultDtype?: OnnxDtype;
  /** Weights above this many bytes go to onnx/<file>_data (default 1.8 GB). */
  externalDataAboveBytes?: number;
  /** What the caller does and the model a source without safetensors was made from: its refusal says both (onnxOnlyRefusal). */
  refusing?: { doing: OnnxOnlyDoing; source: string | null };
  onProgress?: (p: { fraction: number; message: string }) => void;
  signal?: AbortSignal;
}

export interface OnnxVariantFile extends QuantizeSummary {
  file: string; // path relative to the folder
  bytes: number; // the .onnx file and its external data
}

export interface OnnxExportResult {
  dir: string;
  variants: OnnxVariantFile[];
}

export type OnnxOnlyDoing = 'export' | 'quantise';

/**
 * Why a model with only ONNX weights (a quantised variant) cannot be exported or quantised, and what to do instead:
 * the same command on the model it was made from, named when known.
 */
export function onnxOnlyRefusal(dir: string, doing: OnnxOnlyDoing, source: string | null): string {
  const what = doing === 'quantise' ? 'already quantised: an ONNX graph, with no safetensors weights to quantise again' : 'already an ONNX export (it has no safetensors weights)';
  return `${dir}: this model is ${what}; ${doing} its source model${source ? `, ${source},` : ''} instead`;
}

/** Write the transformers.js folder for `src` (an HF folder with safetensors) at `dest`, replacing it if present. */
export async function exportOnnxFolder(src: string, dest: string, opts: OnnxExportOptions): Promise<OnnxExportResult> {
  let variants: OnnxVariantFile[] = [];
  await replaceFolderAtomic(dest, async (tmp) => {
    variants = await fillOnnxFolder(src, tmp, opts);
  });
  opts.onProgress?.({ fraction: 1, message: 'done' });
  return { dir: dest, variants };
}

/** Write the folder's files into `tmp`, an empty folder (the caller renames it into place). */
export async function fillOnnxFolder(src: string, tmp: string, opts: OnnxExportOptions): Promise<OnnxVariantFile[]> {
  if (!opts.dtypes.length) throw new Error('exportOnnxFolder: no dtypes asked for');
  if (isOnnxOnlyFolder(src)) throw new CheckpointError(onnxOnlyRefusal(src, opts.refusing?.doing ?? 'export', opts.refusing?.source ?? null));
  const folder = readHfFolder(src);
  if (!folder.tokenizer) throw new Error(`${path.join(src, 'tokenizer.json')}: missing; transformers.js needs the Hugging Face tokenizer`);
  const variants: OnnxVariantFile[] = [];
  fs.mkdirSync(path.join(tmp, 'onnx'), { recursive: true });
  for (const f of COPIED) if (fs.existsSync(path.join(src, f))) fs.copyFileSync(path.join(src, f), path.join(tmp, f));
  if (!fs.existsSync(path.join(tmp, 'generation_config.json'))) {
    const gen: Record<string, unknown> = {};
    for (const k of ['bos_token_id', 'eos_token_id', 'pad_token_id']) if (folder.config[k] !== undefined) gen[k] = folder.config[k];
    fs.writeFileSync(path.join(tmp, 'generation_config.json'), `${JSON.stringify(gen, null, 2)}\n`);
  }
  // GroupQueryAttention graphs (the KV cache can be updated in place), when onnxruntime can run the head size.
  const kvInPlace = supportsKvInPlace(folder.spec);
  const external: Record<string, boolean> = {};
  for (const [i, dtype] of opts.dtypes.entries()) {
    // Building and saving a variant run without a break (seconds for a big model); a cancel is heard between them
    // and after each weight matrix the quantisation rewrites.
    await stopIfCancelled(opts.signal, 'the export');
    const name = ONNX_VARIANTS[dtype].file;
    opts.onProgress?.({ fraction: i / opts.dtypes.length, message: `building ${dtype} (${name}, ${i + 1} of ${opts.dtypes.length})` });
    const weights = CheckpointWeights.open(src);
    let graph;
    try {
      graph = buildDecoderGraph(folder.spec, weights, { withPast: true, kvInPlace });
    } finally {
      weights.close();
    }
    await stopIfCancelled(opts.signal, 'the export');
    const summary = await quantizeDecoderGraph(graph, dtype, opts);
    const big = summary.weightBytes >= (opts.externalDataAboveBytes ?? EXTERNAL_ABOVE_BYTES);
    if (big) external[name] = true;
    await stopIfCancelled(opts.signal, 'the export');
    opts.onProgress?.({ fraction: (i + 0.5) / opts.dtypes.length, message: `writing ${name}` });
    const written = saveModel(graph, path.join(tmp, 'onnx', name), big ? { externalDataThreshold: 1024, externalDataFile: `${name}_data` } : {});
    const bytes = fs.statSync(written.model).size + (written.externalData ? fs.statSync(written.externalData).size : 0);
    variants.push({ ...summary, file: path.join('onnx', name), bytes });
  }
  const tjs = { dtype: opts.defaultDtype ?? opts.dtypes[0], use_external_data_format: Object.keys(external).length ? external : false };
  const config = withKvMarker({ ...folder.config, 'transformers.js_config': tjs }, kvInPlace);
  fs.writeFileSync(path.join(tmp, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  return variants;
}
