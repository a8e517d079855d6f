// Reading GGUF files from anywhere, so every count, length and offset is checked against the file before it
// sizes anything: a file of a few KiB cannot make the reader allocate more than it holds, truncation is
// refused naming the field it cut through, and every tensor must lie inside the data section on an aligned
// offset. Tensors load one at a time and come back as float32 (F32, F16, Q8_0, Q4_0, Q4_K, Q6_K).
import fs from 'node:fs';
import { CheckpointError } from '../api/errors.ts';
import { openTensorFile, readTensorBytes } from '../models/tensor-file.ts';
import { BLOCK, dequantize, typeName, type GgmlTypeName } from './ggml-blocks.ts';
import { DEFAULT_ALIGNMENT, GGUF_MAGIC, SCALAR_BYTES, alignUp, kindOf, type GgufMetadata, type GgufValue, type ScalarKind } from './gguf-format.ts';

/** ggml's GGML_MAX_DIMS. */
const MAX_DIMS = 4;
/** Fewest bytes a key/value pair can take (u64 key length, u32 type, a one-byte value) and a tensor info. */
const MIN_KV_BYTES = 8 + 4 + 1;
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;
const CHUNK = 1 << 16;

export interface GgufTensorInfo {
  name: string;
  /** GGUF order: innermost (ne0) first. */
  dims: number[];
  type: GgmlTypeName;
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

/** Positioned, buffered reads that refuse to pass the end of the file, naming what they were reading. */
class Cursor {
  pos = 0;
  private buf = Buffer.alloc(0);
  private bufStart = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
    private readonly file: string,
  ) {}

  get remaining(): number {
    return this.size - this.pos;
  }

  take(n: number, field: string): Buffer {
    if (n > this.remaining) throw new CheckpointError(`${this.file}: truncated in ${field} (needs ${n} bytes at offset ${this.pos}, the file has ${this.size})`);
    const inBuf = this.pos - this.bufStart;
    if (inBuf < 0 || inBuf + n > this.buf.length) {
      this.buf = Buffer.alloc(Math.max(n, Math.min(CHUNK, this.remaining)));
      const got = fs.readSync(this.fd, this.buf, 0, this.buf.length, this.pos);
      if (got < n) throw new CheckpointError(`${this.file}: truncated in ${field} (read ${got} of ${n} bytes at offset ${this.pos})`);
      this.bufStart = this.pos;
    }
    const at = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }

  u32(field: string): number {
    return this.take(4, field).readUInt32LE(0);
  }

  /** A u64 as a number when it is safe, else Infinity (callers bound it, so "too large" reads the same); `raw` keeps it for messages. */
  u64(field: string): number {
    this.raw = this.take(8, field).readBigUInt64LE(0);
    return this.raw <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(this.raw) : Infinity;
  }

  /** The last u64 read, exactly. */
  raw = 0n;

  string(field: string): string {
    const len = this.u64(`${field} (length)`);
    if (len > this.remaining) throw new CheckpointError(`${this.file}: ${field} is a string of ${this.raw} bytes but only ${this.remaining} bytes of the file remain`);
    return this.take(len, field).toString('utf8');
  }

  scalar(kind: ScalarKind, field: string): number | bigint | boolean | string {
    if (kind === 'string') return this.string(field);
    const b = this.take(SCALAR_BYTES[kind], field);
    switch (kind) {
      case 'uint8': return b.readUInt8(0);
      case 'int8': return b.readInt8(0);
      case 'uint16': return b.readUInt16LE(0);
      case 'int16': return b.readInt16LE(0);
      case 'uint32': return b.readUInt32LE(0);
      case 'int32': return b.readInt32LE(0);
      case 'float32': return b.readFloatLE(0);
      case 'float64': return b.readDoubleLE(0);
      case 'bool': return b.readUInt8(0) !== 0;
      case 'uint64': return b.readBigUInt64LE(0);
      case 'int64': return b.readBigInt64LE(0);
    }
  }
}

