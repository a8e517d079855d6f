// Reading documents into plain text with their structure: .txt, .md, .html, .pdf (pdfjs-dist) and .docx (mammoth,
// through its HTML). Each document becomes one text and a list of blocks over it — a page of a PDF, a section under
// a heading of Markdown/HTML/Word — that the chunker splits further. What cannot be read throws DocumentError with
// the reason a person can act on (encrypted, truncated or damaged, not a PDF at all, no text layer, not text, not valid UTF-8).
import fs from 'node:fs';
import path from 'node:path';
import { humanBytes } from '../api/format.ts';
import { DOCUMENT_EXTENSIONS, type RagDocument } from '../api/rag.ts';

export type DocumentFormat = RagDocument['format'];

/** A span of the document's text that belongs to one page or one section. */
export interface Block {
  start: number;
  end: number;
  page: number | null;
  section: string | null;
}

export interface ParsedDocument {
  format: DocumentFormat;
  text: string;
  blocks: Block[];
  pageCount: number | null;
}

/** A file that cannot be imported; the message says why and what to do. */
export class DocumentError extends Error {
  constructor(readonly file: string, reason: string) {
    super(reason);
    this.name = 'DocumentError';
  }
}

const EXTENSIONS: Readonly<Record<string, DocumentFormat>> = DOCUMENT_EXTENSIONS;

/** The format a file name says, or null for a file Lathe does not read. */
export function formatOf(file: string): DocumentFormat | null {
  return EXTENSIONS[path.extname(file).toLowerCase()] ?? null;
}

export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS);

/**
 * The largest document an import reads: 256 MiB. A document is read whole and its text held as one string, and
 * Node reads no file over 2 GiB at once (a bare RangeError that stopped the whole import) nor V8 makes a string over
 * about 512 Mi characters; a file this large is a corpus or an archive, better split into documents anyway.
 */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** Why a file of `bytes` is not read (over `max`), or null. */
export function tooLargeReason(bytes: number, max = MAX_DOCUMENT_BYTES): string | null {
  if (bytes <= max) return null;
  return `too large to import: ${humanBytes(bytes)} (${bytes} bytes), over the ${humanBytes(max)} a document may have; split it into smaller files`;
}

export async function parseDocument(file: string, bytes: Uint8Array = fs.readFileSync(file)): Promise<ParsedDocument> {
  const format = formatOf(file);
  if (!format) throw new DocumentError(file, `not a document Lathe reads (${SUPPORTED_EXTENSIONS.join(', ')})`);
  switch (format) {
    case 'txt': {
      const text = normaliseNewlines(decodeText(file, bytes));
      return { format, text, blocks: [{ start: 0, end: text.length, page: null, section: null }], pageCount: null };
    }
    case 'md':
      return { format, ...markdownBlocks(normaliseNewlines(decodeText(file, bytes))), pageCount: null };
    case 'html':
      return { format, ...markdownBlocks(htmlToText(decodeText(file, bytes))), pageCount: null };
    case 'docx':
      return { format, ...markdownBlocks(htmlToText(await docxToHtml(file, bytes))), pageCount: null };
    case 'pdf':
      return { format, ...(await pdfPages(file, bytes)) };
  }
}

/** UTF-8 (BOM optional) or UTF-16 with a BOM; NUL bytes mean a binary file. */
export function decodeText(file: string, bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) throw new DocumentError(file, 'a binary file (it holds NUL bytes), not text; give .txt, .md, .html, .pdf or .docx documents');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DocumentError(file, `unreadable encoding: not valid UTF-8 (byte ${firstInvalidUtf8(bytes)}); save it as UTF-8 and add it again`);
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // The longest valid prefix, by bisection (a prefix may end inside a character, so allow 3 bytes of slack).
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      decoder.decode();
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

function normaliseNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}

/** Sections of Markdown by ATX headings (# …); the section name is the chain of headings above, joined by ' › '. */
export function markdownBlocks(text: string): { text: string; blocks: Block[] } {
  const blocks: Block[] = [];
  const chain: string[] = [];
  let start = 0;
  let section: string | null = null;
  const heading = /^(#{1,6})[ \t]+(.+?)[ \t#]*$/gm;
  for (let m = heading.exec(text); m; m = heading.exec(text)) {
    if (m.index > start && text.slice(start, m.index).trim()) blocks.push({ start, end: m.index, page: null, section });
    const level = m[1].length;
    chain.splice(level - 1, chain.length, m[2].trim());
    section = chain.filter(Boolean).join(' › ');
    start = m.index;
  }
  if (text.slice(start).trim()) blocks.push({ start, end: text.length, page: null, section });
  return { text, blocks };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', copy: '©' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[e.toLowerCase()] ?? whole;
  });
}

/**
 * The readable text of an HTML page with its headings kept as Markdown headings (so sections work as in .md):
 * scripts, styles and comments dropped, block elements on their own lines, entities decoded.
 */
export function htmlToText(html: string): string {
  let s = normaliseNewlines(html);
  s = s.replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style|noscript|template|head)\b[\s\S]*?<\/\1\s*>/gi, '');
  s = s.replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi, (_, level: string, inner: string) => `\n\n${'#'.repeat(Number(level))} ${inner.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim()}\n\n`);
  s = s.replace(/<br\s*\/?>/gi, '\n');
  s = s.replace(/<\/?(p|div|section|article|header|footer|main|nav|aside|li|ul|ol|tr|table|blockquote|pre|figure|dl|dt|dd)\b[^>]*>/gi, '\n\n');
  s = s.replace(/<\/(td|th)\s*>/gi, '\t');
  s = s.replace(/<[^>]*>/g, '');
  s = decodeEntities(s);
  s = s.replace(/[ \t\f\v]+/g, (m) => (m.includes('\t') ? '\t' : ' ')).replace(/ *\n */g, '\n').replace(/\n{3,}/g, '\n\n');
  return s.trim();
}

