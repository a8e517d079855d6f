// GGUF: small valid files (random metadata of every value type, tensors of every type Lathe reads) broken by
// byte mutations, or random bytes; every tensor of a file that opens is read. And a whole exported Llama
// (tiny, Q8_0; a SentencePiece or a byte-level tokenizer) broken the same ways and imported: a file that imports must give a config Lathe can size and a
// tokenizer that loads and encodes.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../native/api/errors.ts';
import { quantize, BLOCK, type GgmlTypeName } from '../../native/deploy/ggml-blocks.ts';
import { layoutGguf, type GgufTensorPlan } from '../../native/deploy/gguf-file-writer.ts';
import type { GgufMetadata, GgufValue } from '../../native/deploy/gguf-format.ts';
import { ggufToHf } from '../../native/deploy/gguf-import.ts';
import { GgufFile } from '../../native/deploy/gguf-read.ts';
import { exportGguf } from '../../native/deploy/gguf-write.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { parseModelConfig } from '../../native/models/config.ts';
import { Llama2cTokenizer } from '../../native/text/llama2c-tokenizer.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { trainByteLevelBpe } from '../../native/text/bpe-trainer.ts';
import { randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { SPM_PIECES, spmTokenizerBin } from '../fixtures/models/spm-llama.ts';
import { checkSpec } from './checks.ts';
import { check, expectReaderOutcome, scratch, TEST_TIMEOUT } from './harness.ts';
import { mutatedBytes } from './mutate.ts';

const dir = scratch('gguf');

/** A whole GGUF file in memory, through the writer's own layout. */
function ggufBytes(metadata: GgufMetadata, plans: GgufTensorPlan[]): Uint8Array {
  const { header, offsets, sizes } = layoutGguf(metadata, plans);
  const end = plans.length ? offsets.at(-1)! + sizes.at(-1)! : 0;
  const out = new Uint8Array(header.length + end);
  out.set(header);
  plans.forEach((p, i) => out.set(p.bytes(), header.length + offsets[i]));
  return out;
}

const scalar: fc.Arbitrary<GgufValue> = fc.oneof(
  fc.string({ maxLength: 12 }).map((value) => ({ kind: 'string' as const, value })),
  fc.nat({ max: 2 ** 32 - 1 }).map((value) => ({ kind: 'uint32' as const, value })),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((value) => ({ kind: 'int32' as const, value })),
  fc.float({ noNaN: true }).map((value) => ({ kind: 'float32' as const, value })),
  fc.boolean().map((value) => ({ kind: 'bool' as const, value })),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((value) => ({ kind: 'uint64' as const, value })),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 5 }).map((value) => ({ kind: 'array' as const, of: 'string' as const, value })),
  fc.array(fc.integer({ min: -128, max: 127 }), { maxLength: 8 }).map((value) => ({ kind: 'array' as const, of: 'int8' as const, value })),
  fc.array(fc.float({ noNaN: true }), { maxLength: 8 }).map((value) => ({ kind: 'array' as const, of: 'float32' as const, value })),
);

const TYPES: GgmlTypeName[] = ['F32', 'F16', 'Q8_0', 'Q4_0', 'Q4_K', 'Q6_K'];

const validGguf: fc.Arbitrary<Uint8Array> = fc
  .record({
    kvs: fc.uniqueArray(fc.tuple(fc.constantFrom('general.name', 'general.architecture', 'llama.block_count', 'tokenizer.ggml.tokens', 'x', '__proto__', 'general.alignment'), scalar), { maxLength: 5, selector: ([k]) => k }),
    tensors: fc.uniqueArray(fc.record({ name: fc.constantFrom('token_embd.weight', 'blk.0.attn_q.weight', 'w', 'constructor'), type: fc.constantFrom(...TYPES), blocks: fc.integer({ min: 1, max: 2 }), rows: fc.integer({ min: 1, max: 3 }), seed: fc.nat() }), { maxLength: 3, selector: (t) => t.name }),
  })
  .map(({ kvs, tensors }) => {
    const metadata: GgufMetadata = new Map(kvs.filter(([k]) => k !== 'general.alignment'));
    const plans = tensors.map((t): GgufTensorPlan => {
      const ne0 = t.blocks * BLOCK[t.type].elements;
      const n = ne0 * t.rows;
      const bytes = (): Uint8Array => {
        if (t.type === 'Q4_K' || t.type === 'Q6_K') return Uint8Array.from({ length: (n / BLOCK[t.type].elements) * BLOCK[t.type].bytes }, (_, i) => (t.seed + 37 * i) & 0xff);
        return quantize(t.type, Float32Array.from({ length: n }, (_, i) => Math.sin(t.seed + i)));
      };
      return { name: t.name, dims: t.rows > 1 ? [ne0, t.rows] : [ne0], type: t.type, bytes };
    });
    return ggufBytes(metadata, plans);
  });

function readAll(file: string): number {
  const f = GgufFile.open(file);
  try {
    let values = 0;
    for (const [name, info] of f.tensors) {
      const data = f.read(name);
      if (data.length !== info.dims.reduce((a, b) => a * b, 1)) throw new Error(`tensor '${name}': ${data.length} values for dims ${JSON.stringify(info.dims)}`);
      values += data.length;
    }
    return values;
  } finally {
    f.close();
  }
}

