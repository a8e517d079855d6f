// Writing a GGUF file: the header (metadata + tensor infos) is built in memory, then each tensor's bytes are
// produced one at a time (so a model is never held twice) and written on its aligned offset, all through
// models/atomic.ts: a crash leaves the old file or the new one, never half of one.
import fs from 'node:fs';
import { GGUF_FILE } from '../api/deploy.ts';
import { atomicWrite, outputPathProblem, sweepBeside } from '../models/atomic.ts';
import { GGML_TYPE, byteSize, type GgmlTypeName } from './ggml-blocks.ts';
import { DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION, SCALAR_BYTES, VALUE_TYPE, alignUp, type GgufMetadata, type GgufValue, type ScalarKind } from './gguf-format.ts';

/** A tensor to write: its GGUF name, dims in GGUF order (innermost first), type, and a producer of its bytes. */
export interface GgufTensorPlan {
  name: string;
  dims: number[];
  type: GgmlTypeName;
  bytes: () => Uint8Array;
}

class ByteSink {
  private chunks: Buffer[] = [];
  length = 0;

  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }

  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }

  u64(v: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }

  string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }

  scalar(kind: ScalarKind, v: number | bigint | boolean | string): void {
    if (kind === 'string') return this.string(v as string);
    const b = Buffer.alloc(SCALAR_BYTES[kind]);
    switch (kind) {
      case 'uint8': b.writeUInt8(v as number); break;
      case 'int8': b.writeInt8(v as number); break;
      case 'uint16': b.writeUInt16LE(v as number); break;
      case 'int16': b.writeInt16LE(v as number); break;
      case 'uint32': b.writeUInt32LE(v as number); break;
      case 'int32': b.writeInt32LE(v as number); break;
      case 'float32': b.writeFloatLE(v as number); break;
      case 'float64': b.writeDoubleLE(v as number); break;
      case 'bool': b.writeUInt8(v ? 1 : 0); break;
      case 'uint64': b.writeBigUInt64LE(v as bigint); break;
      case 'int64': b.writeBigInt64LE(v as bigint); break;
    }
    this.push(b);
  }

  value(v: GgufValue): void {
    this.u32(VALUE_TYPE[v.kind]);
    if (v.kind !== 'array') return this.scalar(v.kind, v.value);
    this.u32(VALUE_TYPE[v.of]);
    this.u64(v.value.length);
    for (let i = 0; i < v.value.length; i++) this.scalar(v.of, (v.value as ArrayLike<number | bigint | boolean | string>)[i]);
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Where each tensor's data lies, relative to the data section, and the header's bytes (padded). */
export function layoutGguf(metadata: GgufMetadata, tensors: GgufTensorPlan[]): { header: Buffer; offsets: number[]; sizes: number[] } {
  const alignment = metadata.get('general.alignment')?.value as number | undefined ?? DEFAULT_ALIGNMENT;
  const sink = new ByteSink();
  sink.push(Buffer.from(GGUF_MAGIC, 'latin1'));
  sink.u32(GGUF_VERSION);
  sink.u64(tensors.length);
  sink.u64(metadata.size);
  for (const [key, value] of metadata) {
    sink.string(key);
    sink.value(value);
  }
  const offsets: number[] = [];
  const sizes: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    const size = byteSize(t.type, n);
    if (!Number.isInteger(size)) throw new Error(`GGUF tensor '${t.name}': ${n} elements are not a whole number of ${t.type} blocks`);
    sink.string(t.name);
    sink.u32(t.dims.length);
    for (const d of t.dims) sink.u64(d);
    sink.u32(GGML_TYPE[t.type]);
    sink.u64(offset);
    offsets.push(offset);
    sizes.push(size);
    offset = alignUp(offset + size, alignment);
  }
  const padding = alignUp(sink.length, alignment) - sink.length;
  sink.push(Buffer.alloc(padding));
  return { header: sink.bytes(), offsets, sizes };
}

/**
 * Write a GGUF file atomically; `onTensor(i, n)` is called after each tensor is written. Only an earlier GGUF file (or
 * an empty file) at `file` is replaced, any file with `force` (the CLI's --force) (models/atomic.ts' outputPathProblem,
 * which the CLI and the Studio ask before the work; asked again here, since a job may start after the file changed).
 */
export async function writeGgufFile(file: string, metadata: GgufMetadata, tensors: GgufTensorPlan[], onTensor?: (done: number, total: number) => void, signal?: AbortSignal, force = false): Promise<void> {
  const refusal = outputPathProblem(file, { ...GGUF_FILE, force });
  if (refusal) throw new Error(`${file}: ${refusal}`);
  const { header, offsets, sizes } = layoutGguf(metadata, tensors);
  sweepBeside(file); // what a killed export left beside the file the user chose
  await atomicWrite(file, async (fd) => {
    fs.writeSync(fd, header);
    let pos = 0;
    for (const [i, t] of tensors.entries()) {
      // Yield between tensors: the job's cancel message arrives on the event loop, and a loop that never let it
      // run would only stop when killed, leaving its temporary file behind.
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw new Error('the export was cancelled');
      if (offsets[i] > pos) fs.writeSync(fd, Buffer.alloc(offsets[i] - pos));
      const bytes = t.bytes();
      if (bytes.length !== sizes[i]) throw new Error(`GGUF tensor '${t.name}': produced ${bytes.length} bytes, its ${t.type} layout takes ${sizes[i]}`);
      fs.writeSync(fd, bytes);
      pos = offsets[i] + bytes.length;
      onTensor?.(i + 1, tensors.length);
    }
  });
}
