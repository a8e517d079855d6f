// Recursive structural chunking (as LangChain's RecursiveCharacterTextSplitter, measured in tokens): each block
// (a page, a section) is cut at the coarsest boundary that makes its pieces fit — paragraphs, then lines, then
// sentences, then words, then characters — and neighbouring pieces are merged back up to `size` tokens, each chunk
// starting with up to `overlap` tokens of the previous one's end. Every chunk keeps its character span.
import type { NewChunk } from '../store/collections.ts';
import type { Block } from './parse.ts';

/** How many tokens a text has under the chosen model's tokenizer (special tokens not counted). */
export type TokenCounter = (text: string) => number;

export interface ChunkOptions {
  size: number;
  overlap: number;
  count: TokenCounter;
}

const SEPARATORS = ['\n\n', '\n', '. ', '? ', '! ', '; ', ', ', ' '];

interface Piece {
  start: number;
  end: number;
  tokens: number;
}

/** Split [start, end) of `text` into pieces of at most `size` tokens, each ending after its separator. */
function splitSpan(text: string, start: number, end: number, seps: readonly string[], opts: ChunkOptions): Piece[] {
  const tokens = opts.count(text.slice(start, end));
  if (tokens <= opts.size) return [{ start, end, tokens }];
  const sepIndex = seps.findIndex((s) => text.slice(start, end).includes(s));
  if (sepIndex < 0) return hardSplit(text, start, end, tokens, opts);
  const sep = seps[sepIndex];
  const rest = seps.slice(sepIndex + 1);
  const out: Piece[] = [];
  let from = start;
  while (from < end) {
    const at = text.indexOf(sep, from);
    const to = at < 0 || at + sep.length > end ? end : at + sep.length;
    out.push(...splitSpan(text, from, to, rest, opts));
    from = to;
  }
  return out;
}

/** No separator left (a long token-dense run): cut by characters in proportion to the token count. */
function hardSplit(text: string, start: number, end: number, tokens: number, opts: ChunkOptions): Piece[] {
  const parts = Math.ceil(tokens / opts.size) + 1;
  const step = Math.max(1, Math.floor((end - start) / parts));
  const out: Piece[] = [];
  for (let from = start; from < end; from += step) {
    let to = Math.min(end, from + step);
    // Never cut a surrogate pair in two.
    if (to < end && /[\uD800-\uDBFF]/.test(text[to - 1])) to++;
    const piece = { start: from, end: to, tokens: opts.count(text.slice(from, to)) };
    out.push(...(piece.tokens > opts.size && to - from > 1 ? hardSplit(text, from, to, piece.tokens, opts) : [piece]));
    from = to - step;
  }
  return out;
}

/** Merge pieces into chunks of at most `size` tokens (summed over pieces), carrying `overlap` tokens forward. */
function mergePieces(pieces: Piece[], opts: ChunkOptions): { start: number; end: number }[] {
  const chunks: { start: number; end: number }[] = [];
  const window: Piece[] = [];
  let total = 0;
  for (const p of pieces) {
    if (window.length && total + p.tokens > opts.size) {
      chunks.push({ start: window[0].start, end: window[window.length - 1].end });
      // Keep the tail of the window that fits in the overlap (and leaves room for p).
      while (window.length && (total > opts.overlap || total + p.tokens > opts.size)) total -= window.shift()!.tokens;
    }
    window.push(p);
    total += p.tokens;
  }
  if (window.length) chunks.push({ start: window[0].start, end: window[window.length - 1].end });
  return chunks;
}

/** The chunks of a parsed document, block by block; whitespace at a chunk's edges is trimmed from its span. */
export function chunkDocument(text: string, blocks: readonly Block[], opts: ChunkOptions): NewChunk[] {
  if (opts.overlap >= opts.size) throw new Error(`the chunk overlap (${opts.overlap} tokens) must be smaller than the chunk size (${opts.size})`);
  const out: NewChunk[] = [];
  for (const b of blocks) {
    const pieces = splitSpan(text, b.start, b.end, SEPARATORS, opts);
    for (const span of mergePieces(pieces, opts)) {
      let { start, end } = span;
      while (start < end && /\s/.test(text[start])) start++;
      while (end > start && /\s/.test(text[end - 1])) end--;
      if (start === end) continue;
      const chunkText = text.slice(start, end);
      out.push({ seq: out.length, text: chunkText, page: b.page, section: b.section, charStart: start, charEnd: end, tokenCount: opts.count(chunkText) });
    }
  }
  return out;
}

/** A word counter for collections without a model: runs of letters/digits and single other symbols. */
export const countWords: TokenCounter = (text) => text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