function readValue(c: Cursor, file: string, key: string): GgufValue {
  const typeNum = c.u32(`the type of metadata key '${key}'`);
  const kind = kindOf(typeNum);
  if (kind === undefined) throw new CheckpointError(`${file}: metadata key '${key}' has unknown value type ${typeNum}`);
  if (kind !== 'array') return { kind, value: c.scalar(kind, `metadata key '${key}'`) } as GgufValue;
  const elemNum = c.u32(`the element type of metadata key '${key}'`);
  const of = kindOf(elemNum);
  if (of === undefined) throw new CheckpointError(`${file}: metadata key '${key}' is an array of unknown value type ${elemNum}`);
  if (of === 'array') throw new CheckpointError(`${file}: metadata key '${key}' is an array of arrays; Lathe reads arrays of numbers, bools or strings`);
  const count = c.u64(`the length of metadata key '${key}'`);
  const least = of === 'string' ? 8 : SCALAR_BYTES[of];
  if (count * least > c.remaining) {
    throw new CheckpointError(`${file}: metadata key '${key}' claims ${c.raw} ${of} values but only ${c.remaining} bytes of the file remain`);
  }
  const field = (i: number) => `metadata key '${key}' element ${i}`;
  if (of === 'string' || of === 'bool' || of === 'uint64' || of === 'int64') {
    const value = Array.from({ length: count }, (_, i) => c.scalar(of, field(i)));
    return { kind: 'array', of, value } as GgufValue;
  }
  const Typed = { uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[of];
  const value = new Typed(count);
  for (let i = 0; i < count; i++) value[i] = c.scalar(of, field(i)) as number;
  return { kind: 'array', of, value };
}

/** An open GGUF file: header parsed and checked against the file's size; tensors read on demand. */
export class GgufFile {
  private constructor(
    readonly file: string,
    private readonly fd: number,
    readonly version: number,
    readonly metadata: GgufMetadata,
    readonly tensors: Map<string, GgufTensorInfo>,
  ) {}

  static open(file: string): GgufFile {
    return openTensorFile(file, 'a .gguf file', '.gguf', (fd, size) => {
      const { version, metadata, tensors } = readHeader(new Cursor(fd, size, file), file);
      return new GgufFile(file, fd, version, metadata, tensors);
    });
  }

  /** One tensor as float32, in GGUF order (ne0 innermost). */
  read(name: string): Float32Array {
    const info = this.tensors.get(name);
    if (!info) throw new CheckpointError(`${this.file}: no tensor named '${name}'`);
    const bytes = readTensorBytes(this.fd, this.file, name, info.begin, info.end);
    return dequantize(info.type, bytes, info.dims.reduce((a, b) => a * b, 1));
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function readHeader(c: Cursor, file: string): { version: number; metadata: GgufMetadata; tensors: Map<string, GgufTensorInfo> } {
  if (c.size < 4 || c.take(4, 'the magic').toString('latin1') !== GGUF_MAGIC) throw new CheckpointError(`${file}: not a GGUF file (it does not start with "GGUF")`);
  const version = c.u32('the version');
  if (version !== 2 && version !== 3) throw new CheckpointError(`${file}: GGUF version ${version}; Lathe reads versions 2 and 3`);
  const tensorCount = c.u64('the tensor count');
  const rawTensorCount = c.raw;
  const kvCount = c.u64('the metadata count');
  if (tensorCount * MIN_TENSOR_INFO_BYTES > c.remaining) throw new CheckpointError(`${file}: field 'tensor_count' is ${rawTensorCount} but the file has room for at most ${Math.floor(c.remaining / MIN_TENSOR_INFO_BYTES)} tensor infos`);
  if (kvCount * MIN_KV_BYTES > c.remaining) throw new CheckpointError(`${file}: field 'metadata_kv_count' is ${c.raw} but the file has room for at most ${Math.floor(c.remaining / MIN_KV_BYTES)} key/value pairs`);
  const metadata: GgufMetadata = new Map();
  for (let i = 0; i < kvCount; i++) {
    const key = c.string(`the key of metadata pair ${i}`);
    if (metadata.has(key)) throw new CheckpointError(`${file}: metadata key '${key}' appears twice`);
    metadata.set(key, readValue(c, file, key));
  }
  const alignValue = metadata.get('general.alignment');
  let alignment = DEFAULT_ALIGNMENT;
  if (alignValue) {
    const a = alignValue.kind === 'uint32' || alignValue.kind === 'int32' ? alignValue.value : NaN;
    if (!(a > 0 && (a & (a - 1)) === 0)) throw new CheckpointError(`${file}: metadata key 'general.alignment' is ${alignValue.kind === 'array' ? 'an array' : String(alignValue.value)}; expected a power of two (uint32)`);
    alignment = a;
  }
  const infos: Omit<GgufTensorInfo, 'begin' | 'end'>[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = c.string(`the name of tensor ${i}`);
    const where = `${file}: tensor '${name}'`;
    const nDims = c.u32(`the n_dims of tensor '${name}'`);
    if (nDims < 1 || nDims > MAX_DIMS) throw new CheckpointError(`${where} has ${nDims} dimensions; ggml tensors have 1 to ${MAX_DIMS}`);
    const dims: number[] = [];
    const rawDims: bigint[] = [];
    for (let d = 0; d < nDims; d++) {
      dims.push(c.u64(`dimension ${d} of tensor '${name}'`));
      rawDims.push(c.raw);
    }
    const typeNum = c.u32(`the type of tensor '${name}'`);
    const type = typeName(typeNum);
    if (!type) throw new CheckpointError(`${where} has ggml type ${typeNum}, which Lathe does not read (it reads F32, F16, Q8_0, Q4_0, Q4_K and Q6_K)`);
    const offset = c.u64(`the offset of tensor '${name}'`);
    const rawOffset = c.raw;
    const n = dims.reduce((a, b) => a * b, 1);
    if (dims.some((d) => d < 1) || !Number.isSafeInteger(n) || n > c.size * BLOCK[type].elements) {
      throw new CheckpointError(`${where} has dimensions [${rawDims.join(', ')}], more elements than the file can hold`);
    }
    if (dims[0] % BLOCK[type].elements !== 0) throw new CheckpointError(`${where}: its rows of ${dims[0]} are not a whole number of ${type} blocks of ${BLOCK[type].elements}`);
    if (offset % alignment !== 0) throw new CheckpointError(`${where} starts at offset ${rawOffset} of the data section, not a multiple of the alignment ${alignment}`);
    if (infos.some((t) => t.name === name)) throw new CheckpointError(`${where} appears twice`);
    infos.push({ name, dims, type });
    offsets.push(offset);
  }
  const dataStart = alignUp(c.pos, alignment);
  const tensors = new Map<string, GgufTensorInfo>();
  infos.forEach((t, i) => {
    const size = (t.dims.reduce((a, b) => a * b, 1) / BLOCK[t.type].elements) * BLOCK[t.type].bytes;
    const begin = dataStart + offsets[i];
    if (begin + size > c.size) throw new CheckpointError(`${file}: tensor '${t.name}' (${t.type}, ${size} bytes at data offset ${offsets[i]}) ends past the end of the file (${c.size} bytes); the file is truncated`);
    tensors.set(t.name, { ...t, begin, end: begin + size });
  });
  return { version, metadata, tensors };
}
