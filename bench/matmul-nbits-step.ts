// What the weight products of one decode step read, against the memory's pace (docs/benchmarks.md, "Decode: Lathe vs
// llama.cpp"). llama-d768 is exported as Lathe's 4-bit ONNX variant (block 32, accuracy level 4, as bench/decode.ts
// runs it); its weight products alone (bench/projections-only.ts: the file's own MatMulNBits nodes and weights, one
// row each) are timed, best and median of --passes runs on one thread, between two read-bandwidth probes (the same
// memchr probe bench/decode.ts sets its bound by). The bytes they read are given two ways: the file's (16 bytes of
// nibbles and a float32 scale per block of 32) and what onnxruntime repacks them into at load, which is what its
// kernel streams each step: for accuracy level 4 on x86, MLAS's CompInt8 layout (SQ4BitGemmPackQuantBDataSize)
// keeps a float32 block sum beside each block's scale — 24 bytes a block where the file holds 20.
//   node --import tsx bench/matmul-nbits-step.ts [--passes 50]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ONNX_VARIANTS } from '../native/models/onnx-variants.ts';
import { median } from './common.ts';
import { exportLlamaD768 } from './llama-d768.ts';
import { projectionsOnly } from './projections-only.ts';
import { readBandwidth } from './read-bandwidth.ts';

const passesArg = process.argv.indexOf('--passes');
const passes = passesArg >= 0 ? Number(process.argv[passesArg + 1]) : 50;
if (!Number.isInteger(passes) || passes < 1) throw new Error(`--passes must be a positive integer; got ${process.argv[passesArg + 1]}`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-nbits-step-'));
try {
  const { onnxDir } = await exportLlamaD768(tmp, ['q4']);
  const products = await projectionsOnly(path.join(onnxDir, 'onnx', ONNX_VARIANTS.q4.file), 1);
  try {
    const fileBytes = products.products.reduce((sum, p) => sum + p.bytes, 0);
    // The block sums level 4 adds: one float32 per block (MLAS pads N to 16 rows; every width here is a multiple of 16).
    const blockSums = products.products.reduce((sum, p) => sum + (p.opType === 'MatMulNBits' && p.accuracyLevel === 4 ? 4 * Math.ceil((p.N ?? 0) / 16) * 16 * Math.ceil(p.K / (p.blockSize ?? 32)) : 0), 0);
    const before = await readBandwidth(1);
    const times: number[] = [];
    for (let r = 0; r < passes + 3; r++) {
      const t0 = performance.now();
      await products.run();
      if (r >= 3) times.push(performance.now() - t0);
    }
    const after = await readBandwidth(1);
    const bandwidth = Math.max(before, after);
    const best = Math.min(...times);
    const round = (x: number, d = 2) => Number(x.toFixed(d));
    const levels = [...new Set(products.products.map((p) => `${p.opType}${p.accuracyLevel !== undefined ? ` level ${p.accuracyLevel}` : ''}`))];
    console.log(JSON.stringify({
      bench: 'matmul-nbits-step', model: 'llama-d768', variant: 'q4', products: products.count, kernels: levels, passes, loadAverage: os.loadavg().map((x) => round(x)),
      readBandwidthGBps: { before: round(before, 1), after: round(after, 1) }, bestMs: round(best, 3), medianMs: round(median(times), 3),
      fileMB: round(fileBytes / 1e6), packedMB: round((fileBytes + blockSums) / 1e6),
      fileGBpsAtBest: round(fileBytes / best / 1e6), packedGBpsAtBest: round((fileBytes + blockSums) / best / 1e6),
      packedShareOfBandwidthAtBest: round((fileBytes + blockSums) / best / 1e6 / bandwidth),
    }));
  } finally {
    await products.release();
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
