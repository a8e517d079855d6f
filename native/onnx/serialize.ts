// ModelProto serialisation with onnx-proto (protobufjs). Tensors above a size threshold can go to an
// external-data side file (location/offset/length), which protobuf's 2 GB message limit makes necessary.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { BYTES_PER_ELEMENT, ONNX_DTYPE, bytesOf } from './dtypes.ts';
import type { Attr, Attrs, GraphBuilder, Initializer, Value } from './graph.ts';

const { onnx } = onnxProto;

/** Attribute names whose values are floats even when integral (ONNX spec). */
const FLOAT_ATTRS = new Set(['alpha', 'beta', 'gamma', 'epsilon', 'ratio', 'bias', 'lambd', 'momentum', 'scale', 'value_float', 'spatial_scale', 'min', 'max']);
/** Protobuf caps a message at 2 GB; keep clear of it. */
export const PROTOBUF_LIMIT = 2 ** 31 - 2 ** 24;
const IR_VERSION = 10;

export interface SerializeOptions {
  /** Write tensors of at least this many bytes to `externalDataFile` (default: only when the model would exceed 2 GB). */
  externalDataThreshold?: number;
  /** Side file name, relative to the model's folder (required when tensors go external). */
  externalDataFile?: string;
}

function attrProto(name: string, v: Attr): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') {
    return FLOAT_ATTRS.has(name) || !Number.isInteger(v) ? { name, type: T.FLOAT, f: v } : { name, type: T.INT, i: v };
  }
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return { name, type: T.STRINGS, strings: (v as string[]).map((s) => new TextEncoder().encode(s)) };
    const nums = v as number[];
    return nums.every(Number.isInteger) ? { name, type: T.INTS, ints: nums } : { name, type: T.FLOATS, floats: nums };
  }
  if ('float' in (v as object)) return { name, type: T.FLOAT, f: (v as { float: number }).float };
  const t = v as { tensor: Initializer['data']; dims: readonly number[]; dtype?: Initializer['dtype'] };
  return { name, type: T.TENSOR, t: tensorProto({ name: '', dtype: t.dtype ?? 'float32', dims: t.dims, data: t.tensor }) };
}

function tensorProto(init: Initializer): onnxProto.onnx.ITensorProto {
  return { name: init.name, dataType: ONNX_DTYPE[init.dtype], dims: [...init.dims], rawData: bytesOf(init.data) };
}

function valueInfo(v: Value): onnxProto.onnx.IValueInfoProto {
  const shape = v.shape ? { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d === '?' ? undefined : d })) } : undefined;
  return { name: v.name, type: { tensorType: { elemType: ONNX_DTYPE[v.dtype], shape } } };
}

function attrsProto(attrs: Attrs): onnxProto.onnx.IAttributeProto[] {
  return Object.entries(attrs).filter(([, v]) => v !== undefined).map(([k, v]) => attrProto(k, v!));
}

const byteSize = (i: Initializer): number => i.data.length * BYTES_PER_ELEMENT[i.dtype];

/** Build the ModelProto; `external` lists initializers written elsewhere with their offsets. */
function modelProto(g: GraphBuilder, external: Map<string, { offset: number; length: number }>, file?: string): onnxProto.onnx.ModelProto {
  const initializer = [...g.initializers.values()].map((init) => {
    const ext = external.get(init.name);
    if (!ext) return tensorProto(init);
    return {
      name: init.name, dataType: ONNX_DTYPE[init.dtype], dims: [...init.dims],
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [{ key: 'location', value: file }, { key: 'offset', value: String(ext.offset) }, { key: 'length', value: String(ext.length) }],
    };
  });
  const inputNames = new Set(g.inputs.map((v) => v.name));
  // trailing omitted optional inputs are left out, as the spec allows: onnxruntime 1.30 segfaults creating a session
  // (at the 'extended' optimisation level) for a float32 LayerNormalization whose bias is given as ''
  const nodes = g.nodes.map((n) => ({ opType: n.opType, domain: n.domain, name: n.name, input: withoutTrailingOmitted(n.inputs), output: [...n.outputs], attribute: attrsProto(n.attrs) }));
  const usedDomains = new Set(g.nodes.map((n) => n.domain).filter((d) => d !== ''));
  return onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'lathe',
    opsetImport: [{ domain: '', version: g.opset }, ...[...usedDomains].map((d) => ({ domain: d, version: g.domains[d] ?? 1 }))],
    graph: {
      name: g.name,
      node: nodes,
      initializer,
      input: g.inputs.filter((v) => inputNames.has(v.name)).map(valueInfo),
      output: g.outputs.map(valueInfo),
    },
  });
}

