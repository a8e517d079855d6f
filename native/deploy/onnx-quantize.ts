// Quantise a built decoder graph in place: every projection (a Gemm on a weight initializer: nn.Linear with
// transB = 1, GPT-2's Conv1D with transB = 0) becomes onnxruntime's quantised contrib op for the variant, the
// embedding lookups become GatherBlockQuantized where the variant's bits allow it, and fp16 keeps the weight
// matrices in half precision behind a Cast. The graph keeps its interface (fp32 inputs, logits and KV cache),
// so Lathe's loop and transformers.js run every variant the same way.
import type { GraphBuilder, Node } from '../onnx/index.ts';
import { floatToHalf } from '../onnx/float16.ts'; // directly: the index would load onnxruntime
import { stopIfCancelled } from '../models/atomic.ts';
import type { OnnxDtype } from '../models/onnx-variants.ts';
import { COLUMN_ZERO_POINT, quantizeBlocks, quantizeColumns8, type BlockBits } from './onnx-quant-blocks.ts';

export interface QuantizeOptions {
  /** Elements per block along K for the block-wise variants (default 32). */
  blockSize?: number;
  /**
   * MatMulNBits' accuracy_level: 0 unset, 1 fp32 compute, 2 fp16, 3 bf16, 4 int8 activations (fastest on CPU;
   * onnxruntime falls back to the most accurate level it supports). Default 4.
   */
  accuracyLevel?: 0 | 1 | 2 | 3 | 4;
  /** Quantise embedding tables too (GatherBlockQuantized), for the block-wise variants. Default true. */
  embeddings?: boolean;
  /** Heard after each weight matrix (a big model's quantisation takes many seconds): 'the export was cancelled'. */
  signal?: AbortSignal;
}

export interface QuantizeSummary {
  dtype: OnnxDtype;
  matmuls: number; // projections rewritten
  embeddings: number; // Gathers rewritten
  weightBytes: number; // initializer bytes after the rewrite
}

const MS = 'com.microsoft';

function intAttr(n: Node, name: string, fallback: number): number {
  const v = n.attrs[name];
  return typeof v === 'number' ? v : fallback;
}

