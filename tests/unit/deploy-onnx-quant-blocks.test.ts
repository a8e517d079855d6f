// The quantised weight layouts as onnxruntime's kernels read them: a MatMulNBits / GatherBlockQuantized /
// DynamicQuantizeMatMul node fed Lathe's bytes must give what a plain float MatMul / Gather gives on the
// dequantised weights. If the nibble order, the default zero point or the scale layout were wrong, the
// results would differ by whole quantisation steps, not by float rounding.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, createSession, ort } from '../../native/onnx/index.ts';
import { COLUMN_ZERO_POINT, dequantizeBlocks, quantizeBlocks, quantizeColumns8 } from '../../native/deploy/onnx-quant-blocks.ts';

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31) * 2 - 1;
  });
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function run(g: GraphBuilder, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const s = await createSession(g, { intraOpNumThreads: 1 });
  try {
    return (await s.run(feeds)).y.data as Float32Array;
  } finally {
    await s.release();
  }
}

const M = 3;
const N = 40;
const K = 80; // not a whole number of 32-blocks: the last block is padded with zeros

describe('block quantisation codecs', () => {
  it.each([4, 8] as const)('%i-bit: each value within half a step of its block scale', (bits) => {
    const w = random(N * K, 7);
    const q = quantizeBlocks(w, N, K, bits);
    const back = dequantizeBlocks(q);
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++) {
        const step = Math.abs(q.scales[n * q.blocks + Math.floor(k / 32)]);
        // 4-bit maps the largest magnitude to −8, so its opposite sign can clip by up to one step.
        expect(Math.abs(back[n * K + k] - w[n * K + k])).toBeLessThanOrEqual(step * (bits === 4 ? 1 : 0.5) + 1e-7);
      }
    }
  });

  it('reads a GPT-2 Conv1D weight (K, N) as its transpose', () => {
    const w = random(N * K, 9); // (N, K)
    const t = new Float32Array(K * N);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) t[k * N + n] = w[n * K + k];
    expect(quantizeBlocks(t, N, K, 4, 32, true).data).toEqual(quantizeBlocks(w, N, K, 4).data);
  });
});

describe('onnxruntime reads the layouts', () => {
  it.each([4, 8] as const)('MatMulNBits bits=%i equals MatMul on the dequantised weight (+ bias)', async (bits) => {
    const w = random(N * K, 3);
    const bias = random(N, 4);
    const x = random(M * K, 5);
    const q = quantizeBlocks(w, N, K, bits);
    const g = new GraphBuilder({ name: 'nbits' });
    const a = g.input('x', 'float32', [M, K]);
    const data = g.initializer('b', q.data, [N, q.blocks, q.data.length / N / q.blocks], 'uint8');
    const scales = g.initializer('s', q.scales, [N, q.blocks]);
    g.output(g.op('MatMulNBits', [a, data, scales, null, null, g.initializer('bias', bias, [N])], { K, N, bits, block_size: 32, accuracy_level: 1 }, { domain: 'com.microsoft', types: [{ dtype: 'float32', shape: [M, N] }] }), 'y');
    const ref = new GraphBuilder({ name: 'ref' });
    const ra = ref.input('x', 'float32', [M, K]);
    ref.output(ref.op('Gemm', [ra, ref.initializer('w', dequantizeBlocks(q), [N, K]), ref.initializer('bias', bias, [N])], { transB: 1 }), 'y');
    const feeds = { x: new ort.Tensor('float32', x, [M, K]) };
    expect(maxDiff(await run(g, feeds), await run(ref, feeds))).toBeLessThan(1e-4);
  });

  it.each([4, 8] as const)('GatherBlockQuantized bits=%i returns the dequantised rows', async (bits) => {
    const V = 12;
    const C = 64;
    const table = random(V * C, 11);
    const q = quantizeBlocks(table, V, C, bits);
    const g = new GraphBuilder({ name: 'gbq' });
    const ids = g.input('ids', 'int64', [4]);
    const data = g.initializer('t', q.data, [V, (C * bits) / 8], 'uint8');
    g.output(g.op('GatherBlockQuantized', [data, ids, g.initializer('s', q.scales, [V, q.blocks])], { gather_axis: 0, quantize_axis: 1, block_size: 32, bits }, { domain: 'com.microsoft', types: [{ dtype: 'float32', shape: [4, C] }] }), 'y');
    const pick = [3, 0, 11, 3];
    const got = await run(g, { ids: new ort.Tensor('int64', BigInt64Array.from(pick.map(BigInt)), [4]) });
    const back = dequantizeBlocks(q);
    const want = Float32Array.from(pick.flatMap((r) => Array.from(back.subarray(r * C, (r + 1) * C))));
    expect(maxDiff(got, want)).toBeLessThan(1e-6);
  });

  it('DynamicQuantizeMatMul with per-column 8-bit weights (uint8, zero point 128) is within the activation rounding of the float product', async () => {
    const w = random(N * K, 13);
    const x = random(M * K, 14);
    const q = quantizeColumns8(w, N, K);
    // Unsigned bytes around 128, each column's largest weight at ±127: uint8 × uint8 in the kernel, which no CPU
    // saturates (uint8 × int8 did, on AVX2 without VNNI).
    for (let n = 0; n < N; n++) {
      let top = 0;
      for (let k = 0; k < K; k++) top = Math.max(top, Math.abs(q.data[k * N + n] - COLUMN_ZERO_POINT));
      expect(top).toBe(127);
    }
    const g = new GraphBuilder({ name: 'dq' });
    const a = g.input('x', 'float32', [M, K]);
    const zeros = g.initializer('z', new Uint8Array(N).fill(COLUMN_ZERO_POINT), [N], 'uint8');
    g.output(g.op('DynamicQuantizeMatMul', [a, g.initializer('b', q.data, [K, N], 'uint8'), g.initializer('s', q.scales, [N]), zeros], {}, { domain: 'com.microsoft', types: [{ dtype: 'float32', shape: [M, N] }] }), 'y');
    const deq = new Float32Array(N * K);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) deq[n * K + k] = (q.data[k * N + n] - COLUMN_ZERO_POINT) * q.scales[n];
    const ref = new GraphBuilder({ name: 'ref' });
    ref.output(ref.op('Gemm', [ref.input('x', 'float32', [M, K]), ref.initializer('w', deq, [N, K])], { transB: 1 }), 'y');
    const feeds = { x: new ort.Tensor('float32', x, [M, K]) };
    const got = await run(g, feeds);
    const want = await run(ref, feeds);
    // Activations are quantised to uint8 per call (step ≈ 2/255 over [−1, 1]); K = 80 products of |w| ≤ 1.
    expect(maxDiff(got, want)).toBeLessThan(0.1);
    // …and a wrong weight layout (e.g. (N, K) read as (K, N)) would be off by far more than that.
    expect(maxDiff(got, want)).toBeGreaterThan(0);
  });
});
