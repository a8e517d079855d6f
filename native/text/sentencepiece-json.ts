// The tokenizer.json Lathe writes for a SentencePiece BPE vocabulary with one score per piece (llama2.c's
// tokenizer.bin, a GGUF "llama" tokenizer), in the Llama-2 layout: the normaliser prepends "▁" and maps spaces
// to "▁"; BPE with byte_fallback, its merges ranked by the merged piece's score (highest first); the decoder
// maps ▁ to a space, falls back to bytes, fuses, and strips the one leading space. With its
// tokenizer_config.json and special_tokens_map.json.

/** The special tokens of a vocabulary, by piece; null where it has none. */
export interface SpecialPieces {
  bos: string | null;
  eos: string | null;
  unk: string | null;
  pad: string | null;
}

/** An added_tokens entry: matched whole in the text before the model splits it. */
export function addedToken(id: number, content: string, special: boolean): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special };
}

/**
 * Every split of a piece into two vocabulary pieces, as a merge, ranked by that piece's score (highest first,
 * ties by id). `pieces[id]` is null for a piece no merge makes (special, byte, unused).
 */
export function mergesByScore(vocab: Record<string, number>, pieces: readonly (string | null)[], scores: ArrayLike<number>): [string, string][] {
  const merges: { pair: [string, string]; score: number; id: number }[] = [];
  for (let id = 0; id < pieces.length; id++) {
    const piece = pieces[id];
    if (piece === null) continue;
    const chars = Array.from(piece);
    for (let k = 1; k < chars.length; k++) {
      const a = chars.slice(0, k).join('');
      const b = chars.slice(k).join('');
      if (Object.hasOwn(vocab, a) && Object.hasOwn(vocab, b)) merges.push({ pair: [a, b], score: scores[id], id });
    }
  }
  merges.sort((x, y) => y.score - x.score || x.id - y.id);
  return merges.map((m) => m.pair);
}

export interface SentencePieceJson {
  vocab: Record<string, number>;
  merges: [string, string][];
  addedTokens: Record<string, unknown>[];
  unk: string | null;
  /** SentencePiece's dummy prefix: a "▁" before the text, stripped again on decode. */
  prefixSpace: boolean;
  postProcessor: Record<string, unknown>;
}

export function sentencePieceTokenizerJson(s: SentencePieceJson): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: s.addedTokens,
    normalizer: {
      type: 'Sequence',
      normalizers: [...(s.prefixSpace ? [{ type: 'Prepend', prepend: '▁' }] : []), { type: 'Replace', pattern: { String: ' ' }, content: '▁' }],
    },
    pre_tokenizer: null,
    post_processor: s.postProcessor,
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        ...(s.prefixSpace ? [{ type: 'Strip', content: ' ', start: 1, stop: 0 }] : []),
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: s.unk,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab: s.vocab,
      merges: s.merges,
    },
  };
}

/** tokenizer_config.json for that tokenizer.json (transformers' LlamaTokenizer). */
export function sentencePieceTokenizerConfig(sp: SpecialPieces, addBos: boolean, addEos: boolean): Record<string, unknown> {
  return {
    tokenizer_class: 'LlamaTokenizer',
    bos_token: sp.bos,
    eos_token: sp.eos,
    unk_token: sp.unk,
    pad_token: sp.pad,
    add_bos_token: addBos,
    add_eos_token: addEos,
    legacy: true,
    clean_up_tokenization_spaces: false,
    model_max_length: 1_000_000,
  };
}

/** special_tokens_map.json: the special tokens the vocabulary has. */
export function specialTokensMap(sp: SpecialPieces): Record<string, string> {
  const all = { bos_token: sp.bos, eos_token: sp.eos, unk_token: sp.unk, pad_token: sp.pad };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null));
}
