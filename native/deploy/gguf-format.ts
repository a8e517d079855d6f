// GGUF v3, the file format llama.cpp reads: "GGUF", u32 version, u64 tensor count, u64 key/value count, the
// key/value metadata (u64-length strings, u32 value types, arrays as u32 element type + u64 count), one info
// record per tensor (name, u32 n_dims, u64 dims innermost first, u32 ggml type, u64 offset into the data
// section), padding to general.alignment, then the tensor data, each tensor starting on an aligned offset.
// This file holds what both the writer and the reader need: the value types and the metadata's shape.

import { GGUF_FILE } from '../api/deploy.ts';

export const GGUF_MAGIC = GGUF_FILE.magic;
export const GGUF_VERSION = 3;
export const DEFAULT_ALIGNMENT = 32;

/** gguf_type numbers. */
export const VALUE_TYPE = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;
export type ScalarKind = Exclude<keyof typeof VALUE_TYPE, 'array'>;

/** Bytes of each fixed-size value type (strings are u64 length + bytes). */
export const SCALAR_BYTES: Record<Exclude<ScalarKind, 'string'>, number> = {
  uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, bool: 1, uint64: 8, int64: 8, float64: 8,
};

export function kindOf(type: number): keyof typeof VALUE_TYPE | undefined {
  return (Object.keys(VALUE_TYPE) as (keyof typeof VALUE_TYPE)[]).find((k) => VALUE_TYPE[k] === type);
}

/** One metadata value with its GGUF type. 64-bit integers are bigint so no value is rounded. */
export type GgufValue =
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'uint64' | 'int64'; value: bigint }
  | { kind: Exclude<ScalarKind, 'string' | 'bool' | 'uint64' | 'int64'>; value: number }
  | { kind: 'array'; of: 'string'; value: string[] }
  | { kind: 'array'; of: 'bool'; value: boolean[] }
  | { kind: 'array'; of: 'uint64' | 'int64'; value: bigint[] }
  | { kind: 'array'; of: Exclude<ScalarKind, 'string' | 'bool' | 'uint64' | 'int64'>; value: ArrayLike<number> };

export type GgufMetadata = Map<string, GgufValue>;

export const str = (value: string): GgufValue => ({ kind: 'string', value });
export const u32 = (value: number): GgufValue => ({ kind: 'uint32', value });
export const f32 = (value: number): GgufValue => ({ kind: 'float32', value });
export const bool = (value: boolean): GgufValue => ({ kind: 'bool', value });

/** A float read back from float32 metadata, shown as the decimal it was written from (1e-5, not 9.99999974738e-6). */
export function tidyFloat32(x: number): number {
  return Number(Math.fround(x).toPrecision(7));
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}
