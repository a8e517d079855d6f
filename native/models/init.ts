// Seeded random initial weights drawn inside onnxruntime (RandomNormal / RandomUniform with a seed per tensor),
// so initialisation is reproducible from one seed and no TypeScript loop walks the elements.
import { GraphBuilder, createSession } from '../onnx/index.ts';
import type { Tensor } from './safetensors.ts';

export type InitRule =
  | { kind: 'normal'; std: number }
  | { kind: 'uniform'; bound: number }
  | { kind: 'constant'; value: number };

export interface InitSpec {
  name: string;
  shape: number[];
  rule: InitRule;
}

/** Draw every tensor of `specs`; tensor i uses seed `seed + i`, so adding a tensor at the end keeps the others. */
export async function initTensors(specs: readonly InitSpec[], seed: number): Promise<Map<string, Tensor>> {
  const g = new GraphBuilder({ name: 'init', opset: 21 }) // ORT's CPU random kernels stop at opset 21;
  specs.forEach((s, i) => {
    const attrs = { dtype: 1, shape: s.shape, seed: { float: streamSeed(seed, i) } };
    const r = s.rule;
    const v =
      r.kind === 'normal'
        ? g.op('RandomNormal', [], { ...attrs, mean: { float: 0 }, scale: { float: r.std } }, { types: [{ dtype: 'float32', shape: s.shape }] })
        : r.kind === 'uniform'
          ? g.op('RandomUniform', [], { ...attrs, low: { float: -r.bound }, high: { float: r.bound } }, { types: [{ dtype: 'float32', shape: s.shape }] })
          : g.op('ConstantOfShape', [g.ints(s.shape)], { value: { tensor: Float32Array.of(r.value), dims: [1], dtype: 'float32' } });
    g.output(v, `t${i}`);
  });
  const session = await createSession(g, { intraOpNumThreads: 1 });
  try {
    const out = await session.run({});
    return new Map(specs.map((s, i) => [s.name, { shape: [...s.shape], data: out[`t${i}`].data as Float32Array }]));
  } finally {
    await session.release();
  }
}

/**
 * A well-spread seed for tensor i: ORT's generator (a linear congruential engine) gives nearly equal first
 * draws for nearby seeds, so (seed, i) is hashed (splitmix32) to a float-exact integer below 2^24.
 */
function streamSeed(seed: number, i: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(i + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return ((z ^ (z >>> 16)) >>> 0) % 16777213 + 1;
}
