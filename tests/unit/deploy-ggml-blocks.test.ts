// ggml block layouts, checked against values worked out here from ggml-quants.c's definitions rather than
// through the code under test: Q8_0 and Q4_0 as Lathe writes them, and hand-built Q4_K / Q6_K super-blocks.
import { describe, expect, it } from 'vitest';
import { BLOCK, dequantize, quantizeQ4_0, quantizeQ8_0 } from '../../native/deploy/ggml-blocks.ts';
import { halfToFloat } from '../../native/onnx/float16.ts';

describe('Q8_0', () => {
  it('stores d = max|x|/127 as fp16, then round(x/d) as int8 per block of 32', () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => (i < 32 ? (i - 10) * 0.5 : Math.sin(i) * 3));
    const q = quantizeQ8_0(x);
    expect(q.length).toBe(2 * 34);
    const view = new DataView(q.buffer);
    for (let b = 0; b < 2; b++) {
      const block = x.subarray(b * 32, b * 32 + 32);
      const amax = Math.max(...Array.from(block, Math.abs));
      const d = halfToFloat(view.getUint16(b * 34, true));
      expect(Math.abs(d - amax / 127)).toBeLessThanOrEqual((amax / 127) * 2 ** -11);
      for (let j = 0; j < 32; j++) expect(view.getInt8(b * 34 + 2 + j)).toBe(Math.sign(block[j]) * Math.round(Math.abs(block[j] * (127 / amax))));
    }
    // Block 0's largest magnitude is x[31] = 10.5: it must come out as exactly 127.
    expect(view.getInt8(2 + 31)).toBe(127);
    const back = dequantize('Q8_0', q, 64);
    for (let i = 0; i < 64; i++) {
      const amax = Math.max(...Array.from(x.subarray(i & ~31, (i & ~31) + 32), Math.abs));
      // half a step, plus the fp16 rounding of d carried to the block's largest value
      expect(Math.abs(back[i] - x[i])).toBeLessThanOrEqual(amax / 254 + amax * 2 ** -10);
    }
  });

  it('writes an all-zero block as d = 0 and zeros', () => {
    const q = quantizeQ8_0(new Float32Array(32));
    expect(Array.from(q)).toEqual(new Array(34).fill(0));
    expect(Array.from(dequantize('Q8_0', q, 32))).toEqual(new Array(32).fill(0));
  });
});

describe('Q4_0', () => {
  it('puts element j in the low nibble and j+16 in the high nibble of byte j, with d = -max/8', () => {
    const x = Float32Array.from({ length: 32 }, (_, j) => j - 16); // largest magnitude: x[0] = -16, so d = 2
    const q = quantizeQ4_0(x);
    expect(q.length).toBe(BLOCK.Q4_0.bytes);
    expect(halfToFloat(new DataView(q.buffer).getUint16(0, true))).toBe(2);
    const nibble = (v: number) => Math.min(15, Math.trunc(v / 2 + 8.5));
    for (let j = 0; j < 16; j++) expect(q[2 + j]).toBe(nibble(x[j]) | (nibble(x[j + 16]) << 4));
    expect(q[2] & 0x0f).toBe(0); // -16 → q = 0 → (0 - 8) * 2 = -16 exactly
    expect(q[2 + 15] >> 4).toBe(15); // 15 → 16 clamps to 15
    const back = dequantize('Q4_0', q, 32);
    for (let j = 0; j < 32; j++) expect(back[j]).toBe((nibble(x[j]) - 8) * 2);
  });
});

describe('K-quants (read only)', () => {
  it('decodes a hand-built Q4_K super-block: y = d·scale·q − dmin·min per sub-block of 32', () => {
    const block = new Uint8Array(BLOCK.Q4_K.bytes);
    const view = new DataView(block.buffer);
    view.setUint16(0, 0x3c00, true); // d = 1
    view.setUint16(2, 0x3800, true); // dmin = 0.5
    block.set([1, 2, 3, 4], 4); // scales of sub-blocks 0-3 (6 bits; top bits 0)
    block.set([1, 1, 1, 1], 8); // mins of sub-blocks 0-3
    block.set([0x25, 0x25, 0x25, 0x25], 12); // sub-blocks 4-7: scale 5 (low nibble), min 2 (high nibble)
    block.fill(0x31, 16); // every low nibble 1, every high nibble 3
    const scale = [1, 2, 3, 4, 5, 5, 5, 5];
    const min = [1, 1, 1, 1, 2, 2, 2, 2];
    const y = dequantize('Q4_K', block, 256);
    for (let e = 0; e < 256; e++) {
      const s = e >> 5; // sub-block; even ones take the low nibbles of a 32-byte run, odd ones the high
      expect(y[e]).toBe(scale[s] * (s % 2 === 0 ? 1 : 3) - 0.5 * min[s]);
    }
  });

  it('decodes a hand-built Q6_K super-block: 4 low bits in ql, 2 high in qh, minus 32, times d·scale', () => {
    const block = new Uint8Array(BLOCK.Q6_K.bytes);
    block.fill(0x21, 0, 128); // ql: low nibble 1, high nibble 2
    block.fill(0xe4, 128, 192); // qh: bit pairs 0, 1, 2, 3 from the bottom
    for (let k = 0; k < 16; k++) new DataView(block.buffer).setInt8(192 + k, k - 8);
    new DataView(block.buffer).setUint16(208, 0x4000, true); // d = 2
    const qOfQuarter = [(1 | (0 << 4)) - 32, (1 | (1 << 4)) - 32, (2 | (2 << 4)) - 32, (2 | (3 << 4)) - 32];
    const y = dequantize('Q6_K', block, 256);
    for (let e = 0; e < 256; e++) {
      const half = e >> 7;
      const quarter = (e & 127) >> 5;
      const l = e & 31;
      const sc = half * 8 + (l >> 4) + 2 * quarter - 8;
      expect(y[e]).toBe(2 * sc * qOfQuarter[quarter]);
    }
  });
});
