// Where each non-blank line of a JSONL file lies, so that a page of its lines is read without the rest of the file:
// eval.examples read, split and decoded a run's whole predictions file (11 MiB at 5,000 DialogSum examples) for
// each page of three. The index is one pass over the bytes and three numbers a line; a page is then one read of
// the page's own bytes. Lines are what String.split('\n') of the decoded text gives, blank meaning empty once
// trimmed: '\n' never occurs inside a UTF-8 sequence, so splitting the bytes splits the text the same way.
import fs from 'node:fs';

export interface LineIndex {
  /** Byte offset of each non-blank line's first byte. */
  readonly starts: readonly number[];
  /** Byte offset just past each non-blank line's last byte (its '\n' excluded). */
  readonly ends: readonly number[];
  /** Each non-blank line's 1-based line number in the file. */
  readonly lines: readonly number[];
}

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/** ASCII bytes that String.prototype.trim removes: \t \n \v \f \r and space. */
function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/** Bytes [start, end) of the file open as `fd`. */
export function readBytes(fd: number, start: number, end: number): Buffer {
  const buffer = Buffer.alloc(end - start);
  let done = 0;
  while (done < buffer.length) {
    const n = fs.readSync(fd, buffer, done, buffer.length - done, start + done);
    if (n === 0) break; // the file shrank since it was indexed: what is left is returned, and fails to parse
    done += n;
  }
  return done === buffer.length ? buffer : buffer.subarray(0, done);
}

/** The non-blank lines of the file open as `fd`, read from its start in chunks. */
export function indexLines(fd: number): LineIndex {
  const starts: number[] = [];
  const ends: number[] = [];
  const lines: number[] = [];
  const chunk = Buffer.alloc(CHUNK);
  let lineStart = 0;
  let lineNumber = 1;
  let solid = false; // the line has an ASCII byte that is not white space: not blank
  let wide = false; // the line has a byte of a multi-byte character, perhaps a white space one (U+00A0, U+2028, …)
  const endLine = (end: number) => {
    if (solid || (wide && readBytes(fd, lineStart, end).toString('utf8').trim() !== '')) {
      starts.push(lineStart);
      ends.push(end);
      lines.push(lineNumber);
    }
    lineStart = end + 1;
    lineNumber++;
    solid = false;
    wide = false;
  };
  let position = 0;
  for (;;) {
    const n = fs.readSync(fd, chunk, 0, CHUNK, position);
    if (n === 0) break;
    const data = n === CHUNK ? chunk : chunk.subarray(0, n);
    for (let i = 0; i < n;) {
      const newline = data.indexOf(NEWLINE, i); // memchr: the bytes between are looked at only until one is solid
      const stop = newline < 0 ? n : newline;
      for (let j = i; !solid && j < stop; j++) {
        if (data[j] >= 0x80) wide = true;
        else if (!isAsciiSpace(data[j])) solid = true;
      }
      if (newline < 0) break;
      endLine(position + newline);
      i = newline + 1;
    }
    position += n;
  }
  if (position > lineStart) endLine(position);
  return { starts, ends, lines };
}

/** The text and line number of non-blank lines [from, to) of the indexed file, in one read. */
export function readIndexedLines(fd: number, index: LineIndex, from: number, to: number): { text: string; line: number }[] {
  const last = Math.min(to, index.starts.length);
  if (from >= last) return [];
  const base = index.starts[from];
  const bytes = readBytes(fd, base, index.ends[last - 1]);
  const out: { text: string; line: number }[] = [];
  for (let i = from; i < last; i++) out.push({ text: bytes.toString('utf8', index.starts[i] - base, index.ends[i] - base), line: index.lines[i] });
  return out;
}
