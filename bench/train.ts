// Training-step benchmark: Lathe's product path (a native/models GPT-2 read from an HF folder, buildTrainingGraph,
// and native/train's createTrainer, the runtime `lathe train` and `lathe pretrain` use) against the same model and
// AdamW step in PyTorch (bench/baselines/train_gpt.py), measured in the same run. One JSON line per repetition,
// each with the SGEMM rate and the BLAS kernel of both sides, and a summary line per config. LoRA fine-tuning is
// bench/finetune.ts.
//   npm run bench:train                 both configurations (each framework runs in its own process)
//   npm run bench:train -- --repeat 3 --before ../old small-full   3 repetitions, with another checkout's Lathe
//   (--no-variants: skip the default-malloc/fresh-outputs/arena/memory-pattern variants; --default-malloc: run every
//   child with glibc's default malloc instead of the trainers' settings)
//   node --import tsx bench/train.ts --one <config>   one Lathe configuration (used by the runner)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createTrainer } from '../native/train/session.ts';
import { THREADS, childEnv, median, peakRssMb, pytorchEnv, runPython, sgemmOrt } from './common.ts';
import { medianStepS, productTrainingGraph, syntheticBatch, type Shape } from './product-model.ts';

interface Config extends Shape { name: string; steps: number }
const CONFIGS: Config[] = [
  { name: 'small-full', layers: 4, dim: 256, heads: 4, seq: 128, batch: 8, vocab: 4096, positions: 128, steps: 15 },
  { name: 'gpt2-full', layers: 12, dim: 768, heads: 12, seq: 256, batch: 4, vocab: 50257, positions: 1024, steps: 3 },
];
const BASELINE = 'bench/baselines/train_gpt.py';

/**
 * Steps run before timing, by both frameworks: the first steps grow the allocators (ORT's arena, glibc's heap,
 * PyTorch's tensors) and the optimiser state; a training run takes thousands of steps at the rate after them.
 */
const WARMUP_STEPS = 2;

/**
 * Model FLOPs per token of a full training step: 6·N (matmul weights: the blocks' and the tied head's; the position
 * table and the embedding lookup do no arithmetic) + 12·L·T·C (attention), as in PaLM. The issue's 6 × all
 * trainable parameters is reported too.
 */
function flopsPerToken(c: Config): number {
  const n = c.layers * 12 * c.dim * c.dim + c.dim * c.vocab;
  return 6 * n + 12 * c.layers * c.seq * c.dim;
}
/**
 * Time to hand `bytes` of outputs to JavaScript as onnxruntime-node does (it copies even an output that ORT wrote
 * into a tensor we gave it): into a fresh buffer whose new pages fault in as the copy writes them (glibc's default
 * for big buffers), and into memory already mapped (what the job workers' malloc settings give once warm).
 */
function outputCopyMs(bytes: number): { fresh: number; reused: number } {
  const src = new Uint8Array(bytes).fill(1);
  let t0 = performance.now();
  const dst = new Uint8Array(bytes);
  dst.set(src);
  const fresh = performance.now() - t0;
  t0 = performance.now();
  dst.set(src);
  return { fresh, reused: performance.now() - t0 };
}

/** ORT's per-node trace of one step, summed by op type (and the slowest nodes): what to optimise next. */
function summariseProfile(dir: string): void {
  const file = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().pop()!;
  const events = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as { cat: string; name: string; ts: number; dur: number; args?: { op_name?: string } }[];
  // the fastest run: the machine is shared, and the slower runs mostly measure the neighbours
  const run = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.dur - b.dur)[0];
  const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.ts >= run.ts && e.ts <= run.ts + run.dur);
  const byOp = new Map<string, { us: number; n: number }>();
  for (const e of kernels) {
    const op = e.args?.op_name ?? '?';
    const o = byOp.get(op) ?? { us: 0, n: 0 };
    o.us += e.dur;
    o.n += 1;
    byOp.set(op, o);
  }
  const total = [...byOp.values()].reduce((a, b) => a + b.us, 0);
  console.error(`fastest model_run ${run.dur / 1e3} ms, kernels ${(total / 1e3).toFixed(1)} ms`);
  for (const [op, o] of [...byOp].sort((a, b) => b[1].us - a[1].us).slice(0, 25)) {
    console.error(`${op.padEnd(28)} ${(o.us / 1e3).toFixed(1).padStart(9)} ms ${((100 * o.us) / total).toFixed(1).padStart(5)} %  ×${o.n}`);
  }
  const nodes = new Map<string, number>();
  for (const e of kernels) nodes.set(e.name, (nodes.get(e.name) ?? 0) + e.dur);
  for (const [n, us] of [...nodes].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.error(`  ${(us / 1e3).toFixed(1).padStart(8)} ms  ${n}`);
}

