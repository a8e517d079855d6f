// tokenizer.json through @huggingface/tokenizers: byte-level BPE (GPT-2 layout) and Unigram, with special
// tokens from tokenizer_config.json; hand-built vocabularies so expected ids are known.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { CHATML_TEMPLATE } from '../../native/text/chat-template.ts';
import { BYTE_LEVEL_BPE as byteLevel } from '../fixtures/models/byte-level-bpe.ts';

const unigram = {
  version: '1.0',
  added_tokens: [{ id: 0, content: '<unk>', special: true, single_word: false, lstrip: false, rstrip: false, normalized: false }],
  normalizer: null,
  pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  post_processor: null,
  decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  model: { type: 'Unigram', unk_id: 0, vocab: [['<unk>', 0], ['▁', -2], ['▁hello', -1], ['▁he', -3], ['llo', -3], ['w', -4], ['o', -4], ['r', -4], ['l', -4], ['d', -4], ['▁world', -1.5], ['h', -5], ['e', -5]] },
};

describe('HF tokenizers', () => {
  it('byte-level BPE encodes with merges and decodes back', () => {
    const tok = TextTokenizer.fromJson(byteLevel, { eos_token: '<|endoftext|>', bos_token: { content: '<|endoftext|>' } });
    expect(tok.tokens('hi the')).toEqual(['hi', 'Ġthe']);
    expect(tok.encode('hi the')).toEqual([6, 8]);
    expect(tok.encode('hi the<|endoftext|>')).toEqual([6, 8, 9]);
    expect(tok.decode([6, 8, 9])).toBe('hi the');
    expect(tok.decode([6, 8, 9], { skipSpecialTokens: false })).toBe('hi the<|endoftext|>');
    expect([tok.eosTokenId, tok.bosTokenId, tok.padTokenId]).toEqual([9, 9, null]);
  });

  it('Unigram picks the most likely segmentation', () => {
    const tok = TextTokenizer.fromJson(unigram, {});
    expect(tok.tokens('hello world')).toEqual(['▁hello', '▁world']);
    expect(tok.decode(tok.encode('hello world'))).toBe('hello world');
  });

  it('loads a folder with its chat template and reports a missing tokenizer.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-tok-'));
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(byteLevel));
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ eos_token: '<|endoftext|>', chat_template: [{ name: 'default', template: CHATML_TEMPLATE }] }));
    const tok = TextTokenizer.fromFolder(dir);
    expect(tok.applyChatTemplate([{ role: 'user', content: 'hi' }])).toBe('<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n');
    fs.rmSync(path.join(dir, 'tokenizer.json'));
    expect(() => TextTokenizer.fromFolder(dir)).toThrow(/no tokenizer.json/);
    fs.rmSync(dir, { recursive: true });
  });
});
