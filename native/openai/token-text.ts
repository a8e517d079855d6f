// A token's text as OpenAI's logprobs show it (`token` and its UTF-8 `bytes`): SentencePiece's '▁' is a space and
// its byte-fallback pieces (<0x0A>) are those bytes; byte-level BPE (GPT-2, Llama 3, Qwen) maps each byte to a
// printable character, mapped back here. A token that is part of a multi-byte character shows the replacement
// character in `token`, but its `bytes` are exact, which is why OpenAI returns both.
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
