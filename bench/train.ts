// Training-step benchmark: Lathe (ONNX Runtime CPU, graphs from native/autograd) against the same model and
// AdamW step in PyTorch (bench/baselines/train_gpt.py), measured in the same run. One JSON line per config.
//   npm run bench:train                 all configurations (each framework runs in its own process)
//   node --import tsx bench/train.ts --one <config>   one Lathe configuration (used by the runner)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { GraphBuilder, createSession, ort } from '../native/onnx/index.ts';
import { TrainingSession, buildTrainingStep } from '../native/autograd/index.ts';
import { buildDecoder } from '../tests/fixtures/onnx-decoder.ts';

const THREADS = Number(process.env.BENCH_THREADS ?? 2);
interface Config { name: string; layers: number; dim: number; heads: number; seq: number; batch: number; vocab: number; steps: number; lora: number }
const CONFIGS: Config[] = [
  { name: 'small-full', layers: 4, dim: 256, heads: 4, seq: 128, batch: 8, vocab: 4096, steps: 5, lora: 0 },
  { name: 'small-lora', layers: 4, dim: 256, heads: 4, seq: 128, batch: 8, vocab: 4096, steps: 5, lora: 8 },
  { name: 'gpt2-full', layers: 12, dim: 768, heads: 12, seq: 256, batch: 4, vocab: 50257, steps: 2, lora: 0 },
  { name: 'gpt2-lora', layers: 12, dim: 768, heads: 12, seq: 256, batch: 4, vocab: 50257, steps: 2, lora: 8 },
];

/** Model FLOPs per token of a full training step: 6·N (matmul weights) + 12·L·T·C (attention), as in PaLM. */
function flopsPerToken(c: Config): number {
  const n = c.layers * 12 * c.dim * c.dim + c.dim * c.vocab;
  return 6 * n + 12 * c.layers * c.seq * c.dim;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Time of one copy of `bytes` (what ORT-node spends moving an output into JS memory). */
function memcpyMs(bytes: number): number {
  const src = new Uint8Array(bytes);
  const dst = new Uint8Array(bytes);
  dst.set(src);
  const t0 = performance.now();
  dst.set(src);
  return performance.now() - t0;
}
const peakRssMb = (): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

async function sgemmOrt(): Promise<number> {
  const n = 2048;
  const g = new GraphBuilder();
  g.output(g.op('MatMul', [g.input('a', 'float32', [n, n]), g.input('b', 'float32', [n, n])]), 'c');
  const s = await createSession(g, { intraOpNumThreads: THREADS });
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

async function runLathe(c: Config, preallocate: boolean): Promise<Record<string, number>> {
  const model = buildDecoder({ vocab: c.vocab, ctx: c.seq, layers: c.layers, dim: c.dim, heads: c.heads, lora: c.lora || undefined });
  const graphs = buildTrainingStep(model.g, { loss: model.loss, trainable: model.trainable, optimizer: { kind: 'adamw', weightDecay: 0.01 }, clipNorm: 1 });
  const s = await TrainingSession.create(graphs, { intraOpNumThreads: THREADS, preallocate });
  const ids = (): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from({ length: c.batch * c.seq }, (_, i) => BigInt((i * 7919) % c.vocab)), [c.batch, c.seq]);
  const batch = { tokens: ids(), targets: ids() };
  await s.step(batch, 1e-4); // warm-up
  // the median step: the machine is shared, and a neighbour's burst should not decide the figure
  const times: number[] = [];
  for (let i = 0; i < c.steps; i++) {
    const t0 = performance.now();
    await s.step(batch, 1e-4);
    times.push((performance.now() - t0) / 1000);
  }
  const stepS = median(times);
  const trainableBytes = model.trainable.reduce((sum, n) => sum + (s.tensor(n).data as Float32Array).byteLength, 0);
  await s.release();
  return { step_s: stepS, tokens_per_s: (c.batch * c.seq) / stepS, peak_rss_mb: peakRssMb(), trainable_mb: trainableBytes / 2 ** 20 };
}

function runPytorch(c: Config, extra: string[] = []): Record<string, number> {
  const args = ['bench/baselines/train_gpt.py', '--layers', `${c.layers}`, '--dim', `${c.dim}`, '--heads', `${c.heads}`, '--seq', `${c.seq}`,
    '--batch', `${c.batch}`, '--vocab', `${c.vocab}`, '--steps', `${c.steps}`, '--lora', `${c.lora}`, '--threads', `${THREADS}`, ...extra];
  return JSON.parse(execFileSync('/usr/bin/python3', args, { encoding: 'utf8' }).trim().split('\n').pop()!);
}

function runChild(args: string[]): Record<string, number> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/train.ts', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  const one = process.argv.indexOf('--one');
  if (one >= 0) {
    const c = CONFIGS.find((x) => x.name === process.argv[one + 1]);
    if (!c) throw new Error(`bench/train.ts: unknown config '${process.argv[one + 1]}' (known: ${CONFIGS.map((x) => x.name).join(', ')})`);
    console.log(JSON.stringify(await runLathe(c, process.argv.includes('--preallocate'))));
    return;
  }
  if (process.argv.includes('--sgemm-only')) {
    console.log(JSON.stringify({ sgemm_gflops: await sgemmOrt() }));
    return;
  }
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const lathe = runChild(['--sgemm-only']).sgemm_gflops;
  const torch = runPytorch(CONFIGS[0], ['--sgemm']).sgemm_gflops;
  console.log(JSON.stringify({ bench: 'sgemm', n: 2048, threads: THREADS, lathe_gflops: lathe, pytorch_gflops: torch }));
  const bestSgemm = Math.max(lathe, torch);
  for (const c of CONFIGS.filter((x) => !only.length || only.includes(x.name))) {
    const l = runChild(['--one', c.name]);
    const p = runPytorch(c);
    const line: Record<string, unknown> = {
      bench: 'train', config: c.name, layers: c.layers, dim: c.dim, heads: c.heads, seq: c.seq, batch: c.batch, vocab: c.vocab, lora_rank: c.lora, threads: THREADS,
      lathe_tokens_per_s: l.tokens_per_s, pytorch_tokens_per_s: p.tokens_per_s, ratio: l.tokens_per_s / p.tokens_per_s,
      lathe_step_s: l.step_s, pytorch_step_s: p.step_s, lathe_peak_rss_mb: l.peak_rss_mb, pytorch_peak_rss_mb: p.peak_rss_mb,
    };
    if (!c.lora) {
      const flops = flopsPerToken(c) * l.tokens_per_s;
      line.lathe_model_gflops = flops / 1e9;
      line.fraction_of_best_sgemm = flops / 1e9 / bestSgemm;
      // parameters in/out: ORT copies each output (params + AdamW m, v) once into a JS buffer per step; time that
      // memcpy, and the same step with ORT writing into preallocated (double-buffered) outputs instead
      const pre = runChild(['--one', c.name, '--preallocate']);
      line.trainable_mb = l.trainable_mb;
      line.param_and_state_copy_ms = memcpyMs(3 * l.trainable_mb * 2 ** 20);
      line.preallocated_outputs_step_s = pre.step_s;
      line.preallocated_peak_rss_mb = pre.peak_rss_mb;
    }
    console.log(JSON.stringify(line));
  }
}

await main();
