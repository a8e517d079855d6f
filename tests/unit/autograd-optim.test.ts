// Optimiser steps in the graph against plain TypeScript references (the loss ½‖W − T‖² has gradient W − T).
import { describe, expect, it } from 'vitest';
import { GraphBuilder, ort } from '../../native/onnx/index.ts';
import { type OptimizerSpec, TrainingSession, buildTrainingStep } from '../../native/autograd/index.ts';

const N = 6;
const init = (off: number): Float64Array => Float64Array.from({ length: N }, (_, i) => Math.sin(i + off));
const target = Float64Array.from({ length: N }, (_, i) => Math.cos(3 * i));

/** loss = ½ Σ (W1 − T)² + ½ Σ (W2 − T)² · 4, so the gradients are W1 − T and 4(W2 − T). */
function quadratic(): GraphBuilder {
  const g = new GraphBuilder();
  const t = g.constant(target, [N]);
  const term = (w: string, scale: number) => {
    const d = g.op('Sub', [g.initializer(w, init(scale), [N]), t]);
    return g.op('Mul', [g.op('ReduceSum', [g.op('Mul', [d, d])], { keepdims: 0 }), g.scalar(0.5 * scale, 'float64')]);
  };
  const loss = g.op('Add', [term('w1', 1), term('w2', 4)]);
  g.input('unused_batch', 'float64', [1]); // the step takes a batch even when the loss ignores it
  g.output(loss, 'objective');
  return Object.assign(g, { lossValue: loss });
}

function reference(spec: OptimizerSpec, lrs: number[], clip?: number): Float64Array[] {
  const ws = [Float64Array.from(init(1)), Float64Array.from(init(4))];
  const scales = [1, 4];
  const m = ws.map(() => new Float64Array(N));
  const v = ws.map(() => new Float64Array(N));
  lrs.forEach((lr, s) => {
    let grads = ws.map((w, j) => Float64Array.from(w, (x, i) => scales[j] * (x - target[i])));
    if (clip !== undefined) {
      const norm = Math.sqrt(grads.reduce((acc, gr) => acc + gr.reduce((a, x) => a + x * x, 0), 0));
      const f = Math.min(1, clip / (norm + 1e-6));
      grads = grads.map((gr) => gr.map((x) => x * f));
    }
    ws.forEach((w, j) => {
      for (let i = 0; i < N; i++) {
        const gi = grads[j][i];
        if (spec.kind === 'sgd') {
          const gd = gi + (spec.weightDecay ?? 0) * w[i];
          m[j][i] = (spec.momentum ?? 0) * m[j][i] + gd;
          w[i] -= lr * m[j][i];
        } else {
          const [b1, b2, eps, wd] = [spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.eps ?? 1e-8, spec.weightDecay ?? 0.01];
          w[i] *= 1 - lr * wd;
          m[j][i] = b1 * m[j][i] + (1 - b1) * gi;
          v[j][i] = b2 * v[j][i] + (1 - b2) * gi * gi;
          const mhat = m[j][i] / (1 - b1 ** (s + 1));
          const vhat = v[j][i] / (1 - b2 ** (s + 1));
          w[i] -= (lr * mhat) / (Math.sqrt(vhat) + eps);
        }
      }
    });
  });
  return ws;
}

async function run(spec: OptimizerSpec, lrs: number[], clip?: number, preallocate = true, inPlace = true): Promise<Float64Array[]> {
  const g = quadratic();
  const graphs = buildTrainingStep(g, { loss: g.value('objective'), trainable: ['w1', 'w2'], optimizer: spec, clipNorm: clip });
  const s = await TrainingSession.create(graphs, { intraOpNumThreads: 1, preallocate, inPlace });
  const batch = { unused_batch: new ort.Tensor('float64', new Float64Array(1), [1]) };
  for (const lr of lrs) await s.step(batch, lr);
  const out = ['w1', 'w2'].map((n) => Float64Array.from(s.tensor(n).data as Float64Array));
  await s.release();
  return out;
}

const close = (a: Float64Array[], b: Float64Array[]): void => a.forEach((w, j) => w.forEach((x, i) => expect(x).toBeCloseTo(b[j][i], 12)));

