// Which scored tokens a choice's logprobs show (native/openai/shown-tokens.ts): those whose text was shown, never
// those of a stop string, with positions measured as the engine's text stream decodes them (TokenEvent.textEnd);
// and how they are spelled (token-text.ts): as the answer spells them, so that they join to exactly its text.
import { describe, expect, it } from 'vitest';
import { TextStream } from '../../native/generate/text-stream.ts';
import { ShownTokens } from '../../native/openai/shown-tokens.ts';
import { alternativeText, shownTokenText } from '../../native/openai/token-text.ts';
import type { TextTokenizer } from '../../native/text/tokenizer.ts';

/** A SentencePiece-like vocabulary: '▁' is a space, dropped at the very start of a decoded text (as Llama's is). */
const PIECES = ['<s>', '\u2581Once', '\u2581upon', ',', '\u2581there'];
const tokenizer = {
  idToToken: (id: number) => PIECES[id],
  decode: (ids: number[]) => ids.filter((id) => id !== 0).map((id) => PIECES[id]).join('').replaceAll('\u2581', ' ').replace(/^ /, ''),
};

const scored = (id: number) => ({ id, logprob: -1, top: [] });

/** ShownTokens fed as the engine feeds it: each token's text end read from a text stream over the same prompt. */
function shownAfter(prompt: number[], stopStrings: string[] = []) {
  const shown = new ShownTokens();
  const stream = new TextStream(tokenizer, prompt, stopStrings);
  return {
    generate(id: number) {
      stream.push(id);
      shown.generate(scored(id), stream.decodedLength);
    },
    show: (text: string) => shown.show(text),
    finish: (cut: boolean) => shown.finish(cut),
  };
}

describe('ShownTokens', () => {
  it('shows a token once its text is shown, and drops the tokens a stop string cut off', () => {
    const shown = shownAfter([0, 1], [' there']);
    shown.generate(2); // ' upon'
    expect(shown.show(' upon').map((t) => t.id)).toEqual([2]);
    shown.generate(3); // ','
    expect(shown.show(',').map((t) => t.id)).toEqual([3]);
    shown.generate(4); // ' there', held back as the start of the stop string ' there'
    expect(shown.show('')).toEqual([]);
    expect(shown.finish(true)).toEqual([]);
  });

  it('measures text as the decoder writes it: after an empty prompt, the first leading space is not in the text', () => {
    const shown = shownAfter([0]);
    shown.generate(1); // text 'Once', no space
    expect(shown.show('Once').map((t) => t.id)).toEqual([1]);
    shown.generate(2);
    shown.generate(3);
    expect(shown.show(' upon,').map((t) => t.id)).toEqual([2, 3]);
    shown.generate(4);
    expect(shown.finish(true)).toEqual([]);
  });

  it('gives each token shown the stretch of text it spells, so that they join to the text', () => {
    const shown = shownAfter([0]);
    shown.generate(1);
    shown.generate(2);
    expect(shown.show('Once upon').map((t) => t.text)).toEqual(['Once', ' upon']);
    shown.generate(3);
    expect(shown.show(',').map((t) => t.text)).toEqual([',']);
  });

  it('shows every remaining token when generation ends without a stop string', () => {
    const shown = shownAfter([0, 1]);
    shown.generate(2);
    expect(shown.finish(false).map((t) => t.id)).toEqual([2]);
  });
});

describe('shownTokenText', () => {
  const pieces = ['<s>', '\u2581Once', '\u2581One', 'x', '<0xE2>', '<0x80>', '<0x99>'];
  const tok = { idToToken: (id: number) => pieces[id] } as unknown as TextTokenizer;
  const bytes = (text: string) => [...Buffer.from(text, 'utf8')];

  it("spells a token as the answer does, and its alternatives as they would have: no leading space at the start", () => {
    const once = shownTokenText(tok, 1, 'Once');
    expect(once).toEqual({ token: 'Once', bytes: bytes('Once'), dropped: ' ' });
    expect(alternativeText(tok, 1, { id: 1, shown: once })).toEqual({ token: 'Once', bytes: bytes('Once') });
    expect(alternativeText(tok, 2, { id: 1, shown: once })).toEqual({ token: 'One', bytes: bytes('One') });
    expect(alternativeText(tok, 3, { id: 1, shown: once })).toEqual({ token: 'x', bytes: bytes('x') });
    // Elsewhere a token is its own text, its alternatives too.
    const later = shownTokenText(tok, 1, ' Once');
    expect(later).toEqual({ token: ' Once', bytes: bytes(' Once'), dropped: '' });
    expect(alternativeText(tok, 2, { id: 1, shown: later }).token).toBe(' One');
  });

  it('keeps the bytes of the pieces of a character, the token completing it spelling it whole', () => {
    const parts = [shownTokenText(tok, 4, ''), shownTokenText(tok, 5, ''), shownTokenText(tok, 6, '\u2019')];
    expect(parts.map((p) => p.token).join('')).toBe('\u2019');
    expect(parts.map((p) => p.bytes)).toEqual([[0xe2], [0x80], [0x99]]);
  });

  it('shows a special token the decoder skips as the nothing it spelled', () => {
    expect(shownTokenText(tok, 0, '')).toEqual({ token: '', bytes: [], dropped: '<s>' });
  });
});
