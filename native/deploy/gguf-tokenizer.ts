// Tokenizers in GGUF: llama.cpp's "llama" tokenizer is SentencePiece BPE — a token list with one score per
// token (the pair whose merged piece scores highest merges first) and a type per token. Lathe's Llama-style
// tokenizer.json (llama2.c imports, Llama 2, Mistral: BPE with byte_fallback and "▁" for spaces) ranks merges
// instead, so a piece's score is minus the rank of the first merge that makes it: ordering pieces by score
// then orders merges as tokenizer.json does. The way back rebuilds the tokenizer.json that Lathe writes for
// such a vocabulary (text/sentencepiece-json.ts, shared with llama2.c imports), merges sorted by score, ties by id.
import { CheckpointError } from '../api/errors.ts';
import { addedToken, mergesByScore, sentencePieceTokenizerConfig, sentencePieceTokenizerJson, specialTokensMap, type SpecialPieces } from '../text/sentencepiece-json.ts';
import { bool, str, u32, type GgufMetadata, type GgufValue } from './gguf-format.ts';
import type { MetadataReader } from './gguf-metadata.ts';
import { formatValue, plural } from '../api/format.ts';

/** llama_token_type. */
export const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

const BYTE_PIECE = /^<0x[0-9A-Fa-f]{2}>$/;

interface AddedToken {
  id: number;
  content: string;
  special?: boolean;
}

function tokenText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return null;
}

function mergePair(m: unknown): [string, string] | null {
  if (Array.isArray(m) && m.length === 2 && m.every((x) => typeof x === 'string')) return m as [string, string];
  if (typeof m === 'string') {
    const i = m.indexOf(' ', 1);
    return i > 0 ? [m.slice(0, i), m.slice(i + 1)] : null;
  }
  return null;
}

function badMerge(where: string, rank: number, m: unknown): never {
  throw new CheckpointError(`${where}: field 'model.merges.${rank}' is ${JSON.stringify(m)?.slice(0, 60)}; expected a pair of pieces`);
}

/** GPT-2's bytes-as-characters BPE: a ByteLevel pre-tokenizer (alone or in a Sequence) and no byte fallback. */
function isByteLevel(json: Record<string, unknown>): boolean {
  return /"type":"ByteLevel"/.test(JSON.stringify(json.pre_tokenizer ?? null)) && (json.model as { byte_fallback?: unknown } | undefined)?.byte_fallback !== true;
}

/** Llama 3's split regex (contractions case-insensitive, digits in threes) as its tokenizer.json spells it. */
const LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** llama.cpp's name for a byte-level tokenizer's pre-tokenizer: Llama 3's split ('llama-bpe'), else GPT-2's ('gpt-2'). */
function bytePreTokenizer(json: Record<string, unknown>): string {
  const text = JSON.stringify(json.pre_tokenizer ?? null);
  return text.includes(JSON.stringify(LLAMA3_SPLIT).slice(1, -1)) ? 'llama-bpe' : 'gpt-2';
}

/** Whether a tokenizer.json puts "▁" before the text (Prepend normaliser or Metaspace with a prefix). */
function addsSpacePrefix(json: Record<string, unknown>): boolean {
  const text = JSON.stringify([json.normalizer ?? null, json.pre_tokenizer ?? null]);
  return /"type":"Prepend","prepend":"▁"/.test(text) || /"prepend_scheme":"(first|always)"/.test(text) || /"add_prefix_space":true/.test(text);
}

/**
 * The tokenizer.* metadata of a Llama-style tokenizer.json, with exactly `vocabSize` tokens (the embedding's
 * rows; ids no token uses become "[PADn]", type unused, as convert_hf_to_gguf does). `where` names the file.
 */
