// Malformed GGUF files, built byte by byte: each is refused with a CheckpointError naming the file and the
// field at fault, before anything is sized by the lie (ArrayBuffer memory stays flat).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../native/api/errors.ts';
import { GgufFile } from '../../native/deploy/gguf-read.ts';
import { tempDir } from '../integration/helpers/lathe.ts';

const dir = tempDir('gguf-bad');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const u32 = (v: number) => Buffer.from(Uint32Array.of(v).buffer);
const u64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
};
const str = (s: string, lie?: bigint) => Buffer.concat([u64(lie ?? BigInt(Buffer.byteLength(s))), Buffer.from(s)]);
const kvU32 = (key: string, v: number) => Buffer.concat([str(key), u32(4), u32(v)]);
const tensorInfo = (name: string, dims: bigint[], type: number, offset: bigint) => Buffer.concat([str(name), u32(dims.length), ...dims.map(u64), u32(type), u64(offset)]);

function gguf(o: { tensorCount?: bigint; kvCount?: bigint; kvs?: Buffer[]; tensors?: Buffer[]; data?: Buffer } = {}): Buffer {
  const kvs = o.kvs ?? [kvU32('general.alignment', 32)];
  const tensors = o.tensors ?? [tensorInfo('w', [4n], 0, 0n)];
  const head = Buffer.concat([Buffer.from('GGUF'), u32(3), u64(o.tensorCount ?? BigInt(tensors.length)), u64(o.kvCount ?? BigInt(kvs.length)), ...kvs, ...tensors]);
  const pad = Buffer.alloc((32 - (head.length % 32)) % 32);
  return Buffer.concat([head, pad, o.data ?? Buffer.from(Float32Array.of(1, 2, 3, 4).buffer)]);
}

let n = 0;
function refused(bytes: Buffer, message: RegExp): void {
  const file = path.join(dir, `case-${n++}.gguf`);
  fs.writeFileSync(file, bytes);
  const before = process.memoryUsage().arrayBuffers;
  let error: unknown;
  try {
    GgufFile.open(file).close();
  } catch (err) {
    error = err;
  }
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
  expect(error).toBeInstanceOf(CheckpointError);
  expect((error as Error).message).toContain(file);
  expect((error as Error).message, (error as Error).message).toMatch(message);
}

describe('GgufFile refuses malformed files by name and field', () => {
  it('reads the well-formed base case (so the cases below fail for their one fault)', () => {
    const file = path.join(dir, 'good.gguf');
    fs.writeFileSync(file, gguf());
    const f = GgufFile.open(file);
    expect(Array.from(f.read('w'))).toEqual([1, 2, 3, 4]);
    f.close();
  });

  it('a file cut anywhere: truncated, naming what was being read', () => {
    const whole = gguf();
    const headerEnd = whole.length - 16;
    for (const cut of [0, 3, 6, 10, 20, 30, 45, headerEnd - 30, headerEnd - 1, whole.length - 1]) {
      refused(whole.subarray(0, cut), cut < 4 ? /not a GGUF file/ : /truncated|ends past the end of the file|the file has room for at most/);
    }
  });

  it('tensor and metadata counts of 2^60', () => {
    refused(gguf({ tensorCount: 2n ** 60n }), /field 'tensor_count' is 1152921504606846976/);
    refused(gguf({ kvCount: 2n ** 60n }), /field 'metadata_kv_count' is 1152921504606846976/);
    refused(gguf({ kvCount: 2n ** 64n - 1n }), /field 'metadata_kv_count' is 18446744073709551615/);
  });

  it('a tensor offset that is not a multiple of the alignment', () => {
    refused(gguf({ tensors: [tensorInfo('w', [4n], 0, 4n)] }), /tensor 'w' starts at offset 4 .*not a multiple of the alignment 32/);
    refused(gguf({ kvs: [kvU32('general.alignment', 24)] }), /'general.alignment' is 24; expected a power of two/);
  });

  it('unknown tensor and value types', () => {
    refused(gguf({ tensors: [tensorInfo('w', [4n], 99, 0n)] }), /tensor 'w' has ggml type 99/);
    refused(gguf({ kvs: [Buffer.concat([str('general.x'), u32(13), u32(0)])] }), /metadata key 'general.x' has unknown value type 13/);
    refused(gguf({ kvs: [Buffer.concat([str('general.x'), u32(9), u32(9), u64(1n)])] }), /'general.x' is an array of arrays/);
  });

  it('a string longer than the file, a key longer than the file, an array longer than the file', () => {
    refused(gguf({ kvs: [Buffer.concat([str('general.name'), u32(8), str('llama', 2n ** 40n)])] }), /metadata key 'general.name' is a string of 1099511627776 bytes but only \d+ bytes of the file remain/);
    refused(gguf({ kvs: [str('general.name', 2n ** 63n)] }), /the key of metadata pair 0 is a string of 9223372036854775808 bytes/);
    refused(gguf({ tensors: [str('w', 2n ** 33n)] }), /the name of tensor 0 is a string of 8589934592 bytes/);
    refused(gguf({ kvs: [Buffer.concat([str('tokenizer.ggml.tokens'), u32(9), u32(8), u64(2n ** 59n)])] }), /'tokenizer.ggml.tokens' claims 576460752303423488 string values but only \d+ bytes/);
    refused(gguf({ kvs: [Buffer.concat([str('tokenizer.ggml.scores'), u32(9), u32(6), u64(2n ** 40n)])] }), /'tokenizer.ggml.scores' claims 1099511627776 float32 values/);
  });

  it('tensors whose size or place the file cannot hold', () => {
    refused(gguf({ tensors: [tensorInfo('w', [2n ** 40n, 2n ** 20n], 0, 0n)] }), /tensor 'w' has dimensions .*more elements than the file can hold/);
    refused(gguf({ tensors: [tensorInfo('w', [64n], 0, 0n)] }), /tensor 'w' \(F32, 256 bytes at data offset 0\) ends past the end of the file/);
    refused(gguf({ tensors: [tensorInfo('w', [4n], 0, 2n ** 40n)] }), /tensor 'w' .*ends past the end of the file/);
    refused(gguf({ tensors: [tensorInfo('w', [4n, 1n, 1n, 1n, 1n], 0, 0n)] }), /tensor 'w' has 5 dimensions/);
    refused(gguf({ tensors: [tensorInfo('w', [0n], 0, 0n)] }), /tensor 'w' has dimensions \[0\]/);
    refused(gguf({ tensors: [tensorInfo('w', [16n], 8, 0n)] }), /tensor 'w': its rows of 16 are not a whole number of Q8_0 blocks of 32/);
    refused(gguf({ tensors: [tensorInfo('w', [4n], 0, 0n), tensorInfo('w', [4n], 0, 0n)] }), /tensor 'w' appears twice/);
  });

  it('a file that is not GGUF, or a version it does not know', () => {
    refused(Buffer.from('PK\u0003\u0004 not a gguf file at all'), /not a GGUF file/);
    const v9 = gguf();
    v9.writeUInt32LE(9, 4);
    refused(v9, /GGUF version 9/);
  });

  it('a folder where the file should be', () => {
    const folder = path.join(dir, 'folder.gguf');
    fs.mkdirSync(folder);
    expect(() => GgufFile.open(folder)).toThrow(/folder\.gguf: not a file/);
  });
});
