// A token's text as OpenAI's logprobs show it (`token` and its UTF-8 `bytes`): SentencePiece's '▁' is a space and
// its byte-fallback pieces (<0x0A>) are those bytes; byte-level BPE (GPT-2, Llama 3, Qwen) maps each byte to a
// printable character, mapped back here. A token that is part of a multi-byte character shows the replacement
// character in `token`, but its `bytes` are exact, which is why OpenAI returns both.
// A token of the answer is shown as the characters it spells there (shownTokenText), so that the tokens join to
// exactly the text; its alternatives are shown as they would have spelled it (alternativeText).
import type { Detokenizer } from '../generate/text-stream.ts';
import type { TextTokenizer } from '../text/tokenizer.ts';

/** GPT-2's bytes_to_unicode, inverted: printable character -> byte. */
const BYTE_OF_CHAR: Map<string, number> = (() => {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const map = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (printable.includes(b)) map.set(String.fromCharCode(b), b);
    else map.set(String.fromCharCode(256 + extra++), b);
  }
  return map;
})();

const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

export function tokenBytes(tokenizer: TextTokenizer, id: number): number[] {
  const piece = tokenizer.idToToken(id) ?? '';
  const byte = BYTE_PIECE.exec(piece);
  if (byte) return [parseInt(byte[1], 16)];
  if (piece.includes('\u2581')) return [...Buffer.from(piece.replaceAll('\u2581', ' '), 'utf8')];
  const chars = [...piece];
  if (chars.length > 0 && chars.every((c) => BYTE_OF_CHAR.has(c)) && /[\u0100-\u0143]/.test(piece)) return chars.map((c) => BYTE_OF_CHAR.get(c)!);
  return [...Buffer.from(piece, 'utf8')];
}

export interface TokenText {
  token: string;
  bytes: number[];
}

export function tokenText(tokenizer: TextTokenizer, id: number): TokenText {
  const bytes = tokenBytes(tokenizer, id);
  return { token: Buffer.from(bytes).toString('utf8'), bytes };
}

/** Whether `bytes` are whole UTF-8 characters (not a piece of one, as a byte-fallback token can be). */
function wholeCharacters(t: TokenText): boolean {
  return Buffer.from(t.token, 'utf8').equals(Buffer.from(t.bytes));
}

export interface ShownToken extends TokenText {
  /** What the decoder cut from the front of the token's own text here (SentencePiece's leading space at the start). */
  dropped: string;
}

/**
 * A token of the answer as its logprobs show it: `text`, the characters it spells in the answer (ScoredToken.text).
 * That is its own text but where the decoder changed it: a leading space dropped at the start, a special token
 * skipped (then the bytes are the text's). A piece of a multi-byte character keeps its own bytes, which join with
 * its neighbours' to the character; the token completing the character spells it whole.
 */
export function shownTokenText(tokenizer: TextTokenizer, id: number, text: string): ShownToken {
  const own = tokenText(tokenizer, id);
  if (own.token === text) return { ...own, dropped: '' };
  if (!wholeCharacters(own)) return { token: text, bytes: own.bytes, dropped: '' };
  const dropped = own.token.endsWith(text) ? own.token.slice(0, own.token.length - text.length) : '';
  return { token: text, bytes: [...Buffer.from(text, 'utf8')], dropped };
}

/** An alternative to the answer's token `chosen`, spelled as the decoder would have spelled it in its place. */
export function alternativeText(tokenizer: TextTokenizer, id: number, chosen: { id: number; shown: ShownToken }): TokenText {
  if (id === chosen.id) return { token: chosen.shown.token, bytes: chosen.shown.bytes };
  const own = tokenText(tokenizer, id);
  const { dropped } = chosen.shown;
  if (dropped === '' || !own.token.startsWith(dropped)) return own;
  return { token: own.token.slice(dropped.length), bytes: own.bytes.slice(Buffer.byteLength(dropped, 'utf8')) };
}

/** Tokens of left context each token of a prompt is decoded after (as the engine's text stream decodes a continuation). */
const CONTEXT_TOKENS = 4;

/** Where decoded text ends but for a multi-byte character still arriving (held back, as the text stream holds it). */
const endOf = (decoded: string) => (decoded.endsWith('\uFFFD') ? decoded.length - 1 : decoded.length);

/**
 * The characters of decode(ids) each token spells, joining to exactly that text (an echoed, scored prompt's tokens).
 * Each token is read after a few tokens of context, which every stretch is checked against; where one disagrees (a
 * decoder that rewrites across more tokens), from decoding each growing prefix, exact but quadratic.
 */
export function tokenStretches(tok: Detokenizer, ids: readonly number[]): string[] {
  const decode = (some: number[]) => (some.length ? tok.decode(some) : ''); // a tokenizer may refuse to decode nothing
  const text = decode([...ids]);
  /** The text cut at `ends`, none going back and the last the whole text, so the stretches join to exactly it. */
  const cutAt = (ends: number[]): string[] => {
    const out: string[] = [];
    let at = 0;
    ends.forEach((end, i) => {
      const next = i === ends.length - 1 ? text.length : Math.min(text.length, Math.max(at, end));
      out.push(text.slice(at, next));
      at = next;
    });
    return out;
  };
  const own = ids.map((id, i) => {
    const context = ids.slice(Math.max(0, i - CONTEXT_TOKENS), i);
    const decoded = decode([...context, id]);
    return decoded.slice(endOf(decode(context)), endOf(decoded));
  });
  let end = 0;
  const stretches = cutAt(own.map((s) => (end += s.length)));
  if (stretches.every((s, i) => s === own[i])) return stretches;
  return cutAt(ids.map((_, i) => endOf(decode(ids.slice(0, i + 1)))));
}
