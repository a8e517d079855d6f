// The ONNX weight variants of a model folder in the transformers.js layout: onnx/model.onnx (fp32) beside its
// quantised siblings, named by transformers.js' dtype suffixes so `from_pretrained(dir, { dtype })` picks them.
// A folder whose config.json says `transformers.js_config.dtype` and holds that file (and no safetensors) is a
// quantised model Lathe runs from the file (decoder.ts); deploy/ writes them (onnx-export.ts).
import fs from 'node:fs';
import path from 'node:path';
import { CheckpointError } from './safetensors.ts';

import { ONNX_DTYPES } from '../api/deploy.ts';

export { ONNX_DTYPES };
export type OnnxDtype = (typeof ONNX_DTYPES)[number];

/** Each variant: its file under onnx/ (transformers.js' suffix) and what it holds. */
export const ONNX_VARIANTS: Record<OnnxDtype, { file: string; summary: string }> = {
  fp32: { file: 'model.onnx', summary: 'float32 weights, the reference' },
  fp16: { file: 'model_fp16.onnx', summary: 'float16 weight matrices (half the bytes), computed in float32' },
  q8: { file: 'model_quantized.onnx', summary: 'int8 dynamic: 8-bit weights per output channel (stored unsigned, zero point 128), activations quantised per call (DynamicQuantizeMatMul)' },
  int8: { file: 'model_int8.onnx', summary: 'weight-only int8 in blocks of 32, symmetric (MatMulNBits bits=8)' },
  q4: { file: 'model_q4.onnx', summary: 'weight-only int4 in blocks of 32, symmetric (MatMulNBits bits=4)' },
};

export function isOnnxDtype(v: unknown): v is OnnxDtype {
  return typeof v === 'string' && (ONNX_DTYPES as readonly string[]).includes(v);
}

/** The dtype config.json declares for transformers.js (`transformers.js_config.dtype`), if one of Lathe's. */
export function declaredOnnxDtype(config: Record<string, unknown>): OnnxDtype | null {
  const tjs = config['transformers.js_config'] as { dtype?: unknown } | undefined;
  return isOnnxDtype(tjs?.dtype) ? tjs.dtype : null;
}

/**
 * config.json with the marker of an export whose graphs were built with `kvInPlace` (GroupQueryAttention: the
 * present outputs can share the past inputs' buffers) set, or, for graphs without it, removed. Exports without the
 * marker keep the growing cache.
 */
export function withKvMarker(config: Record<string, unknown>, inPlace: boolean): Record<string, unknown> {
  const { kv_cache: _stale, ...rest } = (typeof config.lathe === 'object' && config.lathe !== null ? config.lathe : {}) as Record<string, unknown>;
  const lathe = inPlace ? { ...rest, kv_cache: 'in_place' } : rest;
  const { lathe: _old, ...others } = config;
  return Object.keys(lathe).length ? { ...others, lathe } : others;
}

/** Whether config.json says its ONNX files can run with an in-place KV cache (`"lathe": { "kv_cache": "in_place" }`). */
export function declaresInPlaceKv(config: Record<string, unknown>): boolean {
  const lathe = config.lathe as { kv_cache?: unknown } | undefined;
  return typeof lathe === 'object' && lathe !== null && lathe.kv_cache === 'in_place';
}

/** A folder holds weights only as ONNX files when it has no safetensors checkpoint. */
export function isOnnxOnlyFolder(dir: string): boolean {
  return !fs.existsSync(path.join(dir, 'model.safetensors')) && !fs.existsSync(path.join(dir, 'model.safetensors.index.json')) && fs.existsSync(path.join(dir, 'onnx'));
}

/** The ONNX file of `dtype` in `dir` (default: the declared one, else fp32); throws naming the file when absent. */
export function onnxVariantFile(dir: string, config: Record<string, unknown>, dtype?: OnnxDtype): string {
  const d = dtype ?? declaredOnnxDtype(config) ?? 'fp32';
  const file = path.join(dir, 'onnx', ONNX_VARIANTS[d].file);
  if (!fs.existsSync(file)) {
    const present = ONNX_DTYPES.filter((x) => fs.existsSync(path.join(dir, 'onnx', ONNX_VARIANTS[x].file)));
    throw new CheckpointError(`${file}: missing; this folder has the ${d} variant's name in config.json but holds ${present.length ? present.join(', ') : 'no ONNX variants'} (export it again with lathe export --format onnx --dtype ${d})`);
  }
  return file;
}
