// llama2.c imports: the legacy checkpoint (seven int32 header fields + float32 weights) with header fields
// set to implausible values or bytes mutated, and tokenizer.bin (max_token_length, then score, length,
// bytes per token) with lengths that lie, pieces that are not UTF-8, repeated or named like Object's
// properties. A checkpoint that converts must give a config.json Lathe reads and tensors of their shapes; a
// tokenizer that reads must give a tokenizer.json that loads and encodes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../native/models/config.ts';
import { convertLlama2c } from '../../native/models/llama2c.ts';
import { CheckpointError, numel } from '../../native/models/safetensors.ts';
import { Llama2cTokenizer } from '../../native/text/llama2c-tokenizer.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { checkSpec } from './checks.ts';
import { check, expectReaderOutcome, TEST_TIMEOUT } from './harness.ts';
import { mutatedBytes } from './mutate.ts';

const CKPT = '/imports/stories.bin';
const TOK = '/imports/tokenizer.bin';

/** A tiny valid checkpoint: header then every weight, in run.c's order. */
const validCheckpoint: fc.Arbitrary<Uint8Array> = fc
  .record({ nKv: fc.constantFrom(1, 2), group: fc.constantFrom(1, 2), hs: fc.constantFrom(2, 4), hidden: fc.integer({ min: 1, max: 8 }), layers: fc.integer({ min: 1, max: 2 }), vocab: fc.integer({ min: 3, max: 12 }), seq: fc.integer({ min: 1, max: 4 }), shared: fc.boolean() })
  .map((h) => {
    const nHeads = h.nKv * h.group;
    const dim = nHeads * h.hs;
    const kv = h.nKv * h.hs;
    const L = h.layers;
    const floats = h.vocab * dim + L * dim + L * dim * dim + 2 * L * kv * dim + L * dim * dim + L * dim + 3 * L * h.hidden * dim + dim + h.seq * h.hs + (h.shared ? 0 : h.vocab * dim);
    const bytes = new Uint8Array(28 + 4 * floats);
    const v = new DataView(bytes.buffer);
    [dim, h.hidden, L, nHeads, h.nKv, h.shared ? h.vocab : -h.vocab, h.seq].forEach((x, i) => v.setInt32(4 * i, x, true));
    for (let i = 0; i < floats; i++) v.setFloat32(28 + 4 * i, Math.sin(i), true);
    return bytes;
  });

const WEIRD_INTS = [0, -1, 1, 2, 3, 2 ** 31 - 1, -(2 ** 31), 1 << 20, (1 << 20) + 1, -(1 << 20), 65536];

/** Header fields set to implausible values, or byte mutations, or random bytes. */
const checkpoints: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.tuple(validCheckpoint, fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.oneof(fc.constantFrom(...WEIRD_INTS), fc.integer({ min: -64, max: 64 }), fc.integer())), { minLength: 1, maxLength: 3 })).map(([b, edits]) => {
    const out = b.slice();
    for (const [field, value] of edits) new DataView(out.buffer).setInt32(4 * field, value, true);
    return out;
  }),
  mutatedBytes(validCheckpoint),
);

function checkConverted(c: ReturnType<typeof convertLlama2c>): void {
  checkSpec(parseModelConfig(c.config, 'config.json'));
  for (const [name, t] of c.tensors) if (t.data.length !== numel(t.shape)) throw new Error(`tensor ${name}: ${t.data.length} values for ${JSON.stringify(t.shape)}`);
}

const enc = new TextEncoder();

/** A tiny valid tokenizer.bin: <unk>, BOS, EOS, some byte-fallback pieces, then pieces of any text. */
const validTokenizer: fc.Arbitrary<{ bytes: Uint8Array; vocab: number }> = fc
  .record({
    pieces: fc.uniqueArray(fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), fc.constantFrom(' ', 'a', 'b', ' a', 'ab', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '<0x0A>', '▁')), { minLength: 1, maxLength: 24 }),
    scores: fc.array(fc.float(), { minLength: 40, maxLength: 40 }),
    maxLen: fc.integer({ min: -1, max: 64 }),
  })
  .map(({ pieces, scores, maxLen }) => {
    const all = ['<unk>', '\n<s>\n', '\n</s>\n', ...['<0x41>', '<0xC3>', '<0xA9>'].filter((p) => !pieces.includes(p)), ...pieces];
    const parts: number[] = [];
    const push32 = (write: (v: DataView) => void) => {
      const b = new Uint8Array(4);
      write(new DataView(b.buffer));
      parts.push(...b);
    };
    push32((v) => v.setInt32(0, maxLen, true));
    all.forEach((p, i) => {
      const b = enc.encode(p);
      push32((v) => v.setFloat32(0, i < 3 ? 0 : scores[i % scores.length], true));
      push32((v) => v.setInt32(0, b.length, true));
      parts.push(...b);
    });
    return { bytes: Uint8Array.from(parts), vocab: all.length };
  });

