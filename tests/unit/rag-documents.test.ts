// Documents in-process: each format parsed into text with its pages/sections, each unreadable file refused with its
// reason; chunk sizes measured in the chosen model's tokenizer; an import that lands whole (one transaction) and
// refuses the same content twice; and the decoder fallback's vectors equal the OpenAI server's /v1/embeddings ones.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextGenerator } from '../../native/generate/pipeline.ts';
import { embedTokens } from '../../native/openai/embeddings.ts';
import { addDocuments, createCollection } from '../../native/rag/collection.ts';
import { loadEmbedder, tokenCounterFor } from '../../native/rag/embedder.ts';
import { searchCollection } from '../../native/rag/search.ts';
import { DocumentError, parseDocument } from '../../native/rag/parse.ts';
import { openStore } from '../../native/store/db.ts';
import { writeMixedFolder } from '../fixtures/documents.ts';
import { charTokenizer, CONFIGS, writeRandomCheckpoint } from '../fixtures/models/random-checkpoint.ts';
import { writeTinyBert } from '../fixtures/models/tiny-bert.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-rag-docs-'));
const docs = path.join(root, 'docs');
const bert = path.join(root, 'bert');
let mixed: ReturnType<typeof writeMixedFolder>;
beforeAll(async () => {
  mixed = writeMixedFolder(docs);
  await writeTinyBert(bert);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('parsing', () => {
  it('reads each format into text with its pages or sections', async () => {
    const pdf = await parseDocument(path.join(docs, 'report.pdf'));
    expect(pdf.pageCount).toBe(2);
    expect(pdf.blocks.map((b) => b.page)).toEqual([1, 2]);
    expect(pdf.text.slice(pdf.blocks[1].start, pdf.blocks[1].end)).toBe('Page two says the ferry runs hourly.');
    const md = await parseDocument(path.join(docs, 'guide.md'));
    expect(md.blocks.map((b) => b.section)).toEqual(['Boats', 'Boats › Engines']);
    const html = await parseDocument(path.join(docs, 'page.html'));
    expect(html.text).toBe("# Harbour\n\nThe harbour master's office opens at nine & closes at five.");
    const word = await parseDocument(path.join(docs, 'letter.docx'));
    expect(word.blocks[0].section).toBe('Letter');
    expect(word.text).toContain('the new crane arrives in May.');
  });

  it('refuses each unreadable file with its reason', async () => {
    for (const [name, reason] of Object.entries(mixed.bad)) {
      const err = await parseDocument(path.join(docs, name)).then(() => null, (e: unknown) => e);
      expect(err, name).toBeInstanceOf(DocumentError);
      expect((err as Error).message, name).toMatch(reason);
    }
  });
});

describe('importing into a collection', () => {
  it('measures chunks in the model tokenizer, lands whole, and refuses the same content twice', async () => {
    const dataDir = path.join(root, 'data');
    const store = openStore(dataDir);
    try {
      const col = createCollection(store, { name: 'c', tokenizerModel: bert, chunkTokens: 24, overlapTokens: 4 });
      expect(col.embedModel).toBeNull();
      const first = await addDocuments(store, 'c', [docs]);
      expect(first.imported.map((d) => d.name).sort()).toEqual([...mixed.good].sort());
      const count = tokenCounterFor(bert);
      const chunks = store.collections.chunks(col.id);
      expect(chunks.length).toBeGreaterThan(first.imported.length); // 24 tokens of letter pieces: several per document
      for (const c of chunks) {
        expect(c.tokenCount).toBe(count(c.text));
        expect(c.tokenCount).toBeLessThanOrEqual(24);
      }
      const again = await addDocuments(store, 'c', [path.join(docs, 'notes.txt')]);
      expect(again.imported).toEqual([]);
      expect(again.skipped[0].reason).toMatch(/same content is already in the collection/);
      // Cancelled before it writes: nothing lands.
      const controller = new AbortController();
      controller.abort();
      await expect(addDocuments(store, 'c', [docs], { signal: controller.signal })).rejects.toThrow(/cancelled; the collection is unchanged/);
      expect(store.collections.find('c').chunkCount).toBe(chunks.length);
    } finally {
      store.close();
    }
  });
});

describe('the decoder fallback', () => {
  it('gives the same unit vectors as the OpenAI server\'s /v1/embeddings', async () => {
    const dir = path.join(root, 'llama');
    await writeRandomCheckpoint(dir, 'llama3', 3);
    const { tokenizer, tokenizerConfig } = charTokenizer(CONFIGS.llama3.vocab_size as number);
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
    const embedder = await loadEmbedder(dir, { intraOpNumThreads: 1 });
    expect(embedder.kind).toMatch(/decoder/);
    const [v] = await embedder.embed(['a boat at sea']);
    await embedder.release();
    const generator = await TextGenerator.load(dir, { outputHiddenStates: true, intraOpNumThreads: 1 });
    const want = await embedTokens(generator, generator.tokenizer.encode('a boat at sea'), 'input');
    await generator.model.release();
    expect(v.length).toBe(CONFIGS.llama3.hidden_size);
    v.forEach((x, i) => expect(x).toBeCloseTo(want[i], 5));
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });
});

describe('creating a collection', () => {
  it('refuses chunks longer than the embedding model reads', () => {
    const store = openStore(path.join(root, 'data-small'));
    try {
      // The tiny BERT reads 128 positions: 126 tokens and [CLS] [SEP] fit, 127 do not.
      expect(createCollection(store, { name: 'fits', embedModel: bert, chunkTokens: 126, overlapTokens: 4 }).embedDim).toBe(16);
      expect(() => createCollection(store, { name: 'too-long', embedModel: bert, chunkTokens: 127, overlapTokens: 4 })).toThrow(/reads at most 128 tokens; choose a chunk size of at most 126/);
    } finally {
      store.close();
    }
  });

  it('names a collection whose embedding model went since, for an import and a dense search alike', async () => {
    const store = openStore(path.join(root, 'data-gone'));
    const gone = path.join(root, 'gone-bert');
    fs.cpSync(bert, gone, { recursive: true });
    try {
      createCollection(store, { name: 'orphaned', embedModel: gone, chunkTokens: 64, overlapTokens: 4 });
      fs.rmSync(gone, { recursive: true });
      const doc = path.join(root, 'note.md');
      fs.writeFileSync(doc, '# Ferry\nThe ferry runs at noon.\n');
      const said = `collection 'orphaned' embeds with the model at ${gone}, which is no longer there (deleted or moved)`;
      await expect(addDocuments(store, 'orphaned', [doc])).rejects.toThrow(said);
      await expect(searchCollection(store, 'orphaned', 'ferry', 'dense', 2)).rejects.toThrow(said);
    } finally {
      store.close();
    }
  });
});