/** Serialise to ModelProto bytes with every tensor inline (throws when that would exceed protobuf's limit). */
export function toModelBytes(g: GraphBuilder): Uint8Array {
  const total = [...g.initializers.values()].reduce((s, i) => s + byteSize(i), 0);
  if (total > PROTOBUF_LIMIT) {
    throw new Error(`graph '${g.name}': ${(total / 2 ** 30).toFixed(2)} GiB of weights exceed protobuf's 2 GB limit; use saveModel() with external data`);
  }
  return onnx.ModelProto.encode(modelProto(g, new Map())).finish();
}

/**
 * Write the model to `file` (atomically: temp file + fsync + rename). Tensors of at least `externalDataThreshold`
 * bytes go to `externalDataFile` beside it; by default they do only when the model would exceed 2 GB.
 * Returns the side file's path when one was written.
 */
export function saveModel(g: GraphBuilder, file: string, opts: SerializeOptions = {}): { model: string; externalData?: string } {
  const inits = [...g.initializers.values()];
  const total = inits.reduce((s, i) => s + byteSize(i), 0);
  const threshold = opts.externalDataThreshold ?? (total > PROTOBUF_LIMIT ? 1024 : Infinity);
  const external = new Map<string, { offset: number; length: number }>();
  const sideName = opts.externalDataFile ?? `${path.basename(file)}.data`;
  let sidePath: string | undefined;
  if (inits.some((i) => byteSize(i) >= threshold)) {
    sidePath = path.join(path.dirname(file), sideName);
    const fd = openSync(`${sidePath}.tmp`, 'w');
    let offset = 0;
    for (const init of inits) {
      if (byteSize(init) < threshold) continue;
      const pad = (64 - (offset % 64)) % 64; // aligned offsets let ORT mmap the weights
      if (pad) writeSync(fd, new Uint8Array(pad));
      offset += pad;
      const bytes = bytesOf(init.data);
      for (let p = 0; p < bytes.length; p += 1 << 30) writeSync(fd, bytes.subarray(p, Math.min(p + (1 << 30), bytes.length)));
      external.set(init.name, { offset, length: bytes.length });
      offset += bytes.length;
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(`${sidePath}.tmp`, sidePath);
  }
  const bytes = onnx.ModelProto.encode(modelProto(g, external, sideName)).finish();
  const fd = openSync(`${file}.tmp`, 'w');
  writeSync(fd, bytes);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(`${file}.tmp`, file);
  return sidePath ? { model: file, externalData: sidePath } : { model: file };
}

/**
 * A builder's nodes and initializers as protos, with every name passed through `rename` (node names, node
 * inputs/outputs, initializer names): for splicing a fragment built here into a decoded model (append-rewrite.ts).
 */
export function fragmentProto(g: GraphBuilder, rename: (name: string) => string): { nodes: onnxProto.onnx.INodeProto[]; initializers: onnxProto.onnx.ITensorProto[] } {
  const nodes = g.nodes.map((n) => ({ opType: n.opType, domain: n.domain, name: rename(n.name), input: withoutTrailingOmitted(n.inputs).map((x) => (x ? rename(x) : x)), output: n.outputs.map(rename), attribute: attrsProto(n.attrs) }));
  const initializers = [...g.initializers.values()].map((init) => tensorProto({ ...init, name: rename(init.name) }));
  return { nodes, initializers };
}

/** Decode ModelProto bytes (for tests and inspection). */
export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

function withoutTrailingOmitted(inputs: readonly string[]): string[] {
  let end = inputs.length;
  while (end > 0 && inputs[end - 1] === '') end--;
  return inputs.slice(0, end);
}
