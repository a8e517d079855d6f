// Searching a collection: BM25 over the chunks' text, exact dense search over their vectors, or both fused by
// reciprocal rank. A CollectionIndex holds both indexes in memory and follows the store incrementally: chunks added
// since it was built are appended, removed ones dropped, and nothing already indexed is embedded again.
import type { SearchHit, SearchMode } from '../api/rag.ts';
import type { Chunk, Collection } from '../api/rag.ts';
import type { Store } from '../store/db.ts';
import { Bm25Index, reciprocalRankFusion } from './bm25.ts';
import { loadCollectionEmbedder, type Embedder } from './embedder.ts';
import { VectorIndex } from './vector-index.ts';

type IndexedChunk = Chunk & { source: string };

/** How many candidates each list contributes to the fusion, per result asked for (at least 50). */
const FUSION_DEPTH = 4;

export class CollectionIndex {
  private chunks = new Map<number, IndexedChunk>();
  private bm25 = new Bm25Index();
  private bm25Ids: number[] = [];
  private bm25Stale = true;
  private vectors: VectorIndex | null;
  /** Loading or loaded: concurrent first searches (the API server's requests) share one load. */
  private embedder: Promise<Embedder> | null = null;
  private signature = '';

  constructor(
    private readonly store: Store,
    readonly collection: Collection,
    private readonly threads?: number,
  ) {
    this.vectors = collection.embedDim ? new VectorIndex(collection.embedDim) : null;
  }

  /**
   * Bring the indexes level with the store: add chunks that are new, drop those whose document was removed. A
   * fingerprint (count and largest id) makes an unchanged collection cost one query; the first load reads all
   * vectors as one matrix.
   */
  refresh(): void {
    const signature = this.store.collections.chunkSignature(this.collection.id);
    if (signature === this.signature) return;
    this.signature = signature;
    if (this.chunks.size === 0) {
      for (const c of this.store.collections.chunks(this.collection.id)) this.chunks.set(c.id, c);
      if (this.vectors) {
        const { ids, matrix } = this.store.collections.vectors(this.collection.id, this.vectors.dim);
        this.vectors = new VectorIndex(this.vectors.dim, ids, matrix);
      }
      this.bm25Stale = true;
      return;
    }
    const ids = this.store.collections.chunkIds(this.collection.id);
    const live = new Set(ids);
    const removed = [...this.chunks.keys()].filter((id) => !live.has(id));
    const added = this.store.collections.chunksByIds(ids.filter((id) => !this.chunks.has(id)));
    for (const id of removed) this.chunks.delete(id);
    for (const c of added) this.chunks.set(c.id, c);
    // BM25's statistics (N, avgdl, document frequencies) change with any edit; its index is rebuilt on next use
    // from the texts in memory, which costs a tokenisation pass but no model.
    this.bm25Stale = true;
    if (this.vectors) {
      if (removed.length) this.vectors.remove(removed);
      if (added.length) {
        const fresh = this.store.collections.vectorsOf(added.map((c) => c.id), this.vectors.dim);
        this.vectors.add(fresh.ids, fresh.vectors);
      }
    }
  }

  get size(): number {
    return this.chunks.size;
  }

  private bm25Index(): Bm25Index {
    if (this.bm25Stale) {
      this.bm25 = new Bm25Index();
      this.bm25Ids = [...this.chunks.keys()].sort((a, b) => a - b);
      for (const id of this.bm25Ids) this.bm25.add(this.chunks.get(id)!.text);
      this.bm25Stale = false;
    }
    return this.bm25;
  }

  async queryEmbedder(): Promise<Embedder> {
    if (!this.collection.embedModel) throw new Error(`collection '${this.collection.name}' has no embedding model; search it with --mode bm25, or create a collection with --embed-model`);
    if (!this.embedder) {
      const loading = loadCollectionEmbedder({ name: this.collection.name, embedModel: this.collection.embedModel }, { intraOpNumThreads: this.threads });
      this.embedder = loading;
      // A failed load is tried again by the next search rather than remembered.
      loading.catch(() => { if (this.embedder === loading) this.embedder = null; });
    }
    return this.embedder;
  }

  bm25Search(query: string, k: number): { id: number; score: number }[] {
    return this.bm25Index().search(query, k).map((h) => ({ id: this.bm25Ids[h.doc], score: h.score }));
  }

  async denseSearch(query: string, k: number): Promise<{ id: number; score: number }[]> {
    if (!this.vectors) throw new Error(`collection '${this.collection.name}' has no embedding model, so no dense search; use --mode bm25`);
    const [q] = await (await this.queryEmbedder()).embed([query], 'query');
    const [hits] = await this.vectors.search([q], k, this.threads);
    return hits;
  }

  async search(query: string, mode: SearchMode, k: number): Promise<SearchHit[]> {
    this.refresh();
    let ranked: { id: number; score: number }[];
    if (mode === 'bm25') ranked = this.bm25Search(query, k);
    else if (mode === 'dense') ranked = await this.denseSearch(query, k);
    else {
      const depth = Math.max(50, k * FUSION_DEPTH);
      const lists = [this.bm25Search(query, depth).map((h) => h.id)];
      if (this.vectors) lists.push((await this.denseSearch(query, depth)).map((h) => h.id));
      ranked = reciprocalRankFusion(lists).slice(0, k).map((f) => ({ id: f.item, score: f.score }));
    }
    return ranked.map((h, i) => ({ ...this.chunks.get(h.id)!, score: h.score, rank: i + 1 }));
  }

  async release(): Promise<void> {
    const loading = this.embedder;
    this.embedder = null;
    // A load that failed has nothing to release; its error reached the search that asked.
    if (loading) await loading.then((e) => e.release(), () => undefined);
  }
}

/** Search a collection once (the CLI): build its index, search, release the model. */
export async function searchCollection(store: Store, collectionRef: string, query: string, mode: SearchMode, k: number, threads?: number): Promise<SearchHit[]> {
  const index = new CollectionIndex(store, store.collections.find(collectionRef), threads);
  try {
    return await index.search(query, mode, k);
  } finally {
    await index.release();
  }
}
