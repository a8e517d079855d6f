// Retrieval evaluation over a collection: queries whose relevant document is known (by its file name), searched in
// each mode, ranked by document (a document's first chunk counts), scored by recall@k, MRR and nDCG@10.
import path from 'node:path';
import type { SearchMode } from '../api/rag.ts';
import { retrievalScores, type RetrievalScores } from './retrieval-metrics.ts';
import type { CollectionIndex } from './search.ts';

export interface RetrievalQuery {
  query: string;
  /** File names (as imported) of the documents that answer it. */
  relevant: string[];
}

/** How many chunks each query retrieves before ranking documents (here and in eval/retrieval-run.ts). */
export const RETRIEVAL_DEPTH = 100;

export async function evaluateRetrieval(index: CollectionIndex, queries: readonly RetrievalQuery[], modes: readonly SearchMode[]): Promise<Record<string, RetrievalScores & { msPerQuery: number }>> {
  const out: Record<string, RetrievalScores & { msPerQuery: number }> = {};
  for (const mode of modes) {
    const t0 = performance.now();
    const ranked: string[][] = [];
    for (const q of queries) ranked.push((await index.search(q.query, mode, RETRIEVAL_DEPTH)).map((h) => path.basename(h.source)));
    out[mode] = { ...retrievalScores(ranked, queries.map((q) => q.relevant)), msPerQuery: (performance.now() - t0) / Math.max(1, queries.length) };
  }
  return out;
}