describe('optimisers in the graph', () => {
  const lrs = [0.1, 0.05, 0.02, 0.01];
  it('SGD with momentum and weight decay matches the reference', async () => {
    const spec: OptimizerSpec = { kind: 'sgd', momentum: 0.9, weightDecay: 0.01 };
    close(await run(spec, lrs), reference(spec, lrs));
  });
  it('plain SGD matches without preallocated outputs', async () => {
    close(await run({ kind: 'sgd' }, lrs, undefined, false), reference({ kind: 'sgd' }, lrs));
  });
  it('AdamW with bias correction matches the reference', async () => {
    const spec: OptimizerSpec = { kind: 'adamw', beta1: 0.8, beta2: 0.95, weightDecay: 0.1 };
    close(await run(spec, lrs), reference(spec, lrs));
  });
  it('global-norm clipping matches the reference', async () => {
    const spec: OptimizerSpec = { kind: 'adamw' };
    close(await run(spec, lrs, 0.5), reference(spec, lrs, 0.5));
  });
  it('updates in place and with fresh outputs match the reference', async () => {
    const adam: OptimizerSpec = { kind: 'adamw', beta1: 0.8, beta2: 0.95, weightDecay: 0.1 };
    const sgd: OptimizerSpec = { kind: 'sgd', momentum: 0.9, weightDecay: 0.01 };
    close(await run(adam, lrs, 0.5, false, true), reference(adam, lrs, 0.5));
    close(await run(adam, lrs, undefined, false, false), reference(adam, lrs));
    close(await run(sgd, lrs, undefined, false, true), reference(sgd, lrs));
  });
  it('writes an update over its input only when every reader of the input runs before the write', async () => {
    const g = quadratic();
    g.output(g.op('Mul', [g.value('w2'), g.scalar(2, 'float64')]), 'w2_doubled'); // a reader the update does not wait for
    const graphs = buildTrainingStep(g, { loss: g.value('objective'), trainable: ['w1', 'w2'], optimizer: { kind: 'sgd', momentum: 0.5 } });
    expect([...graphs.inPlace!].sort()).toEqual(['w1', 'w1.momentum_buffer', 'w2.momentum_buffer']);
    const s = await TrainingSession.create(graphs, { intraOpNumThreads: 1 });
    const w1 = s.tensor('w1');
    await s.step({ unused_batch: new ort.Tensor('float64', new Float64Array(1), [1]) }, 0.1);
    expect(s.tensor('w1')).toBe(w1);
    expect(s.tensor('w2').data[0]).toBeCloseTo(init(4)[0] - 0.1 * 4 * (init(4)[0] - target[0]), 12);
    await s.release();
  });

  it('keeps frozen weights inside and differentiates only towards the trainable ones', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [3, 4]);
    const h = g.op('MatMul', [x, g.initializer('frozen', Float32Array.from({ length: 20 }, (_, i) => i / 20), [4, 5])]);
    const y = g.op('MatMul', [h, g.initializer('adapter', Float32Array.from({ length: 10 }, (_, i) => i / 10), [5, 2])]);
    const loss = g.op('ReduceMean', [g.op('Mul', [y, y])], { keepdims: 0 });
    const graphs = buildTrainingStep(g, { loss, trainable: ['adapter'], optimizer: { kind: 'sgd' } });
    expect(g.initializers.has('frozen')).toBe(true);
    expect(g.inputs.map((v) => v.name)).toContain('adapter');
    // forward 2 MatMuls + one for dAdapter = hᵀ·dy; no gradient towards the frozen weight or x
    expect(g.nodes.filter((n) => n.opType === 'MatMul' || n.opType === 'Gemm')).toHaveLength(3);
    const s = await TrainingSession.create(graphs, { intraOpNumThreads: 1 });
    const before = Float32Array.from(s.tensor('adapter').data as Float32Array);
    const r = await s.step({ x: new ort.Tensor('float32', Float32Array.from({ length: 12 }, (_, i) => i / 12), [3, 4]) }, 0.01);
    expect(r.loss).toBeGreaterThan(0);
    expect(Array.from(s.tensor('adapter').data as Float32Array)).not.toEqual(Array.from(before));
    await s.release();
  });

  it('accumulates micro-batch gradients to the same step as one batch', async () => {
    const build = (micro: number) => {
      const g = new GraphBuilder();
      const x = g.input('x', 'float64', ['B', 3]);
      const w = g.initializer('w', Float64Array.from([0.3, -0.2, 0.5, 0.1, 0.4, -0.6]), [3, 2]);
      const y = g.op('Tanh', [g.op('MatMul', [x, w])]);
      const loss = g.op('ReduceMean', [g.op('Mul', [y, y])], { keepdims: 0 });
      return buildTrainingStep(g, { loss, trainable: ['w'], optimizer: { kind: 'adamw' }, microBatches: micro, clipNorm: 10 });
    };
    const data = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i));
    const t = (from: number, rows: number) => ({ x: new ort.Tensor('float64', data.slice(from * 3, (from + rows) * 3), [rows, 3]) });
    const whole = await TrainingSession.create(build(1), { intraOpNumThreads: 1 });
    const split = await TrainingSession.create(build(2), { intraOpNumThreads: 1 });
    for (let k = 0; k < 3; k++) {
      const a = await whole.step(t(0, 4), 0.05);
      const b = await split.step([t(0, 2), t(2, 2)], 0.05);
      expect(b.loss).toBeCloseTo(a.loss, 12);
      expect(b.gradNorm).toBeCloseTo(a.gradNorm, 12);
    }
    close([whole.tensor('w').data as Float64Array], [split.tensor('w').data as Float64Array]);
    await whole.release();
    await split.release();
  });
});
