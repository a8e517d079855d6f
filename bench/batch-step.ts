// What one continuous-batching decode step costs as the batch grows (docs/benchmarks.md, serving): gpt2-124M
// (bench/gpt2-sized.ts), one token per row after a cache of 8 and 128 positions, batches of 1, 2, 4 and 8 rows; the
// median of 8 steps, in wall time and in the process's CPU time (a 1-thread ORT session runs on the calling thread,
// so on a shared machine CPU time is the steadier figure). rows × (step at 1 row) ÷ (step at B rows) is the most a
// perfect scheduler can gain from batching B streams: the ceiling on bench:serve's 8-vs-1 ratio.
// BENCH_KV=grow loads the model with the grow path (a new present tensor per step) instead of the in-place KV cache,
// for a comparison under the same load.
//   node --import tsx bench/batch-step.ts       BENCH_THREADS (1), BENCH_KV (in-place | grow)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CausalLM } from '../native/models/decoder.ts';
import { median } from './common.ts';
import { writeGpt2Sized } from './gpt2-sized.ts';

const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const GROW = process.env.BENCH_KV === 'grow';
const STEPS = 8;
const round = (x: number) => Number(x.toFixed(1));

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lathe-batch-step-'));
try {
  await writeGpt2Sized(path.join(tmp, 'gpt2'));
  const lm = await CausalLM.load(path.join(tmp, 'gpt2'), { intraOpNumThreads: THREADS, ...(GROW ? { kvInPlace: false } : {}) });
  const results: { cached: number; rows: number; wallMsPerStep: number; cpuMsPerStep: number }[] = [];
  for (const cached of [8, 128]) {
    for (const rows of [1, 2, 4, 8]) {
      const prompts = Array.from({ length: rows }, (_, b) => Array.from({ length: cached }, (_, i) => (i * 7 + b) % 70));
      let mask = prompts.map((p) => p.map(() => 1));
      let cache = (await lm.forwardLast(prompts, mask, lm.emptyCache(rows))).present;
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let s = 0; s < STEPS; s++) {
        mask = mask.map((m) => [...m, 1]);
        const [t, c] = [performance.now(), process.cpuUsage()];
        const out = await lm.forward(prompts.map(() => [5]), mask, cache);
        const used = process.cpuUsage(c);
        wall.push(performance.now() - t);
        cpu.push((used.user + used.system) / 1000);
        cache = out.present;
      }
      results.push({ cached, rows, wallMsPerStep: round(median(wall)), cpuMsPerStep: round(median(cpu)) });
    }
  }
  const ceiling = (cached: number, key: 'wallMsPerStep' | 'cpuMsPerStep') => {
    const at = (rows: number) => results.find((r) => r.cached === cached && r.rows === rows)![key];
    return round((8 * at(1)) / at(8));
  };
  console.log(JSON.stringify({ bench: 'batch-step', model: 'gpt2-124M', threads: THREADS, kvInPlace: lm.kvInPlace, loadavg: os.loadavg().map(round), results, ceiling8vs1: { wall: { cached8: ceiling(8, 'wallMsPerStep'), cached128: ceiling(128, 'wallMsPerStep') }, cpu: { cached8: ceiling(8, 'cpuMsPerStep'), cached128: ceiling(128, 'cpuMsPerStep') } } }));
  await lm.release();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
