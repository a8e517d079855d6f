// Decode speed against llama.cpp on the same weights (docs/benchmarks.md, "Decode: Lathe vs llama.cpp"). For each
// model, the same safetensors folder is exported to Lathe's ONNX variants (native/deploy/onnx-export.ts) and to GGUF
// (native/deploy/gguf-write.ts), and both engines run with the same thread count:
//   fp32   Lathe onnx/model.onnx          llama.cpp F32
//   8-bit  Lathe int8 (MatMulNBits 8-bit)  llama.cpp Q8_0   (both: blocks of 32, one scale each)
//   4-bit  Lathe q4 (MatMulNBits 4-bit)    llama.cpp Q4_0
// prefill: one forward over a 128-token prompt from an empty cache (median of 3 after a warm-up);
// decode: the median time of one greedy token step on the KV cache over 64 steps after that prompt.
// Beside them, the memory-bandwidth bound: a decode step reads every weight once, so it cannot beat
// (weight file bytes ÷ read bandwidth) seconds; the read bandwidth is measured here (one Float64Array sum per thread).
// Models: stories260k (the llama2.c model, shared data kit) and llama-d768 (bench/quantize.ts's GPT-2-sized Llama).
// Rounds: this machine's speed drifts by tens of percent within a minute, so each precision is measured in --rounds
// back-to-back pairs (Lathe, then llama.cpp); the table gives each engine's median over the rounds and the median of
// the per-round ratios, with their range — a ratio from one adjacent pair shares that minute's conditions.
//   node --import tsx bench/decode.ts [--models stories260k,llama-d768] [--threads N] [--prompt 128] [--new-tokens 64] [--rounds 3]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportGguf, type GgufDtype } from '../native/deploy/gguf-write.ts';
import { exportOnnxFolder } from '../native/deploy/onnx-export.ts';
import { measureVariant } from '../native/deploy/variant-measure.ts';
import { importLlama2cCheckpoint } from '../native/models/import.ts';
import { writeLlamaD768 } from './llama-d768.ts';
import { ONNX_VARIANTS, type OnnxDtype } from '../native/models/onnx-variants.ts';
import { median } from './common.ts';
import { readBandwidth } from './read-bandwidth.ts';

