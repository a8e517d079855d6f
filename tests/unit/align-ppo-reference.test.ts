// PPO-RLHF's math in Lathe against a plain PyTorch transcription of TRL's PPOTrainer (tests/reference/ppo_reference.py):
// - the loss graph (autograd/ppo-losses.ts): the clipped policy objective, the clipped value loss, their sum, the six
//   reported scalars and the gradients with respect to the logits and the values, on batches built so that ratios
//   and values are clipped on both sides (so the test fails if clipping is wrong) and some positions are masked;
// - the host side (train/ppo-advantages.ts): per-token KL rewards with the score at the last token, GAE, whitening,
//   returns and the per-rollout KL, over rollouts of different lengths; and the adaptive KL controller.
// Lathe's graph is widened to float64 (as the DPO comparison does), so both sides agree to 1e-5 relative and better.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { appendBackward, PPO_METRICS, ppoLoss } from '../../native/autograd/index.ts';
import { createSession, GraphBuilder, ort } from '../../native/onnx/index.ts';
import { computeAdvantages, nextKlCoef, type RolloutTokens } from '../../native/train/ppo-advantages.ts';
import { rand, widenToFloat64 } from './autograd-check.ts';

const PYTHON = '/usr/bin/python3';
const torchCheck = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const torchMissing = torchCheck.status !== 0 ? `PyTorch is not importable by ${PYTHON} (${(torchCheck.stderr || torchCheck.error?.message || '').trim().split('\n').pop()})` : '';
if (torchMissing) console.log(`skipping the PPO comparison with PyTorch: ${torchMissing}`);

const [B, T, V] = [3, 6, 7];
const normal = () => (rand() - 0.5) * 2;

interface LossCase { logits: number[][][]; labels: number[][]; values: number[][]; old_logps: number[][]; old_values: number[][]; advantages: number[][]; returns: number[][]; cliprange: number; cliprange_value: number; vf_coef: number }

/** Rows of 6 positions; row 1 starts with two prompt positions, row 2 ends with two padding ones (labels -100). */
function lossCase(cliprange: number, clipValue: number, vfCoef: number): LossCase {
  const grid = (f: (b: number, t: number) => number) => Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => f(b, t)));
  const logits = Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: V }, () => normal() * 2)));
  const labels = grid((b, t) => ((b === 1 && t < 2) || (b === 2 && t >= 4) ? -100 : Math.floor(rand() * V)));
  const logp = (b: number, t: number) => {
    const row = logits[b][t];
    const max = Math.max(...row);
    return row[labels[b][t]] - max - Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
  };
  // old log-probs up to ±0.6 away: ratios from about 0.55 to 1.8, clipped above and below
  const old_logps = grid((b, t) => (labels[b][t] === -100 ? 0 : logp(b, t) + normal() * 0.6));
  const old_values = grid(() => normal());
  return {
    logits, labels, old_logps, old_values, cliprange, cliprange_value: clipValue, vf_coef: vfCoef,
    values: grid((b, t) => old_values[b][t] + normal() * 0.5), // moved up to ±0.5: clipped at ±0.2
    advantages: grid(() => normal() * 1.5),
    returns: grid(() => normal() * 2),
  };
}

async function latheLoss(c: LossCase): Promise<{ loss: number; metrics: Record<string, number>; gradLogits: Float64Array; gradValues: Float64Array }> {
  const g32 = new GraphBuilder({ name: 'ppo-loss', opset: 23 });
  const logits = g32.input('logits', 'float32', [B, T, V]);
  const values = g32.input('values', 'float32', [B, T]);
  const labels = g32.input('labels', 'int64', [B, T]);
  const input = (name: string) => g32.input(name, 'float32', [B, T]);
  const out = ppoLoss(g32, logits, labels, values, { oldLogps: input('old_logps'), oldValues: input('old_values'), advantages: input('advantages'), returns: input('returns') }, { clipRange: c.cliprange, clipRangeValue: c.cliprange_value, vfCoef: c.vf_coef });
  const g = widenToFloat64(g32);
  const grads = appendBackward(g, g.value(out.loss.name), [g.value('logits'), g.value('values')]);
  g.output(g.value(out.loss.name), 'loss');
  for (const m of PPO_METRICS) g.output(g.value(out.metrics[m].name), `metric.${m}`);
  g.output(grads.get('logits')!, 'grad.logits');
  g.output(grads.get('values')!, 'grad.values');
  const f64 = (x: number[][] | number[][][], dims: number[]) => new ort.Tensor('float64', Float64Array.from(x.flat(2) as number[]), dims);
  const session = await createSession(g, { intraOpNumThreads: 1, graphOptimizationLevel: 'basic' });
  const o = await session.run({
    logits: f64(c.logits, [B, T, V]), values: f64(c.values, [B, T]), labels: new ort.Tensor('int64', BigInt64Array.from(c.labels.flat(), BigInt), [B, T]),
    old_logps: f64(c.old_logps, [B, T]), old_values: f64(c.old_values, [B, T]), advantages: f64(c.advantages, [B, T]), returns: f64(c.returns, [B, T]),
  });
  await session.release();
  return {
    loss: Number(o.loss.data[0]),
    metrics: Object.fromEntries(PPO_METRICS.map((m) => [m, Number(o[`metric.${m}`].data[0])])),
    gradLogits: o['grad.logits'].data as Float64Array,
    gradValues: o['grad.values'].data as Float64Array,
  };
}

