// The weight products of a decoder ONNX file alone: one session holding only its MatMul / Gemm / MatMulNBits /
// DynamicQuantizeMatMul nodes whose weights are initializers, each fed its own (1, K) input — the kernels and the
// weights a single-token decode step runs, without the rest of the graph. bench/decode-cpu.ts times it beside the
// whole step, so the step's cost splits into the projections' kernels and everything else (attention, norms,
// reshapes, the runtime's per-node and per-run overhead).
import fs from 'node:fs';
import onnxProto from 'onnx-proto';
import { decodeModel, ort } from '../native/onnx/index.ts';

const { onnx } = onnxProto;
const PRODUCTS = new Set(['MatMul', 'Gemm', 'MatMulNBits', 'DynamicQuantizeMatMul']);

export interface ProjectionsOnly {
  /** How many weight products the file's graph has. */
  count: number;
  /** Each product as the file holds it: its op, attributes that set its kernel, and its initializers' bytes. */
  products: { opType: string; K: number; N?: number; blockSize?: number; accuracyLevel?: number; bytes: number }[];
  /** One run of all of them on a single row each. */
  run(): Promise<void>;
  release(): Promise<void>;
}

/** The reduction (input) width K of a weight product, from its attributes or its weight's shape. */
function inputWidth(node: onnxProto.onnx.INodeProto, weight: onnxProto.onnx.ITensorProto): number {
  const k = node.attribute?.find((a) => a.name === 'K');
  if (k) return Number(k.i);
  const dims = (weight.dims ?? []).map(Number);
  const transB = Number(node.attribute?.find((a) => a.name === 'transB')?.i ?? 0);
  return node.opType === 'Gemm' && transB ? dims[1] : dims[0];
}

export async function projectionsOnly(file: string, intraOpNumThreads: number): Promise<ProjectionsOnly> {
  const model = decodeModel(fs.readFileSync(file));
  const graph = model.graph!;
  const weights = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const products = (graph.node ?? []).filter((n) => PRODUCTS.has(n.opType!) && weights.has(n.input![1]));
  if (products.length === 0) throw new Error(`${file}: no weight products (MatMul/Gemm/MatMulNBits/DynamicQuantizeMatMul on an initializer) to time`);
  const attr = (n: onnxProto.onnx.INodeProto, name: string) => {
    const a = n.attribute?.find((x) => x.name === name);
    return a ? Number(a.i) : undefined;
  };
  const bytes = (n: onnxProto.onnx.INodeProto) => n.input!.slice(1).reduce((sum, name) => sum + (weights.get(name)?.rawData?.byteLength ?? 0), 0);
  const described = products.map((n) => ({
    opType: n.opType!, K: inputWidth(n, weights.get(n.input![1])!), N: attr(n, 'N'), blockSize: attr(n, 'block_size'), accuracyLevel: attr(n, 'accuracy_level'), bytes: bytes(n),
  }));
  const external = described.findIndex((d) => d.bytes === 0);
  if (external >= 0) throw new Error(`${file}: weight product '${products[external].name}' keeps its weights outside the file (external data), which this bench does not read`);
  const feeds: Record<string, ort.Tensor> = {};
  graph.input = [];
  graph.output = [];
  graph.valueInfo = [];
  graph.node = products.map((n, i) => {
    const k = inputWidth(n, weights.get(n.input![1])!);
    const x = `x${i}`;
    graph.input!.push({ name: x, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: k }] } } } });
    graph.output!.push({ name: `y${i}`, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
    feeds[x] = new ort.Tensor('float32', new Float32Array(k).fill(0.01), [1, k]);
    return { ...n, input: [x, ...n.input!.slice(1)], output: [`y${i}`] };
  });
  const used = new Set(graph.node.flatMap((n) => n.input ?? []));
  graph.initializer = (graph.initializer ?? []).filter((t) => used.has(t.name!));
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), { intraOpNumThreads });
  return {
    count: products.length,
    products: described,
    run: async () => {
      await session.run(feeds);
    },
    release: () => session.release(),
  };
}
