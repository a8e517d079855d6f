// LoRA fine-tuning benchmark: Lathe's real fine-tuning step (a native/models GPT-2 description, LoRA through
// buildTrainingGraph, the native/train trainer (createTrainer: TrainingSession) with AdamW and clipping) against the same LoRA step in PyTorch
// (bench/baselines/finetune_lora.py), each in its own process with the same threads. Each framework's SGEMM comes
// first, then one JSON line per configuration. Before timing, the step graph is audited: no node may compute a
// gradient of a frozen base weight (native/train/gradient-audit.ts); the bench fails if one does.
//   npm run bench:finetune                  all configurations
//   npm run bench:finetune -- gpt2-lora     one configuration
//   node --import tsx bench/finetune.ts --one <config>   Lathe only (what the runner spawns)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointWeights, writeHfFolder } from '../native/models/checkpoint.ts';
import { initTensors } from '../native/models/init.ts';
import { initLoraWeights, type LoraConfig } from '../native/models/lora.ts';
import { expectedTensors } from '../native/models/params.ts';
import { buildTrainingGraph } from '../native/models/training-graph.ts';
import { collate } from '../native/train/batches.ts';
import { forwardSnapshot, weightGradientNodes } from '../native/train/gradient-audit.ts';
import { pretrainModelConfig, pretrainPlan } from '../native/train/pretrain.ts';
import { createTrainer } from '../native/train/session.ts';
import { THREADS, childEnv, median, peakRssMb, sgemmOrt } from './common.ts';

interface Config { name: string; layers: number; dim: number; heads: number; seq: number; batch: number; vocab: number; positions: number; steps: number; rank: number }
const CONFIGS: Config[] = [
  { name: 'small-lora', layers: 4, dim: 256, heads: 4, seq: 128, batch: 8, vocab: 4096, positions: 128, steps: 5, rank: 8 },
  { name: 'gpt2-lora', layers: 12, dim: 768, heads: 12, seq: 256, batch: 4, vocab: 50257, positions: 1024, steps: 3, rank: 8 },
];
const ALPHA = 16;
const TARGETS = ['c_attn', 'c_proj', 'c_fc']; // PEFT's suffix match: c_proj is attn.c_proj and mlp.c_proj


/** A GPT-2 HF folder of this shape with GPT-2's initialisation (weights N(0, 0.02), norms 1, biases 0). */
async function scratchGpt2(c: Config, dir: string) {
  const config = pretrainModelConfig({ family: 'gpt2', layers: c.layers, heads: c.heads, dModel: c.dim, context: c.positions, vocab: c.vocab });
  const { spec } = pretrainPlan(config);
  const rules = expectedTensors(spec).map((t) => ({
    name: t.name, shape: t.shape,
    rule: t.component === 'norms' && !t.name.endsWith('.bias') ? { kind: 'constant' as const, value: 1 } : t.name.endsWith('.bias') ? { kind: 'constant' as const, value: 0 } : { kind: 'normal' as const, std: 0.02 },
  }));
  await writeHfFolder(dir, { config, tensors: await initTensors(rules, 0) });
  return spec;
}

async function runLathe(c: Config): Promise<Record<string, number>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-finetune-'));
  try {
    const t0 = performance.now();
    const spec = await scratchGpt2(c, path.join(root, 'model'));
    const lora: LoraConfig = { r: c.rank, alpha: ALPHA, dropout: 0, targetModules: TARGETS };
    const weights = CheckpointWeights.open(path.join(root, 'model'));
    const tg = buildTrainingGraph(spec, weights, { kind: 'lora', config: lora, weights: await initLoraWeights(spec, lora, 1) });
    weights.close();
    const snapshot = forwardSnapshot(tg);
    const runner = await createTrainer(tg, { optimizer: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, clipNorm: 1, microBatches: 1, threads: THREADS });
    const grads = weightGradientNodes(tg.graph, snapshot); // tg.graph is now the step graph the trainer runs
    if (grads.frozen.length > 0) throw new Error(`the step computes ${grads.frozen.length} gradients of frozen base weights: ${grads.frozen.slice(0, 5).join(', ')}`);
    if (grads.trainable.length < snapshot.trainable.size) throw new Error(`the audit found ${grads.trainable.length} LoRA weight gradients for ${snapshot.trainable.size} LoRA tensors`);
    const setupS = (performance.now() - t0) / 1000;
    const examples = Array.from({ length: c.batch }, (_, b) => {
      const ids = Array.from({ length: c.seq + 1 }, (_, t) => ((b * 104729 + t * 7919) % (c.vocab - 1)) + 1);
      return { ids, labels: ids };
    });
    const batch = collate(examples, 0);
    await runner.step([batch.feeds], 1e-4); // warm-up
    const times: number[] = [];
    for (let i = 0; i < c.steps; i++) {
      const s0 = performance.now();
      await runner.step([batch.feeds], 1e-4);
      times.push((performance.now() - s0) / 1000);
    }
    const trainable = [...runner.weights().values()].reduce((s, t) => s + t.data.length, 0);
    await runner.release();
    const stepS = median(times);
    return { step_s: stepS, tokens_per_s: (c.batch * c.seq) / stepS, setup_s: setupS, peak_rss_mb: peakRssMb(), trainable, frozen_weights: snapshot.frozen.size,
      frozen_weight_gradient_nodes: grads.frozen.length, lora_weight_gradient_nodes: grads.trainable.length };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function runPytorch(c: Config, extra: string[] = []): Record<string, number> {
  const args = ['bench/baselines/finetune_lora.py', '--layers', `${c.layers}`, '--dim', `${c.dim}`, '--heads', `${c.heads}`, '--seq', `${c.seq}`, '--batch', `${c.batch}`,
    '--vocab', `${c.vocab}`, '--positions', `${c.positions}`, '--steps', `${c.steps}`, '--rank', `${c.rank}`, '--alpha', `${ALPHA}`, '--threads', `${THREADS}`, ...extra];
  return JSON.parse(execFileSync('/usr/bin/python3', args, { encoding: 'utf8', env: childEnv() }).trim().split('\n').pop()!);
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
  const lathe = runChild(['--sgemm-only']).sgemm_gflops;
  const torch = runPytorch(CONFIGS[0], ['--sgemm']).sgemm_gflops;
  console.log(JSON.stringify({ bench: 'sgemm', n: 2048, threads: THREADS, lathe_gflops: lathe, pytorch_gflops: torch }));
  for (const c of CONFIGS.filter((x) => !only.length || only.includes(x.name))) {
    const l = runChild(['--one', c.name]);
    const p = runPytorch(c);
    console.log(JSON.stringify({
      bench: 'finetune-lora', config: c.name, layers: c.layers, dim: c.dim, heads: c.heads, seq: c.seq, batch: c.batch, vocab: c.vocab, lora_rank: c.rank, lora_alpha: ALPHA,
      targets: TARGETS.join(','), threads: THREADS, lathe_tokens_per_s: l.tokens_per_s, pytorch_tokens_per_s: p.tokens_per_s, ratio: l.tokens_per_s / p.tokens_per_s,
      lathe_step_s: l.step_s, pytorch_step_s: p.step_s, lathe_setup_s: l.setup_s, lathe_peak_rss_mb: l.peak_rss_mb, pytorch_peak_rss_mb: p.peak_rss_mb,
      lathe_trainable: l.trainable, pytorch_trainable: p.trainable, frozen_weight_gradient_nodes: l.frozen_weight_gradient_nodes, lora_weight_gradient_nodes: l.lora_weight_gradient_nodes,
    }));
  }
}

await main();
