// The JSON files of a model folder that people edit by hand (config.json, tokenizer.json, tokenizer_config.json,
// adapter_config.json): a syntax error is placed by line and column, not only by JSON.parse's character offset, and a
// byte order mark (Windows editors add one) is named, not reported as an "Unexpected token" that shows nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineAndColumn, parseJsonText } from '../../native/api/json-text.ts';
import { readHfFolder, writeHfFolder } from '../../native/models/checkpoint.ts';
import { readPeftAdapter } from '../../native/models/peft.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-json-files-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('parseJsonText', () => {
  it('places a syntax error by line and column, and the end of a cut-off file', () => {
    expect(() => parseJsonText('{\n  "a": 1,,\n  "b": 2\n}', 'c.json')).toThrow(/^c\.json: not valid JSON at line 2, column 10 \(/);
    expect(() => parseJsonText('{\n  "a": [1, 2', 'c.json')).toThrow(/^c\.json: not valid JSON at line 2, column 13 \(/);
    expect(parseJsonText('{"a": [1]}', 'c.json')).toEqual({ a: [1] });
    expect([lineAndColumn('ab\ncd', 0), lineAndColumn('ab\ncd', 3), lineAndColumn('ab\ncd', 2)]).toEqual(['line 1, column 1', 'line 2, column 1', 'line 1, column 3']);
  });

  it('names a byte order mark', () => {
    expect(() => parseJsonText('\uFEFF{"a": 1}', 'c.json')).toThrow("c.json: not valid JSON: it starts with a byte order mark (U+FEFF), which JSON readers refuse (transformers' too); save it as UTF-8 without a BOM");
  });
});

describe('a model folder with a hand-edited JSON file', () => {
  it('config.json and tokenizer_config.json name the file, line and column, or the BOM', async () => {
    const config = CONFIGS.llama3;
    const dir = path.join(tmp, 'model');
    await writeHfFolder(dir, { config, tensors: randomTensors(config, 2), ...charTokenizer(config.vocab_size as number) });
    const configFile = path.join(dir, 'config.json');
    const good = fs.readFileSync(configFile, 'utf8');
    fs.writeFileSync(configFile, `\uFEFF${good}`);
    expect(() => readHfFolder(dir)).toThrow(`${configFile}: not valid JSON: it starts with a byte order mark (U+FEFF)`);
    fs.writeFileSync(configFile, good.replace(/\n}\s*$/, ',\n}\n'));
    const lines = fs.readFileSync(configFile, 'utf8').trimEnd().split('\n').length;
    expect(() => readHfFolder(dir)).toThrow(`${configFile}: not valid JSON at line ${lines}, column 1 (`);
    fs.writeFileSync(configFile, good);

    const tokenizerConfig = path.join(dir, 'tokenizer_config.json');
    fs.writeFileSync(tokenizerConfig, '{\n  "bos_token": "<s>"\n  "eos_token": "</s>"\n}\n');
    expect(() => TextTokenizer.fromFolder(dir)).toThrow(`${tokenizerConfig}: not valid JSON at line 3, column 3 (`);
  });

  it('adapter_config.json names the line and column', () => {
    const dir = path.join(tmp, 'adapter');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'adapter_config.json');
    fs.writeFileSync(file, '{\n  "peft_type": "LORA",\n  "r": 8,\n  "lora_alpha": 16\n  "target_modules": ["q_proj"]\n}\n');
    expect(() => readPeftAdapter(dir)).toThrow(`${file}: not valid JSON at line 5, column 3 (`);
  });
});

describe("an embedding model's sentence-transformers files", () => {
  it('modules.json and the pooling config.json name the file and the line, or the BOM', async () => {
    const { readPooling } = await import('../../native/models/bert-config.ts');
    const dir = path.join(tmp, 'st');
    fs.mkdirSync(path.join(dir, '1_Pooling'), { recursive: true });
    const modules = path.join(dir, 'modules.json');
    fs.writeFileSync(modules, '\uFEFF[{"type": "sentence_transformers.models.Pooling", "path": "1_Pooling"}]');
    expect(() => readPooling(dir)).toThrow(`${modules}: not valid JSON: it starts with a byte order mark (U+FEFF)`);
    fs.writeFileSync(modules, '[{"type": "sentence_transformers.models.Pooling", "path": "1_Pooling"}]');
    const pooling = path.join(dir, '1_Pooling', 'config.json');
    fs.writeFileSync(pooling, '{\n  "pooling_mode_cls_token": true,\n}\n');
    expect(() => readPooling(dir)).toThrow(new RegExp(`^${pooling.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON at line 3, column 1 `));
    fs.writeFileSync(pooling, '{"pooling_mode_cls_token": true}');
    expect(readPooling(dir).pooling).toBe('cls');
  });
});
