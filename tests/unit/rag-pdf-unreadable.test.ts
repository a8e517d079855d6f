// A .pdf that cannot be read is refused with one sentence that says what is wrong with it and what to do: cut short
// (an interrupted download or copy), not a PDF at all (a web page or an image under a .pdf name), or damaged, with
// pdf.js's own words only as a short cause. The reason said "not a readable PDF (Invalid PDF structure.); the file
// may be damaged" for all of them, and a page pdf.js could not read threw its own error, which ended the whole import.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addDocuments, createCollection } from '../../native/rag/collection.ts';
import { DocumentError, parseDocument } from '../../native/rag/parse.ts';
import { openStore } from '../../native/store/db.ts';
import { badPageTreePdf, textPdf, truncatedPdf } from '../fixtures/documents.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-rag-pdf-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function reason(name: string, bytes: Buffer): Promise<string> {
  const err = await parseDocument(path.join(root, name), new Uint8Array(bytes)).then(() => null, (e: unknown) => e);
  expect(err, name).toBeInstanceOf(DocumentError);
  const message = (err as Error).message;
  expect(message, `${name}: one short line`).not.toMatch(/\n/);
  expect(message.length, name).toBeLessThan(260);
  return message;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

describe('an unreadable .pdf', () => {
  it('cut short: says it is truncated and to fetch or re-save it', async () => {
    const said = await reason('tides.pdf', truncatedPdf());
    expect(said).toMatch(/^not a readable PDF \(truncated: it stops after \d+ B, without the %%EOF marker a whole PDF ends with; pdf\.js: Invalid PDF structure\); copy or download it again, or re-save or export it as PDF or text and import it again$/);
  });

  it('not a PDF at all: says what it holds instead', async () => {
    expect(await reason('login.pdf', Buffer.from('<!DOCTYPE html>\n<html><body><form>Sign in</form></body></html>\n'))).toBe(
      'not a readable PDF: it holds a web page (HTML), not a PDF; a download can save a sign-in or error page instead; copy or download it again, or re-save or export it as PDF or text and import it again',
    );
    expect(await reason('photo.pdf', PNG)).toBe('not a readable PDF: it holds a PNG image, not a PDF; re-save or export it as PDF or text and import it again');
    expect(await reason('notes.pdf', Buffer.from('Meeting notes, not a PDF.\n'))).toMatch(/^not a readable PDF: it holds text, not a PDF; re-save/);
    expect(await reason('letter.pdf', Buffer.from('PK\x03\x04 the rest of a zip', 'latin1'))).toMatch(/it holds a zip archive, not a PDF; a Word document is one: name it \.docx/);
    expect(await reason('empty.pdf', Buffer.alloc(0))).toMatch(/^not a readable PDF: the file is empty \(0 bytes\); copy or download it again/);
  });

  it('a page pdf.js cannot read: names the page, and is refused like any unreadable file', async () => {
    expect(await reason('pages.pdf', badPageTreePdf())).toMatch(/^not a readable PDF \(damaged on page 2 of 2; pdf\.js: [^;)]+\); re-save or export it as PDF or text and import it again$/);
  });

  it('an import reads the good files and lists each broken one, by name, with its reason', async () => {
    const docs = path.join(root, 'docs');
    fs.mkdirSync(docs, { recursive: true });
    fs.writeFileSync(path.join(docs, 'good.pdf'), textPdf([['The harbour opens at nine.']]));
    fs.writeFileSync(path.join(docs, 'tides.pdf'), truncatedPdf());
    fs.writeFileSync(path.join(docs, 'login.pdf'), '<html><body>Sign in</body></html>');
    fs.writeFileSync(path.join(docs, 'pages.pdf'), badPageTreePdf());
    const store = openStore(path.join(root, 'data'));
    try {
      createCollection(store, { name: 'c' });
      const result = await addDocuments(store, 'c', [docs]);
      expect(result.imported.map((d) => d.name)).toEqual(['good.pdf']);
      const skipped = Object.fromEntries(result.skipped.map((s) => [path.basename(s.path), s.reason]));
      expect(Object.keys(skipped).sort()).toEqual(['login.pdf', 'pages.pdf', 'tides.pdf']);
      expect(skipped['tides.pdf']).toMatch(/^not a readable PDF \(truncated/);
      expect(skipped['login.pdf']).toMatch(/^not a readable PDF: it holds a web page/);
      expect(skipped['pages.pdf']).toMatch(/^not a readable PDF \(damaged on page 2 of 2; pdf\.js: /);
    } finally {
      store.close();
    }
  });
});
