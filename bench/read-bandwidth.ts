// The memory read bandwidth the decode benchmarks set their bound by (docs/benchmarks.md, "Decode: Lathe vs llama.cpp").
import { Worker } from 'node:worker_threads';

/**
 * Read bandwidth in GB/s with `workers` threads at once, each scanning its own 256 MiB buffer (far beyond any cache)
 * for a byte it does not hold, best of 5 passes. The scan is Node's Buffer.indexOf, which is the C library's memchr
 * (SIMD: AVX2 here): it streams at the memory's pace, where a JavaScript summing loop, which V8 does not vectorise,
 * read a third less on an AVX2-only EPYC (12.6 against 19 GB/s) and let both engines "beat" their bound. Still a
 * floor on what the hardware can stream.
 */
export async function readBandwidth(workers: number): Promise<number> {
  const source = `
    const { parentPort } = require('node:worker_threads');
    const a = Buffer.alloc(256 * 1024 * 1024, 7); // written, so its pages are real memory, not the shared zero page
    parentPort.on('message', () => {
      const t0 = performance.now();
      const at = a.indexOf(0);
      parentPort.postMessage({ ms: performance.now() - t0, bytes: a.byteLength, at });
    });
    parentPort.postMessage('ready');`;
  const pool = Array.from({ length: workers }, () => new Worker(source, { eval: true }));
  const next = (w: Worker) => new Promise<unknown>((resolve) => w.once('message', resolve));
  try {
    await Promise.all(pool.map(next));
    let best = 0;
    for (let pass = 0; pass < 6; pass++) {
      const t0 = performance.now();
      const done = pool.map(next);
      for (const w of pool) w.postMessage('go');
      const results = (await Promise.all(done)) as { bytes: number }[];
      const seconds = (performance.now() - t0) / 1000;
      if (pass > 0) best = Math.max(best, results.reduce((n, r) => n + r.bytes, 0) / seconds / 1e9);
    }
    return best;
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
