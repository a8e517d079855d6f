// Turns one row's generated token ids into text as they arrive: decodes with a little prompt context (so a
// SentencePiece leading space or a byte-fallback sequence comes out right), holds back an incomplete UTF-8
// character or a possible beginning of a stop string, and finds stop strings.

export interface Detokenizer {
  decode(ids: number[]): string;
}

const CONTEXT_TOKENS = 4;

export class TextStream {
  private readonly context: number[];
  private readonly contextText: string;
  private readonly ids: number[] = [];
  private emitted = 0;
  /** The continuation so far (cut before a stop string once one is found). */
  text = '';
  /** Characters of the continuation as decoded after the last token pushed, before any stop-string cut: where that token's text ends. */
  decodedLength = 0;
  stopped = false;

  constructor(
    private readonly tok: Detokenizer,
    promptIds: readonly number[],
    private readonly stopStrings: readonly string[],
  ) {
    this.context = promptIds.slice(-CONTEXT_TOKENS);
    this.contextText = tok.decode(this.context);
  }

  /** Add a token; returns the text that may now be shown. */
  push(id: number): string {
    if (this.stopped) return '';
    this.ids.push(id);
    const full = this.tok.decode([...this.context, ...this.ids]).slice(this.contextText.length);
    this.decodedLength = full.length;
    let cut = -1;
    for (const s of this.stopStrings) {
      const i = s ? full.indexOf(s) : -1;
      if (i >= 0 && (cut < 0 || i < cut)) cut = i;
    }
    if (cut >= 0) {
      this.stopped = true;
      this.text = full.slice(0, cut);
      return this.take(this.text.length);
    }
    this.text = full;
    let safe = full.length;
    if (full.endsWith('\uFFFD')) safe--; // a multi-byte character still arriving byte by byte
    for (const s of this.stopStrings) {
      for (let k = Math.min(s.length - 1, safe); k > 0; k--) {
        if (full.slice(safe - k, safe) === s.slice(0, k)) {
          safe -= k;
          break;
        }
      }
    }
    return this.take(safe);
  }

  /** Whatever is still held back (at the end of generation). */
  flush(): string {
    return this.take(this.text.length);
  }

  private take(upTo: number): string {
    if (upTo <= this.emitted) return '';
    const delta = this.text.slice(this.emitted, upTo);
    this.emitted = upTo;
    return delta;
  }
}
