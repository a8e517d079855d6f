// What the benchmarks share: the thread count, the statistics, peak memory, ORT's plain SGEMM rate (printed beside
// every ratio so the kernels' own gap to the peer framework is visible), and the PyTorch baseline's environment.
import { execFileSync } from 'node:child_process';
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

/** What a PyTorch baseline reports about the BLAS it ran (bench/baselines/harness.py). */
export interface BlasProbe { openblas_core: string | null; openblas_threads: number | null; sgemm_gflops: number; sgemm_max_rel_err: number }

/**
 * Settings that override OpenBLAS's choice for the CPU: this machine's environment forces the AVX2 (Haswell) kernel
 * and a 512 KB L2 on an AVX-512 CPU, which halves its SGEMM peak.
 */
const FORCED_OPENBLAS = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/**
 * Largest SGEMM error against a float64 product, relative to the product's largest element, that a kernel may show
 * before the baseline refuses it: float32 rounding over 2048-term sums gives ~5e-7; a wrong kernel gives O(1).
 */
const SGEMM_TOLERANCE = 1e-5;

/** Run a baseline script with /usr/bin/python3 (Debian's torch) and parse its last line. */
export function runPython(script: string, args: string[], env: NodeJS.ProcessEnv): Record<string, number | string> {
  return JSON.parse(execFileSync('/usr/bin/python3', [script, ...args], { encoding: 'utf8', env }).trim().split('\n').pop()!);
}

/**
 * The environment the PyTorch baseline runs in: OpenBLAS free to pick its own kernel (the settings above removed),
 * once its SGEMM has been checked against float64 there; otherwise, the machine's settings, and the reason. Both
 * probes come back, to be printed.
 */
export function pytorchEnv(script: string): { env: NodeJS.ProcessEnv; chosen: 'openblas-own-choice' | 'machine-settings'; machine: BlasProbe; own: BlasProbe } {
  const machineEnv = childEnv();
  const ownEnv = Object.fromEntries(Object.entries(machineEnv).filter(([k]) => !FORCED_OPENBLAS.includes(k)));
  const probe = (env: NodeJS.ProcessEnv): BlasProbe => runPython(script, ['--sgemm', '--threads', `${THREADS}`], env) as unknown as BlasProbe;
  const machine = probe(machineEnv);
  const own = probe(ownEnv);
  const ok = own.sgemm_max_rel_err <= SGEMM_TOLERANCE;
  if (!ok) console.error(`bench: OpenBLAS's own kernel (${own.openblas_core}) is off by ${own.sgemm_max_rel_err} against float64; the baseline keeps the machine's settings`);
  return { env: ok ? ownEnv : machineEnv, chosen: ok ? 'openblas-own-choice' : 'machine-settings', machine, own };
}
