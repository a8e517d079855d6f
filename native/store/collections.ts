// Document collections for retrieval: collections, their documents, the documents' chunks and the chunks'
// vectors (float32 little-endian BLOBs, one row per chunk). A document arrives with all its chunks (and vectors,
// when the collection has an embedding model) in one transaction, so a crash mid-import leaves nothing half-added.
import type Database from 'better-sqlite3';
import { StudioError } from '../api/errors.ts';
import { Collection, RagDocument, type Chunk, type CollectionInput } from '../api/rag.ts';
import { findByIdOrName, type Lookup } from './find.ts';
import { newId, nowIso } from './ids.ts';
import { noteInUse } from './in-use.ts';

const COLLECTION: Lookup = { noun: 'collection', idPrefix: 'col', advice: "create one with 'lathe docs create NAME' or 'lathe docs add NAME PATH…'" };
const DOCUMENT: Lookup = { noun: 'document', idPrefix: 'doc', advice: "list them with 'lathe docs list COLLECTION'" };

interface CollectionRow {
  id: string; project_id: string | null; name: string; tokenizer_model: string | null; embed_model: string | null;
  embed_model_id: string | null; embed_dim: number | null; chunk_tokens: number; overlap_tokens: number; created_at: string;
}
interface DocumentRow {
  id: string; collection_id: string; name: string; source_path: string; format: string; content_hash: string;
  char_count: number; page_count: number | null; created_at: string;
}
interface ChunkRow {
  id: number; document_id: string; seq: number; text: string; page: number | null; section: string | null;
  char_start: number; char_end: number; token_count: number;
}

/** A chunk before it has an id: what the chunker produces. */
export type NewChunk = Omit<Chunk, 'id' | 'documentId'>;
/** A document with its chunks (and one vector per chunk where the collection embeds) to add in one go. */
export interface NewDocument {
  name: string;
  sourcePath: string;
  format: RagDocument['format'];
  contentHash: string;
  charCount: number;
  pageCount: number | null;
  chunks: NewChunk[];
  vectors: Float32Array[] | null;
}

export function toChunk(r: ChunkRow): Chunk {
  return { id: r.id, documentId: r.document_id, seq: r.seq, text: r.text, page: r.page, section: r.section, charStart: r.char_start, charEnd: r.char_end, tokenCount: r.token_count };
}

export class CollectionTable {
  constructor(
    private readonly db: Database.Database,
    /** The data directory the store is in: whose in-use markers `find` adds to. */
    private readonly dataDir: string,
  ) {}

  private toCollection(r: CollectionRow): Collection {
    const count = (table: string) => (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE collection_id = ?`).get(r.id) as { n: number }).n;
    return Collection.parse({
      id: r.id, projectId: r.project_id, name: r.name, tokenizerModel: r.tokenizer_model, embedModel: r.embed_model, embedModelId: r.embed_model_id, embedDim: r.embed_dim,
      chunkTokens: r.chunk_tokens, overlapTokens: r.overlap_tokens, documentCount: count('documents'), chunkCount: count('chunks'), createdAt: r.created_at,
    });
  }

  private toDocument(r: DocumentRow): RagDocument {
    const chunkCount = (this.db.prepare('SELECT COUNT(*) AS n FROM chunks WHERE document_id = ?').get(r.id) as { n: number }).n;
    return RagDocument.parse({
      id: r.id, collectionId: r.collection_id, name: r.name, sourcePath: r.source_path, format: r.format, contentHash: r.content_hash,
      charCount: r.char_count, pageCount: r.page_count, chunkCount, createdAt: r.created_at,
    });
  }

  /** Create a collection; refused if the name is taken. `embedDim` is known once the embedding model is loaded. */
  create(input: CollectionFields, embedDim: number | null): Collection {
    const id = newId('col');
    this.db
      .transaction(() => {
        if (this.db.prepare('SELECT 1 FROM collections WHERE name = ?').get(input.name)) {
          throw new StudioError('conflict', `a collection named '${input.name}' already exists; choose another name`, { field: 'name' });
        }
        this.db
          .prepare(`INSERT INTO collections (id, project_id, name, tokenizer_model, embed_model, embed_model_id, embed_dim, chunk_tokens, overlap_tokens, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(id, input.projectId, input.name, input.tokenizerModel, input.embedModel, input.embedModelId ?? null, embedDim, input.chunkTokens, input.overlapTokens, nowIso());
      })
      .immediate();
    return this.opened(this.get(id)!);
  }