export function tokenizerMetadata(json: Record<string, unknown>, config: Record<string, unknown>, vocabSize: number, chatTemplate: string | null, where: string): GgufMetadata {
  const model = json.model as { type?: unknown; byte_fallback?: unknown; vocab?: unknown; merges?: unknown; unk_token?: unknown } | undefined;
  const byteLevel = isByteLevel(json);
  if (!model || model.type !== 'BPE' || !(model.byte_fallback === true || byteLevel) || !model.vocab || typeof model.vocab !== 'object') {
    throw new CheckpointError(`${where}: field 'model' is not a SentencePiece-style BPE with byte_fallback nor a byte-level BPE (type ${JSON.stringify(model?.type)}); GGUF export supports Llama-style and GPT-2-style tokenizers`);
  }
  const tokens: (string | undefined)[] = new Array<string | undefined>(vocabSize);
  const types = new Int32Array(vocabSize).fill(TOKEN_TYPE.normal);
  const put = (id: unknown, text: string, field: string) => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new CheckpointError(`${where}: field '${field}' is token id ${JSON.stringify(id)} but the model's embedding has ${vocabSize} rows`);
    }
    tokens[id] = text;
  };
  for (const [piece, id] of Object.entries(model.vocab as Record<string, unknown>)) put(id, piece, `model.vocab.${piece}`);
  const added = (Array.isArray(json.added_tokens) ? json.added_tokens : []) as AddedToken[];
  const unk = tokenText(model.unk_token);
  added.forEach((t, i) => {
    put(t.id, t.content, `added_tokens.${i}.id`);
    types[t.id] = t.content === unk ? TOKEN_TYPE.unknown : t.special ? TOKEN_TYPE.control : TOKEN_TYPE.userDefined;
  });
  const idOf = new Map<string, number>();
  tokens.forEach((t, id) => {
    if (t !== undefined && !idOf.has(t)) idOf.set(t, id);
  });
  for (let id = 0; id < vocabSize; id++) {
    if (tokens[id] === undefined) {
      tokens[id] = `[PAD${id}]`;
      types[id] = TOKEN_TYPE.unused;
    } else if (!byteLevel && types[id] === TOKEN_TYPE.normal && BYTE_PIECE.test(tokens[id]!)) types[id] = TOKEN_TYPE.byte;
  }
  if (!byteLevel && !idOf.has('<0x0A>') && !idOf.has('\n')) {
    // llama.cpp looks the newline up when it loads a SentencePiece vocabulary and aborts the process without one.
    throw new CheckpointError(`${where}: field 'model.vocab' has neither '<0x0A>' nor '\\n'; llama.cpp cannot load a SentencePiece vocabulary without a newline token`);
  }
  const scores = new Float32Array(vocabSize);
  const merges = Array.isArray(model.merges) ? model.merges : [];
  const scored = new Set<number>();
  merges.forEach((m, rank) => {
    const pair = mergePair(m);
    if (!pair) badMerge(where, rank, m);
    const id = idOf.get(pair[0] + pair[1]);
    if (id === undefined || scored.has(id)) return;
    scored.add(id);
    scores[id] = -(rank + 1);
  });
  const cfg = (k: string) => tokenText(config[k]);
  const specialId = (k: string): number | undefined => {
    const text = cfg(k);
    return text === null ? undefined : idOf.get(text);
  };
  const m: GgufMetadata = new Map<string, GgufValue>();
  m.set('tokenizer.ggml.model', str(byteLevel ? 'gpt2' : 'llama'));
  m.set('tokenizer.ggml.pre', str(byteLevel ? bytePreTokenizer(json) : 'default'));
  m.set('tokenizer.ggml.tokens', { kind: 'array', of: 'string', value: tokens as string[] });
  if (byteLevel) {
    const pairs = merges.map((x, rank) => mergePair(x) ?? badMerge(where, rank, x));
    m.set('tokenizer.ggml.merges', { kind: 'array', of: 'string', value: pairs.map(([a, b]) => `${a} ${b}`) });
  } else m.set('tokenizer.ggml.scores', { kind: 'array', of: 'float32', value: scores });
  m.set('tokenizer.ggml.token_type', { kind: 'array', of: 'int32', value: types });
  const bos = specialId('bos_token');
  const eos = specialId('eos_token');
  const unkId = unk === null ? undefined : idOf.get(unk);
  const pad = specialId('pad_token');
  if (bos !== undefined) m.set('tokenizer.ggml.bos_token_id', u32(bos));
  if (eos !== undefined) m.set('tokenizer.ggml.eos_token_id', u32(eos));
  if (unkId !== undefined) m.set('tokenizer.ggml.unknown_token_id', u32(unkId));
  if (pad !== undefined) m.set('tokenizer.ggml.padding_token_id', u32(pad));
  const post = JSON.stringify(json.post_processor ?? null);
  const addsBos = typeof config.add_bos_token === 'boolean' ? config.add_bos_token : bos !== undefined && post.includes(JSON.stringify(tokens[bos]));
  m.set('tokenizer.ggml.add_bos_token', bool(addsBos));
  m.set('tokenizer.ggml.add_eos_token', bool(config.add_eos_token === true));
  if (!byteLevel) m.set('tokenizer.ggml.add_space_prefix', bool(addsSpacePrefix(json)));
  if (chatTemplate) m.set('tokenizer.chat_template', str(chatTemplate));
  return m;
}