const arg = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SHARED = path.resolve(import.meta.dirname, '../../shared/data');
const models = (arg('--models') ?? 'stories260k,llama-d768').split(',');
const threads = Number(arg('--threads') ?? process.env.BENCH_THREADS ?? 2);
const promptTokens = Number(arg('--prompt') ?? 128);
const newTokens = Number(arg('--new-tokens') ?? 64);
const rounds = Number(arg('--rounds') ?? 3);
const text = fs.readFileSync(path.join(SHARED, 'corpora/tinyshakespeare.txt'), 'utf8').slice(-20_000);
const PRECISIONS: { name: string; onnx: OnnxDtype; gguf: GgufDtype }[] = [
  { name: 'fp32', onnx: 'fp32', gguf: 'f32' },
  { name: '8-bit', onnx: 'int8', gguf: 'q8_0' },
  { name: '4-bit', onnx: 'q4', gguf: 'q4_0' },
];
for (const m of models) if (m !== 'stories260k' && m !== 'llama-d768') throw new Error(`--models: each must be stories260k or llama-d768; got ${m}`);
if (!(threads >= 1)) throw new Error(`--threads must be a positive integer; got ${threads}`);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer; got ${arg('--rounds')}`);


type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;

interface Speeds { prefill: number; decode: number }

/** llama.cpp (node-llama-cpp's prebuilt CPU binary) on one GGUF file: the same prompt length and step count. */
async function llamaCppSpeeds(lib: NodeLlamaCpp, llama: Llama, file: string): Promise<Speeds> {
  const model = await llama.loadModel({ modelPath: file });
  try {
    const context = await model.createContext({ contextSize: 2 * (promptTokens + newTokens), batchSize: promptTokens, sequences: 1, threads: { ideal: threads, min: threads } });
    try {
      const seq = context.getSequence();
      const prompt = model.tokenize(text).slice(0, promptTokens);
      if (prompt.length < promptTokens) throw new Error(`the prompt text gives only ${prompt.length} tokens`);
      const prefillTimes: number[] = [];
      for (let r = 0; r < 4; r++) {
        await seq.clearHistory();
        const s = performance.now();
        await seq.evaluateWithoutGeneratingNewTokens(prompt);
        if (r > 0) prefillTimes.push((performance.now() - s) / 1000);
      }
      await seq.clearHistory();
      // BOS/EOS never: Lathe's measurement steps the full length without stopping, so llama.cpp must too.
      const bias = new lib.TokenBias(model.tokenizer);
      for (const id of [model.tokens.bos, model.tokens.eos]) if (id != null) bias.set(id, 'never');
      const stamps: number[] = [];
      for await (const token of seq.evaluate(prompt, { temperature: 0, tokenBias: bias })) {
        void token;
        stamps.push(performance.now());
        if (stamps.length > newTokens) break;
      }
      const steps = stamps.slice(1).map((t, i) => (t - stamps[i]) / 1000);
      return { prefill: promptTokens / median(prefillTimes), decode: 1 / median(steps) };
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}

async function latheSpeeds(dir: string, dtype: OnnxDtype): Promise<Speeds> {
  const m = await measureVariant({ dir, dtype, text, prompts: [], newTokens, threads, perplexityTokens: 0, window: 256, prefillTokens: promptTokens });
  return { prefill: m.prefillTokensPerSecond, decode: m.decodeTokensPerSecond };
}

interface Row {
  model: string;
  precision: string;
  latheBytes: number;
  ggufBytes: number;
  /** Each engine's median over the rounds. */
  lathe: Speeds;
  llamaCpp: Speeds;
  /** Lathe ÷ llama.cpp decode speed in each round (a back-to-back pair). */
  decodeRatios: number[];
}

const fileBytes = (file: string): number => fs.statSync(file).size + (fs.existsSync(`${file}_data`) ? fs.statSync(`${file}_data`).size : 0);

const lib = await import('node-llama-cpp');
const llama = await lib.getLlama({ gpu: false, build: 'never', maxThreads: threads, logLevel: lib.LlamaLogLevel.error });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-decode-'));
const started = Date.now();
try {
  // Read bandwidth with one thread and with `threads`, before and after: a loaded machine lowers any one reading, and
  // the highest gives the strictest bound.
  const bandwidthReadings = async () => ({ oneThread: await readBandwidth(1), threads: threads > 1 ? await readBandwidth(threads) : 0 });
  const bandwidthBefore = await bandwidthReadings();
  process.stderr.write(`read bandwidth GB/s: ${JSON.stringify(bandwidthBefore)}\n`);
  const stories = await importLlama2cCheckpoint(path.join(tmp, 'data'), path.join(SHARED, 'models/stories260K/stories260K.bin'), path.join(SHARED, 'models/stories260K/tok512.bin'), 'stories260K');
  const rows: Row[] = [];
  for (const which of models) {
    let dir = stories.path;
    if (which === 'llama-d768') {
      dir = path.join(tmp, 'llama-d768');
      await writeLlamaD768(dir, stories.path);
    }
    const onnxDir = path.join(tmp, `${which}-onnx`);
    process.stderr.write(`${which}: exporting ONNX ${PRECISIONS.map((p) => p.onnx).join(', ')}\n`);
    await exportOnnxFolder(dir, onnxDir, { dtypes: PRECISIONS.map((p) => p.onnx), accuracyLevel: 4 });
    for (const p of PRECISIONS) {
      const gguf = path.join(tmp, `${which}-${p.gguf}.gguf`);
      process.stderr.write(`${which} ${p.name}: exporting GGUF ${p.gguf}, measuring Lathe ${p.onnx} and llama.cpp\n`);
      const exported = await exportGguf(dir, gguf, { dtype: p.gguf });
      if (exported.fallbackF16.length) process.stderr.write(`  GGUF ${p.gguf}: ${exported.fallbackF16.length} matrices written as F16 (rows not whole blocks)\n`);
      const pairs: { lathe: Speeds; llamaCpp: Speeds }[] = [];
      for (let r = 0; r < rounds; r++) pairs.push({ lathe: await latheSpeeds(onnxDir, p.onnx), llamaCpp: await llamaCppSpeeds(lib, llama, gguf) });
      const medianOf = (side: 'lathe' | 'llamaCpp'): Speeds => ({ prefill: median(pairs.map((x) => x[side].prefill)), decode: median(pairs.map((x) => x[side].decode)) });
      rows.push({
        model: which, precision: p.name, latheBytes: fileBytes(path.join(onnxDir, 'onnx', ONNX_VARIANTS[p.onnx].file)), ggufBytes: exported.bytes,
        lathe: medianOf('lathe'), llamaCpp: medianOf('llamaCpp'), decodeRatios: pairs.map((x) => x.lathe.decode / x.llamaCpp.decode),
      });
      fs.rmSync(gguf);
    }
  }
  const bandwidthAfter = await bandwidthReadings();
  const bandwidth = Math.max(...Object.values(bandwidthBefore), ...Object.values(bandwidthAfter));
  const bound = (bytes: number) => (bandwidth * 1e9) / bytes;
  console.log(JSON.stringify({
    bench: 'decode', threads, rounds, promptTokens, newTokens, bandwidthGBps: { before: bandwidthBefore, after: bandwidthAfter },
    loadAverage: os.loadavg(), seconds: (Date.now() - started) / 1000, rows,
  }));
  const over = rows.filter((r) => r.lathe.decode > bound(r.latheBytes) || r.llamaCpp.decode > bound(r.ggufBytes));
  if (over.some((r) => r.model !== 'stories260k')) {
    console.error(`bench: decode beat the bandwidth bound on ${over.map((r) => `${r.model} ${r.precision}`).join(', ')}: the read-bandwidth probe read low (a loaded machine?), so the bound columns of this run understate the hardware`);
  }
  const mib = (b: number) => (b / 2 ** 20).toFixed(2);
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const ratioCell = (xs: number[]) => (xs.length > 1 ? `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})` : median(xs).toFixed(2));
  console.log([
    `read bandwidth ${bandwidth.toFixed(1)} GB/s (the highest reading); bound = weight file bytes ÷ bandwidth; ${threads} thread${threads > 1 ? 's' : ''}; speeds are medians of ${rounds} round${rounds > 1 ? 's' : ''}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`,
    '',
    '| model | precision | Lathe MiB | GGUF MiB | prefill tok/s Lathe | prefill tok/s llama.cpp | decode tok/s Lathe | decode tok/s llama.cpp | decode Lathe ÷ llama.cpp (median, range over rounds) | bound tok/s (Lathe file) | Lathe % of bound | llama.cpp % of its bound |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.model} | ${r.precision} | ${mib(r.latheBytes)} | ${mib(r.ggufBytes)} | ${r.lathe.prefill.toFixed(0)} | ${r.llamaCpp.prefill.toFixed(0)} | ${r.lathe.decode.toFixed(1)} | ${r.llamaCpp.decode.toFixed(1)} | ${ratioCell(r.decodeRatios)} | ${bound(r.latheBytes).toFixed(0)} | ${pct(r.lathe.decode / bound(r.latheBytes))} | ${pct(r.llamaCpp.decode / bound(r.ggufBytes))} |`),
  ].join('\n'));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
  await llama.dispose();
}
