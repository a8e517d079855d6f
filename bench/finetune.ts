// LoRA fine-tuning benchmark: Lathe's real fine-tuning step (a native/models GPT-2 read from an HF folder, LoRA through
// buildTrainingGraph, native/train's createTrainer with AdamW and clipping: bench/product-model.ts) against the same
// LoRA step in PyTorch (bench/baselines/finetune_lora.py), each in its own process with the same threads. The SGEMM
// probes come first (ORT's; PyTorch's OpenBLAS with its own kernel and with the machine's forced one), then one JSON
// line per configuration, with each side's SGEMM rate and PyTorch's OpenBLAS kernel. Before timing, the step graph is audited: no node may compute a
// gradient of a frozen base weight (native/train/gradient-audit.ts); the bench fails if one does.
//   npm run bench:finetune                  all configurations
//   npm run bench:finetune -- gpt2-lora     one configuration
//   node --import tsx bench/finetune.ts --one <config>   Lathe only (what the runner spawns)
import { initLoraWeights, type LoraConfig } from '../native/models/lora.ts';
import { forwardSnapshot, weightGradientNodes } from '../native/train/gradient-audit.ts';
import { createTrainer } from '../native/train/session.ts';
import { execFileSync } from 'node:child_process';
import { THREADS, childEnv, median, peakRssMb, pytorchEnv, runPython, sgemmOrt } from './common.ts';
import { productTrainingGraph, syntheticBatch, type Shape } from './product-model.ts';

interface Config extends Shape { name: string; steps: number; rank: number }
const CONFIGS: Config[] = [
  { name: 'small-lora', layers: 4, dim: 256, heads: 4, seq: 128, batch: 8, vocab: 4096, positions: 128, steps: 5, rank: 8 },
  { name: 'gpt2-lora', layers: 12, dim: 768, heads: 12, seq: 256, batch: 4, vocab: 50257, positions: 1024, steps: 3, rank: 8 },
];
const ALPHA = 16;
const BASELINE = 'bench/baselines/finetune_lora.py';
const TARGETS = ['c_attn', 'c_proj', 'c_fc']; // PEFT's suffix match: c_proj is attn.c_proj and mlp.c_proj

async function runLathe(c: Config): Promise<Record<string, number>> {
  const t0 = performance.now();
  const lora: LoraConfig = { r: c.rank, alpha: ALPHA, dropout: 0, targetModules: TARGETS };
  const tg = await productTrainingGraph(c, async (spec) => ({ kind: 'lora', config: lora, weights: await initLoraWeights(spec, lora, 1) }));
  const snapshot = forwardSnapshot(tg);
  const runner = await createTrainer(tg, { optimizer: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, clipNorm: 1, microBatches: 1, threads: THREADS });
  const grads = weightGradientNodes(tg.graph, snapshot); // tg.graph is now the step graph the trainer runs
  if (grads.frozen.length > 0) throw new Error(`the step computes ${grads.frozen.length} gradients of frozen base weights: ${grads.frozen.slice(0, 5).join(', ')}`);
  if (grads.trainable.length < snapshot.trainable.size) throw new Error(`the audit found ${grads.trainable.length} LoRA weight gradients for ${snapshot.trainable.size} LoRA tensors`);
  const setupS = (performance.now() - t0) / 1000;
  const feeds = syntheticBatch(c);
  await runner.step([feeds], 1e-4); // warm-up
  const times: number[] = [];
  for (let i = 0; i < c.steps; i++) {
    const s0 = performance.now();
    await runner.step([feeds], 1e-4);
    times.push((performance.now() - s0) / 1000);
  }
  const trainable = runner.params.reduce((s, n) => s + runner.tensor(n).size, 0);
  await runner.release();
  const stepS = median(times);
  return { step_s: stepS, tokens_per_s: (c.batch * c.seq) / stepS, setup_s: setupS, peak_rss_mb: peakRssMb(), trainable, frozen_weights: snapshot.frozen.size,
    frozen_weight_gradient_nodes: grads.frozen.length, lora_weight_gradient_nodes: grads.trainable.length, ort_sgemm_gflops: await sgemmOrt() };
}

function runPytorch(c: Config, env: NodeJS.ProcessEnv): Record<string, number | string> {
  return runPython(BASELINE, ['--layers', `${c.layers}`, '--dim', `${c.dim}`, '--heads', `${c.heads}`, '--seq', `${c.seq}`, '--batch', `${c.batch}`,
    '--vocab', `${c.vocab}`, '--positions', `${c.positions}`, '--steps', `${c.steps}`, '--rank', `${c.rank}`, '--alpha', `${ALPHA}`, '--threads', `${THREADS}`], env);
}

function runChild(args: string[]): Record<string, number> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/finetune.ts', ...args], { encoding: 'utf8', maxBuffer: 1 << 24, env: childEnv() });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  const oneAt = process.argv.indexOf('--one');
  if (oneAt >= 0) {
    const c = CONFIGS.find((x) => x.name === process.argv[oneAt + 1]);
    if (!c) throw new Error(`bench/finetune.ts: unknown config '${process.argv[oneAt + 1]}' (known: ${CONFIGS.map((x) => x.name).join(', ')})`);
    console.log(JSON.stringify(await runLathe(c)));
    return;
  }
  if (process.argv.includes('--sgemm-only')) {
    console.log(JSON.stringify({ sgemm_gflops: await sgemmOrt() }));
    return;
  }
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const unknown = only.filter((n) => !CONFIGS.some((c) => c.name === n));
  if (unknown.length) throw new Error(`bench/finetune.ts: unknown config ${unknown.join(', ')} (known: ${CONFIGS.map((x) => x.name).join(', ')})`);
  const torch = pytorchEnv(BASELINE);
  const ort = runChild(['--sgemm-only']).sgemm_gflops;
  console.log(JSON.stringify({ bench: 'sgemm', n: 2048, threads: THREADS, ort_gflops: ort, pytorch_env: torch.chosen, pytorch: torch.own, pytorch_machine_settings: torch.machine }));
  for (const c of CONFIGS.filter((x) => !only.length || only.includes(x.name))) {
    const l = runChild(['--one', c.name]);
    const p = runPytorch(c, torch.env);
    const n = (x: number | string): number => Number(x);
    console.log(JSON.stringify({
      bench: 'finetune-lora', config: c.name, layers: c.layers, dim: c.dim, heads: c.heads, seq: c.seq, batch: c.batch, vocab: c.vocab, lora_rank: c.rank, lora_alpha: ALPHA,
      targets: TARGETS.join(','), threads: THREADS, lathe_tokens_per_s: l.tokens_per_s, pytorch_tokens_per_s: p.tokens_per_s, ratio: l.tokens_per_s / n(p.tokens_per_s),
      lathe_step_s: l.step_s, pytorch_step_s: p.step_s, lathe_ort_sgemm_gflops: l.ort_sgemm_gflops, pytorch_sgemm_gflops: p.sgemm_gflops, pytorch_openblas_core: p.openblas_core,
      pytorch_openblas_threads: p.openblas_threads, pytorch_sgemm_max_rel_err: p.sgemm_max_rel_err, lathe_setup_s: l.setup_s, lathe_peak_rss_mb: l.peak_rss_mb,
      pytorch_peak_rss_mb: p.peak_rss_mb, lathe_trainable: l.trainable, pytorch_trainable: p.trainable, frozen_weight_gradient_nodes: l.frozen_weight_gradient_nodes,
      lora_weight_gradient_nodes: l.lora_weight_gradient_nodes,
    }));
  }
}

await main();
