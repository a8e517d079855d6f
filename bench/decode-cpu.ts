// Decode cost in CPU time, Lathe against llama.cpp on the same weights (docs/benchmarks.md, "Decode: Lathe vs
// llama.cpp"). bench/decode.ts times steps by the wall clock, which on a shared machine mostly measures the other work
// queued for the cores; this measures the process's CPU time per single-token step (user + system, all threads), for
// llama-d768 at fp32 / 8-bit / 4-bit with both engines on one thread, after the same 128-token prompt.
// Lathe runs its ONNX variant (CausalLM.forward); llama.cpp (node-llama-cpp) its GGUF export, one token per
// evaluateWithoutGeneratingNewTokens call. Interleaved with Lathe's steps, the same file's weight products alone
// (bench/projections-only.ts: the same kernels on the same weights, one row each, no other node) are timed too, so
// Lathe's step splits into the projections and the rest. Prints one JSON line (min / 25th percentile / median).
// BENCH_KV=grow runs Lathe's files with the grow path (a new present per step) instead of their in-place KV cache.
//   node --import tsx bench/decode-cpu.ts [--steps 64]      BENCH_KV (in-place | grow)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportGguf, type GgufDtype } from '../native/deploy/gguf-write.ts';
import { CausalLM } from '../native/models/decoder.ts';
import { ONNX_VARIANTS, type OnnxDtype } from '../native/models/onnx-variants.ts';
import { exportLlamaD768 } from './llama-d768.ts';
import { projectionsOnly } from './projections-only.ts';

const arg = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const STEPS = Number(arg('--steps') ?? 64);
const GROW = process.env.BENCH_KV === 'grow';
const PROMPT = 128;
const PRECISIONS: { name: string; onnx: OnnxDtype; gguf: GgufDtype }[] = [
  { name: 'fp32', onnx: 'fp32', gguf: 'f32' },
  { name: '8-bit', onnx: 'int8', gguf: 'q8_0' },
  { name: '4-bit', onnx: 'q4', gguf: 'q4_0' },
];

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
interface Spread { min: number; p25: number; median: number }
const spread = (xs: number[]): Spread => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Number(x.toFixed(2));
  return { min: r(s[0]), p25: r(s[Math.floor(s.length / 4)]), median: r(s[Math.floor(s.length / 2)]) };
};
/** Wall and CPU milliseconds of each of `STEPS` calls of `step(i)`; with `beside`, also of a call of it after each step. */
async function timeSteps(step: (i: number) => Promise<void>, beside?: () => Promise<void>): Promise<{ wallMs: Spread; cpuMs: Spread; beside?: { wallMs: Spread; cpuMs: Spread } }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  const wall2: number[] = [];
  const cpu2: number[] = [];
  const timed = async (f: () => Promise<void>, w: number[], c: number[]) => {
    const t = performance.now();
    const c0 = cpuMs();
    await f();
    w.push(performance.now() - t);
    c.push(cpuMs() - c0);
  };
  for (let i = 0; i < STEPS; i++) {
    await timed(() => step(i), wall, cpu);
    if (beside) await timed(beside, wall2, cpu2);
  }
  return { wallMs: spread(wall), cpuMs: spread(cpu), ...(beside ? { beside: { wallMs: spread(wall2), cpuMs: spread(cpu2) } } : {}) };
}

const prompt = Array.from({ length: PROMPT }, (_, i) => 3 + ((i * 7) % 500));
const nextToken = (i: number) => 5 + (i % 300);
type LlamaToken = import('node-llama-cpp').Token;
/** The same ids for llama.cpp (both models use stories260K's 512-token vocabulary; Token is a branded number). */
const asLlamaTokens = (ids: number[]): LlamaToken[] => ids as unknown as LlamaToken[];

const lib = await import('node-llama-cpp');
const llama = await lib.getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: lib.LlamaLogLevel.error });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-decode-cpu-'));
try {
  const { dir, onnxDir } = await exportLlamaD768(tmp, PRECISIONS.map((p) => p.onnx));
  const rows = [];
  for (const p of PRECISIONS) {
    const lm = await CausalLM.load(onnxDir, { dtype: p.onnx, intraOpNumThreads: 1, ...(GROW ? { kvInPlace: false } : {}) });
    const products = await projectionsOnly(path.join(onnxDir, 'onnx', ONNX_VARIANTS[p.onnx].file), 1);
    let lathe;
    const kvInPlace = lm.kvInPlace;
    try {
      let out = await lm.forward([prompt], [prompt.map(() => 1)], lm.emptyCache(1));
      const { beside, ...step } = await timeSteps(async (i) => {
        out = await lm.forward([[nextToken(i)]], [Array<number>(PROMPT + i + 1).fill(1)], out.present);
      }, products.run);
      lathe = { ...step, projectionsOnly: { nodes: products.count, ...beside } };
    } finally {
      await lm.release();
      await products.release();
    }
    const gguf = path.join(tmp, `llama-d768-${p.gguf}.gguf`);
    await exportGguf(dir, gguf, { dtype: p.gguf });
    const model = await llama.loadModel({ modelPath: gguf });
    let llamaCpp;
    try {
      const context = await model.createContext({ contextSize: 2 * (PROMPT + STEPS), batchSize: PROMPT, sequences: 1, threads: { ideal: 1, min: 1 } });
      try {
        const seq = context.getSequence();
        await seq.evaluateWithoutGeneratingNewTokens(asLlamaTokens(prompt));
        llamaCpp = await timeSteps((i) => seq.evaluateWithoutGeneratingNewTokens(asLlamaTokens([nextToken(i)])));
      } finally {
        await context.dispose();
      }
    } finally {
      await model.dispose();
    }
    fs.rmSync(gguf);
    rows.push({ precision: p.name, kvInPlace, lathe, llamaCpp });
  }
  console.log(JSON.stringify({ bench: 'decode-cpu', model: 'llama-d768', threads: 1, promptTokens: PROMPT, steps: STEPS, loadAverage: os.loadavg(), rows }));
  const cell = (s: Spread) => `${s.min} / ${s.p25} / ${s.median}`;
  console.log('\nCPU ms per decode step, min / 25th percentile / median (llama-d768, 1 thread)\n');
  console.log('| precision | Lathe step | Lathe projections only | llama.cpp step | Lathe ÷ llama.cpp speed (min) | projections only ÷ llama.cpp step (min) |');
  console.log('|---|---|---|---|---:|---:|');
  for (const r of rows) {
    const products = r.lathe.projectionsOnly;
    console.log(`| ${r.precision} | ${cell(r.lathe.cpuMs)} | ${products.cpuMs ? `${cell(products.cpuMs)} (${products.nodes} nodes)` : '—'} | ${cell(r.llamaCpp.cpuMs)} | ${(r.llamaCpp.cpuMs.min / r.lathe.cpuMs.min).toFixed(2)} | ${products.cpuMs ? (products.cpuMs.min / r.llamaCpp.cpuMs.min).toFixed(2) : '—'} |`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
  await llama.dispose();
}
