// Tokenizers of HF model folders (tokenizer.json + tokenizer_config.json) through @huggingface/tokenizers:
// byte-level BPE (GPT-2, Llama 3, Qwen2), SentencePiece BPE with byte fallback (Llama 2, Mistral, llama2.c
// imports), Unigram. Adds what generation needs: special token ids and the chat template.
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { CheckpointError } from '../api/errors.ts';
import { parseJsonText } from '../api/json-text.ts';
import { renderChatTemplate, type ChatMessage } from './chat-template.ts';
import { readSideFile } from './side-file.ts';

export interface EncodeOptions {
  /** Add BOS etc. as the tokenizer's post-processor says (default true). */
  addSpecialTokens?: boolean;
}

/** Encoded once when a tokenizer loads: letters, digits, punctuation, whitespace runs, accents, CJK, an emoji. */
const PROBE_TEXT = 'Hello, world! 42  tabs\tand\nlines; café 日本 🙂';

/** A special token in tokenizer_config.json is a string or an AddedToken object. */
function tokenText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return null;
}

export class TextTokenizer {
  readonly bosToken: string | null;
  readonly eosToken: string | null;
  readonly padToken: string | null;
  readonly chatTemplate: string | null;
  private headFound: number[] | undefined;

  constructor(
    private readonly tok: Tokenizer,
    readonly config: Record<string, unknown>,
    chatTemplate: string | null = null,
  ) {
    this.bosToken = tokenText(config.bos_token);
    this.eosToken = tokenText(config.eos_token);
    this.padToken = tokenText(config.pad_token);
    this.chatTemplate = chatTemplate ?? pickTemplate(config.chat_template);
  }

  /** Load `tokenizer.json` (+ `tokenizer_config.json`, `chat_template.jinja`) from a model folder. */
  static fromFolder(dir: string): TextTokenizer {
    const file = path.join(dir, 'tokenizer.json');
    if (!fs.existsSync(file)) throw new CheckpointError(`${dir}: no tokenizer.json; Lathe needs the model's Hugging Face tokenizer`);
    // Each file is checked on its own, so a broken tokenizer_config.json is not blamed on tokenizer.json.
    const read = (f: string): Record<string, unknown> => {
      const value = parseJsonText(fs.readFileSync(f, 'utf8'), f);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CheckpointError(`${f}: not a JSON object`);
      return value as Record<string, unknown>;
    };
    const configFile = path.join(dir, 'tokenizer_config.json');
    const config = fs.existsSync(configFile) ? read(configFile) : {};
    const jinja = path.join(dir, 'chat_template.jinja');
    const template = readSideFile(jinja)?.toString('utf8') ?? null;
    return TextTokenizer.fromJson(read(file), config, template, file);
  }

  static fromJson(tokenizerJson: Record<string, unknown>, config: Record<string, unknown> = {}, chatTemplate: string | null = null, source = 'tokenizer.json'): TextTokenizer {
    checkTokenIds(tokenizerJson, source);
    let tok: Tokenizer;
    try {
      tok = new Tokenizer(tokenizerJson, config);
    } catch (err) {
      throw new CheckpointError(`${source}: cannot build the tokenizer (${(err as Error).message})`);
    }
    // The library builds from many malformed files (a pre-tokenizer whose 'type' is a number, say) and only
    // fails when it first encodes, deep in generation or training; one round trip here blames the file instead.
    try {
      tok.decode(tok.encode(PROBE_TEXT, { add_special_tokens: true }).ids, { skip_special_tokens: false });
    } catch (err) {
      throw new CheckpointError(`${source}: cannot build the tokenizer (encoding a test sentence failed: ${(err as Error).message})`);
    }
    return new TextTokenizer(tok, config, chatTemplate);
  }

  encode(text: string, opts: EncodeOptions = {}): number[] {
    return this.tok.encode(text, { add_special_tokens: opts.addSpecialTokens ?? true }).ids;
  }

  /**
   * Whether `text` starts with the BOS token's text (bosTokenId's), as a chat template that writes `{{ bos_token }}`
   * renders it (Llama 2, Llama 3, Mistral): encoding reads that text as the BOS token, so whoever adds a BOS must not add another.
   */
  writesBos(text: string): boolean {
    const bos = this.bosTokenId;
    const written = bos === null ? undefined : bos === this.idOf(this.bosToken) ? this.bosToken : this.idToToken(bos);
    return !!written && text.startsWith(written);
  }

  /**
   * The ids encoding with special tokens puts before the text's own: what the post-processor prepends (Llama's and
   * llama2.c imports' `<s>`, BERT's `[CLS]`; nothing for GPT-2's ByteLevel). Found once, from a test sentence encoded
   * with and without special tokens.
   */
  private get specialHead(): number[] {
    if (this.headFound === undefined) {
      const plain = this.encode(PROBE_TEXT, { addSpecialTokens: false });
      const full = this.encode(PROBE_TEXT);
      const at = full.findIndex((_, i) => plain.every((id, j) => full[i + j] === id));
      this.headFound = at > 0 ? full.slice(0, at) : [];
    }
    return this.headFound;
  }

