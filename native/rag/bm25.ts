// Okapi BM25 over a collection's chunks (Robertson & Zaragoza, "The Probabilistic Relevance Framework", 2009):
//
//   score(D, Q) = Σ_{q ∈ Q} IDF(q) · f(q, D) · (k1 + 1) / (f(q, D) + k1 · (1 − b + b · |D| / avgdl))
//   IDF(q)      = ln(1 + (N − n(q) + 0.5) / (n(q) + 0.5))
//
// with k1 = 1.2, b = 0.75; the IDF is Lucene's (never negative, so a term in most chunks still counts a little).
// Terms: lower-cased runs of letters and digits (Unicode). An inverted index makes a query cost its postings only.

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

export function bm25Terms(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export class Bm25Index {
  private readonly postings = new Map<string, { doc: number; tf: number }[]>();
  private readonly lengths: number[] = [];
  private totalLength = 0;

  constructor(readonly k1 = BM25_K1, readonly b = BM25_B) {}

  /** Add a document; returns its index (documents are numbered in the order they are added). */
  add(text: string): number {
    const doc = this.lengths.length;
    const terms = bm25Terms(text);
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, n] of tf) {
      let list = this.postings.get(t);
      if (!list) this.postings.set(t, (list = []));
      list.push({ doc, tf: n });
    }
    this.lengths.push(terms.length);
    this.totalLength += terms.length;
    return doc;
  }

  get size(): number {
    return this.lengths.length;
  }

  idf(term: string): number {
    const n = this.postings.get(term)?.length ?? 0;
    const N = this.lengths.length;
    return Math.log(1 + (N - n + 0.5) / (n + 0.5));
  }

  /** Scores of every document that shares a term with the query (a repeated query term counts again). */
  scores(query: string): Map<number, number> {
    const out = new Map<number, number>();
    const N = this.lengths.length;
    if (!N) return out;
    const avgdl = this.totalLength / N || 1;
    for (const term of bm25Terms(query)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (const { doc, tf } of list) {
        const norm = tf + this.k1 * (1 - this.b + (this.b * this.lengths[doc]) / avgdl);
        out.set(doc, (out.get(doc) ?? 0) + (idf * tf * (this.k1 + 1)) / norm);
      }
    }
    return out;
  }

  /** The `k` best documents, best first (ties: the earlier document first). */
  search(query: string, k: number): { doc: number; score: number }[] {
    return [...this.scores(query)].map(([doc, score]) => ({ doc, score })).sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, k);
  }
}

/**
 * Reciprocal-rank fusion (Cormack, Clarke & Büttcher 2009): each list adds 1 / (k + rank) for the items it ranks
 * (rank from 1), k = 60. Returns items with their fused score, best first.
 */
export function reciprocalRankFusion<T>(lists: readonly (readonly T[])[], k = 60): { item: T; score: number }[] {
  const scores = new Map<T, number>();
  for (const list of lists) list.forEach((item, i) => scores.set(item, (scores.get(item) ?? 0) + 1 / (k + i + 1)));
  return [...scores].map(([item, score]) => ({ item, score })).sort((a, b) => b.score - a.score);
}
