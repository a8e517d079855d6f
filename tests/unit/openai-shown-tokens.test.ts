// Which scored tokens a choice's logprobs show (native/openai/shown-tokens.ts): those whose text was shown, never
// those of a stop string, with positions measured as the engine's text stream decodes them (TokenEvent.textEnd).
import { describe, expect, it } from 'vitest';
import { TextStream } from '../../native/generate/text-stream.ts';
import { ShownTokens } from '../../native/openai/shown-tokens.ts';

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

  it('shows every remaining token when generation ends without a stop string', () => {
    const shown = shownAfter([0, 1]);
    shown.generate(2);
    expect(shown.finish(false).map((t) => t.id)).toEqual([2]);
  });
});
