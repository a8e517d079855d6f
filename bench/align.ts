// DPO benchmark: one optimiser step of Lathe's DPO trainer (LoRA on a GPT-2-small-shaped model) against the same DPO
// step in PyTorch (bench/baselines/dpo_lora.py, the formula of tests/reference/dpo_reference.py), each in its own
// process with the same threads and the fairness rules of bench:train / bench:finetune (bench/common.ts: OpenBLAS's
// kernel checked against float64 and printed, its thread count set explicitly, AdamW foreach, the same rows and mask).
// Lathe's side is the path `lathe align dpo` takes (native/train/dpo.ts): the model read from an HF folder, the
// reference's log-probs computed once before training (computeReferenceLogps, untimed on both sides), the pairs
// collated by collatePairs, the graph built by buildPreferenceTrainingGraph (sigmoid loss, β 0.1, TRL's metrics) and
// run by createTrainer, the runtime openTrainer gives the DPO run. Before timing the step graph is audited: no node may
// compute a gradient of a frozen base weight. The PPO iteration's time split is in docs/benchmarks.md (PPO section).
//   npm run bench:align                        SGEMM probes, then one JSON line: both step times and the ratio
//   npm run bench:align -- --config tiny-dpo   a 2-layer model, to check the harness in seconds
//   node --import tsx bench/align.ts --one     Lathe only (what the runner spawns)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointWeights } from '../native/models/checkpoint.ts';
import { initLoraWeights, type LoraConfig } from '../native/models/lora.ts';
import { buildPreferenceTrainingGraph } from '../native/models/preference-graph.ts';
import { IGNORE_INDEX, type TrainingGraph } from '../native/models/training-graph.ts';
import { forwardSnapshot, weightGradientNodes } from '../native/train/gradient-audit.ts';
import { collatePairs } from '../native/train/preference-batches.ts';
import type { PreferenceExample } from '../native/train/preference-examples.ts';
import { computeReferenceLogps } from '../native/train/reference-logps.ts';
import { createTrainer } from '../native/train/session.ts';
import { THREADS, childEnv, median, peakRssMb, pytorchEnv, runPython, sgemmOrt } from './common.ts';
import { scratchGpt2, type Shape } from './product-model.ts';

/**
 * `pairs` (chosen, rejected) pairs of `seq` tokens, the first `prompt` of each row unscored. gpt2-dpo (the default) is
 * the measured one: GPT-2 small, sized to finish in a few minutes on two loaded cores; tiny-dpo checks the harness.
 */
const COMMON = { pairs: 2, prompt: 64, seq: 128, rank: 8, alpha: 16, beta: 0.1, warmup: 1, steps: 3 };
const CONFIGS = {
  'gpt2-dpo': { ...COMMON, layers: 12, dim: 768, heads: 12, vocab: 50257, positions: 1024 },
  'tiny-dpo': { ...COMMON, layers: 2, dim: 64, heads: 2, vocab: 512, positions: 128 },
};
const NAME = process.argv.includes('--config') ? process.argv[process.argv.indexOf('--config') + 1] : 'gpt2-dpo';
if (!(NAME in CONFIGS)) throw new Error(`bench/align.ts: unknown config '${NAME}' (known: ${Object.keys(CONFIGS).join(', ')})`);
const C = CONFIGS[NAME as keyof typeof CONFIGS];
const SHAPE: Shape = { ...C, batch: 2 * C.pairs };
const TARGETS = ['c_attn', 'c_proj', 'c_fc']; // as bench:finetune (PEFT's suffix match: attn.c_proj and mlp.c_proj)
const BASELINE = 'bench/baselines/dpo_lora.py';
const LR = 1e-4;

/** Row r's token t is ((r·104729 + t·7919) mod (V − 1)) + 1 (dpo_lora.py's formula); prompt labels unscored. */
function pairs(): PreferenceExample[] {
  const row = (r: number) => {
    const ids = Array.from({ length: C.seq + 1 }, (_, t) => ((r * 104729 + t * 7919) % (C.vocab - 1)) + 1);
    return { ids, labels: ids.map((id, t) => (t < C.prompt ? IGNORE_INDEX : id)) };
  };
  return Array.from({ length: C.pairs }, (_, p) => ({ chosen: row(p), rejected: row(C.pairs + p) }));
}

