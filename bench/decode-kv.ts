// How Lathe's decode step grows with the KV cache (docs/benchmarks.md, "Decode: Lathe vs llama.cpp"): llama-d768 in
// one ONNX variant, one token step after a cache of 1, 128 and 512 tokens, median and best of 24 steps each. The
// weights are the same at every length, so the growth is what the cache costs per step. Beside wall time, the
// process's CPU time per step (ORT runs a 1-thread session on the calling thread): on a shared machine, where other
// work takes the core for whole milliseconds, the CPU time is the steadier figure of what a step costs.
//   node --import tsx bench/decode-kv.ts [--dtype q4] [--threads 1]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { TextGenerator } from '../native/generate/pipeline.ts';
import { isOnnxDtype } from '../native/models/onnx-variants.ts';
import { median } from './common.ts';
import { exportLlamaD768 } from './llama-d768.ts';

const arg = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const dtype = arg('--dtype') ?? 'q4';
if (!isOnnxDtype(dtype)) throw new Error(`--dtype must be one of Lathe's ONNX variants (fp32, fp16, q8, int8, q4); got ${dtype}`);
const threads = Number(arg('--threads') ?? 1);
const STEPS = 24;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-decode-kv-'));
try {
  const { onnxDir } = await exportLlamaD768(tmp, [dtype]);
  const gen = await TextGenerator.load(onnxDir, { dtype, intraOpNumThreads: threads });
  try {
    const lm = gen.model;
    const rows: { cacheTokens: number; medianMs: number; bestMs: number; cpuMedianMs: number; cpuBestMs: number }[] = [];
    for (const cached of [1, 128, 512]) {
      const prompt = Array.from({ length: cached }, (_, i) => 3 + (i % 500));
      let out = await lm.forward([prompt], [prompt.map(() => 1)], lm.emptyCache(1));
      const times: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < STEPS; i++) {
        const s = performance.now();
        const c = process.cpuUsage();
        out = await lm.forward([[5]], [Array.from({ length: cached + i + 1 }, () => 1)], out.present);
        times.push(performance.now() - s);
        const used = process.cpuUsage(c);
        cpu.push((used.user + used.system) / 1000);
      }
      const ms = (x: number) => Number(x.toFixed(2));
      rows.push({ cacheTokens: cached, medianMs: ms(median(times)), bestMs: ms(Math.min(...times)), cpuMedianMs: ms(median(cpu)), cpuBestMs: ms(Math.min(...cpu)) });
    }
    console.log(JSON.stringify({ bench: 'decode-kv', model: 'llama-d768', dtype, threads, steps: STEPS, loadAverage: os.loadavg(), rows }));
  } finally {
    await gen.release();
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
