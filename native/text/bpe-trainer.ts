// A byte-level BPE trainer (GPT-2's scheme): text is split with GPT-2's pre-tokenizer pattern, each piece is
// seen as bytes mapped to printable characters, and the most frequent adjacent pair is merged until the
// vocabulary is full. The result is a Hugging Face tokenizer.json (ByteLevel pre-tokenizer and decoder, BPE
// model) that native/text loads and that round-trips any text exactly, since every byte is in the vocabulary.

/** GPT-2's pre-tokenizer pattern (what the ByteLevel pre-tokenizer applies with use_regex). */
const PIECES = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others move to U+0100 and up. */
export function byteToUnicode(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++) out[b] = printable(b) ? String.fromCharCode(b) : String.fromCharCode(256 + n++);
  return out;
}

export interface BpeTrainOptions {
  vocabSize: number;
  /** Added first, with ids 0, 1, … (default ['<|endoftext|>']). */
  specialTokens?: string[];
  /** Pairs seen fewer times than this are never merged (default 2). */
  minFrequency?: number;
}

export interface TrainedBpe {
  tokenizerJson: Record<string, unknown>;
  merges: number;
}

export function trainByteLevelBpe(text: string, opts: BpeTrainOptions): TrainedBpe {
  const specials = opts.specialTokens ?? ['<|endoftext|>'];
  const base = specials.length + 256;
  if (opts.vocabSize < base) throw new Error(`vocabulary size ${opts.vocabSize} is below the ${base} tokens every byte and special token need`);
  const b2u = byteToUnicode();
  const symbols: string[] = [...b2u]; // symbol id → its string
  const counts = new Map<string, number>();
  const encoder = new TextEncoder();
  for (const m of text.matchAll(PIECES)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  const words: { ids: number[]; freq: number }[] = [...counts].map(([w, freq]) => ({ ids: [...encoder.encode(w)], freq }));
  const merges: string[] = [];
  const minFrequency = opts.minFrequency ?? 2;
  const key = (a: number, b: number) => a * 1_048_576 + b;
  while (symbols.length + specials.length < opts.vocabSize) {
    const pairs = new Map<number, number>();
    for (const w of words) for (let i = 0; i + 1 < w.ids.length; i++) pairs.set(key(w.ids[i], w.ids[i + 1]), (pairs.get(key(w.ids[i], w.ids[i + 1])) ?? 0) + w.freq);
    let best = -1;
    let bestCount = 0;
    for (const [k, c] of pairs) if (c > bestCount || (c === bestCount && k < best)) [best, bestCount] = [k, c];
    if (best < 0 || bestCount < minFrequency) break;
    const a = Math.floor(best / 1_048_576);
    const b = best % 1_048_576;
    const id = symbols.length;
    symbols.push(symbols[a] + symbols[b]);
    merges.push(`${symbols[a]} ${symbols[b]}`);
    for (const w of words) {
      if (w.ids.length < 2) continue;
      const next: number[] = [];
      for (let i = 0; i < w.ids.length; i++) {
        if (i + 1 < w.ids.length && w.ids[i] === a && w.ids[i + 1] === b) {
          next.push(id);
          i++;
        } else next.push(w.ids[i]);
      }
      w.ids = next;
    }
  }
  const vocab: Record<string, number> = {};
  specials.forEach((s, i) => (vocab[s] = i));
  symbols.forEach((s, i) => (vocab[s] = specials.length + i));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    merges: merges.length,
    tokenizerJson: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: specials.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: null,
      pre_tokenizer: byteLevel,
      post_processor: { ...byteLevel, trim_offsets: false },
      decoder: byteLevel,
      model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
    },
  };
}
