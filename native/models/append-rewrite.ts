// Lathe's ONNX exports run with the append-only KV cache: their attention is one com.microsoft.GroupQueryAttention
// per layer (fused-attention.ts), which transformers.js runs as a growing cache. Loaded by Lathe, each of those
// nodes is replaced, in the decoded model, by the append-only subgraph the graphs built here use
// (appendAttentionOver): the past inputs become capacity buffers read where they lie and `present.N.*` become the
// step's new columns, so a quantised model in the store decodes with the same cache as its source. Weights and
// every other node are left as they are (the same bytes, re-encoded).
import onnxProto from 'onnx-proto';
import { GraphBuilder, decodeModel, fragmentProto, type Value } from '../onnx/index.ts';
import type { ModelSpec } from './config.ts';
import { appendAttentionOver, bufferColumns } from './fused-attention.ts';

const { onnx } = onnxProto;
const MS = 'com.microsoft';

/**
 * The model `bytes` with each GroupQueryAttention node replaced by the append-only attention; null when it has
 * none (an export without the fused attention) or keeps weights in external data (not handled here: it stays on
 * the cache it was exported with).
 */
export function appendOnlyModel(bytes: Uint8Array, spec: ModelSpec): Uint8Array | null {
  const model = decodeModel(bytes);
  const graph = model.graph!;
  if (graph.initializer?.some((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)) return null;
  const nodes = graph.node ?? [];
  if (!nodes.some((n) => n.opType === 'GroupQueryAttention' && n.domain === MS)) return null;
  const { numHeads: nh, numKvHeads: nkv, headDim: hs } = spec;
  // One builder for every layer's fragment, so that the buffers' column count is computed once; each fragment's
  // nodes go where its GroupQueryAttention stood (the model's node order stays topological).
  const g = new GraphBuilder({ name: 'append-only', opset: model.opsetImport?.find((o) => !o.domain)?.version as number | undefined });
  const kept = new Set<string>();
  const input = (name: string, shape: (number | string)[]): Value => {
    kept.add(name);
    return g.has(name) ? g.value(name) : g.input(name, 'float32', shape);
  };
  let cap: Value | undefined;
  const rewritten: onnxProto.onnx.INodeProto[] = [];
  const fragments: { at: number; from: number; to: number }[] = [];
  for (const node of nodes) {
    if (node.opType !== 'GroupQueryAttention' || node.domain !== MS) {
      rewritten.push(node);
      continue;
    }
    const [q, k, v, pastKey, pastValue] = node.input!;
    const maskBias = node.input![10];
    const [out, presentKey, presentValue] = node.output!;
    const layer = Number(/^present\.(\d+)\.key$/.exec(presentKey)?.[1]);
    if (!Number.isInteger(layer) || !maskBias) throw new Error(`GroupQueryAttention node '${node.name}': not one of Lathe's exported attention nodes (present output '${presentKey}', attention_bias '${maskBias ?? ''}')`);
    const from = g.nodes.length;
    let qkv: { q: Value; k: Value; v: Value };
    if (k) qkv = { q: input(q, ['B', 'T', nh * hs]), k: input(k, ['B', 'T', nkv * hs]), v: input(v, ['B', 'T', nkv * hs]) };
    else {
      // GPT-2's packed q|k|v
      const [qs, ks, vs] = g.opN('Split', [input(q, ['B', 'T', (nh + 2 * nkv) * hs]), g.ints([nh * hs, nkv * hs, nkv * hs])], 3, { axis: -1 });
      qkv = { q: qs, k: ks, v: vs };
    }
    const pastK = input(pastKey, ['B', nkv, 'Cap', hs]);
    cap ??= bufferColumns(g, pastK);
    // The scale stays in alpha, as GroupQueryAttention applies it: the same file then decodes token for token as
    // transformers.js decodes it (appendAttentionOver's scaleIn).
    const result = appendAttentionOver(g, { ...qkv, pastKey: pastK, pastValue: input(pastValue, ['B', nkv, 'Cap', hs]), maskBias: input(maskBias, ['B', 1, 'T', 'S']), cap, scaleIn: 'alpha' }, spec, layer);
    g.op('Identity', [result], {}, { outputs: [out] }); // GroupQueryAttention's (B, T, nh*hs); its consumer reshapes to (B*T, nh*hs)
    for (const name of [out, presentKey, presentValue]) kept.add(name);
    fragments.push({ at: rewritten.length, from, to: g.nodes.length });
    rewritten.push({}); // placeholder for the fragment
  }
  const fragment = fragmentProto(g, (name) => (kept.has(name) ? name : `append/${name}`));
  for (const f of fragments.reverse()) rewritten.splice(f.at, 1, ...fragment.nodes.slice(f.from, f.to));
  const added = fragment.initializers;
  graph.node = rewritten;
  graph.initializer = [...(graph.initializer ?? []), ...added];
  // present.N.* are now the step's T new columns
  for (const o of graph.output ?? []) {
    if (/^present\.\d+\.(key|value)$/.test(o.name ?? '')) o.type = { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'B' }, { dimValue: nkv }, { dimParam: 'T' }, { dimValue: hs }] } } };
  }
  return onnx.ModelProto.encode(model).finish();
}
