// How a model's weights are stored, as `lathe model list` and `model inspect` show it: a quantised ONNX variant (q4,
// int8 …) and a Hugging Face folder of fp32 weights looked alike there, only SOURCE 'quantize:…:q4' hinting. Reads
// config.json (already in the Model) and the safetensors headers, never the weights.
import fs from 'node:fs';
import path from 'node:path';
import type { Model } from '../api/schemas.ts';
import { INDEX_FILE, WEIGHTS_FILE } from './checkpoint.ts';
import { declaredOnnxDtype, isOnnxOnlyFolder, ONNX_VARIANTS, type OnnxDtype } from './onnx-variants.ts';
import { SafetensorsFile } from './safetensors.ts';

/** safetensors dtypes as people name them. */
const DTYPE_WORDS: Record<string, string> = { F32: 'fp32', F16: 'fp16', BF16: 'bf16', F64: 'fp64', I8: 'int8', U8: 'uint8' };

export interface WeightFormat {
  /** 'safetensors' (a Hugging Face folder, what Lathe trains and exports from) or 'onnx' (a quantised or prebuilt graph). */
  container: 'safetensors' | 'onnx';
  /** fp32, fp16, bf16 (the dtype most parameters have; 'fp32+fp16' when two are common), or an ONNX variant: fp32, fp16, q8, int8, q4. */
  dtype: string;
  /** One line on what the dtype holds (the ONNX variants'), or null. */
  detail: string | null;
}

/** The weight format of the model in `dir` with this config.json; null when the folder cannot be read (gone, damaged). */
export function weightFormat(model: Pick<Model, 'path' | 'config'>): WeightFormat | null {
  try {
    const config = (typeof model.config === 'object' && model.config !== null ? model.config : {}) as Record<string, unknown>;
    if (isOnnxOnlyFolder(model.path)) {
      const dtype: OnnxDtype = declaredOnnxDtype(config) ?? 'fp32';
      return { container: 'onnx', dtype, detail: ONNX_VARIANTS[dtype].summary };
    }
    return { container: 'safetensors', dtype: safetensorsDtype(model.path), detail: null };
  } catch {
    return null;
  }
}

/** 'q4 (ONNX)', 'fp32 (HF)', or '?' for a folder that cannot be read: `model list`'s WEIGHTS column. */
export function weightFormatShort(format: WeightFormat | null): string {
  if (!format) return '?';
  return `${format.dtype} (${format.container === 'onnx' ? 'ONNX' : 'HF'})`;
}

/** `model inspect`'s line: 'q4, an ONNX graph for running it …: weight-only int4 …' or 'fp32 safetensors (a Hugging Face folder)'. */
export function weightFormatLine(format: WeightFormat | null): string {
  if (!format) return 'unknown (the model folder cannot be read)';
  if (format.container === 'onnx') return `${format.dtype}, an ONNX graph for running it (to train or merge, use the model it was made from): ${format.detail}`;
  return `${format.dtype} safetensors (a Hugging Face folder)`;
}

/** The dtype most of the folder's parameters are stored in, from the safetensors headers; 'fp32+fp16' for a mix where the second holds a tenth or more. */
function safetensorsDtype(dir: string): string {
  const shards = fs.existsSync(path.join(dir, INDEX_FILE))
    ? [...new Set(Object.values((JSON.parse(fs.readFileSync(path.join(dir, INDEX_FILE), 'utf8')) as { weight_map: Record<string, string> }).weight_map))]
    : [WEIGHTS_FILE];
  const elements = new Map<string, number>();
  for (const shard of shards) {
    const file = SafetensorsFile.open(path.join(dir, shard));
    try {
      for (const t of file.tensors.values()) elements.set(t.dtype, (elements.get(t.dtype) ?? 0) + t.shape.reduce((a, b) => a * b, 1));
    } finally {
      file.close();
    }
  }
  const total = [...elements.values()].reduce((a, b) => a + b, 0);
  const ranked = [...elements.entries()].sort((a, b) => b[1] - a[1]).filter(([, n], i) => i === 0 || n >= total / 10);
  return ranked.map(([d]) => DTYPE_WORDS[d] ?? d.toLowerCase()).join('+') || '?';
}
