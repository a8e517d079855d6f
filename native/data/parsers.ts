// Push parsers for the dataset formats. Each takes text pieces from LineDecoder and hands whole records to a
// sink with the line each began on; a record that cannot be read goes to `invalid` with a reason (the
// importer decides whether that stops the import), a file whose structure is broken throws FormatError.
import type { TextPiece } from './decode.ts';
import type { DataFormat } from './formats.ts';
import type { Quoting } from '../api/schemas.ts';

export interface RecordSink {
  record(values: Record<string, unknown>, line: number): void;
  invalid(line: number, reason: string, field?: string): void;
}

/** The file's structure is broken past the point where single records could be skipped. */
export class FormatError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(reason);
  }
}

export interface RecordParser {
  feed(piece: TextPiece): void;
  end(): void;
}

/**
 * The most text one record (a line, an array element, a CSV row) may hold. Far above any training example (a
 * 50 MB row still imports) and below V8's longest string (~2^29 characters): without it a file with no line
 * breaks (a binary, a minified dump renamed .jsonl) grew one string until the import died with a bare
 * "Invalid string length" naming no file or line, after holding the whole file in memory.
 */
export const MAX_RECORD_CHARS = 128 * 1024 * 1024;

function tooLong(what: string, maxChars: number): string {
  return `${what} is longer than ${maxChars / 1024 / 1024} Mi characters, far more than any dataset row; check that this is the right file and format`;
}

/**
 * Why a record holding a raw NUL byte is refused. UTF-8 text never contains one (JSON and CSV write it
 * escaped or not at all): it comes from a binary file, a block of zeros a crash left in the file, or text
 * pasted from UTF-16. Before this a CSV/TSV row kept it silently in a field and a JSONL line was refused as
 * "Bad control character" with no column. `line` is given when it is not the record's own first line.
 */
function nulReason(what: string, line: number | null, column: number): string {
  const where = line === null ? `column ${column}` : `line ${line}, column ${column}`;
  return `${what} holds a NUL byte (\\0) at ${where}; text never contains one, so the file is damaged or not text there: remove the byte, or export the file again as UTF-8 text`;
}

/** The column of the first NUL in a piece, or null. */
function nulColumn(piece: TextPiece): number | null {
  const i = piece.text.indexOf('\0');
  return i === -1 ? null : piece.column + i;
}

export interface ParserOptions {
  /** MAX_RECORD_CHARS unless a test sets a smaller one. */
  maxRecordChars?: number;
  /** How a CSV/TSV file quotes its fields (DatasetImportInput.quoting); JSON formats have their own quoting. */
  quoting?: Quoting;
  /**
   * How the caller's user imports a CSV or TSV file with every quote read as text, in the words of its interface (the
   * CLI's flag, the studio form's checkbox), for the refusals of a quote that the quoted reading cannot make sense of.
   */
  quotingAdvice?: string;
}

export function createParser(format: DataFormat, sink: RecordSink, opts: ParserOptions = {}): RecordParser {
  const maxRecordChars = opts.maxRecordChars ?? MAX_RECORD_CHARS;
  const quoting = opts.quoting ?? 'csv';
  switch (format) {
    case 'jsonl':
      return new JsonLinesParser(sink, maxRecordChars);
    case 'json':
      return new JsonArrayParser(sink, maxRecordChars);
    case 'csv':
      return new DelimitedParser(sink, ',', maxRecordChars, quoting, opts.quotingAdvice);
    case 'tsv':
      return new DelimitedParser(sink, '\t', maxRecordChars, quoting, opts.quotingAdvice);
  }
}

function describeJson(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function parseObject(text: string, line: number, sink: RecordSink, what: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    sink.invalid(line, `${what} is not valid JSON (${(err as Error).message})`);
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    sink.invalid(line, `${what} is ${describeJson(value)}, expected a JSON object with one field per column`);
    return;
  }
  sink.record(value as Record<string, unknown>, line);
}

/** One JSON object per line; blank lines are ignored. */
class JsonLinesParser implements RecordParser {
  private parts: string[] = [];
  private chars = 0;
  private tooLong = false; // past the limit: the rest of the line is read past, not kept
  private bad = false;
  private nul: number | null = null; // the column of the line's first NUL byte

  constructor(
    private readonly sink: RecordSink,
    private readonly maxChars: number,
  ) {}

  private line = 1;

