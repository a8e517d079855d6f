// One projection (768 → 2048, the llama-d768 MLP's up/gate) on onnxruntime's CPU kernels: float32 Gemm against
// MatMulNBits 4-bit and 8-bit blocks (block 32, Lathe's layout) at accuracy levels 0, 1 and 4, for M rows of input
// (M = 1: a decode step). Best of 30 interleaved runs, 1 thread. Prints one JSON line.
//   node --import tsx bench/matmul-nbits.ts [M]
import { GraphBuilder, createSession, ort } from '../native/onnx/index.ts';
import { quantizeBlocks } from '../native/deploy/onnx-quant-blocks.ts';

const N = 2048;
const K = 768;
const M = Number(process.argv[2] ?? 1);
let seed = 1;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
const w = Float32Array.from({ length: N * K }, rand);
const x = new ort.Tensor('float32', Float32Array.from({ length: M * K }, rand), [M, K]);

function graph(kind: 'fp32' | 'q4' | 'int8', level: number): GraphBuilder {
  const g = new GraphBuilder({ name: `${kind}-${level}` });
  const a = g.input('x', 'float32', [M, K]);
  if (kind === 'fp32') {
    g.output(g.op('Gemm', [a, g.initializer('w', w, [N, K])], { transB: 1 }), 'y');
    return g;
  }
  const bits = kind === 'q4' ? 4 : 8;
  const q = quantizeBlocks(w, N, K, bits);
  const b = g.initializer('b', q.data, [N, q.blocks, q.data.length / N / q.blocks], 'uint8');
  const s = g.initializer('s', q.scales, [N, q.blocks]);
  g.output(g.op('MatMulNBits', [a, b, s], { K, N, bits, block_size: 32, accuracy_level: level }, { domain: 'com.microsoft', types: [{ dtype: 'float32', shape: [M, N] }] }), 'y');
  return g;
}

const cases = [['fp32', 0], ['q4', 0], ['q4', 1], ['q4', 4], ['int8', 0], ['int8', 1], ['int8', 4]] as const;
const sessions = await Promise.all(cases.map(([k, l]) => createSession(graph(k, l), { intraOpNumThreads: 1 })));
const best = cases.map(() => Infinity);
for (let r = 0; r < 30; r++) {
  for (const [i, s] of sessions.entries()) {
    const t0 = performance.now();
    await s.run({ x });
    best[i] = Math.min(best[i], performance.now() - t0);
  }
}
console.log(JSON.stringify({ bench: 'matmul-nbits', M, N, K, ms: Object.fromEntries(cases.map(([k, l], i) => [k === 'fp32' ? 'fp32' : `${k}_level${l}`, Number(best[i].toFixed(3))])) }));
