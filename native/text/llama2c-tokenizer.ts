// llama2.c's tokenizer (tokenizer.bin): a SentencePiece-style BPE vocabulary with one score per piece.
// `encode`/`decode` port llama2.c's run.c exactly (dummy-prefix space, repeatedly merge the adjacent pair
// whose concatenation is the highest-scoring piece, leftmost on ties, byte fallback `<0xXX>` = id 3 + byte).
// `toTokenizerJson` writes the equivalent Hugging Face tokenizer.json (Llama-2 layout); differences are
// listed on that function.

import { CheckpointError } from '../api/errors.ts';
import { addedToken, mergesByScore, sentencePieceTokenizerConfig, sentencePieceTokenizerJson, specialTokensMap } from './sentencepiece-json.ts';
import { formatValue, plural } from '../api/format.ts';

const BOS_PIECE = '\n<s>\n';
const EOS_PIECE = '\n</s>\n';

export class Llama2cTokenizer {
  readonly pieces: string[];
  /** Raw bytes of each piece (pieces need not be valid UTF-8). */
  readonly pieceBytes: Uint8Array[];
  readonly scores: Float32Array;
  readonly maxTokenLength: number;
  private readonly lookup: Map<string, number>;
  readonly bosId = 1;
  readonly eosId = 2;

  constructor(
    bytes: Uint8Array,
    vocabSize: number,
    private readonly source = 'tokenizer.bin',
  ) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const fail = (what: string): never => {
      throw new CheckpointError(`${source}: ${what}; expected llama2.c's tokenizer format (int32 max_token_length, then per token: float32 score, int32 length, bytes)`);
    };
    if (bytes.length < 4) fail('file is too short');
    // Each token takes at least 8 bytes: refuse a vocabulary the file cannot hold before sizing anything by it.
    if (4 + 8 * vocabSize > bytes.length) fail(`the checkpoint's vocabulary has ${plural(vocabSize, 'token')} but ${plural(bytes.length, 'byte')} hold${bytes.length === 1 ? 's' : ''} at most ${formatValue(Math.floor((bytes.length - 4) / 8))}`);
    this.maxTokenLength = view.getInt32(0, true);
    this.pieces = [];
    this.pieceBytes = [];
    this.scores = new Float32Array(vocabSize);
    const utf8 = new TextDecoder('utf-8');
    let o = 4;
    for (let i = 0; i < vocabSize; i++) {
      if (o + 8 > bytes.length) fail(`truncated at token ${i} of ${vocabSize}`);
      this.scores[i] = view.getFloat32(o, true);
      const len = view.getInt32(o + 4, true);
      o += 8;
      if (len < 0 || o + len > bytes.length) fail(`token ${i} claims ${len} bytes past the end of the file`);
      const b = bytes.slice(o, o + len);
      o += len;
      this.pieceBytes.push(b);
      this.pieces.push(utf8.decode(b));
    }
    this.lookup = new Map();
    // llama2.c looks pieces up with bsearch over a sorted copy; with duplicate pieces the found id is
    // unspecified there, we keep the first.
    this.pieces.forEach((p, i) => {
      if (!this.lookup.has(p)) this.lookup.set(p, i);
    });
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  /** llama2.c `encode(t, text, bos, eos, tokens, n_tokens)`. */
  encode(text: string, bos = true, eos = false): number[] {
    const tokens: number[] = [];
    if (bos) tokens.push(this.bosId);
    if (text.length > 0) {
      const dummy = this.lookup.get(' ');
      if (dummy === undefined) throw new Error('tokenizer has no " " piece for the dummy prefix');
      tokens.push(dummy);
    }
    for (const ch of text) {
      // run.c walks UTF-8 code points (at most 4 bytes each) and looks each up as a piece.
      const id = this.lookup.get(ch);
      if (id !== undefined) tokens.push(id);
      else for (const b of new TextEncoder().encode(ch)) tokens.push(b + 3);
    }
    while (true) {
      let bestScore = -1e10;
      let bestId = -1;
      let bestIdx = -1;
      for (let i = 0; i < tokens.length - 1; i++) {
        const id = this.lookup.get(this.pieces[tokens[i]] + this.pieces[tokens[i + 1]]);
        if (id !== undefined && this.scores[id] > bestScore) {
          bestScore = this.scores[id];
          bestId = id;
          bestIdx = i;
        }
      }
      if (bestIdx === -1) break;
      tokens.splice(bestIdx, 2, bestId);
    }
    if (eos) tokens.push(this.eosId);
    return tokens;
  }