export interface RebuiltTokenizer {
  tokenizer: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  specialTokensMap: Record<string, unknown>;
}

/** tokenizer.json, tokenizer_config.json and special_tokens_map.json from a "llama" GGUF tokenizer's metadata. */
export function tokenizerFromMetadata(meta: MetadataReader, vocabRows: number): RebuiltTokenizer {
  const kind = meta.string('tokenizer.ggml.model');
  if (kind !== 'llama' && kind !== 'gpt2') throw new CheckpointError(`${meta.file}: metadata key 'tokenizer.ggml.model' is ${JSON.stringify(kind)}; Lathe imports GGUF files with the SentencePiece-style 'llama' or the byte-level 'gpt2' tokenizer`);
  const tokensValue = meta.array('tokenizer.ggml.tokens');
  if (tokensValue.of !== 'string') throw new CheckpointError(`${meta.file}: metadata key 'tokenizer.ggml.tokens' holds ${tokensValue.of}, not strings`);
  const tokens = tokensValue.value;
  if (tokens.length !== vocabRows) throw new CheckpointError(`${meta.file}: metadata key 'tokenizer.ggml.tokens' has ${plural(tokens.length, 'token')} but token_embd.weight has ${plural(vocabRows, 'row')}`);
  const numbers = (key: string): ArrayLike<number> => {
    const v = meta.array(key);
    if (v.of === 'string' || v.of === 'bool' || v.of === 'uint64' || v.of === 'int64' || v.value.length !== tokens.length) {
      throw new CheckpointError(`${meta.file}: metadata key '${key}' is an array of ${v.value.length} ${v.of}; expected ${tokens.length} numbers, one per token`);
    }
    return v.value as ArrayLike<number>;
  };
  const scores = kind === 'llama' ? numbers('tokenizer.ggml.scores') : new Float32Array(tokens.length);
  const types = meta.has('tokenizer.ggml.token_type') ? numbers('tokenizer.ggml.token_type') : new Int32Array(tokens.length).fill(TOKEN_TYPE.normal);
  const special = (key: string): string | null => {
    const id = meta.int(key, { optional: true });
    if (id === undefined) return null;
    if (id >= tokens.length) throw new CheckpointError(`${meta.file}: metadata key '${key}' is ${formatValue(id)} but there are ${plural(tokens.length, 'token')}`);
    return tokens[id];
  };
  const bos = special('tokenizer.ggml.bos_token_id');
  const eos = special('tokenizer.ggml.eos_token_id');
  const unk = special('tokenizer.ggml.unknown_token_id');
  const pad = special('tokenizer.ggml.padding_token_id');
  const vocab: Record<string, number> = Object.create(null) as Record<string, number>;
  const addedTokens: Record<string, unknown>[] = [];
  for (let id = 0; id < tokens.length; id++) {
    const t = tokens[id];
    // Padding rows of the embedding ([PADn], type unused) are no tokens: the tokenizer never produces them.
    if (types[id] === TOKEN_TYPE.unused) continue;
    if (Object.hasOwn(vocab, t)) throw new CheckpointError(`${meta.file}: metadata key 'tokenizer.ggml.tokens': token ${id} ${JSON.stringify(t).slice(0, 40)} is also token ${vocab[t]}`);
    vocab[t] = id;
    const type = types[id];
    if (type === TOKEN_TYPE.control || type === TOKEN_TYPE.unknown || type === TOKEN_TYPE.userDefined) addedTokens.push(addedToken(id, t, type !== TOKEN_TYPE.userDefined));
  }
  const sp = { bos, eos, unk, pad };
  if (kind === 'gpt2') return byteLevelTokenizer(meta, vocab, addedTokens, sp);
  const mergeable = Array.from(tokens, (t, id) => (types[id] === TOKEN_TYPE.normal ? t : null));
  const addBos = meta.bool('tokenizer.ggml.add_bos_token', true) && bos !== null;
  const addEos = meta.bool('tokenizer.ggml.add_eos_token', false) && eos !== null;
  const seq = (id: string, typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const tok = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  // transformers' Llama template: the second sequence of a pair, with its specials, has type id 1
  const template = (id: string, typeId: number) => [...(addBos ? [tok(bos!, typeId)] : []), seq(id, typeId), ...(addEos ? [tok(eos!, typeId)] : [])];
  const single = template('A', 0);
  const specialTokens: Record<string, unknown> = {};
  if (addBos) specialTokens[bos!] = { id: bos, ids: [vocab[bos!]], tokens: [bos] };
  if (addEos) specialTokens[eos!] = { id: eos, ids: [vocab[eos!]], tokens: [eos] };
  const tokenizer = sentencePieceTokenizerJson({
    vocab,
    merges: mergesByScore(vocab, mergeable, scores),
    addedTokens,
    unk,
    prefixSpace: meta.bool('tokenizer.ggml.add_space_prefix', true),
    postProcessor: { type: 'TemplateProcessing', single, pair: [...single, ...template('B', 1)], special_tokens: specialTokens },
  });
  return withChatTemplate(meta, { tokenizer, tokenizerConfig: sentencePieceTokenizerConfig(sp, addBos, addEos), specialTokensMap: specialTokensMap(sp) });
}

/** The GGUF's chat template, if it has one, goes into tokenizer_config.json. */
function withChatTemplate(meta: MetadataReader, rebuilt: RebuiltTokenizer): RebuiltTokenizer {
  const template = meta.string('tokenizer.chat_template');
  if (template) rebuilt.tokenizerConfig.chat_template = template;
  return rebuilt;
}

/** A GPT-2-style tokenizer.json (ByteLevel, BPE merges from tokenizer.ggml.merges) from a 'gpt2' GGUF tokenizer. */
function byteLevelTokenizer(meta: MetadataReader, vocab: Record<string, number>, addedTokens: Record<string, unknown>[], sp: SpecialPieces): RebuiltTokenizer {
  const mergesValue = meta.array('tokenizer.ggml.merges');
  if (mergesValue.of !== 'string') throw new CheckpointError(`${meta.file}: metadata key 'tokenizer.ggml.merges' holds ${mergesValue.of}, not strings`);
  const merges = mergesValue.value.map((m, i): [string, string] => {
    const pair = m.split(' ');
    if (pair.length !== 2 || !Object.hasOwn(vocab, pair[0]) || !Object.hasOwn(vocab, pair[1])) throw new CheckpointError(`${meta.file}: metadata key 'tokenizer.ggml.merges' element ${i} is ${JSON.stringify(m).slice(0, 40)}; expected two tokens of the vocabulary joined by one space`);
    return [pair[0], pair[1]];
  });
  const llama3 = meta.string('tokenizer.ggml.pre') === 'llama-bpe';
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: !llama3 };
  const preTokenizer = llama3 ? { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: LLAMA3_SPLIT }, behavior: 'Isolated', invert: false }, byteLevel] } : byteLevel;
  const addBos = meta.bool('tokenizer.ggml.add_bos_token', false) && sp.bos !== null;
  const postProcessor = addBos
    ? { type: 'TemplateProcessing', single: [{ SpecialToken: { id: sp.bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }], pair: [{ SpecialToken: { id: sp.bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: sp.bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }], special_tokens: { [sp.bos!]: { id: sp.bos, ids: [vocab[sp.bos!]], tokens: [sp.bos] } } }
    : { ...byteLevel, trim_offsets: false };
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: preTokenizer,
    post_processor: postProcessor,
    decoder: byteLevel,
    model: { type: 'BPE', dropout: null, unk_token: sp.unk, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: llama3, vocab, merges },
  };
  const tokenizerConfig = { tokenizer_class: 'PreTrainedTokenizerFast', bos_token: sp.bos, eos_token: sp.eos, unk_token: sp.unk, pad_token: sp.pad, add_bos_token: addBos, clean_up_tokenization_spaces: false, model_max_length: 1_000_000 };
  return withChatTemplate(meta, { tokenizer, tokenizerConfig, specialTokensMap: specialTokensMap(sp) });
}
