// What the benchmarks share: the thread count, the statistics, peak memory, and ORT's plain SGEMM rate
// (printed first so the kernels' own gap to the peer framework is visible beside every ratio).
import { readFileSync } from 'node:fs';
import { withReusedHeap } from '../native/jobs/reused-heap.ts';
import { GraphBuilder, createSession, ort } from '../native/onnx/index.ts';

export const THREADS = Number(process.env.BENCH_THREADS ?? 2);

/**
 * The environment of a benchmark's child processes: the malloc settings Lathe's job workers train with
 * (native/jobs/reused-heap.ts), for PyTorch too, whose CPU allocator also takes big tensors from fresh mmaps, so the
 * comparison stays like with like. `--default-malloc` on the command line (or `defaultMalloc`) keeps glibc's defaults.
 */
export const childEnv = (defaultMalloc = process.argv.includes('--default-malloc')): NodeJS.ProcessEnv =>
  defaultMalloc ? process.env : withReusedHeap(process.env);

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** This process's peak resident memory (Linux VmHWM), in MiB. */
export const peakRssMb = (): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

/** GFLOP/s of one 2048² float32 MatMul on ORT's CPU provider, best of 5 after a warm-up. */
export async function sgemmOrt(threads = THREADS): Promise<number> {
  const n = 2048;
  const g = new GraphBuilder();
  g.output(g.op('MatMul', [g.input('a', 'float32', [n, n]), g.input('b', 'float32', [n, n])]), 'c');
  const s = await createSession(g, { intraOpNumThreads: threads });
  const t = new ort.Tensor('float32', Float32Array.from({ length: n * n }, (_, i) => (i % 7) / 7), [n, n]);
  await s.run({ a: t, b: t });
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await s.run({ a: t, b: t });
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  await s.release();
  return (2 * n ** 3) / best / 1e9;
}
