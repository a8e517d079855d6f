// The byte-level BPE trainer: its tokenizer.json loads in native/text, round-trips any text exactly (every byte
// is in the vocabulary), fills the requested vocabulary and merges what is frequent.
import { describe, expect, it } from 'vitest';
import { trainByteLevelBpe } from '../../native/text/bpe-trainer.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';

const CORPUS = 'the cat sat on the mat. the dog sat on the log. '.repeat(40) + 'Thé naïve café — 東京 😀\n\n  tabs\tand  spaces ';

describe('byte-level BPE trainer', () => {
  const { tokenizerJson, merges } = trainByteLevelBpe(CORPUS, { vocabSize: 300 });
  const tok = TextTokenizer.fromJson(tokenizerJson, { eos_token: '<|endoftext|>' });

  it('merges frequent pairs, stopping when no pair is seen twice', () => {
    expect(merges).toBeGreaterThan(10);
    expect(merges).toBeLessThanOrEqual(300 - 257);
    expect(tok.vocabSize).toBe(257 + merges);
    expect(tok.tokens(' the')).toEqual(['Ġthe']);
  });

  it('round-trips text exactly, including bytes it never saw', () => {
    for (const s of [CORPUS, 'Unseen: ÆØÅ ẞ 🚀\r\n\u0000x', '   leading and trailing   ']) {
      const ids = tok.encode(s, { addSpecialTokens: false });
      expect(tok.decode(ids)).toBe(s);
    }
    expect(tok.encode('the cat sat', { addSpecialTokens: false }).length).toBeLessThan(6);
  });

  it('refuses a vocabulary too small for the bytes', () => {
    expect(() => trainByteLevelBpe(CORPUS, { vocabSize: 100 })).toThrow(/below the 257 tokens/);
  });
});
