// Element types of ONNX tensors: names, TensorProto enum codes, and the typed arrays that carry them.
import { floatToHalf } from './float16.ts';

export type DType =
  | 'float32' | 'float64' | 'float16' | 'bfloat16'
  | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'bool';

/** TensorProto.DataType codes (onnx.proto). */
export const ONNX_DTYPE: Record<DType, number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, bool: 9,
  float16: 10, float64: 11, uint32: 12, uint64: 13, bfloat16: 16,
};

const BY_CODE = new Map<number, DType>(Object.entries(ONNX_DTYPE).map(([k, v]) => [v, k as DType]));

export function dtypeFromCode(code: number): DType {
  const d = BY_CODE.get(code);
  if (!d) throw new Error(`ONNX element type ${code} is not supported by Lathe's graph builder`);
  return d;
}

export const BYTES_PER_ELEMENT: Record<DType, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1,
  uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1,
};

export type TensorData =
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array | Int32Array | Int16Array | Int8Array
  | Uint8Array | Uint16Array | Uint32Array;

/** The dtype a typed array holds when no dtype is given (Uint16Array is taken as float16, Uint8Array as uint8). */
export function dtypeOfArray(a: TensorData): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof BigUint64Array) return 'uint64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Uint16Array) return 'float16';
  return 'uint32';
}

/** Check that a typed array can carry `dtype` (fp16/bf16 ride in Uint16Array, bool in Uint8Array). */
export function checkArrayFor(dtype: DType, a: TensorData, where: string): void {
  const ok: Record<DType, (x: TensorData) => boolean> = {
    float32: (x) => x instanceof Float32Array, float64: (x) => x instanceof Float64Array,
    float16: (x) => x instanceof Uint16Array, bfloat16: (x) => x instanceof Uint16Array,
    int64: (x) => x instanceof BigInt64Array, uint64: (x) => x instanceof BigUint64Array,
    int32: (x) => x instanceof Int32Array, int16: (x) => x instanceof Int16Array, int8: (x) => x instanceof Int8Array,
    uint8: (x) => x instanceof Uint8Array, bool: (x) => x instanceof Uint8Array,
    uint16: (x) => x instanceof Uint16Array, uint32: (x) => x instanceof Uint32Array,
  };
  if (!ok[dtype](a)) throw new Error(`${where}: a ${a.constructor.name} cannot hold ${dtype} data`);
}

/** Raw little-endian bytes of a typed array (a view, no copy). */
export function bytesOf(a: TensorData): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';

/** A typed array of `dtype` filled from plain numbers (small constants only: scalars, axes, shapes). */
export function arrayOf(dtype: DType, values: readonly number[]): TensorData {
  switch (dtype) {
    case 'float32': return Float32Array.from(values);
    case 'float64': return Float64Array.from(values);
    case 'int64': return BigInt64Array.from(values, (v) => BigInt(v));
    case 'uint64': return BigUint64Array.from(values, (v) => BigInt(v));
    case 'int32': return Int32Array.from(values);
    case 'int16': return Int16Array.from(values);
    case 'int8': return Int8Array.from(values);
    case 'uint8': case 'bool': return Uint8Array.from(values);
    case 'uint32': return Uint32Array.from(values);
    case 'float16': return floatToHalf(Float32Array.from(values));
    case 'bfloat16': return Uint16Array.from(values, (v) => new Uint32Array(Float32Array.of(v).buffer)[0] >>> 16);
    case 'uint16': return Uint16Array.from(values);
  }
}
