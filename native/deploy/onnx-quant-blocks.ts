// The weight layouts of onnxruntime's quantised contrib ops, as their CPU kernels read them:
//   MatMulNBits         B (N, ⌈K/bs⌉, bs·bits/8) uint8, scales (N·⌈K/bs⌉) float; no zero points given, so the
//                       kernel uses 2^(bits−1) (8 for 4-bit, 128 for 8-bit). 4-bit: element 2j in the low nibble
//                       of byte j, element 2j+1 in the high nibble. K is padded with zeros to whole blocks.
//   GatherBlockQuantized  the same bytes for an embedding table (V, C) quantised along C (quantize_axis 1),
//                       scales (V, C/bs).
//   DynamicQuantizeMatMul B (K, N) uint8, one scale per column (N), zero point 128 (see quantizeColumns8).
// Symmetric block quantisation as ggml's Q4_0/Q8_0 and ORT's own quantiser do it: 4-bit maps the value of
// largest magnitude m to −8 (scale = m / −8), 8-bit uses scale = max|x| / 127. One-off conversions of a whole
// model at export time, so the loops here run once per weight, not on a hot path.

export type BlockBits = 4 | 8;

export interface BlockQuantized {
  /** (N, blocks, bs·bits/8) for MatMulNBits; the same bytes viewed as (N, blocks·bs·bits/8) for GatherBlockQuantized. */
  data: Uint8Array;
  scales: Float32Array; // (N, blocks)
  rows: number; // N
  cols: number; // K
  blocks: number; // ⌈K / bs⌉
  blockSize: number;
  bits: BlockBits;
}

/** C's roundf: halves away from zero. */
function roundAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * Quantise the rows of W (N, K) row-major in blocks of `blockSize` along K. `transposed`: W is given as (K, N)
 * (a GPT-2 Conv1D weight) and is read column by column.
 */
export function quantizeBlocks(w: Float32Array, rows: number, cols: number, bits: BlockBits, blockSize = 32, transposed = false): BlockQuantized {
  if (w.length !== rows * cols) throw new Error(`quantizeBlocks: ${w.length} values for a ${rows}×${cols} matrix`);
  if (blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) throw new Error(`quantizeBlocks: block size ${blockSize} must be a power of two ≥ 16 (onnxruntime's MatMulNBits)`);
  const blocks = Math.ceil(cols / blockSize);
  const blobBytes = (blockSize * bits) / 8;
  const data = new Uint8Array(rows * blocks * blobBytes);
  const scales = new Float32Array(rows * blocks);
  const at = transposed ? (n: number, k: number) => w[k * rows + n] : (n: number, k: number) => w[n * cols + k];
  const zero = 1 << (bits - 1);
  const top = (1 << bits) - 1;
  const block = new Float32Array(blockSize);
  for (let n = 0; n < rows; n++) {
    for (let b = 0; b < blocks; b++) {
      block.fill(0);
      for (let j = 0; j < blockSize && b * blockSize + j < cols; j++) block[j] = at(n, b * blockSize + j);
      let scale: number;
      if (bits === 4) {
        let m = 0;
        for (const x of block) if (Math.abs(x) > Math.abs(m)) m = x;
        scale = m / -8;
      } else {
        let amax = 0;
        for (const x of block) amax = Math.max(amax, Math.abs(x));
        scale = amax / 127;
      }
      scales[n * blocks + b] = scale;
      const inv = scale ? 1 / scale : 0;
      const base = (n * blocks + b) * blobBytes;
      for (let j = 0; j < blockSize; j++) {
        const q = Math.min(top, Math.max(0, roundAway(block[j] * inv) + zero));
        if (bits === 8) data[base + j] = q;
        else data[base + (j >> 1)] |= j & 1 ? q << 4 : q;
      }
    }
  }
  return { data, scales, rows, cols, blocks, blockSize, bits };
}

/** The float values the kernels see: (N, K) row-major (for tests and error measurements). */
export function dequantizeBlocks(q: BlockQuantized): Float32Array {
  const { rows, cols, blocks, blockSize, bits } = q;
  const out = new Float32Array(rows * cols);
  const blobBytes = (blockSize * bits) / 8;
  const zero = 1 << (bits - 1);
  for (let n = 0; n < rows; n++) {
    for (let k = 0; k < cols; k++) {
      const b = Math.floor(k / blockSize);
      const j = k % blockSize;
      const byte = q.data[(n * blocks + b) * blobBytes + (bits === 8 ? j : j >> 1)];
      const v = bits === 8 ? byte : j & 1 ? byte >> 4 : byte & 15;
      out[n * cols + k] = (v - zero) * q.scales[n * blocks + b];
    }
  }
  return out;
}

export interface ColumnQuantized {
  data: Uint8Array; // (K, N): the code q ∈ −127…127 stored as q + COLUMN_ZERO_POINT
  scales: Float32Array; // (N)
}

/** Zero point of every column of quantizeColumns8: the stored byte 128 is the weight 0. */
export const COLUMN_ZERO_POINT = 128;

/**
 * Symmetric 8-bit per output channel for DynamicQuantizeMatMul: B (K, N) with scale max|column| / 127, each code
 * stored as an unsigned byte offset by 128 (zero point 128, so still symmetric). Unsigned, not int8: the kernel
 * quantises activations to uint8, and on x86 CPUs without VNNI (AVX2 only: most laptops, AMD EPYC before Zen 4)
 * MLAS multiplies uint8 × int8 with VPMADDUBSW, which adds pairs of products into a saturating int16
 * (2 × 255 × 127 > 32,767): a small Llama's logits came out 0.8 off on such a CPU. Its uint8 × uint8 kernel widens
 * to 16 bits first and is exact everywhere, and unlike onnxruntime's other remedy (`reduce_range`, 7-bit weights,
 * which cost stories260K 6 points of perplexity and a third of its greedy agreement here) it keeps all 8 bits. The
 * file is written once and may run on any CPU, so this is not chosen per machine.
 * `w` is an nn.Linear weight (N, K) unless `transposed` (already (K, N), GPT-2's Conv1D).
 */
export function quantizeColumns8(w: Float32Array, rows: number, cols: number, transposed = false): ColumnQuantized {
  if (w.length !== rows * cols) throw new Error(`quantizeColumns8: ${w.length} values for a ${rows}×${cols} matrix`);
  const N = rows;
  const K = cols;
  const at = transposed ? (n: number, k: number) => w[k * N + n] : (n: number, k: number) => w[n * K + k];
  const data = new Uint8Array(K * N);
  const scales = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    let amax = 0;
    for (let k = 0; k < K; k++) amax = Math.max(amax, Math.abs(at(n, k)));
    const scale = amax / 127;
    scales[n] = scale;
    const inv = scale ? 1 / scale : 0;
    for (let k = 0; k < K; k++) data[k * N + n] = COLUMN_ZERO_POINT + Math.max(-127, Math.min(127, roundAway(at(n, k) * inv)));
  }
  return { data, scales };
}
