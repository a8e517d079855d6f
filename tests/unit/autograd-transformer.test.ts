// A whole pre-norm transformer block (causal self-attention + MLP), finite-difference checked in float64.
import { describe, it } from 'vitest';
import type { GraphBuilder, Value } from '../../native/onnx/index.ts';
import { gradCheck } from './autograd-check.ts';

const [B, T, C, H] = [2, 4, 8, 2];
const HS = C / H;

function block(g: GraphBuilder, [x, ln1w, ln1b, wqkv, bqkv, wo, ln2w, ln2b, w1, w2]: Value[]): Value {
  const causal = g.constant(Uint8Array.from({ length: T * T }, (_, i) => (i % T <= Math.floor(i / T) ? 1 : 0)), [T, T], 'bool');
  const heads = (v: Value): Value => g.op('Transpose', [g.op('Reshape', [v, g.ints([B, T, H, HS])])], { perm: [0, 2, 1, 3] }); // (B, nh, T, hs)
  const h = g.op('LayerNormalization', [x, ln1w, ln1b], { axis: -1 }); // (B, T, C)
  const qkv = g.op('Add', [g.op('MatMul', [h, wqkv]), bqkv]); // (B, T, 3C)
  const [q, k, v] = g.opN('Split', [qkv], 3, { axis: -1 }).map(heads);
  const att = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), g.scalar(1 / Math.sqrt(HS), 'float64')]); // (B, nh, T, T)
  const p = g.op('Softmax', [g.op('Where', [causal, att, g.scalar(-1e9, 'float64')])], { axis: -1 });
  const y = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [p, v])], { perm: [0, 2, 1, 3] }), g.ints([B, T, C])]); // (B, T, C)
  const x1 = g.op('Add', [x, g.op('MatMul', [y, wo])]);
  const m = g.op('MatMul', [g.op('LayerNormalization', [x1, ln2w, ln2b], { axis: -1 }), w1]); // (B, T, 4C)
  // float64 has no Gelu kernel, and ORT fuses x·σ(x) into a float-only QuickGelu: tanh keeps the check in float64
  return g.op('Add', [x1, g.op('MatMul', [g.op('Tanh', [m]), w2])]);
}

describe('transformer block gradient', () => {
  it('matches finite differences for the input and every weight', async () => {
    await gradCheck({
      inputs: [
        { name: 'x', shape: [B, T, C] },
        { name: 'ln1.w', shape: [C], range: [0.5, 1.5] }, { name: 'ln1.b', shape: [C] },
        { name: 'attn.wqkv', shape: [C, 3 * C] }, { name: 'attn.bqkv', shape: [3 * C] }, { name: 'attn.wo', shape: [C, C] },
        { name: 'ln2.w', shape: [C], range: [0.5, 1.5] }, { name: 'ln2.b', shape: [C] },
        { name: 'mlp.w1', shape: [C, 4 * C] }, { name: 'mlp.w2', shape: [4 * C, C] },
      ],
      build: block,
      tol: 1e-5,
    });
  });
});