const TINY_CONFIG = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: SPM_PIECES.length, hidden_size: 32, intermediate_size: 32,
  num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 16, rms_norm_eps: 1e-5,
  rope_theta: 10000, tie_word_embeddings: true, hidden_act: 'silu', bos_token_id: 1, eos_token_id: 2,
};

/** A tiny Llama exported at Q8_0 with a SentencePiece tokenizer (scores) or a byte-level one (merges). */
async function exportedTiny(kind: 'spm' | 'bpe'): Promise<Uint8Array> {
  const file = path.join(dir, `tiny-${kind}.gguf`);
  if (fs.existsSync(file)) return new Uint8Array(fs.readFileSync(file));
  const folder = path.join(dir, `tiny-${kind}`);
  let tokenizer: Record<string, unknown>;
  let tokenizerConfig: Record<string, unknown>;
  let config: Record<string, unknown> = TINY_CONFIG;
  if (kind === 'spm') ({ tokenizer, tokenizerConfig } = new Llama2cTokenizer(spmTokenizerBin(), SPM_PIECES.length).toTokenizerJson());
  else {
    tokenizer = trainByteLevelBpe('the cat sat on the mat and the dog sat on the log '.repeat(5), { vocabSize: 300 }).tokenizerJson;
    tokenizerConfig = { eos_token: '<|endoftext|>' };
    config = { ...TINY_CONFIG, vocab_size: Object.keys((tokenizer.model as { vocab: object }).vocab).length, bos_token_id: 0, eos_token_id: 0 };
  }
  await writeHfFolder(folder, { config, tensors: randomTensors(config, 3), tokenizer, tokenizerConfig: { ...tokenizerConfig, chat_template: '{{ messages }}' } });
  await exportGguf(folder, file, { dtype: 'q8_0' });
  return new Uint8Array(fs.readFileSync(file));
}

describe('fuzz: GGUF', () => {
  it(
    'opens and reads every tensor, or refuses naming the file and the field, key or tensor',
    async () => {
      const file = path.join(dir, 'model.gguf');
      await check(
        mutatedBytes(validGguf),
        async (bytes) => {
          fs.writeFileSync(file, bytes);
          await expectReaderOutcome(() => readAll(file), { reader: 'GGUF', file, bytes: bytes.length, place: /tensor '|metadata key|field '|truncated|not a GGUF file|GGUF version|the key of|the name of/, errors: [CheckpointError] });
        },
        200,
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'imports an exported Llama or refuses by file and field; what imports has a sizable config and a working tokenizer',
    async () => {
      const valid = fc.constantFrom(await exportedTiny('spm'), await exportedTiny('bpe'));
      const file = path.join(dir, 'import.gguf');
      await check(
        mutatedBytes(valid),
        async (bytes) => {
          fs.writeFileSync(file, bytes);
          await expectReaderOutcome(() => ggufToHf(file), {
            reader: 'GGUF import',
            file,
            bytes: bytes.length,
            place: /tensor '|metadata key|field '|truncated|not a GGUF file|GGUF version|the key of|the name of|no tensor for/,
            errors: [CheckpointError],
            valid: (c) => {
              checkSpec(parseModelConfig(c.config));
              const tok = TextTokenizer.fromJson(c.tokenizer!, c.tokenizerConfig!);
              tok.decode(tok.encode('the cat'));
            },
          });
        },
        60,
        0.5,
      );
    },
    TEST_TIMEOUT,
  );
});

describe('regressions found by fuzzing GGUF', () => {
  it('a feed_forward_length that disagrees with the tensors names the GGUF tensor and its dims (seed 180484295)', async () => {
    const bytes = Buffer.from(await exportedTiny('spm'));
    const key = Buffer.from('llama.feed_forward_length');
    const at = bytes.indexOf(key) + key.length + 4; // the key, then its u32 value type, then the value
    expect(bytes.readUInt32LE(at)).toBe(32);
    bytes.writeUInt32LE(33, at);
    const file = path.join(dir, 'ffn-33.gguf');
    fs.writeFileSync(file, bytes);
    expect(() => ggufToHf(file)).toThrow(/tensor 'blk\.0\.ffn_(gate|up|down)\.weight' \(Lathe's '.*'\) has dims \[32,32\] but the llama\.\* metadata implies \[(32,33|33,32)\]/);
  });
  it('a head count that does not divide the embedding names both metadata keys, not config.json fields (seed 1311594820)', async () => {
    const bytes = Buffer.from(await exportedTiny('spm'));
    const key = Buffer.from('llama.attention.head_count');
    const at = bytes.indexOf(key) + key.length + 4;
    expect(bytes.readUInt32LE(at)).toBe(2);
    bytes.writeUInt32LE(3, at);
    const file = path.join(dir, 'heads-3.gguf');
    fs.writeFileSync(file, bytes);
    expect(() => ggufToHf(file)).toThrow(/heads-3\.gguf \(metadata\): metadata key 'llama\.embedding_length' 32 is not divisible by metadata key 'llama\.attention\.head_count' 3/);
  });
});
