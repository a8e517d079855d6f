// The append-only attention scales q by 1/√hs before its head reshape instead of in FusedMatMul's alpha: onnxruntime
// 1.30's single-row product takes its fast path only at alpha 1 (docs/benchmarks.md, "Decode: Lathe vs llama.cpp").
// This checks the graph onnxruntime actually runs — its optimiser folds a scalar Mul feeding a MatMul into alpha, so
// the property must hold after optimisation — and that the scores carry the scale either way (the rewrite of an
// exported model keeps it in alpha, as GroupQueryAttention does, to decode exactly as transformers.js does).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder, decodeModel, ort, toModelBytes } from '../../native/onnx/index.ts';
import { appendAttentionOver } from '../../native/models/fused-attention.ts';
import type { ModelSpec } from '../../native/models/config.ts';

const nh = 2;
const hs = 16;
const cap = 4;
const spec = { numHeads: nh, numKvHeads: nh, headDim: hs } as ModelSpec;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-append-scale-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function attentionGraph(scaleIn: 'q' | 'alpha' = 'q'): GraphBuilder {
  const g = new GraphBuilder({ name: 'append-attention' });
  const q = g.input('q', 'float32', [1, 1, nh * hs]);
  const k = g.input('k', 'float32', [1, 1, nh * hs]);
  const v = g.input('v', 'float32', [1, 1, nh * hs]);
  const pastKey = g.input('past_key', 'float32', [1, nh, cap, hs]);
  const pastValue = g.input('past_value', 'float32', [1, nh, cap, hs]);
  const maskBias = g.input('mask_bias', 'float32', [1, 1, 1, cap + 1]);
  g.output(appendAttentionOver(g, { q, k, v, pastKey, pastValue, maskBias, scaleIn }, spec, 0), 'out');
  return g;
}

/** Deterministic values in [−1, 1). */
const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => (((i + 1) * 2654435761 * seed) % 1000) / 500 - 1);

describe('append-only attention and the 1/√hs scale', () => {
  it('runs every FusedMatMul at alpha 1 after onnxruntime optimises the graph', async () => {
    const optimized = path.join(tmp, 'optimized.onnx');
    const session = await ort.InferenceSession.create(toModelBytes(attentionGraph()), { graphOptimizationLevel: 'all', optimizedModelFilePath: optimized, logSeverityLevel: 3 });
    await session.release();
    const nodes = decodeModel(fs.readFileSync(optimized)).graph?.node ?? [];
    const products = nodes.filter((n) => n.opType === 'FusedMatMul');
    expect(products.length).toBeGreaterThan(0);
    for (const n of products) expect(n.attribute?.find((a) => a.name === 'alpha')?.f ?? 1).toBe(1);
  });

  it.each(['q', 'alpha'] as const)('with the scale on %s, gives softmax(q·kᵀ/√hs + mask)·v over the cached and the new column', async (scaleIn) => {
    const feeds = {
      q: new ort.Tensor('float32', values(nh * hs, 3), [1, 1, nh * hs]),
      k: new ort.Tensor('float32', values(nh * hs, 5), [1, 1, nh * hs]),
      v: new ort.Tensor('float32', values(nh * hs, 7), [1, 1, nh * hs]),
      past_key: new ort.Tensor('float32', values(nh * cap * hs, 11), [1, nh, cap, hs]),
      past_value: new ort.Tensor('float32', values(nh * cap * hs, 13), [1, nh, cap, hs]),
      // The last cached column is unfilled room, masked as the runtime masks it.
      mask_bias: new ort.Tensor('float32', Float32Array.from([0, 0, 0, -1e9, 0]), [1, 1, 1, cap + 1]),
    };
    const session = await ort.InferenceSession.create(toModelBytes(attentionGraph(scaleIn)), { logSeverityLevel: 3 });
    const out = (await session.run(feeds)).out.data as Float32Array;
    await session.release();
    const at = (t: ort.Tensor, i: number) => (t.data as Float32Array)[i];
    for (let h = 0; h < nh; h++) {
      const key = (c: number, d: number) => (c < cap ? at(feeds.past_key, (h * cap + c) * hs + d) : at(feeds.k, h * hs + d));
      const value = (c: number, d: number) => (c < cap ? at(feeds.past_value, (h * cap + c) * hs + d) : at(feeds.v, h * hs + d));
      const scores = Array.from({ length: cap + 1 }, (_, c) => {
        let s = 0;
        for (let d = 0; d < hs; d++) s += at(feeds.q, h * hs + d) * key(c, d);
        return s / Math.sqrt(hs) + at(feeds.mask_bias, c);
      });
      const top = Math.max(...scores);
      const weights = scores.map((s) => Math.exp(s - top));
      const total = weights.reduce((a, b) => a + b, 0);
      for (let d = 0; d < hs; d++) {
        const expected = weights.reduce((a, w, c) => a + (w / total) * value(c, d), 0);
        expect(out[h * hs + d]).toBeCloseTo(expected, 5);
      }
    }
  });
});