const tokenizerCases = fc.tuple(mutatedBytes(validTokenizer.map((t) => t.bytes)), fc.oneof(validTokenizer.map((t) => t.vocab), fc.integer({ min: 1, max: 1 << 20 })));

function readTokenizer(bytes: Uint8Array, vocab: number): void {
  const tok = new Llama2cTokenizer(bytes, vocab, TOK);
  const { tokenizer, tokenizerConfig } = tok.toTokenizerJson();
  // What the import writes must load and encode (JSON round trip, as it goes through the file).
  const hf = TextTokenizer.fromJson(JSON.parse(JSON.stringify(tokenizer)) as Record<string, unknown>, tokenizerConfig, null, TOK);
  hf.decode(hf.encode('Hello wörld, ab a b\n'));
}

describe('fuzz: llama2.c checkpoint', () => {
  it(
    'converts to a config Lathe reads and tensors of their shapes, or refuses naming the file and header field',
    async () => {
      await check(
        checkpoints,
        async (bytes) => {
          await expectReaderOutcome(() => convertLlama2c(bytes, CKPT), { reader: 'llama2.c checkpoint', file: CKPT, bytes: bytes.length, place: /header|bytes/, errors: [CheckpointError], valid: checkConverted });
        },
        200,
      );
    },
    TEST_TIMEOUT,
  );
});

describe('fuzz: llama2.c tokenizer.bin', () => {
  it(
    'reads into a tokenizer.json that loads and encodes, or refuses naming the file and the token',
    async () => {
      await check(
        tokenizerCases,
        async ([bytes, vocab]) => {
          await expectReaderOutcome(() => readTokenizer(bytes, vocab), { reader: 'llama2.c tokenizer.bin', file: TOK, bytes: bytes.length, place: /token \d+|too short|bytes/, errors: [CheckpointError] });
        },
        150,
        0.5,
      );
    },
    TEST_TIMEOUT,
  );
});

describe('regressions found by fuzzing llama2.c files', () => {
  const tokenizerBin = (pieces: string[]) => {
    const parts: number[] = [0, 0, 0, 0];
    for (const p of pieces) {
      const b = enc.encode(p);
      parts.push(0, 0, 0, 0, b.length, 0, 0, 0, ...b);
    }
    return Uint8Array.from(parts);
  };
  it('pieces named like Object properties are ordinary pieces (they were reported as duplicates)', () => {
    const tok = new Llama2cTokenizer(tokenizerBin(['<unk>', '\n<s>\n', '\n</s>\n', 'constructor', '__proto__', 'toString']), 6, TOK);
    const vocab = tok.toTokenizerJson().tokenizer.model as { vocab: Record<string, number> };
    expect(Object.entries(vocab.vocab).slice(3)).toEqual([['constructor', 3], ['__proto__', 4], ['toString', 5]]);
  });
  it('errors are CheckpointErrors naming the file and the token (plain Errors before)', () => {
    expect(() => new Llama2cTokenizer(tokenizerBin(['<unk>', '\n<s>\n', '\n</s>\n', 'a', 'a']), 5, TOK).toTokenizerJson()).toThrow(CheckpointError);
    expect(() => new Llama2cTokenizer(tokenizerBin(['<unk>', '\n<s>\n', '\n</s>\n', 'a', 'a']), 5, TOK).toTokenizerJson()).toThrow(/tokenizer.bin: token 4: piece "a" is also token 3/);
    expect(() => new Llama2cTokenizer(tokenizerBin(['<unk>']), 1 << 20, TOK)).toThrow(/tokenizer.bin: the checkpoint's vocabulary has 1,048,576 tokens but 17 bytes hold at most 1/);
  });
});