  feed(piece: TextPiece): void {
    this.chars += piece.text.length;
    if (this.chars > this.maxChars && !this.tooLong) {
      this.tooLong = true;
      this.parts = [];
      // Said now, not at the line's end: an import that stops at the first bad row stops here, and a gzip
      // bomb of zeros with no newline is not read to its (far) end first.
      this.sink.invalid(piece.line, tooLong('the line', this.maxChars));
    }
    if (!this.tooLong) this.parts.push(piece.text);
    this.bad ||= piece.badUtf8;
    this.nul ??= nulColumn(piece);
    this.line = piece.line;
    if (piece.endsLine) this.flush();
  }

  end(): void {
    this.flush();
  }

  private flush(): void {
    const text = this.parts.join('');
    const bad = this.bad;
    const long = this.tooLong;
    const at = this.line;
    const nul = this.nul;
    this.parts = [];
    this.chars = 0;
    this.tooLong = false;
    this.bad = false;
    this.nul = null;
    if (long) return; // reported when it crossed the limit
    if (bad) return this.sink.invalid(at, 'the line is not valid UTF-8 text (save the file as UTF-8)');
    if (nul !== null) return this.sink.invalid(at, nulReason('the line', null, nul));
    if (text.trim() === '') return;
    parseObject(text, at, this.sink, 'the line');
  }
}

const REPLACEMENT = 0xfffd;

const enum Ch {
  Quote = 34,
  Backslash = 92,
  Comma = 44,
  OpenBrace = 123,
  CloseBrace = 125,
  OpenBracket = 91,
  CloseBracket = 93,
}

/**
 * A top-level JSON array of objects, streamed: only the current element's text is held. It tracks nesting
 * and strings to find where each element ends, then hands that element to JSON.parse.
 */
class JsonArrayParser implements RecordParser {
  private state: 'before' | 'between' | 'element' | 'after' = 'before';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private elementChars = 0;
  private elementTooLong = false; // past the limit: the rest of the element is scanned, not kept
  private elementLine = 0;
  private elementBad = false;
  private elementNul: { line: number; column: number } | null = null;
  private index = 0;
  private line = 1;

  constructor(
    private readonly sink: RecordSink,
    private readonly maxChars: number,
  ) {}

  private keep(text: string): void {
    this.elementChars += text.length;
    if (this.elementChars > this.maxChars && !this.elementTooLong) {
      this.elementTooLong = true;
      this.parts = [];
      this.sink.invalid(this.elementLine, tooLong(`array element ${this.index + 1}`, this.maxChars)); // now, as for a line
    }
    if (!this.elementTooLong) this.parts.push(text);
  }

  feed(piece: TextPiece): void {
    this.line = piece.line;
    const text = piece.endsLine ? `${piece.text}\n` : piece.text;
    // Bad bytes are judged where they stand (the decoder put U+FFFD there), not by the state at the start of
    // the piece: otherwise where a chunk happened to break decided between skipping an element and failing.
    const bad = piece.badUtf8;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (bad && c === REPLACEMENT) {
        if (this.state !== 'element') throw new FormatError(piece.line, 'the file is not valid UTF-8 text here (save it as UTF-8)');
        this.elementBad = true;
      }
      if (c === 0) {
        const column = piece.column + i;
        if (this.state !== 'element') throw new FormatError(piece.line, nulReason('the file', null, column));
        this.elementNul ??= { line: piece.line, column };
      }
      if (this.state === 'element') {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === Ch.Backslash) this.escaped = true;
          else if (c === Ch.Quote) this.inString = false;
          continue;
        }
        if (c === Ch.Quote) this.inString = true;
        else if (c === Ch.OpenBrace || c === Ch.OpenBracket) this.depth++;
        else if ((c === Ch.CloseBrace || c === Ch.CloseBracket) && this.depth > 0) this.depth--;
        else if (this.depth === 0 && (c === Ch.Comma || c === Ch.CloseBracket)) {
          this.keep(text.slice(start, i));
          this.finishElement();
          this.state = c === Ch.Comma ? 'between' : 'after';
        }
        continue;
      }
      if (c === 32 || c === 9 || c === 10 || c === 13) continue;
      if (this.state === 'before') {
        if (c !== Ch.OpenBracket) throw new FormatError(this.line, 'a .json dataset must be an array of objects ([{…}, {…}]); for one object per line use .jsonl');
        this.state = 'between';
      } else if (this.state === 'between') {
        if (c === Ch.CloseBracket && this.index === 0) {
          this.state = 'after';
          continue;
        }
        this.state = 'element';
        this.elementLine = this.line;
        this.depth = 0;
        start = i;
        i--; // read this character again as the element's first
      } else {
        throw new FormatError(this.line, 'unexpected text after the closing ] of the array');
      }
    }
    if (this.state === 'element') this.keep(text.slice(start));
  }

  end(): void {
    if (this.state === 'before') return; // empty file: the importer reports "no rows"
    if (this.state !== 'after') throw new FormatError(this.line, 'the file ends inside the array (no closing ]): it looks truncated');
  }

  private finishElement(): void {
    const text = this.parts.join('').trim();
    const long = this.elementTooLong;
    this.parts = [];
    this.elementChars = 0;
    this.elementTooLong = false;
    this.index++;
    const what = `array element ${this.index}`;
    if (long) {
      this.elementBad = false;
      this.elementNul = null;
      return; // reported when it crossed the limit
    }
    const nul = this.elementNul;
    this.elementNul = null;
    if (this.elementBad) {
      this.elementBad = false;
      return this.sink.invalid(this.elementLine, `${what} is not valid UTF-8 text (save the file as UTF-8)`);
    }
    if (nul) return this.sink.invalid(this.elementLine, nulReason(what, nul.line === this.elementLine ? null : nul.line, nul.column));
    if (text === '') return this.sink.invalid(this.elementLine, `${what} is empty (two commas in a row?)`);
    parseObject(text, this.elementLine, this.sink, what);
  }
}

