// Retrieval quality over queries whose relevant document is known: recall@k (the share of queries whose relevant
// document is among the first k), MRR (the mean of 1 / rank of the relevant document, 0 when it is not retrieved)
// and nDCG@k with binary relevance (one relevant document: 1 / log2(rank + 1) when rank ≤ k, else 0).

export interface RetrievalScores {
  queries: number;
  recall: Record<number, number>;
  mrr: number;
  ndcg10: number;
}

/** One query's scores: recall@k as 0 or 1 per k, its reciprocal rank, its nDCG@10. */
export interface QueryScores {
  recall: Record<number, number>;
  reciprocalRank: number;
  ndcg10: number;
  /** Rank of the first relevant document (1-based), null when none was retrieved. */
  firstRank: number | null;
}

/**
 * One query's scores from the documents retrieved, in rank order, and the relevant ones. A document retrieved
 * twice (two of its chunks) counts at its first rank; relevant documents beyond the first each add to nDCG's ideal
 * gain.
 */
export function queryScores(ranked: readonly string[], relevant: readonly string[], ks: readonly number[] = [1, 5, 10]): QueryScores {
  const docs = [...new Set(ranked)];
  const rel = new Set(relevant);
  const ranks = docs.map((d, i) => (rel.has(d) ? i + 1 : 0)).filter((r) => r > 0);
  const first = ranks[0] ?? null;
  const recall: Record<number, number> = Object.fromEntries(ks.map((k) => [k, first !== null && first <= k ? 1 : 0]));
  const dcg = ranks.filter((r) => r <= 10).reduce((s, r) => s + 1 / Math.log2(r + 1), 0);
  const ideal = Array.from({ length: Math.min(rel.size, 10) }, (_, i) => 1 / Math.log2(i + 2)).reduce((a, b) => a + b, 0);
  return { recall, reciprocalRank: first === null ? 0 : 1 / first, ndcg10: ideal ? dcg / ideal : 0, firstRank: first };
}

/** The means of queryScores over queries: per query, the ranked documents retrieved and the relevant ones. */
export function retrievalScores(ranked: readonly (readonly string[])[], relevant: readonly (readonly string[])[], ks: readonly number[] = [1, 5, 10]): RetrievalScores {
  if (ranked.length !== relevant.length) throw new Error(`retrievalScores: ${ranked.length} rankings for ${relevant.length} queries`);
  const n = ranked.length;
  const recall: Record<number, number> = Object.fromEntries(ks.map((k) => [k, 0]));
  let mrr = 0;
  let ndcg = 0;
  ranked.forEach((list, q) => {
    const s = queryScores(list, relevant[q], ks);
    for (const k of ks) recall[k] += s.recall[k];
    mrr += s.reciprocalRank;
    ndcg += s.ndcg10;
  });
  for (const k of ks) recall[k] = n ? recall[k] / n : 0;
  return { queries: n, recall, mrr: n ? mrr / n : 0, ndcg10: n ? ndcg / n : 0 };
}
