// Reward models and sequence classifiers in Lathe against PyTorch (tests/reference/reward_reference.py: transformers'
// score head at the last real token, TRL's pairwise loss, cross-entropy): on a tiny Llama, float64 (Lathe's graph
// widened), the loss, the accuracy metric and the gradient of every checkpoint tensor and of score.weight agree to 1e-5.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendBackward } from '../../native/autograd/index.ts';
import { CheckpointWeights, writeHfFolder } from '../../native/models/checkpoint.ts';
import { parseModelConfig } from '../../native/models/config.ts';
import { buildRewardTrainingGraph, type RewardObjective } from '../../native/models/reward-graph.ts';
import type { Tensor } from '../../native/models/safetensors.ts';
import { createSession, ort } from '../../native/onnx/index.ts';
import { collateRewards } from '../../native/train/reward-batches.ts';
import { randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { rand, widenToFloat64 } from './autograd-check.ts';

const PYTHON = '/usr/bin/python3';
const torchCheck = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const torchMissing = torchCheck.status !== 0 ? `PyTorch is not importable by ${PYTHON} (${(torchCheck.stderr || torchCheck.error?.message || '').trim().split('\n').pop()})` : '';
if (torchMissing) console.log(`skipping the reward-model comparison with PyTorch: ${torchMissing}`);

const CONFIG = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 32, hidden_size: 16, intermediate_size: 24,
  num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 16, rms_norm_eps: 1e-5,
  rope_theta: 10000, tie_word_embeddings: false, hidden_act: 'silu',
};
const spec = parseModelConfig(CONFIG);
const seq = (n: number) => [1, ...Array.from({ length: n - 1 }, () => 2 + Math.floor(rand() * 30))];

interface Case { name: string; objective: RewardObjective; items: { sequences: number[][]; label?: number }[]; score: Tensor }
const head = (labels: number): Tensor => ({ shape: [labels, 16], data: Float32Array.from({ length: labels * 16 }, () => rand() - 0.5) });
const cases: Case[] = [
  { name: 'pairwise, margin 0.5', objective: { kind: 'pairwise', margin: 0.5 }, items: [{ sequences: [seq(7), seq(5)] }, { sequences: [seq(4), seq(8)] }, { sequences: [seq(6), seq(6)] }], score: head(1) },
  { name: 'classification, 3 labels', objective: { kind: 'classify', numLabels: 3 }, items: [{ sequences: [seq(8)], label: 2 }, { sequences: [seq(3)], label: 0 }, { sequences: [seq(5)], label: 1 }, { sequences: [seq(6)], label: 2 }], score: head(3) },
];

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-reward-reference-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const norm = (a: ArrayLike<number>): number => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));

describe.skipIf(Boolean(torchMissing))('reward and classifier losses match PyTorch (float64)', () => {
  let refs: { loss: number; accuracy: number; grads: Record<string, number[]> }[] = [];
  beforeAll(async () => {
    await writeHfFolder(path.join(root, 'model'), { config: CONFIG, tensors: randomTensors(CONFIG, 21) });
    const requests = cases.map((c) => {
      const b = collateRewards(c.items, 0);
      const rows = (t: ort.Tensor) => { const [B, T] = t.dims; const d = Array.from(t.data as BigInt64Array, Number); return Array.from({ length: B }, (_, i) => d.slice(i * T, (i + 1) * T)); };
      return {
        model: path.join(root, 'model'), score: { shape: c.score.shape, data: Array.from(c.score.data) }, input_ids: rows(b.feeds.input_ids), attention_mask: rows(b.feeds.attention_mask),
        sequence_ends: Array.from(b.feeds.sequence_ends.data as BigInt64Array, Number), objective: c.objective.kind,
        margin: c.objective.kind === 'pairwise' ? c.objective.margin : 0, class_labels: c.items.map((i) => i.label ?? 0),
      };
    });
    const child = promisify(execFile)(PYTHON, ['tests/reference/reward_reference.py'], { maxBuffer: 64 << 20 });
    child.child.stdin!.end(JSON.stringify(requests));
    refs = JSON.parse((await child).stdout);
  }, 120_000);

  cases.forEach((c, i) => {
    it(`${c.name}: loss, accuracy and every gradient within 1e-5`, async () => {
      const weights = CheckpointWeights.open(path.join(root, 'model'));
      const tg = buildRewardTrainingGraph(spec, weights, c.objective, c.score);
      weights.close();
      const feeds: Record<string, ort.Tensor> = { ...collateRewards(c.items, 0).feeds };
      for (const name of tg.trainable) {
        const init = tg.graph.promoteToInput(name);
        feeds[name] = new ort.Tensor('float64', Float64Array.from(init.data as Float32Array), init.dims);
      }
      const g = widenToFloat64(tg.graph);
      const grads = appendBackward(g, g.value(tg.loss.name), tg.trainable.map((n) => g.value(n)));
      g.output(g.value(tg.loss.name), 'loss');
      g.output(g.value(tg.metrics!.accuracy.name), 'accuracy');
      for (const n of tg.trainable) g.output(grads.get(n)!, `grad.${n}`);
      const session = await createSession(g, { intraOpNumThreads: 1, graphOptimizationLevel: 'basic' });
      const out = await session.run(feeds);
      await session.release();
      const want = refs[i];
      expect(Math.abs(Number(out.loss.data[0]) - want.loss), `loss ${out.loss.data[0]} vs ${want.loss}`).toBeLessThan(1e-5);
      expect(Number(out.accuracy.data[0])).toBeCloseTo(want.accuracy, 12);
      expect([...tg.trainable].sort()).toEqual(Object.keys(want.grads).sort());
      for (const n of tg.trainable) {
        const got = out[`grad.${n}`].data as Float64Array;
        const r = want.grads[n];
        expect(norm(got.map((x, k) => x - r[k])) / Math.max(norm(r), 1e-12), `gradient of ${n}`).toBeLessThan(1e-5);
      }
    });
  });
});