async function runLathe(): Promise<Record<string, number>> {
  const t0 = performance.now();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-dpo-'));
  const dir = path.join(root, 'model');
  const lora: LoraConfig = { r: C.rank, alpha: C.alpha, dropout: 0, targetModules: TARGETS };
  let tg: TrainingGraph;
  let referenceS: number;
  const examples = pairs();
  let ref: [number, number][];
  try {
    const spec = await scratchGpt2(SHAPE, dir);
    const r0 = performance.now();
    ref = await computeReferenceLogps(dir, spec, examples, { batchSize: C.pairs, padId: 0, threads: THREADS });
    referenceS = (performance.now() - r0) / 1000;
    const weights = CheckpointWeights.open(dir);
    try {
      tg = buildPreferenceTrainingGraph(spec, weights, { kind: 'lora', config: lora, weights: await initLoraWeights(spec, lora, 1) }, { kind: 'sigmoid', beta: C.beta, labelSmoothing: 0 });
    } finally {
      weights.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const snapshot = forwardSnapshot(tg);
  // the options dpo.ts gives openTrainer with the API's defaults (weight decay 0, clipping 1), one micro-batch
  const runner = await createTrainer(tg, { optimizer: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, clipNorm: 1, microBatches: 1, threads: THREADS });
  const grads = weightGradientNodes(tg.graph, snapshot); // tg.graph is now the step graph the trainer runs
  if (grads.frozen.length > 0) throw new Error(`the DPO step computes ${grads.frozen.length} gradients of frozen base weights: ${grads.frozen.slice(0, 5).join(', ')}`);
  if (grads.trainable.length < snapshot.trainable.size) throw new Error(`the audit found ${grads.trainable.length} LoRA weight gradients for ${snapshot.trainable.size} LoRA tensors`);
  const setupS = (performance.now() - t0) / 1000;
  const feeds = collatePairs(examples.map((e, i) => ({ ...e, ref: ref[i] })), 0).feeds;
  for (let i = 0; i < C.warmup; i++) await runner.step([feeds], LR);
  const times: number[] = [];
  let loss = NaN;
  for (let i = 0; i < C.steps; i++) {
    const s0 = performance.now();
    loss = (await runner.step([feeds], LR)).loss;
    times.push((performance.now() - s0) / 1000);
  }
  const trainable = runner.params.reduce((s, n) => s + runner.tensor(n).size, 0);
  await runner.release();
  const stepS = median(times);
  return { step_s: stepS, tokens_per_s: (SHAPE.batch * C.seq) / stepS, setup_s: setupS, reference_logps_s: referenceS, last_loss: loss, peak_rss_mb: peakRssMb(), trainable,
    frozen_weight_gradient_nodes: grads.frozen.length, lora_weight_gradient_nodes: grads.trainable.length, ort_sgemm_gflops: await sgemmOrt() };
}

function runChild(args: string[]): Record<string, number> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/align.ts', ...args, '--config', NAME], { encoding: 'utf8', maxBuffer: 1 << 24, env: childEnv() });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  if (process.argv.includes('--one')) {
    console.log(JSON.stringify(await runLathe()));
    return;
  }
  if (process.argv.includes('--sgemm-only')) {
    console.log(JSON.stringify({ sgemm_gflops: await sgemmOrt() }));
    return;
  }
  console.log(JSON.stringify({ bench: 'align-dpo-config', config: NAME, ...C, targets: TARGETS.join(','), loss: 'sigmoid', threads: THREADS }));
  const torch = pytorchEnv(BASELINE);
  const ort = runChild(['--sgemm-only']).sgemm_gflops;
  console.log(JSON.stringify({ bench: 'sgemm', n: 2048, threads: THREADS, ort_gflops: ort, pytorch_env: torch.chosen, pytorch: torch.own, pytorch_machine_settings: torch.machine }));
  const l = runChild(['--one']);
  const p = runPython(BASELINE, ['--layers', `${C.layers}`, '--dim', `${C.dim}`, '--heads', `${C.heads}`, '--seq', `${C.seq}`, '--pairs', `${C.pairs}`, '--prompt', `${C.prompt}`,
    '--vocab', `${C.vocab}`, '--positions', `${C.positions}`, '--steps', `${C.steps}`, '--warmup', `${C.warmup}`, '--rank', `${C.rank}`, '--alpha', `${C.alpha}`,
    '--beta_milli', `${Math.round(C.beta * 1000)}`, '--threads', `${THREADS}`], torch.env);
  const n = (x: number | string): number => Number(x);
  console.log(JSON.stringify({
    bench: 'align-dpo', config: NAME, layers: C.layers, dim: C.dim, heads: C.heads, seq: C.seq, pairs: C.pairs, rows: SHAPE.batch, prompt: C.prompt, vocab: C.vocab, lora_rank: C.rank,
    lora_alpha: C.alpha, targets: TARGETS.join(','), beta: C.beta, threads: THREADS, warmup: C.warmup, timed_steps: C.steps,
    lathe_tokens_per_s: l.tokens_per_s, pytorch_tokens_per_s: p.tokens_per_s, ratio: l.tokens_per_s / n(p.tokens_per_s), lathe_step_s: l.step_s, pytorch_step_s: p.step_s,
    lathe_ort_sgemm_gflops: l.ort_sgemm_gflops, pytorch_sgemm_gflops: p.sgemm_gflops, pytorch_env: torch.chosen, pytorch_openblas_core: p.openblas_core,
    pytorch_openblas_threads: p.openblas_threads, pytorch_sgemm_max_rel_err: p.sgemm_max_rel_err, lathe_setup_s: l.setup_s, lathe_reference_logps_s: l.reference_logps_s,
    lathe_last_loss: l.last_loss, pytorch_last_loss: p.last_loss, lathe_peak_rss_mb: l.peak_rss_mb, pytorch_peak_rss_mb: p.peak_rss_mb, lathe_trainable: l.trainable, pytorch_trainable: p.trainable,
    frozen_weight_gradient_nodes: l.frozen_weight_gradient_nodes, lora_weight_gradient_nodes: l.lora_weight_gradient_nodes,
  }));
}

await main();
