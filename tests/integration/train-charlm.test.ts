// End to end: a tiny character-level transformer trained on Tiny Shakespeare drives validation loss down.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TrainingSession, buildTrainingStep } from '../../native/autograd/index.ts';
import { createSession, ort } from '../../native/onnx/index.ts';
import { buildDecoder } from '../fixtures/onnx-decoder.ts';

const CORPUS = '../shared/data/corpora/tinyshakespeare.txt';
const [B, T, STEPS] = [16, 32, 300];

describe('char-level transformer training', () => {
  const present = existsSync(CORPUS);
  if (!present) console.log(`skipping char-LM training: ${CORPUS} is absent (shared data not mounted)`);
  it.skipIf(!present)('drives validation loss clearly below its start', async () => {
    const text = readFileSync(CORPUS, 'utf8');
    const chars = [...new Set(text)].sort();
    const index = new Map(chars.map((c, i) => [c, i]));
    const ids = BigInt64Array.from(text, (c) => BigInt(index.get(c)!));
    const split = Math.floor(ids.length * 0.9);
    let seed = 7;
    const randInt = (n: number): number => { seed = (seed * 16807) % 2147483647; return seed % n; };
    const batch = (from: number, to: number): Record<string, ort.Tensor> => {
      const x = new BigInt64Array(B * T);
      const y = new BigInt64Array(B * T);
      for (let b = 0; b < B; b++) {
        const i = from + randInt(to - from - T - 1);
        x.set(ids.subarray(i, i + T), b * T);
        y.set(ids.subarray(i + 1, i + T + 1), b * T);
      }
      return { tokens: new ort.Tensor('int64', x, [B, T]), targets: new ort.Tensor('int64', y, [B, T]) };
    };
    const cfg = { vocab: chars.length, ctx: T, layers: 2, dim: 64, heads: 4 };
    const model = buildDecoder(cfg);
    const train = await TrainingSession.create(
      buildTrainingStep(model.g, { loss: model.loss, trainable: model.trainable, optimizer: { kind: 'adamw', weightDecay: 0.01 }, clipNorm: 1 }),
      { intraOpNumThreads: 1 },
    );
    // evaluation: the same forward graph with the trainable weights as inputs, fed the live training tensors
    const evalModel = buildDecoder(cfg);
    for (const name of evalModel.trainable) evalModel.g.promoteToInput(name);
    evalModel.g.output(evalModel.loss, 'loss');
    const evalSession = await createSession(evalModel.g, { intraOpNumThreads: 1 });
    const valBatches = Array.from({ length: 8 }, () => batch(split, ids.length));
    const validate = async (): Promise<number> => {
      const params = Object.fromEntries(evalModel.trainable.map((n) => [n, train.tensor(n)]));
      let sum = 0;
      for (const vb of valBatches) sum += Number((await evalSession.run({ ...vb, ...params })).loss.data[0]);
      return sum / valBatches.length;
    };
    const start = await validate();
    const t0 = performance.now();
    for (let step = 0; step < STEPS; step++) {
      const lr = 3e-3 * Math.min(1, (step + 1) / 20); // linear warm-up: schedules live in TypeScript
      await train.step(batch(0, split), lr);
    }
    const end = await validate();
    console.log(`char-LM: val loss ${start.toFixed(3)} → ${end.toFixed(3)} in ${STEPS} steps, ${((performance.now() - t0) / STEPS).toFixed(1)} ms/step`);
    expect(start).toBeGreaterThan(Math.log(chars.length) - 0.3);
    expect(end).toBeLessThan(start - 1.2);
    await train.release();
    await evalSession.release();
  });
});