  get(id: string): Collection | undefined {
    const row = this.db.prepare('SELECT * FROM collections WHERE id = ?').get(id) as CollectionRow | undefined;
    return row && this.toCollection(row);
  }

  list(projectId?: string | null): Collection[] {
    const rows =
      projectId === undefined
        ? this.db.prepare('SELECT * FROM collections ORDER BY created_at, rowid').all()
        : projectId === null
          ? this.db.prepare('SELECT * FROM collections WHERE project_id IS NULL ORDER BY created_at, rowid').all()
          : this.db.prepare('SELECT * FROM collections WHERE project_id = ? ORDER BY created_at, rowid').all(projectId);
    return (rows as CollectionRow[]).map((r) => this.toCollection(r));
  }

  /** The collection a person named by id or name, marked in use by the foreground command that asks (store/in-use.ts). */
  find(idOrName: string, field = 'collection'): Collection {
    return this.opened(findByIdOrName(this.get(idOrName), () => this.list(), idOrName, COLLECTION, field));
  }

  /**
   * `collection`, made or found for work on it: named in the in-use marker of the foreground command this process runs,
   * with the embedding model its searches and imports load (nothing in a studio: store/in-use.ts).
   */
  private opened(collection: Collection): Collection {
    noteInUse(this.dataDir, { collections: [collection.id], models: collection.embedModelId ? [collection.embedModelId] : [] });
    return collection;
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM collections WHERE id = ?').run(id).changes > 0;
  }

  documents(collectionId: string): RagDocument[] {
    const rows = this.db.prepare('SELECT * FROM documents WHERE collection_id = ? ORDER BY created_at, rowid').all(collectionId) as DocumentRow[];
    return rows.map((r) => this.toDocument(r));
  }

  /** A document of the collection by id or name (its file name). */
  findDocument(collectionId: string, idOrName: string, field = 'document'): RagDocument {
    const byId = this.db.prepare('SELECT * FROM documents WHERE id = ? AND collection_id = ?').get(idOrName, collectionId) as DocumentRow | undefined;
    return findByIdOrName(byId && this.toDocument(byId), () => this.documents(collectionId), idOrName, DOCUMENT, field);
  }

  /**
   * Add documents with all their chunks and vectors in one transaction: an import either lands whole or, if the
   * process dies before the commit, not at all.
   */
  addDocuments(collectionId: string, docs: readonly NewDocument[]): RagDocument[] {
    const ids = this.db.transaction(() => docs.map((d) => this.insertDocument(collectionId, d))).immediate();
    return ids.map((id) => this.toDocument(this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as DocumentRow));
  }