/**
 * What a refusal of a TSV file's quote adds: TSV is read by default with CSV's quoting, as pandas (to_csv/read_csv
 * with sep='\t') and spreadsheets' tab-delimited export write and read it, not with IANA text/tab-separated-values'
 * rule that every quote is text; a file written that way, whose field begins with a quote, is imported with quoting
 * 'none'. `advice` says how in the words of the caller's interface.
 */
const DEFAULT_QUOTING_ADVICE = "import it with quoting set to 'none'";

const tsvQuoting = (advice = DEFAULT_QUOTING_ADVICE): string =>
  ` (a TSV field that begins with " is read as quoted, as pandas and spreadsheets write it; if every quote in the file is text, as IANA text/tab-separated-values has it, ${advice})`;

/**
 * CSV/TSV per RFC 4180: the first record is the header; fields may be quoted with ", a quote inside is "",
 * and quoted fields may hold delimiters and line breaks, kept as written (LF or CRLF). Blank lines are ignored. TSV follows the same quoting rule
 * (tsvQuoting says why), so a .tsv exported by pandas or a spreadsheet, whose texts hold quotes, tabs or newlines,
 * reads back as it was written.
 *
 * Where a file breaks the RFC's quoting, a field is read whole as literal text or its row is refused, never cut or
 * joined to its neighbour unannounced. A quote inside a field that does not begin with one (`5" screen`, `abc"def`)
 * is text, kept as it stands, as spreadsheets and Python's csv module read it: the RFC forbids it, but nothing of the
 * field is lost and the delimiter still ends it. Refused, with the column and what to do: text after a quoted
 * field's closing quote (`"abc"def`), and a field that begins with spaces and then a quote whose text holds the
 * delimiter (`x, "y, z"`): that quote does not quote the field (a quoted field begins right at the delimiter), so the
 * delimiter inside it would split one value in two, silently where the pieces happen to make the header's count.
 *
 * With quoting 'none' (IANA text/tab-separated-values, GLUE-style corpora) no character but the delimiter and the
 * line break means anything: a field is the text between two delimiters, every quote in it kept, and one line is
 * one row, so a field cannot hold the delimiter or a line break.
 */
class DelimitedParser implements RecordParser {
  private header: string[] | null = null;
  private fields: string[] = [];
  private field = '';
  private quoted = false; // inside a quoted field
  private afterQuote = false; // just read a quote inside a quoted field: closing, or the first of ""
  private fieldWasQuoted = false;
  /** Where the current unquoted field's first non-space character is a quote after spaces: `x, "y`. */
  private spacedQuote: { line: number; column: number } | null = null;
  private quoteLine = 0; // the line the current quoted field opened on
  private recordLine = 0;
  private recordBad: string | null = null;
  private recordChars = 0;
  private started = false;