/** Rewrite `g` for `dtype` (fp32 leaves it as it is). Returns what changed. */
export async function quantizeDecoderGraph(g: GraphBuilder, dtype: OnnxDtype, opts: QuantizeOptions = {}): Promise<QuantizeSummary> {
  const blockSize = opts.blockSize ?? 32;
  const summary: QuantizeSummary = { dtype, matmuls: 0, embeddings: 0, weightBytes: 0 };
  const heard = () => stopIfCancelled(opts.signal, 'the export');
  if (dtype === 'fp16') summary.matmuls = await halveMatrices(g, heard);
  else if (dtype !== 'fp32') {
    const bits: BlockBits | null = dtype === 'q4' ? 4 : dtype === 'int8' ? 8 : null;
    const packed = new Map<string, { data: string; scales: string; rows: number; cols: number }>(); // weight → its block-quantised initializers
    const blockPacked = (name: string, rows: number, cols: number, transposed: boolean, b: BlockBits) => {
      const key = `${name}|${transposed}`;
      let p = packed.get(key);
      if (!p) {
        const q = quantizeBlocks(g.initializers.get(name)!.data as Float32Array, rows, cols, b, blockSize, transposed);
        const data = g.initializer(g.fresh(`${name}.q${b}`), q.data, [rows, q.blocks, q.data.length / rows / q.blocks], 'uint8').name;
        const scales = g.initializer(g.fresh(`${name}.q${b}.scales`), q.scales, [rows, q.blocks]).name;
        p = { data, scales, rows, cols };
        packed.set(key, p);
      }
      return p;
    };
    for (let i = 0; i < g.nodes.length; i++) {
      const n = g.nodes[i];
      const w = n.domain === '' ? g.initializers.get(n.inputs[n.opType === 'Gather' ? 0 : 1]) : undefined;
      if (!w || w.dtype !== 'float32' || w.dims.length !== 2) continue;
      await heard();
      if (n.opType === 'Gemm' && intAttr(n, 'transA', 0) === 0 && n.attrs.alpha === undefined && n.attrs.beta === undefined) {
        const transB = intAttr(n, 'transB', 0) === 1;
        const [N, K] = transB ? w.dims : [w.dims[1], w.dims[0]];
        const bias = n.inputs[2] ?? '';
        if (bits) {
          const p = blockPacked(w.name, N, K, !transB, bits);
          const attrs = { K, N, bits, block_size: blockSize, accuracy_level: opts.accuracyLevel ?? 4 };
          g.nodes[i] = { opType: 'MatMulNBits', domain: MS, name: n.name, inputs: [n.inputs[0], p.data, p.scales, '', '', bias], outputs: n.outputs, attrs };
        } else {
          const q = quantizeColumns8(w.data as Float32Array, N, K, !transB);
          const data = g.initializer(g.fresh(`${w.name}.q8`), q.data, [K, N], 'uint8').name;
          const scales = g.initializer(g.fresh(`${w.name}.q8.scales`), q.scales, [N]).name;
          const zeros = g.initializer(g.fresh(`${w.name}.q8.zero_points`), new Uint8Array(N).fill(COLUMN_ZERO_POINT), [N], 'uint8').name;
          g.nodes[i] = { opType: 'DynamicQuantizeMatMul', domain: MS, name: n.name, inputs: [n.inputs[0], data, scales, zeros, bias], outputs: n.outputs, attrs: {} };
        }
        summary.matmuls++;
      } else if (n.opType === 'Gather' && intAttr(n, 'axis', 0) === 0 && opts.embeddings !== false && w.dims[1] % blockSize === 0) {
        // int8 dynamic has no gather of its own: its embeddings take the 8-bit blocks.
        const b: BlockBits = bits ?? 8;
        const [V, C] = w.dims;
        const p = blockPacked(w.name, V, C, false, b);
        // GatherBlockQuantized reads the table as (V, C·bits/8): the MatMulNBits bytes, one row per token.
        const table = g.fresh(`${w.name}.q${b}.rows`);
        const shape = g.ints([V, (C * b) / 8]).name;
        g.nodes.splice(i, 1,
          { opType: 'Reshape', domain: '', name: g.fresh('Reshape'), inputs: [p.data, shape], outputs: [table], attrs: {} },
          { opType: 'GatherBlockQuantized', domain: MS, name: n.name, inputs: [table, n.inputs[1], p.scales], outputs: n.outputs, attrs: { gather_axis: 0, quantize_axis: 1, block_size: blockSize, bits: b } });
        i++;
        summary.embeddings++;
      }
    }
    dropUnused(g);
  }
  for (const init of g.initializers.values()) summary.weightBytes += init.data.byteLength;
  return summary;
}

/** fp16: each float weight matrix is stored in half precision and cast back to float32 where it is read. */
async function halveMatrices(g: GraphBuilder, heard: () => Promise<void>): Promise<number> {
  const casts: Node[] = [];
  for (const init of [...g.initializers.values()]) {
    if (init.dtype !== 'float32' || init.dims.length !== 2 || init.data.length < 1024) continue;
    await heard();
    g.initializers.delete(init.name);
    const half = g.initializer(g.fresh(`${init.name}.fp16`), floatToHalf(init.data as Float32Array), init.dims, 'float16');
    casts.push({ opType: 'Cast', domain: '', name: g.fresh('Cast'), inputs: [half.name], outputs: [init.name], attrs: { to: 1 } });
  }
  g.nodes.unshift(...casts);
  return casts.length;
}

/** Remove the float initializers no node reads any more. */
function dropUnused(g: GraphBuilder): void {
  const used = new Set([...g.nodes.flatMap((n) => n.inputs), ...g.outputs.map((o) => o.name)]);
  for (const name of [...g.initializers.keys()]) if (!used.has(name)) g.initializers.delete(name);
}
