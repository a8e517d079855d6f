// The quantisation table (docs/benchmarks.md): every ONNX variant Lathe writes beside fp32 — file size, peak
// memory (each variant in its own process), prefill and decode tokens/s, perplexity on the last 20,000 characters of
// tinyshakespeare, greedy agreement with fp32 over four fixed prompts × 32 tokens. Two models:
//   stories260k  the llama2.c TinyStories model (shared data kit)
//   llama-d768   a GPT-2-small-sized Llama (d768, 12 layers, 12 heads, MLP 2048, 1024 positions), random init
//                (std 0.02, seed 1), with stories260K's 512-token tokenizer
// Prints one JSON line per model and the Markdown table.
//   node --import tsx bench/quantize.ts [--model stories260k|llama-d768] [--accuracy-level 0-4] [--dtypes fp16,q8,int8,q4]
//   (BENCH_THREADS, default 1)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quantizationReport, reportTable } from '../native/deploy/quantize-report.ts';
import { CheckpointWeights } from '../native/models/checkpoint.ts';
import { importLlama2cCheckpoint } from '../native/models/import.ts';
import { writeLlamaD768 } from './llama-d768.ts';
import { ONNX_DTYPES, type OnnxDtype } from '../native/models/onnx-variants.ts';

const arg = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SHARED = path.resolve(import.meta.dirname, '../../shared/data');
const which = arg('--model') ?? 'stories260k';
const level = Number(arg('--accuracy-level') ?? 4) as 0 | 1 | 2 | 3 | 4;
const threads = Number(process.env.BENCH_THREADS ?? 1);
const dtypes = (arg('--dtypes')?.split(',') ?? ONNX_DTYPES) as OnnxDtype[];
const text = fs.readFileSync(path.join(SHARED, 'corpora/tinyshakespeare.txt'), 'utf8').slice(-20_000);


const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-quant-'));
try {
  const stories = await importLlama2cCheckpoint(path.join(tmp, 'data'), path.join(SHARED, 'models/stories260K/stories260K.bin'), path.join(SHARED, 'models/stories260K/tok512.bin'), 'stories260K');
  let dir = stories.path;
  if (which === 'llama-d768') {
    dir = path.join(tmp, 'llama-d768');
    await writeLlamaD768(dir, stories.path);
  } else if (which !== 'stories260k') throw new Error(`--model must be stories260k or llama-d768; got ${which}`);
  const w = CheckpointWeights.open(dir);
  const parameters = w.names().reduce((n, name) => n + w.shape(name).reduce((a, b) => a * b, 1), 0);
  w.close();
  const started = Date.now();
  const rows = await quantizationReport(dir, { dtypes, text, threads, accuracyLevel: level, onProgress: (p) => process.stderr.write(`${p.message}\n`) });
  console.log(JSON.stringify({ bench: 'quantize', model: which, parameters, threads, accuracyLevel: level, seconds: (Date.now() - started) / 1000, rows }));
  console.log(reportTable(rows));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
