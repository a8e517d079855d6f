// tokenizer.json + tokenizer_config.json through TextTokenizer.fromFolder: a SentencePiece-style BPE
// (the llama2.c conversion) and a byte-level BPE (Lathe's trainer), edited as JSON and as bytes. A tokenizer
// that loads must encode, decode and look up its special tokens; otherwise the error names the file.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../native/models/safetensors.ts';
import { trainByteLevelBpe } from '../../native/text/bpe-trainer.ts';
import { Llama2cTokenizer } from '../../native/text/llama2c-tokenizer.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { check, expectReaderOutcome, scratch, TEST_TIMEOUT } from './harness.ts';
import { mutatedJson } from './mutate.ts';

const dir = scratch('tok');
const enc = new TextEncoder();

function llama2cTokenizerJson(): Record<string, unknown> {
  const pieces = ['<unk>', '\n<s>\n', '\n</s>\n', ...Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`), ' ', 'a', 'b', 'c', 'ab', ' a', ' ab', 'ca', 'H', 'e', 'l', 'o', 'll', 'He', 'llo', 'Hello'];
  const parts: number[] = [0, 0, 0, 0];
  pieces.forEach((p, i) => {
    const b = enc.encode(p);
    const head = new DataView(new ArrayBuffer(8));
    head.setFloat32(0, -i, true);
    head.setInt32(4, b.length, true);
    parts.push(...new Uint8Array(head.buffer), ...b);
  });
  return new Llama2cTokenizer(Uint8Array.from(parts), pieces.length).toTokenizerJson().tokenizer;
}

const TOKENIZERS = [llama2cTokenizerJson(), trainByteLevelBpe('hello world, hello lathe. the quick brown fox jumps over the lazy dog. '.repeat(4), { vocabSize: 290 }).tokenizerJson];
const CONFIG = { bos_token: '<s>', eos_token: { content: '</s>', special: true }, pad_token: null, chat_template: [{ name: 'default', template: '{{ messages[0].content }}' }], model_max_length: 2048 };

type Case = { target: 'tokenizer.json' | 'tokenizer_config.json'; bytes: Uint8Array; base: number };

const cases: fc.Arbitrary<Case> = fc.integer({ min: 0, max: TOKENIZERS.length - 1 }).chain((base) =>
  fc.oneof(
    { weight: 3, arbitrary: mutatedJson(fc.constant(TOKENIZERS[base])).map((bytes): Case => ({ target: 'tokenizer.json', bytes, base })) },
    { weight: 1, arbitrary: mutatedJson(fc.constant(CONFIG)).map((bytes): Case => ({ target: 'tokenizer_config.json', bytes, base })) },
  ),
);

function useTokenizer(folder: string): void {
  const tok = TextTokenizer.fromFolder(folder);
  const ids = tok.encode('Hello wörld, ab ca 🙂\n');
  tok.decode(ids);
  tok.tokens('Hello');
  void [tok.bosTokenId, tok.eosTokenId, tok.padTokenId, tok.vocabSize];
}

describe('fuzz: tokenizer.json', () => {
  it(
    'loads a tokenizer that encodes and decodes, or refuses naming the file',
    async () => {
      const folder = path.join(dir, 'model');
      fs.mkdirSync(folder, { recursive: true });
      await check(
        cases,
        async (c) => {
          fs.writeFileSync(path.join(folder, 'tokenizer.json'), JSON.stringify(TOKENIZERS[c.base]));
          fs.writeFileSync(path.join(folder, 'tokenizer_config.json'), JSON.stringify(CONFIG));
          const file = path.join(folder, c.target);
          fs.writeFileSync(file, c.bytes);
          await expectReaderOutcome(() => useTokenizer(folder), { reader: c.target, file, bytes: c.bytes.length, place: /not valid JSON|not a JSON object|field '|cannot build the tokenizer/, errors: [CheckpointError] });
        },
        60,
        0.25,
      );
    },
    TEST_TIMEOUT,
  );
});

describe('regressions found by fuzzing tokenizer.json', () => {
  const folderWith = (tokenizer: string, config: string) => {
    const folder = path.join(dir, 'regression');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'tokenizer.json'), tokenizer);
    fs.writeFileSync(path.join(folder, 'tokenizer_config.json'), config);
    return folder;
  };
  it('a broken tokenizer_config.json is blamed on itself, not on tokenizer.json', () => {
    expect(() => TextTokenizer.fromFolder(folderWith(JSON.stringify(TOKENIZERS[1]), '[]'))).toThrow(/tokenizer_config.json: not a JSON object/);
    expect(() => TextTokenizer.fromFolder(folderWith(JSON.stringify(TOKENIZERS[1]), '{"bos_token": '))).toThrow(/tokenizer_config.json: not valid JSON/);
  });
  it('a tokenizer the library builds but cannot encode with is refused at load (TypeError at first encode before)', () => {
    const broken = { ...TOKENIZERS[1], post_processor: { type: 'TemplateProcessing', single: 5 } };
    expect(() => TextTokenizer.fromFolder(folderWith(JSON.stringify(broken), '{}'))).toThrow(CheckpointError);
    expect(() => TextTokenizer.fromFolder(folderWith(JSON.stringify(broken), '{}'))).toThrow(/tokenizer.json: cannot build the tokenizer \(encoding a test sentence failed/);
  });
});

describe('regressions found by the long fuzz run (tokenizer.json)', () => {
  it('a token id far beyond the tokens the file holds is refused before the library sizes tables by it (took 2-64 s)', () => {
    const base = TOKENIZERS[0] as { added_tokens: { id: number }[] };
    const huge = { ...base, added_tokens: base.added_tokens.map((t, i) => (i === 0 ? { ...t, id: 19312617 } : t)) };
    const t0 = performance.now();
    expect(() => TextTokenizer.fromJson(huge, {}, null, 'x/tokenizer.json')).toThrow(/x\/tokenizer.json: field 'added_tokens.0.id' is 19312617/);
    expect(performance.now() - t0).toBeLessThan(500);
    const model = base as unknown as { model: { vocab: Record<string, number> } };
    expect(() => TextTokenizer.fromJson({ ...model, model: { ...model.model, vocab: { ...model.model.vocab, a: 2 ** 31 } } }, {}, null, 'x/tokenizer.json')).toThrow(/field 'model.vocab.a'/);
  });
});

describe('regressions found by the second long fuzz run (tokenizer_config.json)', () => {
  it('chat_template entries that are not {name, template} are skipped (null threw TypeError at load)', () => {
    expect(TextTokenizer.fromJson(TOKENIZERS[1], { chat_template: [null, { name: 'default', template: 5 }] }).chatTemplate).toBeNull();
    expect(TextTokenizer.fromJson(TOKENIZERS[1], { chat_template: [null, { name: 'tool_use', template: 'T' }] }).chatTemplate).toBe('T');
  });
});
