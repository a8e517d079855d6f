// safetensors: an 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
// then the raw tensor bytes. We read the header and then one tensor at a time with positioned reads, so a
// multi-gigabyte file is never held in one Buffer. F32, F16 and BF16 are converted to Float32 on read.
import fs from 'node:fs';
import path from 'node:path';
import { atomicWrite, stopIfCancelled } from './atomic.ts';
import { floatToHalf, halfToFloat } from '../onnx/float16.ts'; // directly: the index would load onnxruntime
import { openTensorFile, readTensorBytes } from './tensor-file.ts';
import { CheckpointError } from '../api/errors.ts';

/** A dense float32 tensor: the only kind of weight Lathe's graphs take. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';
const BYTES_PER_ELEMENT: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const READABLE = new Set(['F32', 'F16', 'BF16']);
/** A header larger than this is a lie or a different file format. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

// CheckpointError lives in the API layer, with the other errors users see, so native/text can throw it too.
export { CheckpointError };

/** A value from a file, shown in an error message: short, and safe for any depth (JSON.stringify is recursive). */
export function showValue(v: unknown, max = 60): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    text = undefined;
  }
  if (text === undefined) return Array.isArray(v) ? 'a deeply nested array' : typeof v;
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A name from a file (a model_type, an activation), quoted as messages quote names; any other value as showValue. */
export function showName(v: unknown, max = 60): string {
  return typeof v === 'string' ? `'${v.length > max ? `${v.slice(0, max)}…` : v}'` : showValue(v, max);
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** An open safetensors file: its header is parsed and checked against the file size; tensors load on demand. */
export class SafetensorsFile {
  private constructor(
    readonly file: string,
    private readonly fd: number,
    readonly tensors: Map<string, TensorInfo>,
    readonly metadata: Record<string, string>,
  ) {}

  static open(file: string): SafetensorsFile {
    return openTensorFile(file, 'a safetensors file', '.safetensors', (fd, size) => {
      const { tensors, metadata } = readHeader(file, fd, size);
      return new SafetensorsFile(file, fd, tensors, metadata);
    });
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** Read one tensor, converted to float32. */
  read(name: string): Tensor {
    const info = this.tensors.get(name);
    if (!info) throw new CheckpointError(`${this.file}: no tensor named '${name}'`);
    if (!READABLE.has(info.dtype)) {
      throw new CheckpointError(`${this.file}: tensor '${name}' has dtype ${info.dtype}; Lathe reads F32, F16 and BF16 weights`);
    }
    const bytes = readTensorBytes(this.fd, this.file, name, info.begin, info.end);
    return { shape: info.shape, data: toFloat32(bytes, info.dtype) };
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function readHeader(file: string, fd: number, size: number): { tensors: Map<string, TensorInfo>; metadata: Record<string, string> } {
  if (size < 8) throw new CheckpointError(`${file}: not a safetensors file (only ${size} bytes, the header length alone takes 8)`);
  const lenBuf = Buffer.alloc(8);
  fs.readSync(fd, lenBuf, 0, 8, 0);
  const claimed = lenBuf.readBigUInt64LE(0);
  const headerLen = Number(claimed);
  if (headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) {
    // The claim is printed from the BigInt: past 2^53 Number() rounds it, and the message would misquote the file.
    throw new CheckpointError(`${file}: header claims ${claimed} bytes but the file has ${size}; the file is truncated or not safetensors (download it again)`);
  }
  const headerBuf = Buffer.alloc(headerLen);
  fs.readSync(fd, headerBuf, 0, headerLen, 8);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(headerBuf.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new CheckpointError(`${file}: header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new CheckpointError(`${file}: header is not a JSON object`);
  const dataStart = 8 + headerLen;
  const dataLen = size - dataStart;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const entry = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const where = `${file}: tensor '${name}'`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new CheckpointError(`${where} is ${showValue(entry)}, not an entry {"dtype", "shape", "data_offsets"}; the file is damaged or not safetensors`);
    }
    // Own properties only: 'toString' or 'constructor' is 'in' every object and passed as a dtype of NaN bytes.
    if (typeof entry.dtype !== 'string' || !Object.hasOwn(BYTES_PER_ELEMENT, entry.dtype)) {
      throw new CheckpointError(`${where} has unknown dtype ${showValue(entry.dtype)}`);
    }
    if (!Array.isArray(entry.shape) || !entry.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new CheckpointError(`${where} has an invalid shape ${showValue(entry.shape)}`);
    }
    const offsets = entry.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[1] < offsets[0]) {
      throw new CheckpointError(`${where} has invalid data_offsets ${showValue(offsets)}`);
    }
    const shape = entry.shape as number[];
    const expected = numel(shape) * BYTES_PER_ELEMENT[entry.dtype];
    const [b, e] = offsets as [number, number];
    if (e - b !== expected) {
      throw new CheckpointError(`${where}: data_offsets span ${e - b} bytes but ${entry.dtype}${JSON.stringify(shape)} needs ${expected}`);
    }
    if (e > dataLen) {
      throw new CheckpointError(`${where} ends at byte ${e} of the data section but the file holds only ${dataLen}; the file is truncated`);
    }
    tensors.set(name, { name, dtype: entry.dtype, shape, begin: dataStart + b, end: dataStart + e });
  }
  checkTiling(file, tensors, dataStart, size);
  return { tensors, metadata };
}

/**
 * The tensors' byte ranges must cover the data section exactly, end to end, as the reference implementation demands
 * (its InvalidOffset and MetadataIncompleteBuffer): a header whose offsets overlap, skip bytes or stop short of the end
 * does not describe the file it heads, and its tensors read as someone else's bytes. Each range alone fits its dtype
 * and shape and lies inside the file (checked above), so without this a damaged header imported as a model of garbage.
 */
function checkTiling(file: string, tensors: Map<string, TensorInfo>, dataStart: number, size: number): void {
  const spans = [...tensors.values()].sort((a, b) => a.begin - b.begin || a.end - b.end);
  const offsets = (t: TensorInfo) => `[${t.begin - dataStart}, ${t.end - dataStart}]`;
  const advice = "the header's data_offsets do not describe this file, which is damaged or not safetensors (download it again)";
  let at = dataStart;
  let previous: TensorInfo | undefined;
  for (const t of spans) {
    if (t.begin < at && previous) {
      throw new CheckpointError(`${file}: tensor '${t.name}' (data_offsets ${offsets(t)}) overlaps tensor '${previous.name}' (${offsets(previous)}); ${advice}`);
    }
    if (t.begin > at) {
      throw new CheckpointError(`${file}: bytes ${at - dataStart} to ${t.begin - dataStart} of the data section belong to no tensor (the next is '${t.name}', data_offsets ${offsets(t)}); ${advice}`);
    }
    at = t.end;
    previous = t;
  }
  if (at < size) throw new CheckpointError(`${file}: ${size - at} bytes that no tensor owns follow the last tensor${previous ? ` ('${previous.name}')` : ''}; ${advice}`);
}

function toFloat32(bytes: Buffer, dtype: string): Float32Array {
  const n = bytes.length / BYTES_PER_ELEMENT[dtype];
  if (dtype === 'F32') {
    const out = new Float32Array(n);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const halves = new Uint16Array(n);
  new Uint8Array(halves.buffer).set(bytes);
  if (dtype === 'BF16') {
    const bits = new Uint32Array(n);
    for (let i = 0; i < n; i++) bits[i] = halves[i] << 16;
    return new Float32Array(bits.buffer);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = halfToFloat(halves[i]);
  return out;
}

export interface WriteOptions {
  dtype?: SafetensorsDtype;
  metadata?: Record<string, string>;
  /** Checked before each tensor is written: when aborted, the write stops and its temporary file is removed. */
  signal?: AbortSignal;
}

/** Write tensors to one safetensors file atomically (temp file, fsync, rename), one tensor at a time. */
export async function writeSafetensors(file: string, tensors: Map<string, Tensor>, options: WriteOptions = {}): Promise<void> {
  const dtype = options.dtype ?? 'F32';
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', ...(options.metadata ?? {}) } };
  let offset = 0;
  const names = [...tensors.keys()];
  for (const name of names) {
    const t = tensors.get(name)!;
    if (t.data.length !== numel(t.shape)) throw new CheckpointError(`${file}: tensor '${name}' has ${t.data.length} values but shape ${JSON.stringify(t.shape)}`);
    const n = numel(t.shape) * BYTES_PER_ELEMENT[dtype];
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // keeps the data section 8-byte aligned, as the reference writer does
  const headerBytes = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(headerBytes.length));
  await atomicWrite(file, async (fd) => {
    fs.writeSync(fd, len);
    fs.writeSync(fd, headerBytes);
    for (const name of names) {
      await stopIfCancelled(options.signal, 'the write');
      const t = tensors.get(name)!;
      const typed = dtype === 'F32' ? t.data : dtype === 'F16' ? floatToHalf(t.data) : toBf16(t.data);
      fs.writeSync(fd, new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
    }
  });
}

function toBf16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = bits[i];
    out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16; // round to nearest even
  }
  return out;
}

export function safetensorsName(dir: string): string {
  return path.join(dir, 'model.safetensors');
}
