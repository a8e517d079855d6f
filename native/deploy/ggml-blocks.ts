// ggml's tensor types as GGUF stores them: the type numbers, the bytes each block of elements takes, and the
// block layouts Lathe writes (F32, F16, Q8_0, Q4_0) and reads (those plus Q4_K and Q6_K), bit for bit as
// ggml-quants.c's reference (quantize_row_*_ref / dequantize_row_*) lays them out. Export and import are
// one-off conversions of a whole model, not a hot path, so the loops here run once per weight.
import { floatToHalf, halfToFloat } from '../onnx/float16.ts'; // directly: the index would load onnxruntime

/** ggml_type numbers (ggml.h). */
export const GGML_TYPE = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8, Q4_K: 12, Q6_K: 14 } as const;
export type GgmlTypeName = keyof typeof GGML_TYPE;

/** Elements per block and bytes per block of each type Lathe reads. */
export const BLOCK: Record<GgmlTypeName, { elements: number; bytes: number }> = {
  F32: { elements: 1, bytes: 4 },
  F16: { elements: 1, bytes: 2 },
  Q4_0: { elements: 32, bytes: 2 + 16 }, // fp16 d, 16 bytes of nibbles
  Q8_0: { elements: 32, bytes: 2 + 32 }, // fp16 d, 32 int8
  Q4_K: { elements: 256, bytes: 2 + 2 + 12 + 128 }, // fp16 d, fp16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles
  Q6_K: { elements: 256, bytes: 128 + 64 + 16 + 2 }, // ql, qh, int8 scales, fp16 d
};

export function typeName(type: number): GgmlTypeName | undefined {
  return (Object.keys(GGML_TYPE) as GgmlTypeName[]).find((k) => GGML_TYPE[k] === type);
}

/** Bytes that `n` elements of `type` take; `n` must be a whole number of blocks. */
export function byteSize(type: GgmlTypeName, n: number): number {
  const b = BLOCK[type];
  return (n / b.elements) * b.bytes;
}

/** The fp16 value of `x` as stored (ggml keeps block scales in half precision). */
function toHalfBits(x: number): number {
  return floatToHalf(Float32Array.of(x))[0];
}

/** C's roundf: halves away from zero (Math.round rounds -2.5 to -2). */
function roundAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** quantize_row_q8_0_ref: per block of 32, d = max|x| / 127, q = round(x / d). */
export function quantizeQ8_0(x: Float32Array): Uint8Array {
  const nb = x.length / 32;
  const out = new Uint8Array(nb * BLOCK.Q8_0.bytes);
  const view = new DataView(out.buffer);
  for (let b = 0; b < nb; b++) {
    const base = b * 32;
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[base + j]));
    const d = amax / 127;
    const id = d ? 1 / d : 0;
    const o = b * BLOCK.Q8_0.bytes;
    view.setUint16(o, toHalfBits(d), true);
    for (let j = 0; j < 32; j++) view.setInt8(o + 2 + j, roundAway(Math.fround(x[base + j] * id)));
  }
  return out;
}

/**
 * quantize_row_q4_0_ref: per block of 32, d = (the value of largest magnitude, sign kept) / -8 and
 * q = min(15, trunc(x / d + 8.5)); element j < 16 goes to the low nibble of byte j, element j + 16 to its high one.
 */
export function quantizeQ4_0(x: Float32Array): Uint8Array {
  const nb = x.length / 32;
  const out = new Uint8Array(nb * BLOCK.Q4_0.bytes);
  const view = new DataView(out.buffer);
  for (let b = 0; b < nb; b++) {
    const base = b * 32;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < 32; j++) {
      const v = x[base + j];
      if (Math.abs(v) > amax) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = Math.fround(max / -8);
    const id = d ? Math.fround(1 / d) : 0;
    const o = b * BLOCK.Q4_0.bytes;
    view.setUint16(o, toHalfBits(d), true);
    for (let j = 0; j < 16; j++) {
      const lo = Math.min(15, Math.trunc(Math.fround(Math.fround(x[base + j] * id) + 8.5)));
      const hi = Math.min(15, Math.trunc(Math.fround(Math.fround(x[base + 16 + j] * id) + 8.5)));
      out[o + 2 + j] = lo | (hi << 4);
    }
  }
  return out;
}

/** Encode `x` (a whole number of blocks) as `type`. */
export function quantize(type: 'F32' | 'F16' | 'Q8_0' | 'Q4_0', x: Float32Array): Uint8Array {
  if (type === 'F32') return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  if (type === 'F16') {
    const h = floatToHalf(x);
    return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
  }
  return type === 'Q8_0' ? quantizeQ8_0(x) : quantizeQ4_0(x);
}