  private insertDocument(collectionId: string, doc: NewDocument): string {
    if (doc.vectors && doc.vectors.length !== doc.chunks.length) throw new Error(`${doc.sourcePath}: ${doc.vectors.length} vectors for ${doc.chunks.length} chunks`);
    const id = newId('doc');
    this.db
      .prepare(`INSERT INTO documents (id, collection_id, name, source_path, format, content_hash, char_count, page_count, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(id, collectionId, doc.name, doc.sourcePath, doc.format, doc.contentHash, doc.charCount, doc.pageCount, nowIso());
    const insertChunk = this.db.prepare(`INSERT INTO chunks (document_id, collection_id, seq, text, page, section, char_start, char_end, token_count)
                                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertVector = this.db.prepare('INSERT INTO chunk_vectors (chunk_id, collection_id, vector) VALUES (?, ?, ?)');
    doc.chunks.forEach((c, i) => {
      const chunkId = insertChunk.run(id, collectionId, c.seq, c.text, c.page, c.section, c.charStart, c.charEnd, c.tokenCount).lastInsertRowid;
      const v = doc.vectors?.[i];
      if (v) insertVector.run(chunkId, collectionId, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    });
    return id;
  }

  /** Remove a document; its chunks and vectors go with it (ON DELETE CASCADE). */
  removeDocument(documentId: string): boolean {
    return this.db.prepare('DELETE FROM documents WHERE id = ?').run(documentId).changes > 0;
  }

  /** Whether the collection already holds a document with this content hash (the same file added twice). */
  hasContent(collectionId: string, contentHash: string): RagDocument | undefined {
    const row = this.db.prepare('SELECT * FROM documents WHERE collection_id = ? AND content_hash = ?').get(collectionId, contentHash) as DocumentRow | undefined;
    return row && this.toDocument(row);
  }

  /** A cheap fingerprint of the collection's chunks: any add raises maxId (ids are never reused), any remove lowers count. */
  chunkSignature(collectionId: string): string {
    const r = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS top FROM chunks WHERE collection_id = ?').get(collectionId) as { n: number; top: number };
    return `${r.n}:${r.top}`;
  }

  /** The ids of the collection's chunks (or of one document's), in id order. */
  chunkIds(collectionId: string, documentId?: string): number[] {
    const rows = documentId
      ? this.db.prepare('SELECT id FROM chunks WHERE collection_id = ? AND document_id = ? ORDER BY id').all(collectionId, documentId)
      : this.db.prepare('SELECT id FROM chunks WHERE collection_id = ? ORDER BY id').all(collectionId);
    return (rows as { id: number }[]).map((r) => r.id);
  }

  /** These chunks with their documents' source paths, in the order given (ids that do not exist are left out). */
  chunksByIds(ids: readonly number[]): (Chunk & { source: string })[] {
    const get = this.db.prepare('SELECT c.*, d.source_path AS source FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ?');
    const out: (Chunk & { source: string })[] = [];
    for (const id of ids) {
      const r = get.get(id) as (ChunkRow & { source: string }) | undefined;
      if (r) out.push({ ...toChunk(r), source: r.source });
    }
    return out;
  }

  /** Every chunk of the collection in id order, with its document's source path. */
  chunks(collectionId: string): (Chunk & { source: string })[] {
    const rows = this.db
      .prepare(`SELECT c.*, d.source_path AS source FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.collection_id = ? ORDER BY c.id`)
      .all(collectionId) as (ChunkRow & { source: string })[];
    return rows.map((r) => ({ ...toChunk(r), source: r.source }));
  }

  /** The vectors of these chunks (those that have one), in the order given. */
  vectorsOf(chunkIds: readonly number[], dim: number): { ids: number[]; vectors: Float32Array[] } {
    const get = this.db.prepare('SELECT vector FROM chunk_vectors WHERE chunk_id = ?');
    const ids: number[] = [];
    const vectors: Float32Array[] = [];
    for (const id of chunkIds) {
      const row = get.get(id) as { vector: Buffer } | undefined;
      if (!row) continue;
      vectors.push(toVector(row.vector, dim, id));
      ids.push(id);
    }
    return { ids, vectors };
  }

  /** The collection's vectors in chunk-id order as one (N, D) row-major matrix, with the chunk id of each row. */
  vectors(collectionId: string, dim: number): { ids: number[]; matrix: Float32Array } {
    const rows = this.db.prepare('SELECT chunk_id, vector FROM chunk_vectors WHERE collection_id = ? ORDER BY chunk_id').all(collectionId) as { chunk_id: number; vector: Buffer }[];
    const matrix = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => {
      matrix.set(toVector(r.vector, dim, r.chunk_id), i * dim);
    });
    return { ids: rows.map((r) => r.chunk_id), matrix };
  }
}

type CollectionFields = Required<Omit<CollectionInput, 'projectId' | 'tokenizerModel' | 'embedModel'>> & {
  projectId: string | null; tokenizerModel: string | null; embedModel: string | null;
  /** The store model embedModel is the folder of, when it was given by id or name (or its folder). */
  embedModelId?: string | null;
};

function toVector(blob: Buffer, dim: number, chunkId: number): Float32Array {
  if (blob.byteLength !== dim * 4) throw new Error(`chunk ${chunkId}: its vector has ${blob.byteLength / 4} values, the collection's model gives ${dim}`);
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}
