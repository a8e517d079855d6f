// safetensors header and data: valid files from random tensors, broken in the header (JSON edits: dtypes,
// shapes and offsets that are huge, negative, fractional, Infinity or the wrong type), in the 8-byte header
// length (lies up to 2^64-1) and in the bytes; plus random bytes. Every tensor of a file that opens is read.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointError, SafetensorsFile, numel } from '../../native/models/safetensors.ts';
import { check, expectReaderOutcome, scratch, TEST_TIMEOUT } from './harness.ts';
import { mutatedBytes, mutatedJson } from './mutate.ts';

const dir = scratch('st');
const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, U8: 1 };

interface Spec {
  header: Record<string, unknown>;
  data: Uint8Array;
}

/** A valid safetensors header and data section: 1–4 tensors of small shapes. */
export const validSafetensors: fc.Arbitrary<Spec> = fc
  .uniqueArray(
    fc.record({
      name: fc.oneof(fc.constantFrom('model.embed_tokens.weight', 'lm_head.weight', 'h.0.attn.c_attn.bias', 'a', '__proto__', 'constructor'), fc.string({ minLength: 1, maxLength: 12 })),
      dtype: fc.constantFrom('F32', 'F32', 'F16', 'BF16', 'I64', 'U8'),
      shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
      seed: fc.nat(),
    }),
    { minLength: 1, maxLength: 4, selector: (t) => t.name },
  )
  .map((tensors) => {
    const header: Record<string, unknown> = {};
    Object.defineProperty(header, '__metadata__', { value: { format: 'pt' }, enumerable: true, writable: true, configurable: true });
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (const t of tensors) {
      const n = numel(t.shape) * BYTES[t.dtype];
      Object.defineProperty(header, t.name, { value: { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + n] }, enumerable: true, writable: true, configurable: true });
      parts.push(Uint8Array.from({ length: n }, (_, i) => (t.seed + i * 31) & 0xff));
      offset += n;
    }
    return { header, data: Buffer.concat(parts) };
  });

function fileBytes(headerText: Uint8Array, data: Uint8Array, lengthField?: bigint): Uint8Array {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lengthField ?? BigInt(headerText.length));
  return Buffer.concat([len, headerText, data]);
}

const LENGTH_LIES = [0n, 1n, 7n, 2n ** 31n, 2n ** 32n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, 100n * 1024n * 1024n + 1n];

/** Whole files: header edited as JSON, length field lied about, bytes mutated, or random bytes. */
const safetensorsFiles: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: validSafetensors.chain((s) => mutatedJson(fc.constant(s.header)).map((h) => fileBytes(h, s.data))) },
  {
    weight: 2,
    arbitrary: fc.tuple(validSafetensors, fc.oneof(fc.constantFrom(...LENGTH_LIES), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), fc.integer({ min: -8, max: 8 })).map(([s, lie, delta]) => {
      const text = new TextEncoder().encode(JSON.stringify(s.header));
      const len = delta === 0 ? lie : BigInt(Math.max(0, text.length + delta));
      return fileBytes(text, s.data, len);
    }),
  },
  { weight: 3, arbitrary: mutatedBytes(validSafetensors.map((s) => fileBytes(new TextEncoder().encode(JSON.stringify(s.header)), s.data))) },
);

function readAll(file: string): number {
  const f = SafetensorsFile.open(file);
  try {
    let values = 0;
    for (const name of f.tensors.keys()) {
      if (!['F32', 'F16', 'BF16'].includes(f.tensors.get(name)!.dtype)) continue;
      const t = f.read(name);
      if (t.data.length !== numel(t.shape)) throw new Error(`tensor '${name}': ${t.data.length} values for shape ${JSON.stringify(t.shape)}`);
      values += t.data.length;
    }
    return values;
  } finally {
    f.close();
  }
}

describe('fuzz: safetensors', () => {
  it(
    'opens and reads every tensor, or refuses naming the file and the tensor, header or byte',
    async () => {
      const file = path.join(dir, 'model.safetensors');
      await check(
        safetensorsFiles,
        async (bytes) => {
          fs.writeFileSync(file, bytes);
          await expectReaderOutcome(() => readAll(file), {
            reader: 'safetensors',
            file,
            bytes: bytes.length,
            place: /tensor '|header|bytes|metadata/,
            errors: [CheckpointError],
          });
        },
        150,
      );
    },
    TEST_TIMEOUT,
  );
});

describe('regressions found by fuzzing safetensors', () => {
  it('a deeply nested shape, dtype or data_offsets is refused by name (printing it overflowed the stack)', () => {
    const deep = '['.repeat(10000) + ']'.repeat(10000);
    for (const field of ['dtype', 'shape', 'data_offsets']) {
      const entry = { dtype: '"F32"', shape: '[1]', data_offsets: '[0,4]', [field]: deep };
      const header = Buffer.from(`{"w":{"dtype":${entry.dtype},"shape":${entry.shape},"data_offsets":${entry.data_offsets}}}`);
      const file = path.join(dir, `deep-${field}.safetensors`);
      fs.writeFileSync(file, fileBytes(header, new Uint8Array(4)));
      expect(() => SafetensorsFile.open(file)).toThrow(CheckpointError);
      expect(() => SafetensorsFile.open(file)).toThrow(/tensor 'w'/);
    }
  });
});

describe('found while writing the safetensors fuzz (not reachable by byte mutations)', () => {
  it('a folder where the weights file should be is a CheckpointError naming it (a bare EISDIR before)', () => {
    const folder = path.join(dir, 'model-dir.safetensors');
    fs.mkdirSync(folder, { recursive: true });
    expect(() => SafetensorsFile.open(folder)).toThrow(/model-dir.safetensors: not a file/);
  });
});