/** Decode `n` elements of `type` from `bytes` (exactly byteSize(type, n) long) to float32. */
export function dequantize(type: GgmlTypeName, bytes: Uint8Array, n: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const y = new Float32Array(n);
  const half = (o: number) => halfToFloat(view.getUint16(o, true));
  const { bytes: size } = BLOCK[type];
  switch (type) {
    case 'F32':
      for (let i = 0; i < n; i++) y[i] = view.getFloat32(4 * i, true);
      return y;
    case 'F16':
      for (let i = 0; i < n; i++) y[i] = half(2 * i);
      return y;
    case 'Q8_0':
      for (let b = 0; b < n / 32; b++) {
        const d = half(b * size);
        for (let j = 0; j < 32; j++) y[b * 32 + j] = d * view.getInt8(b * size + 2 + j);
      }
      return y;
    case 'Q4_0':
      for (let b = 0; b < n / 32; b++) {
        const o = b * size;
        const d = half(o);
        for (let j = 0; j < 16; j++) {
          y[b * 32 + j] = ((bytes[o + 2 + j] & 0x0f) - 8) * d;
          y[b * 32 + 16 + j] = ((bytes[o + 2 + j] >> 4) - 8) * d;
        }
      }
      return y;
    case 'Q4_K':
      for (let b = 0; b < n / 256; b++) dequantizeQ4KBlock(bytes, b * size, y, b * 256);
      return y;
    case 'Q6_K':
      for (let b = 0; b < n / 256; b++) dequantizeQ6KBlock(bytes, b * size, y, b * 256);
      return y;
  }
}

/** get_scale_min_k4: the j-th 6-bit scale and min of a Q4_K block's 12 packed bytes at `s`. */
function scaleMinK4(q: Uint8Array, s: number, j: number): [number, number] {
  if (j < 4) return [q[s + j] & 63, q[s + j + 4] & 63];
  return [(q[s + j + 4] & 0x0f) | ((q[s + j - 4] >> 6) << 4), (q[s + j + 4] >> 4) | ((q[s + j] >> 6) << 4)];
}

/** dequantize_row_q4_K, one super-block: 8 sub-blocks of 32, each y = d·scale·q − dmin·min. */
function dequantizeQ4KBlock(q: Uint8Array, o: number, y: Float32Array, at: number): void {
  const view = new DataView(q.buffer, q.byteOffset, q.byteLength);
  const d = halfToFloat(view.getUint16(o, true));
  const dmin = halfToFloat(view.getUint16(o + 2, true));
  const scales = o + 4;
  let qs = o + 16;
  let is = 0;
  for (let j = 0; j < 256; j += 64) {
    const [sc1, m1] = scaleMinK4(q, scales, is);
    const [sc2, m2] = scaleMinK4(q, scales, is + 1);
    for (let l = 0; l < 32; l++) y[at + j + l] = d * sc1 * (q[qs + l] & 0x0f) - dmin * m1;
    for (let l = 0; l < 32; l++) y[at + j + 32 + l] = d * sc2 * (q[qs + l] >> 4) - dmin * m2;
    qs += 32;
    is += 2;
  }
}

/** dequantize_row_q6_K, one super-block: 16 sub-blocks of 16, 6-bit q (4 low bits in ql, 2 high in qh) − 32. */
function dequantizeQ6KBlock(q: Uint8Array, o: number, y: Float32Array, at: number): void {
  const view = new DataView(q.buffer, q.byteOffset, q.byteLength);
  const d = halfToFloat(view.getUint16(o + 208, true));
  let ql = o;
  let qh = o + 128;
  let sc = o + 192;
  for (let n = 0; n < 256; n += 128) {
    for (let l = 0; l < 32; l++) {
      const is = l >> 4;
      const q1 = ((q[ql + l] & 0x0f) | (((q[qh + l] >> 0) & 3) << 4)) - 32;
      const q2 = ((q[ql + l + 32] & 0x0f) | (((q[qh + l] >> 2) & 3) << 4)) - 32;
      const q3 = ((q[ql + l] >> 4) | (((q[qh + l] >> 4) & 3) << 4)) - 32;
      const q4 = ((q[ql + l + 32] >> 4) | (((q[qh + l] >> 6) & 3) << 4)) - 32;
      y[at + n + l] = d * view.getInt8(sc + is) * q1;
      y[at + n + l + 32] = d * view.getInt8(sc + is + 2) * q2;
      y[at + n + l + 64] = d * view.getInt8(sc + is + 4) * q3;
      y[at + n + l + 96] = d * view.getInt8(sc + is + 6) * q4;
    }
    ql += 64;
    qh += 32;
    sc += 8;
  }
}
