// Bytes → text, one piece at a time, with physical line numbers and strict UTF-8 per line. A piece never
// spans a newline, so an invalid byte sequence is reported on the exact line it is on, and a parser can
// stream through a file with no line breaks at all (a minified JSON array) without holding it whole.

export interface TextPiece {
  /** Decoded text, without the newline (and without a CR before it). */
  text: string;
  /** 1-based physical line number the piece is on. */
  line: number;
  /** Whether a newline follows this piece. */
  endsLine: boolean;
  /** The piece held bytes that are not UTF-8; `text` then has U+FFFD in their place. */
  badUtf8: boolean;
}

export class LineDecoder {
  private strict = new TextDecoder('utf-8', { fatal: true });
  private line = 1;
  private pendingCr = false;

  /** Split one chunk into pieces. */
  *decode(chunk: Uint8Array): Generator<TextPiece> {
    let pos = 0;
    while (pos <= chunk.length) {
      const nl = chunk.indexOf(0x0a, pos);
      if (nl === -1) {
        if (pos === chunk.length) return;
        yield this.piece(chunk.subarray(pos), false);
        return;
      }
      yield this.piece(chunk.subarray(pos, nl), true);
      this.line++;
      pos = nl + 1;
    }
  }

  /** Flush at end of input: an incomplete multi-byte sequence at the very end is invalid. */
  *end(): Generator<TextPiece> {
    const p = this.piece(new Uint8Array(0), false, true);
    if (p.text.length > 0 || p.badUtf8 || this.pendingCr) yield { ...p, text: (this.pendingCr ? '\r' : '') + p.text };
    this.pendingCr = false;
  }

  get currentLine(): number {
    return this.line;
  }

  private piece(bytes: Uint8Array, endsLine: boolean, final = false): TextPiece {
    let text: string;
    let badUtf8 = false;
    try {
      text = this.strict.decode(bytes, { stream: !endsLine && !final });
    } catch {
      // Start over with a fresh strict decoder (its state after an error is unusable) and show what we can.
      this.strict = new TextDecoder('utf-8', { fatal: true });
      text = new TextDecoder('utf-8').decode(bytes);
      badUtf8 = true;
    }
    // A CR at the end of a non-final piece might be the CR of a CRLF split across chunks: hold it back.
    if (this.pendingCr) {
      text = (endsLine && text.length === 0 ? '' : '\r') + text;
      this.pendingCr = false;
    }
    if (endsLine) {
      if (text.endsWith('\r')) text = text.slice(0, -1);
    } else if (!final && text.endsWith('\r')) {
      text = text.slice(0, -1);
      this.pendingCr = true;
    }
    return { text, line: this.line, endsLine, badUtf8 };
  }
}
