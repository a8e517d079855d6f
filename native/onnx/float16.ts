// IEEE 754 half precision (fp16), the one conversion both ways: F16 safetensors checkpoints, GGUF's F16
// tensors and ggml's half-precision block scales, ONNX float16 initializers and graph constants.

function decodeHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Every fp16 bit pattern's value (256 KiB, built on first use): F16 tensors decode 4× faster by lookup. */
let HALF_TABLE: Float32Array | null = null;

/** The value of the fp16 bit pattern `h` (0 to 0xffff). */
export function halfToFloat(h: number): number {
  if (!HALF_TABLE) HALF_TABLE = Float32Array.from({ length: 65536 }, (_, i) => decodeHalf(i));
  return HALF_TABLE[h];
}

/** Encode float32 values as IEEE half (round to nearest even): F16 checkpoints, ggml block scales, ONNX float16 weights. */
export function floatToHalf(values: Float32Array): Uint16Array {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    f[0] = values[i];
    const x = u[0];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    const e = exp - 127 + 15;
    if (e >= 31) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      let half = mant >>> shift;
      const rem = mant & ((1 << shift) - 1);
      const mid = 1 << (shift - 1);
      if (rem > mid || (rem === mid && half & 1)) half++;
      out[i] = sign | half;
      continue;
    }
    let half = (e << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
    out[i] = sign | half;
  }
  return out;
}
