// A Hugging Face folder's JSON: config.json (parsed values and raw bytes read through readHfFolder) and
// model.safetensors.index.json (CheckpointWeights.open against a real shard). A config that parses must
// describe a model the graph builders can size: whole positive sizes, heads that divide, finite RoPE.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointWeights, INDEX_FILE, readHfFolder } from '../../native/models/checkpoint.ts';
import { parseModelConfig } from '../../native/models/config.ts';
import { parseEncoderConfig } from '../../native/models/encoder-config.ts';
import { CheckpointError, writeSafetensors } from '../../native/models/safetensors.ts';
import { CONFIGS } from '../fixtures/models/random-checkpoint.ts';
import { checkSpec } from './checks.ts';
import { check, expectReaderOutcome, scratch, TEST_TIMEOUT } from './harness.ts';
import { mutatedJson, mutatedJsonValue } from './mutate.ts';

const dir = scratch('hf');
const validConfig = fc.constantFrom(...Object.values(CONFIGS));
const FIELD = /field '|not a JSON object|'architectures'|architecture '|rope_scaling|num_attention_heads|n_embd|hidden_size|activation_function|hidden_act|scale_attn/;

describe('fuzz: config.json', () => {
  it(
    'parsed values: a spec the builders can size, or an error naming config.json and the field',
    async () => {
      await check(
        mutatedJsonValue(validConfig),
        async (raw) => {
          const file = '/models/x/config.json';
          await expectReaderOutcome(() => parseModelConfig(raw, file), { reader: 'config.json (values)', file, bytes: 4096, place: FIELD, errors: [CheckpointError], valid: checkSpec });
        },
        200,
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'raw bytes through readHfFolder: the same, and JSON syntax errors name the file',
    async () => {
      const folder = path.join(dir, 'config');
      fs.mkdirSync(folder, { recursive: true });
      const file = path.join(folder, 'config.json');
      await check(
        mutatedJson(validConfig),
        async (bytes) => {
          fs.writeFileSync(file, bytes);
          await expectReaderOutcome(() => readHfFolder(folder).spec, { reader: 'config.json (file)', file, bytes: bytes.length, place: new RegExp(`${FIELD.source}|not valid JSON`), errors: [CheckpointError], valid: checkSpec });
        },
        100,
        0.5,
      );
    },
    TEST_TIMEOUT,
  );
});

describe('fuzz: model.safetensors.index.json', () => {
  it(
    'opens the shards it names, or refuses naming the index (or shard) and the entry',
    async () => {
      const folder = path.join(dir, 'sharded');
      fs.mkdirSync(folder, { recursive: true });
      const shard = 'model-00001-of-00001.safetensors';
      await writeSafetensors(path.join(folder, shard), new Map([['a', { shape: [2], data: Float32Array.of(1, 2) }], ['b', { shape: [], data: Float32Array.of(3) }]]));
      const validIndex = fc.constant({ metadata: { total_size: 12 }, weight_map: { a: shard, b: shard } });
      const file = path.join(folder, INDEX_FILE);
      await check(
        mutatedJson(validIndex),
        async (bytes) => {
          fs.writeFileSync(file, bytes);
          await expectReaderOutcome(
            () => {
              const w = CheckpointWeights.open(folder);
              const names = w.names();
              for (const n of names) w.read(n);
              w.close();
              return names;
            },
            { reader: 'safetensors index', file: [file, folder], bytes: bytes.length, place: /weight_map|shard|'|not valid JSON|cannot open/, errors: [CheckpointError] },
          );
        },
        100,
        0.5,
      );
    },
    TEST_TIMEOUT,
  );
});

describe('regressions found by fuzzing config.json and the index', () => {
  const base = CONFIGS.llama3;
  const refused = (raw: unknown, field: RegExp) => expect(() => parseModelConfig(raw, 'config.json')).toThrow(field);

  it('a huge layer count is refused before anything loops over the layers (it exhausted the heap)', () => {
    refused({ ...base, num_hidden_layers: 2 ** 31 }, /field 'num_hidden_layers'/);
    refused({ ...CONFIGS.gpt2, n_layer: 2 ** 40 }, /field 'n_layer'/);
  });
  it('architectures that are not strings, or name a property of every object, are refused (RangeError, accepted as Llama)', () => {
    refused({ ...base, architectures: [JSON.parse('['.repeat(10000) + ']'.repeat(10000))] }, /field 'architectures'/);
    refused({ ...base, architectures: ['constructor'] }, /architecture 'constructor' is not supported/);
    refused(null, /not a JSON object/);
    refused({ ...base, rope_scaling: { rope_type: JSON.parse('['.repeat(10000) + ']'.repeat(10000)) } }, /rope_scaling type 'a deeply nested array'/);
  });
  it('a model_type or encoder field that is a deep array is refused by name (String() of it overflowed the stack)', () => {
    const deep = JSON.parse('['.repeat(20000) + ']'.repeat(20000)) as unknown;
    refused({ architectures: [' '], model_type: deep }, /architecture ' ' is not supported/);
    refused({ model_type: deep }, /no 'architectures' or known 'model_type'/);
    const bert = { model_type: 'bert', vocab_size: 10, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 8 };
    expect(() => parseEncoderConfig({ ...bert, model_type: deep }, 'config.json')).toThrow(/model_type a deeply nested array is not a sentence encoder/);
    expect(() => parseEncoderConfig({ ...bert, hidden_act: deep }, 'config.json')).toThrow(/hidden_act a deeply nested array is not supported/);
    expect(() => parseEncoderConfig({ ...bert, vocab_size: deep }, 'config.json')).toThrow(/field 'vocab_size' must be a whole number of at least 1, got a deeply nested array/);
    expect(() => parseEncoderConfig({ ...bert, position_embedding_type: deep }, 'config.json')).toThrow(/position_embedding_type a deeply nested array/);
    expect(() => parseEncoderConfig({ model_type: 'nomic_bert', activation_function: deep }, 'config.json')).toThrow(/a deeply nested array/);
  });
  it('an odd head size and non-positive RoPE factors are refused (they built graphs that failed at run time)', () => {
    refused({ ...base, hidden_size: 36, num_attention_heads: 4 }, /head size 9 is odd/);
    refused({ ...base, rope_scaling: { ...(base.rope_scaling as object), factor: 0 } }, /rope_scaling.factor/);
    refused({ ...base, rope_scaling: { ...(base.rope_scaling as object), low_freq_factor: 4, high_freq_factor: 4 } }, /high_freq_factor/);
  });
  it('an index whose weight_map is not an object of plain file names is refused (TypeError: shard.includes)', () => {
    const folder = path.join(dir, 'index-regression');
    fs.mkdirSync(folder, { recursive: true });
    for (const index of [null, { weight_map: [{ a: 'x' }] }, { weight_map: { a: 5 } }, { weight_map: { a: '..' } }, { weight_map: { a: '' } }]) {
      fs.writeFileSync(path.join(folder, INDEX_FILE), JSON.stringify(index));
      expect(() => CheckpointWeights.open(folder)).toThrow(/weight_map/);
    }
  });
});