  /**
   * Whether encoding with special tokens puts the BOS first: the post-processor adds it (Llama, Mistral, llama2.c
   * imports), not only the config naming it (GPT-2 names `<|endoftext|>`, and its ByteLevel post-processor adds
   * nothing). A post-processor that prepends one token where the config names no BOS adds that as the BOS (bosTokenId).
   */
  get addsBos(): boolean {
    const bos = this.bosTokenId;
    return bos !== null && this.specialHead[0] === bos;
  }

  /**
   * The BOS to put before `text`'s tokens (encoded without special tokens), as encoding with them would: the BOS when
   * the post-processor adds one (addsBos), so training reads what inference (encodePrompt) and the Hugging Face
   * ecosystem feed; none when it adds none or the text writes it (writesBos). `followsTokenizer` false: the rule of
   * training runs from before they recorded bosFollowsTokenizer, the BOS whenever the config names one (and none
   * where it names none, whatever the post-processor adds).
   */
  bosHead(text: string, followsTokenizer = true): number[] {
    if (!followsTokenizer) {
      const named = this.idOf(this.bosToken);
      return named !== null && !this.writesBos(text) ? [named] : [];
    }
    const bos = this.bosTokenId;
    return bos !== null && this.addsBos && !this.writesBos(text) ? [bos] : [];
  }

  /** A prompt's ids with one BOS: the special tokens the post-processor adds, unless the text writes BOS itself (writesBos). */
  encodePrompt(text: string): number[] {
    return this.encode(text, { addSpecialTokens: !this.writesBos(text) });
  }

  decode(ids: number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    return this.tok.decode(ids, { skip_special_tokens: opts.skipSpecialTokens ?? true });
  }

  tokens(text: string): string[] {
    return this.tok.tokenize(text);
  }

  tokenToId(token: string): number | undefined {
    return this.tok.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.tok.id_to_token(id);
  }

  get vocabSize(): number {
    return this.tok.get_vocab(true).size;
  }

  idOf(token: string | null): number | null {
    return token === null ? null : (this.tokenToId(token) ?? null);
  }

  /**
   * The BOS: the token tokenizer_config.json names bos_token, else the one token the post-processor puts before every
   * text (a TemplateProcessing `<s> $A` with bos_token null or absent), which encoding adds as a BOS all the same: so
   * training puts it first (bosHead) and prompts cut to fit keep it (fitPromptMiddle, fitPrompt) as they do a named BOS.
   */
  get bosTokenId(): number | null {
    const named = this.idOf(this.bosToken);
    if (named !== null) return named;
    const head = this.specialHead;
    return head.length === 1 ? head[0] : null;
  }

  get eosTokenId(): number | null {
    return this.idOf(this.eosToken);
  }

  get padTokenId(): number | null {
    return this.idOf(this.padToken);
  }

  /** Render messages with the model's chat template (error if it has none). */
  applyChatTemplate(messages: ChatMessage[], opts: { addGenerationPrompt?: boolean; extra?: Record<string, unknown> } = {}): string {
    if (!this.chatTemplate) throw new Error('this tokenizer has no chat template (tokenizer_config.json has no chat_template); use a plain prompt');
    return renderChatTemplate(this.chatTemplate, messages, {
      bosToken: this.bosToken ?? '',
      eosToken: this.eosToken ?? '',
      addGenerationPrompt: opts.addGenerationPrompt ?? true,
      extra: opts.extra,
    });
  }
}

/** Ids beyond the tokens a file holds by more than this are refused (the library sizes tables by the largest id). */
const ID_SLACK = 1 << 20;

/**
 * Token ids in tokenizer.json (model.vocab values, added_tokens[].id) must be whole numbers not far beyond
 * the number of tokens: @huggingface/tokenizers allocates by the largest id, so one id of 19312617 in an
 * 8 KB file took seconds and hundreds of MB, and 2^31 longer still.
 */
function checkTokenIds(json: Record<string, unknown>, source: string): void {
  const model = json.model as { vocab?: unknown } | undefined;
  const vocab = model && typeof model === 'object' && model.vocab && typeof model.vocab === 'object' && !Array.isArray(model.vocab) ? Object.entries(model.vocab) : [];
  const added = Array.isArray(json.added_tokens) ? (json.added_tokens as unknown[]) : [];
  const limit = vocab.length + added.length + ID_SLACK;
  const check = (id: unknown, field: string) => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= limit) {
      throw new CheckpointError(`${source}: field '${field}' is ${typeof id === 'number' ? id : typeof id}; token ids must be whole numbers from 0 to ${limit - 1} (the file holds ${vocab.length + added.length} tokens)`);
    }
  };
  for (const [token, id] of vocab) check(id, `model.vocab.${token}`);
  added.forEach((t, i) => check((t as { id?: unknown } | null)?.id, `added_tokens.${i}.id`));
}

/** chat_template is a string, or a list of {name, template} of which 'default' is the chat one. */
function pickTemplate(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    // Entries that are not {name, template: string} (null, say) are skipped rather than crashing the load.
    const named = v.filter((t): t is { name?: unknown; template: string } => t !== null && typeof t === 'object' && typeof (t as { template?: unknown }).template === 'string');
    return (named.find((t) => t.name === 'default') ?? named[0])?.template ?? null;
  }
  return null;
}