  constructor(
    private readonly sink: RecordSink,
    private readonly delimiter: string,
    private readonly maxChars: number,
    private readonly quoting: Quoting,
    private readonly quotingAdvice: string | undefined,
  ) {}

  /** Add text to the current field; past the record limit the record is marked bad and its text dropped. */
  private append(text: string): void {
    this.recordChars += text.length;
    if (this.recordChars > this.maxChars) {
      this.recordBad = tooLong('the row', this.maxChars);
      this.field = '';
      return;
    }
    this.field += text;
  }

  feed(piece: TextPiece): void {
    if (!this.started) {
      this.started = true;
      this.recordLine = piece.line;
    }
    if (piece.badUtf8 && this.recordBad === null) this.recordBad = 'the row is not valid UTF-8 text (save the file as UTF-8)';
    const nul = this.recordBad === null ? nulColumn(piece) : null;
    if (nul !== null) this.recordBad = nulReason('the row', piece.line === this.recordLine ? null : piece.line, nul);
    const text = piece.text;
    const d = this.delimiter.charCodeAt(0);
    let i = 0;
    while (i < text.length && this.quoting === 'none') {
      const stop = text.indexOf(this.delimiter, i);
      if (stop === -1) {
        this.append(text.slice(i));
        i = text.length;
      } else {
        this.append(text.slice(i, stop));
        this.endField();
        i = stop + 1;
      }
    }
    while (i < text.length) {
      if (this.quoted) {
        if (this.afterQuote) {
          this.afterQuote = false;
          if (text.charCodeAt(i) === Ch.Quote) {
            this.append('"');
            i++;
            continue;
          }
          this.quoted = false;
          continue; // the quote closed the field; look at this character as unquoted
        }
        const q = text.indexOf('"', i);
        if (q === -1) {
          this.append(text.slice(i));
          i = text.length;
        } else {
          this.append(text.slice(i, q));
          this.afterQuote = true;
          i = q + 1;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === d) {
        this.checkSpacedQuote(piece, piece.column + i);
        this.endField();
        i++;
        continue;
      }
      if (c === Ch.Quote && this.field === '' && !this.fieldWasQuoted) {
        this.quoted = true;
        this.fieldWasQuoted = true;
        this.quoteLine = piece.line;
        i++;
        continue;
      }
      // Unquoted text runs to the next delimiter; a quote inside it is taken literally (lenient, as most tools are).
      let stop = text.indexOf(this.delimiter, i);
      if (stop === -1) stop = text.length;
      if (this.fieldWasQuoted) {
        const span = piece.line === this.recordLine ? '' : ` (its quote opened on line ${this.quoteLine}, so lines ${this.recordLine}–${piece.line} were read as this one row)`;
        this.recordBad ??= `text after the closing quote of field ${this.fields.length + 1} at ${this.at(piece.line, piece.column + i)}${span}: quote the whole field and double any " inside it${this.quotingNote}`;
      } else if (this.spacedQuote === null && /^[ \t]*$/.test(this.field)) {
        let q = i;
        while (q < stop && (text.charCodeAt(q) === 32 || text.charCodeAt(q) === 9)) q++;
        if (q < stop && text.charCodeAt(q) === Ch.Quote && this.field.length + (q - i) > 0) this.spacedQuote = { line: piece.line, column: piece.column + q };
      }
      this.append(text.slice(i, stop));
      i = stop;
    }
    if (piece.endsLine) {
      if (this.quoted && this.afterQuote) {
        this.quoted = false;
        this.afterQuote = false;
      }
      // Inside quotes a line break is the field's text, kept as written (CRLF too, as Python's csv module keeps it);
      // outside, LF or CRLF ends the record.
      if (this.quoted) this.append(piece.crlf ? '\r\n' : '\n');
      else this.endRecord(piece.line + 1);
    }
  }

  /**
   * An opening quote with no closing one is found only at the end of the file, after it swallowed every line
   * below it into one field. Skipping invalid rows cannot recover from it soundly, so it is refused even then:
   * resuming at the line after the quote would read the rest of that field as rows of their own whenever the
   * quote did open a multi-line field (legitimate in RFC 4180) and only its closing quote is missing, importing
   * fragments of one text as examples; and where the closing quote was meant to be cannot be known.
   */
  end(): void {
    if (this.quoted && !this.afterQuote) {
      const row = this.recordLine === this.quoteLine ? '' : ` (in the row that begins on line ${this.recordLine})`;
      throw new FormatError(
        this.quoteLine,
        `a quoted field opens here${row} and is never closed, so every line after it was read as that one field; ` +
          'add the closing " where the field ends, or double a " that is part of the text (""). Skipping invalid rows cannot help: ' +
          `where the field was meant to end, and so which of the lines below are rows, cannot be known${this.quotingNote}`,
      );
    }
    this.quoted = false;
    this.afterQuote = false;
    this.endRecord(this.recordLine);
  }

  /** What a refusal of a quote adds for TSV (tsvQuoting); nothing for CSV, whose quoting nobody doubts. */
  private get quotingNote(): string {
    return this.delimiter === '\t' ? tsvQuoting(this.quotingAdvice) : '';
  }

  /** "column C", or "line L, column C" where L is not the row's first line. */
  private at(line: number, column: number): string {
    return line === this.recordLine ? `column ${column}` : `line ${line}, column ${column}`;
  }

  /**
   * At a delimiter ending an unquoted field that began with spaces and a quote: if that quote is still open (an odd
   * number of quotes in the field), the writer meant the delimiter as part of a quoted value, which it splits, unless
   * every quote of the file is text, as quoting 'none' reads it (in CSV too: the refusal says so in the caller's words).
   */
  private checkSpacedQuote(piece: TextPiece, delimiterColumn: number): void {
    const q = this.spacedQuote;
    if (q === null || this.recordBad !== null || (this.field.split('"').length - 1) % 2 === 0) return;
    const what = this.delimiter === ',' ? 'comma' : 'tab';
    this.recordBad = `field ${this.fields.length + 1} has spaces before its opening quote (${this.at(q.line, q.column)}), so the quote does not quote it: ` +
      `a quoted field begins right after the ${what}, so the ${what} at ${this.at(piece.line, delimiterColumn)} inside the quotes split it in two. ` +
      `Remove the space before the opening " (or, if the quotes are text, quote the whole field and double each " in it; ` +
      `if every quote in the file is text and every ${what} ends a field, ${this.quotingAdvice ?? DEFAULT_QUOTING_ADVICE})`;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.fieldWasQuoted = false;
    this.spacedQuote = null;
  }

  private endRecord(nextLine: number): void {
    const line = this.recordLine;
    const blank = this.fields.length === 0 && this.field === '' && !this.fieldWasQuoted;
    this.endField();
    const fields = this.fields;
    const bad = this.recordBad;
    this.fields = [];
    this.recordBad = null;
    this.recordChars = 0;
    this.recordLine = nextLine;
    if (blank) return;
    if (this.header === null) {
      // Column names come from the header: one that is not UTF-8 or is mis-quoted would name every row's field wrongly.
      if (bad) throw new FormatError(line, `the header row cannot be read: ${bad}`);
      return this.setHeader(fields, line);
    }
    if (bad) return this.sink.invalid(line, bad);
    const h = this.header;
    if (fields.length < h.length) {
      return this.sink.invalid(line, `missing column '${h[fields.length]}' (the header has ${h.length} columns, this row ${fields.length})`, h[fields.length]);
    }
    if (fields.length > h.length) {
      const what = this.delimiter === ',' ? 'comma' : 'tab';
      const fix = this.quoting === 'none'
        ? `with quoting 'none' every ${what} ends a field, so a text holding one needs the file written with quoting (a field that holds a ${what} in double quotes) and imported with quoting 'csv'`
        : 'quote fields that contain the delimiter';
      return this.sink.invalid(line, `${fields.length} fields but the header has ${h.length}: ${fix}`);
    }
    // fromEntries defines own properties: a column named __proto__ is data, not the object's prototype.
    this.sink.record(Object.fromEntries(h.map((name, k) => [name, fields[k]])), line);
  }

  private setHeader(fields: string[], line: number): void {
    const names = fields.map((f) => f.trim());
    names.forEach((name, k) => {
      if (name === '') throw new FormatError(line, `column ${k + 1} of the header row has no name: the first row must name every column`);
      if (names.indexOf(name) !== k) throw new FormatError(line, `the header names column '${name}' twice: column names must be unique`);
    });
    this.header = names;
  }
}
