// Bytes → text, one piece at a time, with physical line numbers and strict UTF-8 per line. A piece never
// spans a newline, so an invalid byte sequence is reported on the exact line it is on, and a parser can
// stream through a file with no line breaks at all (a minified JSON array) without holding it whole.

export interface TextPiece {
  /** Decoded text, without the newline (and without a CR before it: `crlf` says there was one). */
  text: string;
  /** 1-based physical line number the piece is on. */
  line: number;
  /** 1-based column (in UTF-16 code units, after a BOM) of the piece's first character on its line. */
  column: number;
  /** Whether a newline follows this piece. */
  endsLine: boolean;
  /** The newline that follows is CRLF: a quoted CSV field that holds it keeps the CR (RFC 4180 keeps a field as written). */
  crlf?: boolean;
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
    let crlf = false;
    if (this.pendingCr) {
      if (endsLine && text.length === 0) crlf = true;
      else text = `\r${text}`;
      this.pendingCr = false;
    }
    if (endsLine) {
      if (text.endsWith('\r')) {
        text = text.slice(0, -1);
        crlf = true;
      }
    } else if (!final && text.endsWith('\r')) {
      text = text.slice(0, -1);
      this.pendingCr = true;
    }
    const column = this.column;
    this.column = endsLine ? 1 : column + text.length;
    return { text, line: this.line, column, endsLine, badUtf8, ...(crlf ? { crlf } : {}) };
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

/**
 * What the start of a file says when it is UTF-16 text (Windows Notepad's "Unicode"), else null; readers refuse it at
 * once, saying so. Read as UTF-8 it is bytes that are not UTF-8 on every line: an import blamed line 1 and suggested
 * skipping invalid rows, which would skip them all. Without a byte order mark (as PowerShell's `Out-File -Encoding
 * Unicode` and many converters write it) UTF-16 text is valid UTF-8 with a NUL beside every ASCII character: a CSV or
 * TSV then imported NUL-riddled columns (' l a b e l ') or, with a last line that parsed, a dataset of garbage, so NULs
 * at every other byte of the file's start count too. `head` is the file's first bytes (after gunzip), 4 KiB or more.
 */
export function utf16Text(head: Uint8Array): string | null {
  const bom = head.length >= 2 ? (head[0] << 8) | head[1] : 0;
  if (bom === 0xfffe || bom === 0xfeff) return 'the file is UTF-16 text (it starts with a UTF-16 byte order mark)';
  const order = utf16WithoutBom(head.subarray(0, UTF16_SNIFF_BYTES));
  return order ? `the file looks like UTF-16 text (${order}, with no byte order mark: every other byte is 0)` : null;
}

/** How many bytes at the start of a file decide whether it is UTF-16 without a byte order mark. */
const UTF16_SNIFF_BYTES = 4096;

/**
 * 'little-endian' or 'big-endian' when most 2-byte units of `head` have one zero byte, always on the same side (ASCII
 * and Latin text in UTF-16), else null. UTF-8 text never has NUL bytes in that pattern: it has none at all.
 */
function utf16WithoutBom(head: Uint8Array): 'little-endian' | 'big-endian' | null {
  const units = head.length >> 1;
  if (units < 2) return null;
  let zeroHigh = 0; // the second byte of a unit is 0: little-endian
  let zeroLow = 0;
  for (let i = 0; i < units; i++) {
    if (head[2 * i + 1] === 0 && head[2 * i] !== 0) zeroHigh++;
    if (head[2 * i] === 0 && head[2 * i + 1] !== 0) zeroLow++;
  }
  if (zeroHigh >= units * 0.5 && zeroLow <= units * 0.05) return 'little-endian';
  if (zeroLow >= units * 0.5 && zeroHigh <= units * 0.05) return 'big-endian';
  return null;
}