  /** The bytes llama2.c prints for `token` after `prev` (run.c `decode`). */
  pieceAfter(prev: number, token: number): Uint8Array {
    let b = this.pieceBytes[token];
    if (prev === this.bosId && b[0] === 0x20) b = b.subarray(1);
    const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(this.pieces[token]);
    if (m) return Uint8Array.of(parseInt(m[1], 16));
    return b;
  }

  /**
   * Decode as run.c prints a sequence: piece by piece, dropping the leading space after BOS; BOS/EOS
   * pieces themselves are skipped (run.c never prints them: it starts after BOS and stops at BOS).
   */
  decode(ids: number[]): string {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === this.bosId || ids[i] === this.eosId) continue;
      parts.push(this.pieceAfter(i > 0 ? ids[i - 1] : -1, ids[i]));
    }
    return Buffer.concat(parts).toString('utf8');
  }

  /**
   * The same vocabulary as a Hugging Face tokenizer.json in the Llama-2 layout (sentencepiece-json.ts says
   * what that is), with the llama2.c pieces <unk>, <s> and </s> as its special tokens.
   * Known differences from llama2.c: (1) a piece reachable by two different splits gets two ranks instead
   * of one shared score, so in a word where both splits compete the earlier-ranked split wins rather than
   * the leftmost; (2) "<s>" / "</s>" typed in the text become the special tokens (llama2.c spells them out);
   * (3) decode strips one leading space of the whole text rather than of each piece after a BOS.
   */
  toTokenizerJson(): { tokenizer: Record<string, unknown>; tokenizerConfig: Record<string, unknown>; specialTokensMap: Record<string, unknown> } {
    const name = (i: number): string => (i === 1 ? '<s>' : i === 2 ? '</s>' : this.pieces[i].replaceAll(' ', '▁'));
    // No prototype: pieces such as "constructor" or "__proto__" are ordinary vocabulary entries.
    const vocab: Record<string, number> = Object.create(null) as Record<string, number>;
    for (let i = 0; i < this.vocabSize; i++) {
      const n = name(i);
      if (Object.hasOwn(vocab, n)) throw new CheckpointError(`${this.source}: token ${i}: piece ${JSON.stringify(n)} is also token ${vocab[n]}; cannot write tokenizer.json with a piece twice`);
      vocab[n] = i;
    }
    const mergeable = Array.from({ length: this.vocabSize }, (_, id) => (id <= 2 || /^<0x[0-9A-F]{2}>$/.test(this.pieces[id]) ? null : name(id)));
    const sp = { bos: '<s>', eos: '</s>', unk: '<unk>', pad: null };
    const tokenizer = sentencePieceTokenizerJson({
      vocab,
      merges: mergesByScore(vocab, mergeable, this.scores),
      addedTokens: [addedToken(0, '<unk>', true), addedToken(1, '<s>', true), addedToken(2, '</s>', true)],
      unk: sp.unk,
      prefixSpace: true,
      postProcessor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
      },
    });
    return { tokenizer, tokenizerConfig: sentencePieceTokenizerConfig(sp, true, false), specialTokensMap: specialTokensMap(sp) };
  }
}

export const LLAMA2C_SPECIAL_PIECES = { bos: BOS_PIECE, eos: EOS_PIECE };