async function docxToHtml(file: string, bytes: Uint8Array): Promise<string> {
  const mammoth = (await import('mammoth')).default;
  try {
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
    return result.value;
  } catch (err) {
    throw new DocumentError(file, `not a readable .docx file (${(err as Error).message.split('\n')[0]}); open and save it again in a word processor`);
  }
}

interface PdfTextItem { str?: string; hasEOL?: boolean }

/** One block per page; a PDF with no text at all was scanned (or holds only drawings) and needs OCR first. */
async function pdfPages(file: string, bytes: Uint8Array): Promise<{ text: string; blocks: Block[]; pageCount: number }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc: Awaited<ReturnType<typeof pdfjs.getDocument>['promise']>;
  try {
    doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0, isEvalSupported: false, useSystemFonts: false, stopAtErrors: false }).promise;
  } catch (err) {
    if ((err as Error | null)?.name === 'PasswordException') throw new DocumentError(file, 'an encrypted PDF (it needs a password); save an unprotected copy and add that');
    throw new DocumentError(file, unreadablePdf(bytes, err));
  }
  try {
    const parts: string[] = [];
    const blocks: Block[] = [];
    let offset = 0;
    for (let p = 1; p <= doc.numPages; p++) {
      let text: string;
      try {
        const page = await doc.getPage(p);
        const content = await page.getTextContent();
        text = (content.items as PdfTextItem[]).map((it) => (it.str ?? '') + (it.hasEOL ? '\n' : '')).join('').replace(/[ \t]+\n/g, '\n').trim();
        page.cleanup();
      } catch (err) {
        // a page pdf.js cannot read (a page tree pointing at something else) threw its own error, which ended the whole import
        throw new DocumentError(file, unreadablePdf(bytes, err, `on page ${p} of ${doc.numPages}`));
      }
      if (p > 1) offset += 2; // the '\n\n' between pages
      if (text) blocks.push({ start: offset, end: offset + text.length, page: p, section: null });
      parts.push(text);
      offset += text.length;
    }
    if (!blocks.length) throw new DocumentError(file, `a PDF with no text layer (${doc.numPages} page${doc.numPages === 1 ? '' : 's'}, probably scanned images); run OCR on it first`);
    return { text: parts.join('\n\n'), blocks, pageCount: doc.numPages };
  } finally {
    await doc.destroy();
  }
}

/** What to do with a PDF that cannot be read. */
const RESAVE = 're-save or export it as PDF or text and import it again';
const FETCH_AGAIN = `copy or download it again, or ${RESAVE}`;

/**
 * Why pdf.js could not read a .pdf file, as one sentence a person can act on: not a PDF at all (a web page or an image
 * under a .pdf name), cut short (no %%EOF in its last KiB, where every complete PDF ends), or damaged; pdf.js's own
 * words (their first line, shortened) only as the cause, after `where` ('on page 2 of 3').
 */
export function unreadablePdf(bytes: Uint8Array, err: unknown, where?: string): string {
  if (bytes.length === 0) return `not a readable PDF: the file is empty (0 bytes); ${FETCH_AGAIN}`;
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (!head.includes('%PDF-')) {
    const [what, todo] = contentKind(bytes);
    return `not a readable PDF: it holds ${what}, not a PDF; ${todo}`;
  }
  const said = String((err as Error | null)?.message ?? err).split('\n')[0].trim().replace(/\.$/, '');
  const cause = `pdf.js: ${said.length > 120 ? `${said.slice(0, 119)}…` : said}`;
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 1024))).toString('latin1');
  if (!tail.includes('%%EOF')) return `not a readable PDF (truncated: it stops after ${humanBytes(bytes.length)}, without the %%EOF marker a whole PDF ends with; ${where ? `${where}, ` : ''}${cause}); ${FETCH_AGAIN}`;
  return `not a readable PDF (damaged${where ? ` ${where}` : ''}; ${cause}); ${RESAVE}`;
}

/** What a file that is not a PDF holds, from its first bytes (the common things saved under a .pdf name), and what to do. */
function contentKind(bytes: Uint8Array): [what: string, todo: string] {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  // leading bytes (a string) or a pattern
  const kinds: [string | RegExp, string, string?][] = [
    [/^\s*(<!doctype html|<html|<head|<body)/i, 'a web page (HTML)', `a download can save a sign-in or error page instead; ${FETCH_AGAIN}`],
    ['PK\x03\x04', 'a zip archive', `a Word document is one: name it .docx; otherwise ${RESAVE}`],
    ['\x89PNG', 'a PNG image'],
    ['\xff\xd8\xff', 'a JPEG image'],
    ['GIF8', 'a GIF image'],
    ['{\\rtf', 'an RTF document'],
    ['\xd0\xcf\x11\xe0', 'an old Office document (.doc, .xls or .ppt)'],
  ];
  const [, what, todo] = kinds.find(([sign]) => (typeof sign === 'string' ? head.startsWith(sign) : sign.test(head))) ?? [null, bytes.subarray(0, 8192).includes(0) ? 'binary data' : 'text'];
  return [what, todo ?? RESAVE];
}