const rollouts = (lengths: number[]): (RolloutTokens & { ref_logps: number[] })[] =>
  lengths.map((n) => {
    const logps = Array.from({ length: n }, () => -rand() * 4);
    const refLogps = logps.map((lp) => lp + normal() * 0.5);
    return { logps, refLogps, ref_logps: refLogps, values: Array.from({ length: n }, () => normal()), score: normal() * 3 };
  });

const lossCases = [lossCase(0.2, 0.2, 0.1), lossCase(0.1, 0.3, 1)];
const advantageCases = [
  { rollouts: rollouts([5, 2, 7, 1]), kl_coef: 0.2, gamma: 1, lam: 0.95 },
  { rollouts: rollouts([3, 6]), kl_coef: 0.05, gamma: 0.9, lam: 0.8 },
];
const controller = { init: 0.2, target: 6, horizon: 10000, updates: [[2, 16], [9, 16], [6.5, 64], [30, 256], [0, 256]] as [number, number][] };

const norm = (a: ArrayLike<number>): number => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));
const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

interface Reference {
  loss: { loss: number; metrics: Record<string, number>; grad_logits: number[]; grad_values: number[] }[];
  advantages: { rewards: number[][]; advantages: number[][]; returns: number[][]; kl: number[] }[];
  kl_controller: number[];
}

describe.skipIf(Boolean(torchMissing))("PPO's loss, advantages and KL controller match a PyTorch transcription of TRL", () => {
  let ref: Reference;
  beforeAll(async () => {
    const child = promisify(execFile)(PYTHON, ['tests/reference/ppo_reference.py'], { maxBuffer: 16 << 20 });
    child.child.stdin!.end(JSON.stringify({ loss: lossCases, advantages: advantageCases, kl_controller: controller }));
    ref = JSON.parse((await child).stdout) as Reference;
  }, 60_000);

  lossCases.forEach((c, i) => {
    it(`loss case ${i + 1} (ε ${c.cliprange}, ε_v ${c.cliprange_value}, c_v ${c.vf_coef}): loss, metrics and gradients within 1e-5`, async () => {
      const want = ref.loss[i];
      const got = await latheLoss(c);
      expect(close(got.loss, want.loss, 1e-5), `loss ${got.loss} vs ${want.loss}`).toBe(true);
      for (const m of PPO_METRICS) expect(close(got.metrics[m], want.metrics[m], 1e-5), `${m}: ${got.metrics[m]} vs ${want.metrics[m]}`).toBe(true);
      // both clip branches are exercised, or a graph that never clips would pass
      for (const m of ['clipfrac', 'clipfrac/value']) {
        expect(want.metrics[m], m).toBeGreaterThan(0.05);
        expect(want.metrics[m], m).toBeLessThan(0.95);
      }
      for (const [name, g, r] of [['logits', got.gradLogits, want.grad_logits], ['values', got.gradValues, want.grad_values]] as const) {
        const err = norm(Array.from(g, (x, k) => x - r[k])) / Math.max(norm(r), 1e-12);
        expect(norm(r), `‖∂loss/∂${name}‖`).toBeGreaterThan(1e-3);
        expect(err, `gradient with respect to the ${name}`).toBeLessThan(1e-5);
      }
    });
  });

  advantageCases.forEach((c, i) => {
    it(`advantages case ${i + 1} (β ${c.kl_coef}, γ ${c.gamma}, λ ${c.lam}): rewards, whitened advantages, returns and KL within 1e-9`, () => {
      const want = ref.advantages[i];
      const got = computeAdvantages(c.rollouts, { klCoef: c.kl_coef, gamma: c.gamma, lam: c.lam });
      for (const key of ['rewards', 'advantages', 'returns'] as const) {
        got[key].forEach((row, r) => {
          expect(row.length, `${key} row ${r}`).toBe(want[key][r].length);
          row.forEach((x, t) => expect(close(x, want[key][r][t], 1e-9), `${key}[${r}][${t}]: ${x} vs ${want[key][r][t]}`).toBe(true));
        });
      }
      got.kl.forEach((x, r) => expect(close(x, want.kl[r], 1e-9), `kl[${r}]`).toBe(true));
    });
  });

  it('the adaptive KL controller moves β as TRL does, and a fixed one does not move it', () => {
    let coef = controller.init;
    controller.updates.forEach(([kl, n], k) => {
      coef = nextKlCoef(coef, kl, n, { target: controller.target, horizon: controller.horizon });
      expect(close(coef, ref.kl_controller[k], 1e-12), `after update ${k + 1}: ${coef} vs ${ref.kl_controller[k]}`).toBe(true);
    });
    expect(coef).not.toBe(controller.init);
    expect(nextKlCoef(0.2, 30, 256, null)).toBe(0.2);
  });
});
