import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder, availableBackends, backendWorks, createSession, decodeModel, listedBackends, ort, saveModel, toModelBytes } from '../../native/onnx/index.ts';
import type { Backend, BackendProbe } from '../../native/onnx/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'lathe-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('graph builder', () => {
  it('infers shapes with symbolic dims', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['B', 'T', 8]);
    const w = g.initializer('w', new Float32Array(8 * 6), [8, 6]);
    const h = g.op('MatMul', [x, w]);
    expect(h.shape).toEqual(['B', 'T', 6]);
    const r = g.op('Reshape', [h, g.ints([-1, 3])]);
    expect(r.shape).toEqual(['2*B*T', 3]);
    const heads = g.op('Reshape', [h, g.ints([0, 0, 2, 3])]);
    expect(g.op('Transpose', [heads], { perm: [0, 2, 1, 3] }).shape).toEqual(['B', 2, 'T', 3]);
    const [a, b] = g.opN('Split', [h], 2, { axis: -1 });
    expect(a.shape).toEqual(['B', 'T', 3]);
    expect(g.op('Concat', [a, b], { axis: 2 }).shape).toEqual(['B', 'T', 6]);
    expect(g.op('ReduceMean', [h, g.ints([-1])], { keepdims: 0 }).shape).toEqual(['B', 'T']);
    expect(g.op('Cast', [h], { to: 11 }).dtype).toBe('float64');
    expect(g.op('Gather', [w, g.input('ids', 'int64', ['B', 'T'])]).shape).toEqual(['B', 'T', 6]);
  });

  it('names the op, node and operand on mistakes', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['B', 8]);
    const w = g.initializer('w', new Float32Array(12), [4, 3]);
    expect(() => g.op('MatMul', [x, w], {}, { name: 'proj' })).toThrow(/MatMul \(node 'proj'\): inner dims differ: operand A 'x'.*operand B 'w'/);
    const d = g.input('d', 'float64', ['B', 8]);
    expect(() => g.op('Add', [x, d])).toThrow(/Add .*operand B 'd' is float64 but operand A 'x' is float32/);
    const y = g.input('y', 'float32', ['B', 5]);
    expect(() => g.op('Mul', [x, y])).toThrow(/operand B 'y' \[B, 5\] does not broadcast/);
    const t = g.input('t', 'float32', ['T', 8]);
    expect(() => g.op('Sub', [x, t])).toThrow(/'B' ≠ 'T'|'T' ≠ 'B'/);
    expect(() => g.initializer('bad', new Float32Array(5), [2, 3])).toThrow(/5 elements given for dims \[2, 3\]/);
  });

  it('serialises and runs on cpu with every initializer dtype', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2, 3]);
    const w64 = g.initializer('w64', Float64Array.from([1, 2, 3]), [3]);
    const i64 = g.initializer('i64', BigInt64Array.from([1n, 0n]), [2]);
    const i32 = g.initializer('i32', Int32Array.from([2, 2, 2]), [3]);
    const u8 = g.initializer('u8', Uint8Array.from([1, 0, 1]), [3], 'bool');
    const h16 = g.initializer('h16', Uint16Array.from([0x3c00, 0x4000, 0x3800]), [3]); // 1, 2, 0.5 in fp16
    let y = g.op('Mul', [x, g.op('Cast', [w64], { to: 1 })]);
    y = g.op('Mul', [y, g.op('Cast', [i32], { to: 1 })]);
    y = g.op('Mul', [y, g.op('Cast', [h16], { to: 1 })]);
    y = g.op('Where', [u8, y, g.scalar(0)]);
    y = g.op('Gather', [y, i64], { axis: 0 });
    g.output(y, 'y');
    const s = await createSession(toModelBytes(g), { intraOpNumThreads: 1 });
    expect(s.backend).toBe('cpu');
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 1, 2, 2, 2]), [2, 3]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([4, 0, 6, 2, 0, 3]);
    expect(out.y.dims).toEqual([2, 3]);
    await s.release();
  });

  it('writes float attributes as floats and keeps symbolic dims', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['B', 4]);
    g.output(g.op('LeakyRelu', [x], { alpha: 1 }), 'y');
    const m = decodeModel(toModelBytes(g));
    expect(m.graph?.node?.[0]?.attribute?.[0]?.type).toBe(1); // FLOAT
    expect(m.graph?.input?.[0].type?.tensorType?.shape?.dim?.[0].dimParam).toBe('B');
  });

  it('leaves trailing omitted inputs out of a node and keeps inner ones; ORT loads it', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2, 4]);
    // a float32 LayerNormalization with its bias written as '' crashed onnxruntime 1.30 (segfault) at session creation
    g.output(g.op('LayerNormalization', [x, g.input('w', 'float32', [4]), null], { axis: -1 }), 'y');
    g.output(g.op('Clip', [x, null, g.scalar(1)]), 'c');
    const m = decodeModel(toModelBytes(g));
    const node = (op: string) => m.graph?.node?.find((n) => n.opType === op);
    expect(node('LayerNormalization')?.input).toEqual(['x', 'w']);
    expect(node('Clip')?.input?.[1]).toBe('');
    const s = await createSession(g);
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4, -1, 0, 1, 2), [2, 4]), w: new ort.Tensor('float32', new Float32Array(4).fill(1), [4]) });
    expect(Array.from(out.c.data as Float32Array)).toEqual([1, 1, 1, 1, -1, 0, 1, 1]);
    await s.release();
  });

  it('writes external data with location/offset/length and loads it', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [4]);
    const big = g.initializer('big', Float32Array.from([1, 2, 3, 4]), [4]);
    const small = g.initializer('small', Float32Array.from([10]), [1]);
    const big2 = g.initializer('big2', Float32Array.from([5, 6, 7, 8]), [4]);
    g.output(g.op('Add', [g.op('Add', [g.op('Mul', [x, big]), small]), big2]), 'y');
    const file = path.join(dir, 'model.onnx');
    const saved = saveModel(g, file, { externalDataThreshold: 16 });
    expect(saved.externalData).toBe(path.join(dir, 'model.onnx.data'));
    const m = decodeModel(readFileSync(file));
    const ext = m.graph?.initializer?.find((t) => t.name === 'big2');
    expect(ext?.dataLocation).toBe(1);
    const kv = Object.fromEntries((ext?.externalData ?? []).map((e) => [e.key, e.value]));
    expect(kv).toEqual({ location: 'model.onnx.data', offset: '64', length: '16' });
    expect(m.graph?.initializer?.find((t) => t.name === 'small')?.rawData?.length).toBe(4);
    expect(statSync(saved.externalData!).size).toBe(80);
    const s = await createSession(file, { intraOpNumThreads: 1 });
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 1, 1]), [4]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([16, 18, 20, 22]);
    await s.release();
  });

  // The real trial of cuda/webgpu makes ORT print load failures from native code, so the choice is checked with
  // a stubbed probe and the real sessions only on providers that need no trial: cpu and one not listed here.
  it('reports backends that pass a trial, in order, cpu last', async () => {
    const tried: Backend[] = [];
    const probe: BackendProbe = {
      listed: () => ['cpu', 'cuda', 'webgpu', 'coreml'],
      trial: async (b) => {
        tried.push(b);
        if (b === 'cuda') throw new Error('libonnxruntime_providers_cuda.so not found');
      },
    };
    expect(await availableBackends(probe)).toEqual(['coreml', 'webgpu', 'cpu']);
    expect(tried).toEqual(['cuda', 'coreml', 'webgpu']); // dml is not listed: never tried
    expect(await backendWorks('dml', probe)).toBe(false);
    expect(await backendWorks('cuda', probe)).toBe(false);
    expect(await availableBackends({ listed: () => [], trial: () => Promise.reject(new Error('no')) })).toEqual(['cpu']);
  });

  it('starts cpu and refuses a provider this build does not list', async () => {
    expect(await backendWorks('cpu')).toBe(true);
    const missing = (['coreml', 'dml', 'cuda', 'webgpu'] as const).find((b) => !listedBackends().includes(b));
    if (missing === undefined) return; // every provider ships in this build: nothing to refuse without a trial
    expect(await backendWorks(missing)).toBe(false);
    await expect(createSession(toModelBytes(trivial()), { backend: missing })).rejects.toThrow(new RegExp(`'${missing}' is not available`));
    const s = await createSession(toModelBytes(trivial()), { backend: missing, fallbackToCpu: true, intraOpNumThreads: 1 });
    expect(s.backend).toBe('cpu');
    await s.release();
  });
});

function trivial(): GraphBuilder {
  const g = new GraphBuilder();
  g.output(g.op('Neg', [g.input('x', 'float32', [1])]), 'y');
  return g;
}
