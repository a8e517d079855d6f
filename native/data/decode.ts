// Bytes → text, one piece at a time, with physical line numbers and strict UTF-8 per line. A piece never
// spans a newline, so an invalid byte sequence is reported on the exact line it is on, and a parser can
// stream through a file with no line breaks at all (a minified JSON array) without holding it whole.

export interface TextPiece {
  /** Decoded text, without the newline (and without a CR before it). */
  text: string;
  /** 1-based physical line number the piece is on. */
  line: number;
  /** 1-based column (in UTF-16 code units, after a BOM) of the piece's first character on its line. */
  column: number;
  /** Whether a newline follows this piece. */
  endsLine: boolean;
  /** The piece held bytes that are not UTF-8; `text` then has U+FFFD in their place. */
  badUtf8: boolean;
}

export class LineDecoder {
  // Pieces are decoded whole (no streaming state inside TextDecoder): a multi-byte character cut by a chunk
  // boundary is carried over as bytes. So a decoding error shows U+FFFD exactly where the bad bytes are,
  // whatever the chunking (a streaming decoder reset after an error dropped the bytes it held), and a BOM is
  // removed at the start of the file only (TextDecoder would remove one at the start of every decode).
  private readonly strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly lenient = new TextDecoder('utf-8', { ignoreBOM: true });
  private line = 1;
  private column = 1;
  private pendingCr = false;
  private carry = new Uint8Array(0);
  private atStart = true;

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

  private piece(input: Uint8Array, endsLine: boolean, final = false): TextPiece {
    let bytes = input;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + input.length);
      bytes.set(this.carry);
      bytes.set(input, this.carry.length);
      this.carry = new Uint8Array(0);
    }
    if (!endsLine && !final) {
      const cut = incompleteTail(bytes);
      if (cut > 0) {
        this.carry = bytes.slice(bytes.length - cut);
        bytes = bytes.subarray(0, bytes.length - cut);
      }
    }
    if (this.atStart && bytes.length > 0) {
      this.atStart = false;
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    } else if (this.atStart && (endsLine || final)) this.atStart = false;
    let text: string;
    let badUtf8 = false;
    try {
      text = this.strict.decode(bytes);
    } catch {
      text = this.lenient.decode(bytes);
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
    const column = this.column;
    this.column = endsLine ? 1 : column + text.length;
    return { text, line: this.line, column, endsLine, badUtf8 };
  }
}

/** Bytes at the end of `b` that begin a multi-byte UTF-8 sequence the rest of the chunk has not completed. */
function incompleteTail(b: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const x = b[b.length - back];
    if ((x & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = x >= 0xf0 && x <= 0xf4 ? 4 : x >= 0xe0 ? 3 : x >= 0xc2 && x < 0xe0 ? 2 : 1;
    return back < need ? back : 0;
  }
  return 0;
}