interface Variant { fresh: boolean; arena: boolean; memPattern: boolean; profile: boolean }

async function runLathe(c: Config, v: Variant): Promise<Record<string, number>> {
  const t0 = performance.now();
  const tg = await productTrainingGraph(c, async () => ({ kind: 'full' }));
  const dir = `/tmp/lathe-profile-${process.pid}`;
  if (v.profile) mkdirSync(dir, { recursive: true });
  const s = await createTrainer(tg, {
    optimizer: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 }, clipNorm: 1, microBatches: 1, threads: THREADS,
    session: { inPlace: !v.fresh, enableCpuMemArena: v.arena, enableMemPattern: v.memPattern, profileFilePrefix: v.profile ? `${dir}/${c.name}` : undefined },
  });
  const setupS = (performance.now() - t0) / 1000;
  const stepS = await medianStepS(s, syntheticBatch(c), WARMUP_STEPS, c.steps);
  const trainable = s.params.map((n) => s.tensor(n).data as Float32Array);
  await s.release();
  if (v.profile) summariseProfile(dir);
  return {
    step_s: stepS, tokens_per_s: (c.batch * c.seq) / stepS, setup_s: setupS, peak_rss_mb: peakRssMb(),
    trainable_mb: trainable.reduce((sum, d) => sum + d.byteLength, 0) / 2 ** 20, trainable_params: trainable.reduce((sum, d) => sum + d.length, 0),
    ort_sgemm_gflops: await sgemmOrt(), // after the steps, in the same process: the rate the steps' GEMMs could reach
  };
}

function runPytorch(c: Config, env: NodeJS.ProcessEnv): Record<string, number | string> {
  return runPython(BASELINE, ['--layers', `${c.layers}`, '--dim', `${c.dim}`, '--heads', `${c.heads}`, '--seq', `${c.seq}`, '--batch', `${c.batch}`,
    '--vocab', `${c.vocab}`, '--positions', `${c.positions}`, '--steps', `${c.steps}`, '--warmup', `${WARMUP_STEPS}`, '--threads', `${THREADS}`], env);
}

