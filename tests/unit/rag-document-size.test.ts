// A document over the size an import reads (rag/parse.ts' MAX_DOCUMENT_BYTES, 256 MiB) is skipped before any file is
// read, its size and what to do named, and the rest import: a file over 2 GiB stopped the whole import with Node's
// bare RangeError from readFileSync ('File size … is greater than 2 GiB'), and one a little smaller made a string
// V8 cannot hold. The large files here are sparse (truncate), so they take no disk.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addDocuments, createCollection, expandPaths } from '../../native/rag/collection.ts';
import { MAX_DOCUMENT_BYTES } from '../../native/rag/parse.ts';
import { openStore } from '../../native/store/db.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-doc-size-'));
  dirs.push(d);
  return d;
}

const GIB = 1024 ** 3;

describe('a document over the size an import reads', () => {
  it('is skipped with its size, and the other documents import', async () => {
    const dir = tempDir();
    const docs = path.join(dir, 'docs');
    fs.mkdirSync(docs);
    const big = path.join(docs, 'corpus.txt');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 3 * GIB); // sparse
    fs.writeFileSync(path.join(docs, 'notes.md'), '# Notes\n\nThe boat sails at noon.\n');
    const store = openStore(path.join(dir, 'data'));
    try {
      createCollection(store, { name: 'c' });
      const r = await addDocuments(store, 'c', [docs]);
      expect(r.imported.map((d) => d.name)).toEqual(['notes.md']);
      expect(r.skipped).toEqual([{ path: big, reason: `too large to import: 3.0 GB (${3 * GIB} bytes), over the 256 MB a document may have; split it into smaller files` }]);
    } finally {
      store.close();
    }
  });

  it('is measured against the limit, the limit itself allowed', () => {
    const dir = tempDir();
    const at = path.join(dir, 'at.txt');
    const over = path.join(dir, 'over.pdf');
    fs.writeFileSync(at, '');
    fs.truncateSync(at, MAX_DOCUMENT_BYTES);
    fs.writeFileSync(over, '');
    fs.truncateSync(over, MAX_DOCUMENT_BYTES + 1);
    const r = expandPaths([at, over]);
    expect(r.files).toEqual([at]);
    expect(r.skipped).toEqual([{ path: over, reason: `too large to import: 256 MB (${MAX_DOCUMENT_BYTES + 1} bytes), over the 256 MB a document may have; split it into smaller files` }]);
    expect(expandPaths([at], 1000).skipped[0].reason).toBe(`too large to import: 256 MB (${MAX_DOCUMENT_BYTES} bytes), over the 1000 B a document may have; split it into smaller files`);
  });
});
