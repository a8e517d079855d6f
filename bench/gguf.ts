// Speed of the GGUF block codecs (native/deploy/ggml-blocks.ts), which a GGUF export or import runs over every
// weight: ns per value to encode float32 as F16, Q8_0 and Q4_0 and to decode them back, on 16 Mi values
// (a 4096 × 4096 matrix), best of --repeat runs. Prints one JSON line. A 1B-parameter export at Q8_0 takes
// about 1e9 × the q8_0 encode figure.
//   node --import tsx bench/gguf.ts [--repeat N]
import { performance } from 'node:perf_hooks';
import { dequantize, quantize } from '../native/deploy/ggml-blocks.ts';

const repeatFlag = process.argv.indexOf('--repeat');
const repeat = repeatFlag >= 0 ? Number(process.argv[repeatFlag + 1]) : 3;
const n = 4096 * 4096;
const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.05);

function bestNsPerValue(work: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    work();
    best = Math.min(best, performance.now() - t0);
  }
  return Number(((best * 1e6) / n).toFixed(1));
}

const result: Record<string, number> = { values: n, repeat };
for (const type of ['F16', 'Q8_0', 'Q4_0'] as const) {
  const bytes = quantize(type, x);
  result[`${type.toLowerCase()}_encode_ns_per_value`] = bestNsPerValue(() => quantize(type, x));
  result[`${type.toLowerCase()}_decode_ns_per_value`] = bestNsPerValue(() => dequantize(type, bytes, n));
}
console.log(JSON.stringify(result));
