// PEFT adapters: a valid LoRA adapter folder written by Lathe, with adapter_config.json edited as JSON or
// as bytes, or adapter_model.safetensors mutated. An adapter that loads must carry settings the graph
// builders can use: a whole rank ≥ 1, finite alpha, dropout in [0, 1), module names, tensors of their shapes.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../native/models/config.ts';
import { initLoraWeights, type LoraConfig } from '../../native/models/lora.ts';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS, adapterConfigJson, readPeftAdapter, writePeftAdapter, type PeftAdapter } from '../../native/models/peft.ts';
import { CheckpointError, numel } from '../../native/models/safetensors.ts';
import { CONFIGS } from '../fixtures/models/random-checkpoint.ts';
import { check, expectReaderOutcome, scratch, TEST_TIMEOUT } from './harness.ts';
import { mutatedBytes, mutatedJson } from './mutate.ts';

const dir = scratch('peft');
const spec = parseModelConfig(CONFIGS.llama3);
const lora: LoraConfig = { r: 2, alpha: 4, dropout: 0.05, targetModules: ['q_proj', 'v_proj'] };
const valid = path.join(dir, 'valid');
let weightBytes: Uint8Array;

beforeAll(async () => {
  await writePeftAdapter(valid, spec, lora, await initLoraWeights(spec, lora, 1), '/models/base');
  weightBytes = fs.readFileSync(path.join(valid, ADAPTER_WEIGHTS));
});

function checkAdapter(a: PeftAdapter): void {
  const c = a.config;
  if (!Number.isSafeInteger(c.r) || c.r < 1) throw new Error(`r ${c.r}`);
  if (!Number.isFinite(c.alpha)) throw new Error(`alpha ${c.alpha}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new Error(`dropout ${c.dropout}`);
  if (!Array.isArray(c.targetModules) || c.targetModules.length === 0 || !c.targetModules.every((t) => typeof t === 'string')) throw new Error(`targets ${String(c.targetModules)}`);
  if (a.baseModel !== null && typeof a.baseModel !== 'string') throw new Error('baseModel');
  for (const [name, t] of a.weights) if (t.data.length !== numel(t.shape)) throw new Error(`tensor ${name}`);
}

type Case = { target: 'config' | 'weights'; bytes: Uint8Array };

describe('fuzz: PEFT adapter', () => {
  it(
    'loads an adapter with usable settings, or refuses naming the file and the field or tensor',
    async () => {
      const folder = path.join(dir, 'case');
      fs.mkdirSync(folder, { recursive: true });
      const validConfig = fc.constant(adapterConfigJson(spec, lora, '/models/base'));
      const cases: fc.Arbitrary<Case> = fc.oneof(
        { weight: 3, arbitrary: mutatedJson(validConfig).map((bytes): Case => ({ target: 'config', bytes })) },
        { weight: 1, arbitrary: mutatedBytes(fc.constant(0).map(() => weightBytes)).map((bytes): Case => ({ target: 'weights', bytes })) },
      );
      await check(
        cases,
        async (c) => {
          fs.copyFileSync(path.join(valid, ADAPTER_CONFIG), path.join(folder, ADAPTER_CONFIG));
          fs.copyFileSync(path.join(valid, ADAPTER_WEIGHTS), path.join(folder, ADAPTER_WEIGHTS));
          const file = path.join(folder, c.target === 'config' ? ADAPTER_CONFIG : ADAPTER_WEIGHTS);
          fs.writeFileSync(file, c.bytes);
          await expectReaderOutcome(() => readPeftAdapter(folder), {
            reader: `PEFT ${c.target === 'config' ? ADAPTER_CONFIG : ADAPTER_WEIGHTS}`,
            file,
            bytes: c.bytes.length + weightBytes.length,
            place: /field '|not valid JSON|not a JSON object|tensor '|header|bytes/,
            errors: [CheckpointError],
            valid: checkAdapter,
          });
        },
        100,
        0.5,
      );
    },
    TEST_TIMEOUT,
  );
});

describe('regressions found by fuzzing PEFT adapters', () => {
  const write = (config: unknown) => {
    const folder = path.join(dir, 'regression');
    fs.mkdirSync(folder, { recursive: true });
    fs.copyFileSync(path.join(valid, ADAPTER_WEIGHTS), path.join(folder, ADAPTER_WEIGHTS));
    fs.writeFileSync(path.join(folder, ADAPTER_CONFIG), typeof config === 'string' ? config : JSON.stringify(config));
    return folder;
  };
  const base = () => adapterConfigJson(spec, lora, '/models/base');

  it('invalid JSON and a non-object name the file (SyntaxError / TypeError before)', () => {
    expect(() => readPeftAdapter(write('{"peft_type": "LORA",'))).toThrow(/adapter_config.json: not valid JSON/);
    expect(() => readPeftAdapter(write('null'))).toThrow(/adapter_config.json: not a JSON object/);
  });
  it('fields of the wrong type are refused instead of reaching the graph as NaN or non-strings', () => {
    expect(() => readPeftAdapter(write({ ...base(), lora_alpha: 'eight' }))).toThrow(/field 'lora_alpha'/);
    expect(() => readPeftAdapter(write({ ...base(), r: true }))).toThrow(/field 'r'/);
    expect(() => readPeftAdapter(write({ ...base(), target_modules: [1, 2] }))).toThrow(/field 'target_modules'/);
    expect(() => readPeftAdapter(write({ ...base(), lora_dropout: 1.5 }))).toThrow(/field 'lora_dropout'/);
    const deep = '['.repeat(10000) + ']'.repeat(10000);
    expect(() => readPeftAdapter(write(JSON.stringify(base()).replace('"peft_type":"LORA"', `"peft_type":${deep}`)))).toThrow(/field 'peft_type'/);
  });
});