/** One Lathe configuration in its own process; `cwd` may be another checkout (the code before a change). */
function runChild(args: string[], cwd = '.', defaultMalloc?: boolean): Record<string, number> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/train.ts', ...args], { encoding: 'utf8', maxBuffer: 1 << 24, cwd, env: childEnv(defaultMalloc) });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const spread = (xs: number[]): { median: number; min: number; max: number } => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/**
 * Each repetition runs, back to back: Lathe, PyTorch, and unless --no-variants Lathe with glibc's default malloc, with
 * fresh outputs instead of updates in place (what the trainers' old runtime did), without ORT's memory arena and with
 * ORT's memory pattern, and PyTorch under the machine's forced OpenBLAS kernel; with `--before <dir>` the Lathe of
 * another checkout. Every line is one repetition; a summary line per config gives the median and the range.
 */
async function main(): Promise<void> {
  const one = arg('--one');
  if (one) {
    const c = CONFIGS.find((x) => x.name === one);
    if (!c) throw new Error(`bench/train.ts: unknown config '${one}' (known: ${CONFIGS.map((x) => x.name).join(', ')})`);
    const has = (f: string): boolean => process.argv.includes(f);
    console.log(JSON.stringify(await runLathe(c, { fresh: has('--fresh'), arena: !has('--no-arena'), memPattern: has('--mem-pattern'), profile: has('--profile') })));
    return;
  }
  if (process.argv.includes('--sgemm-only')) {
    console.log(JSON.stringify({ sgemm_gflops: await sgemmOrt() }));
    return;
  }
  const repeat = Number(arg('--repeat') ?? 1);
  const before = arg('--before');
  const variants = !process.argv.includes('--no-variants');
  const only = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !['--repeat', '--before'].includes(all[i - 1]));
  const unknown = only.filter((n) => !CONFIGS.some((c) => c.name === n));
  if (unknown.length) throw new Error(`bench/train.ts: unknown config ${unknown.join(', ')} (known: ${CONFIGS.map((x) => x.name).join(', ')})`);
  const torch = pytorchEnv(BASELINE);
  const ort = runChild(['--sgemm-only']).sgemm_gflops;
  console.log(JSON.stringify({ bench: 'sgemm', n: 2048, threads: THREADS, ort_gflops: ort, pytorch_env: torch.chosen, pytorch: torch.own, pytorch_machine_settings: torch.machine }));
  const opening = Math.max(ort, torch.own.sgemm_gflops, torch.machine.sgemm_gflops);
  for (const c of CONFIGS.filter((x) => !only.length || only.includes(x.name))) {
    const runs: Record<string, number>[] = [];
    for (let r = 0; r < repeat; r++) {
      const l = runChild(['--one', c.name]);
      const p = runPytorch(c, torch.env);
      const num = (x: number | string): number => Number(x);
      const line: Record<string, number> = { lathe_tokens_per_s: l.tokens_per_s, pytorch_tokens_per_s: num(p.tokens_per_s), ratio: l.tokens_per_s / num(p.tokens_per_s),
        lathe_step_s: l.step_s, pytorch_step_s: num(p.step_s), lathe_ort_sgemm_gflops: l.ort_sgemm_gflops, pytorch_sgemm_gflops: num(p.sgemm_gflops),
        lathe_setup_s: l.setup_s, lathe_peak_rss_mb: l.peak_rss_mb, pytorch_peak_rss_mb: num(p.peak_rss_mb), trainable_params: l.trainable_params, pytorch_trainable_params: num(p.trainable) };
      // the best SGEMM seen: the opening probes and both frameworks' own in this repetition (the load changes by the minute)
      const best = Math.max(opening, l.ort_sgemm_gflops, num(p.sgemm_gflops));
      line.lathe_model_gflops = (flopsPerToken(c) * l.tokens_per_s) / 1e9;
      line.fraction_of_best_sgemm = line.lathe_model_gflops / best;
      // the definition: 6 × parameters (all trainable ones, the embedding tables too) × tokens/s
      line.lathe_6n_gflops = (6 * l.trainable_params * l.tokens_per_s) / 1e9;
      line.fraction_6n_of_best_sgemm = line.lathe_6n_gflops / best;
      if (before) {
        const b = runChild(['--one', c.name], before);
        Object.assign(line, { before_step_s: b.step_s, before_ratio: b.tokens_per_s / num(p.tokens_per_s), before_peak_rss_mb: b.peak_rss_mb });
      }
      if (variants) {
        // glibc's default malloc: each step's output buffers are fresh mmaps, faulted in by the binding's copy
        const dm = runChild(['--one', c.name], '.', true);
        Object.assign(line, { default_malloc_step_s: dm.step_s, default_malloc_peak_rss_mb: dm.peak_rss_mb });
        // fresh outputs every step instead of updates written in place: the trainers' runtime before there was one
        const fr = runChild(['--one', c.name, '--fresh']);
        Object.assign(line, { fresh_outputs_step_s: fr.step_s, fresh_outputs_peak_rss_mb: fr.peak_rss_mb });
        // without ORT's arena every buffer goes back to the OS when freed: lower peak memory, fresh pages each step
        const na = runChild(['--one', c.name, '--no-arena']);
        Object.assign(line, { no_arena_step_s: na.step_s, no_arena_peak_rss_mb: na.peak_rss_mb });
        // ORT's memory pattern (off by default in TrainingSession): one planned block per run
        const mp = runChild(['--one', c.name, '--mem-pattern']);
        Object.assign(line, { mem_pattern_step_s: mp.step_s, mem_pattern_peak_rss_mb: mp.peak_rss_mb });
        // PyTorch with the kernel this machine's environment forces (what the baseline ran before)
        const pm = runPytorch(c, childEnv());
        Object.assign(line, { pytorch_machine_settings_step_s: num(pm.step_s), pytorch_machine_settings_sgemm_gflops: num(pm.sgemm_gflops) });
        // ORT-node copies every output (params + AdamW m, v) into a fresh JS buffer, even one written in place
        const copy = outputCopyMs(3 * l.trainable_mb * 2 ** 20);
        line.param_and_state_copy_fresh_pages_ms = copy.fresh;
        line.param_and_state_copy_mapped_pages_ms = copy.reused;
      }
      runs.push(line);
      console.log(JSON.stringify({ bench: 'train', config: c.name, repetition: r + 1, threads: THREADS, pytorch_openblas_core: p.openblas_core,
        pytorch_openblas_threads: p.openblas_threads, pytorch_sgemm_max_rel_err: p.sgemm_max_rel_err, ...line }));
    }
    const summary: Record<string, unknown> = { bench: 'train-summary', config: c.name, layers: c.layers, dim: c.dim, heads: c.heads, seq: c.seq, batch: c.batch,
      vocab: c.vocab, positions: c.positions, threads: THREADS, repetitions: repeat, pytorch_env: torch.chosen, pytorch_openblas_core: torch.own.openblas_core };
    for (const k of Object.keys(runs[0])) summary[k] = spread(runs.map((x) => x[k]));
    console.log(JSON.stringify(summary));
  }
}

await main();
