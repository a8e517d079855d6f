/**
 * native/onnx — build ONNX graphs in TypeScript, serialise them, run them on onnxruntime-node.
 *
 * ```ts
 * import { GraphBuilder, createSession, ort } from '../onnx/index.ts';
 *
 * const g = new GraphBuilder({ name: 'mlp', opset: 23 });
 * const x = g.input('x', 'float32', ['B', 'T', 64]);               // symbolic dims 'B', 'T'
 * const w = g.initializer('fc.weight', new Float32Array(64 * 32), [64, 32]);
 * const h = g.op('MatMul', [x, w]);                                 // h.shape = ['B', 'T', 32], inferred
 * const y = g.op('Softmax', [h], { axis: -1 });                      // attributes: numbers, strings, arrays
 * const [a, b] = g.opN('Split', [y, g.ints([16, 16])], 2, { axis: -1 });
 * const r = g.op('Reshape', [a, g.ints([0, 0, 4, 4])]);              // 0 copies a dim; -1 infers ('B*T' etc.)
 * g.op('LayerNormalization', [x, g.initializer('ln.w', ..., [64]), null], { axis: -1, epsilon: 1e-5 });
 * g.output(y, 'probs');                                             // outputs may be renamed
 *
 * const s = await createSession(g, { backend: 'cpu', intraOpNumThreads: 1 });  // or bytes, or a file path
 * s.backend;                                                         // the provider that actually runs
 * const out = await s.run({ x: new ort.Tensor('float32', data, [2, 5, 64]) });
 * ```
 *
 * - A mistake (dtype mismatch, dims that do not broadcast, inner dims of a MatMul) throws at `g.op`, naming the op,
 *   the node and the operand: `MatMul (node 'MatMul_3'): inner dims differ: operand A 'x' [B, T, 64] @ operand B …`.
 * - Ops without an inference rule (contrib ops, rarities) get unknown shapes; pass `opts.types` to declare them.
 * - Integral numbers in attributes are written as INT, except names that ONNX defines as float (epsilon, alpha,
 *   beta, ratio, …); force a float with `{ float: 1 }`. Tensor attributes: `{ tensor, dims, dtype? }`.
 * - Initializers take Float32Array, Float64Array, BigInt64Array (int64), Int32Array, Uint8Array, Uint16Array (fp16
 *   by default; pass 'bfloat16' or 'uint16' as dtype), …  `g.scalar(v, dtype)` and `g.ints([...])` make constants.
 * - `g.promoteToInput(name)` turns a weight into a graph input (trainable parameters of a step graph).
 * - `toModelBytes(g)` gives ModelProto bytes; `saveModel(g, file, { externalDataThreshold })` writes a model whose
 *   large tensors live in a side file (automatic above protobuf's 2 GB limit).
 * - `availableBackends()` lists providers that pass a trial session (cpu always); `createSession` throws when a
 *   requested provider does not work, unless `fallbackToCpu` is set.
 */
export { GraphBuilder } from './graph.ts';
export type { Attr, Attrs, Dim, FloatAttr, GraphBuilderOptions, Initializer, Node, OpOptions, Shape, TensorAttr, Value } from './graph.ts';
export { BYTES_PER_ELEMENT, ONNX_DTYPE, arrayOf, dtypeFromCode, dtypeOfArray, isFloat } from './dtypes.ts';
export type { DType, TensorData } from './dtypes.ts';
export { broadcastShapes } from './shapes.ts';
export { PROTOBUF_LIMIT, decodeModel, fragmentProto, saveModel, toModelBytes } from './serialize.ts';
export type { SerializeOptions } from './serialize.ts';
export { availableBackends, backendWorks, createSession, listedBackends, ort } from './session.ts';
export type { Backend, BackendProbe, Session, SessionOptions } from './session.ts';

