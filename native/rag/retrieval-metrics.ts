// Retrieval quality over queries whose relevant document is known: recall@k (the share of queries whose relevant
// document is among the first k), MRR (the mean of 1 / rank of the relevant document, 0 when it is not retrieved)
// and nDCG@k with binary relevance (one relevant document: 1 / log2(rank + 1) when rank ≤ k, else 0).

export interface RetrievalScores {
  queries: number;
  recall: Record<number, number>;
  mrr: number;
  ndcg10: number;
}

/**
 * Scores from, per query, the ranked documents retrieved and the relevant ones. A document retrieved twice (two of
 * its chunks) counts at its first rank; relevant documents beyond the first each add to nDCG's ideal gain.
 */
export function retrievalScores(ranked: readonly (readonly string[])[], relevant: readonly (readonly string[])[], ks: readonly number[] = [1, 5, 10]): RetrievalScores {
  if (ranked.length !== relevant.length) throw new Error(`retrievalScores: ${ranked.length} rankings for ${relevant.length} queries`);
  const n = ranked.length;
  const recall: Record<number, number> = Object.fromEntries(ks.map((k) => [k, 0]));
  let mrr = 0;
  let ndcg = 0;
  ranked.forEach((list, q) => {
    const docs = [...new Set(list)];
    const rel = new Set(relevant[q]);
    const ranks = docs.map((d, i) => (rel.has(d) ? i + 1 : 0)).filter((r) => r > 0);
    const first = ranks[0] ?? Infinity;
    for (const k of ks) if (first <= k) recall[k] += 1;
    if (Number.isFinite(first)) mrr += 1 / first;
    const dcg = ranks.filter((r) => r <= 10).reduce((s, r) => s + 1 / Math.log2(r + 1), 0);
    const ideal = Array.from({ length: Math.min(rel.size, 10) }, (_, i) => 1 / Math.log2(i + 2)).reduce((a, b) => a + b, 0);
    ndcg += ideal ? dcg / ideal : 0;
  });
  for (const k of ks) recall[k] = n ? recall[k] / n : 0;
  return { queries: n, recall, mrr: n ? mrr / n : 0, ndcg10: n ? ndcg / n : 0 };
}
