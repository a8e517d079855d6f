// Retrieval pieces on their own: BM25 against a line-by-line transcription of the Okapi formula (k1 1.2, b 0.75),
// reciprocal-rank fusion, exact vector search in ORT with incremental add/remove, the chunker's spans and sizes,
// and the RAG prompt's numbering and citations.
import { describe, expect, it } from 'vitest';
import { BM25_B, BM25_K1, Bm25Index, bm25Terms, reciprocalRankFusion } from '../../native/rag/bm25.ts';
import { chunkDocument, countWords } from '../../native/rag/chunk.ts';
import { markdownBlocks } from '../../native/rag/parse.ts';
import { VectorIndex } from '../../native/rag/vector-index.ts';
import { citedPassages, ragPrompt, NOT_IN_DOCUMENTS } from '../../native/rag/answer.ts';
import type { SearchHit } from '../../native/api/rag.ts';

const CORPUS = [
  'the cat sat on the mat',
  'the dog sat on the log and the dog slept',
  'cats and dogs are pets',
  'a mat for the cat, a log for the dog, the end',
  'nothing in common here at all',
];

/** Okapi BM25 written out from Robertson & Zaragoza (2009), eq. 3.12 with the Lucene IDF, no index. */
function okapi(docs: string[][], query: string[], k1: number, b: number): number[] {
  const N = docs.length;
  const avgdl = docs.reduce((s, d) => s + d.length, 0) / N;
  return docs.map((d) => {
    let score = 0;
    for (const q of query) {
      const n = docs.filter((x) => x.includes(q)).length;
      const idf = Math.log(1 + (N - n + 0.5) / (n + 0.5));
      const f = d.filter((t) => t === q).length;
      score += idf * ((f * (k1 + 1)) / (f + k1 * (1 - b + b * (d.length / avgdl))));
    }
    return score;
  });
}

describe('BM25', () => {
  const index = new Bm25Index();
  CORPUS.forEach((d) => index.add(d));
  const docs = CORPUS.map(bm25Terms);

  for (const query of ['cat', 'dog log', 'the cat and the dog', 'pets mat end', 'zebra']) {
    it(`scores '${query}' as the Okapi formula does (k1 ${BM25_K1}, b ${BM25_B})`, () => {
      const want = okapi(docs, bm25Terms(query), 1.2, 0.75);
      const got = index.scores(query);
      want.forEach((w, i) => expect(got.get(i) ?? 0).toBeCloseTo(w, 12));
    });
  }

  it('ranks best first and ties by document order', () => {
    const hits = index.search('dog', 5);
    expect(hits.map((h) => h.doc)).toEqual([1, 3]);
    expect(hits[0].score).toBeGreaterThan(hits[1].score);
  });

  it('terms are lower-cased Unicode letter/digit runs', () => {
    expect(bm25Terms('Café au LAIT, 42°C — naïve!')).toEqual(['café', 'au', 'lait', '42', 'c', 'naïve']);
  });
});

describe('reciprocal-rank fusion', () => {
  it('adds 1/(60 + rank) per list', () => {
    const fused = reciprocalRankFusion([['a', 'b', 'c'], ['c', 'a']]);
    const score = Object.fromEntries(fused.map((f) => [f.item, f.score]));
    expect(score.a).toBeCloseTo(1 / 61 + 1 / 62, 15);
    expect(score.c).toBeCloseTo(1 / 63 + 1 / 61, 15);
    expect(score.b).toBeCloseTo(1 / 62, 15);
    expect(fused.map((f) => f.item)).toEqual(['a', 'c', 'b']);
  });
});

describe('exact vector search in ORT', () => {
  const unit = (v: number[]) => { const n = Math.hypot(...v); return Float32Array.from(v, (x) => x / n); };
  it('finds the nearest rows, and follows incremental adds and removes', async () => {
    const index = new VectorIndex(3);
    index.add([10, 11, 12], [unit([1, 0, 0]), unit([0, 1, 0]), unit([1, 1, 0])]);
    const [hits] = await index.search([unit([1, 0.1, 0])], 2, 1);
    expect(hits.map((h) => h.id)).toEqual([10, 12]);
    expect(hits[0].score).toBeCloseTo(unit([1, 0.1, 0])[0], 6);
    index.remove([10]);
    index.add([13], [unit([0.9, 0.1, 0])]);
    const [after] = await index.search([unit([1, 0.1, 0])], 5, 1);
    expect(after.map((h) => h.id)).toEqual([13, 12, 11]);
    expect(index.size).toBe(3);
  });
});

describe('recursive chunking', () => {
  const text = ['# Intro', '', 'One two three four five. Six seven eight nine ten.', '', '## Details', '', Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ')].join('\n');
  const { blocks } = markdownBlocks(text);
  const chunks = chunkDocument(text, blocks, { size: 16, overlap: 4, count: countWords });

  it('keeps every chunk within the size, its span pointing at its text, and its section', () => {
    for (const c of chunks) {
      expect(c.tokenCount).toBeLessThanOrEqual(16);
      expect(text.slice(c.charStart, c.charEnd)).toBe(c.text);
    }
    expect(chunks[0].section).toBe('Intro');
    expect(chunks.at(-1)!.section).toBe('Intro › Details');
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
  });

  it('overlaps neighbouring chunks of a long section and covers all of it', () => {
    const details = chunks.filter((c) => c.section === 'Intro › Details' && /w\d/.test(c.text));
    expect(details.length).toBeGreaterThan(3);
    for (let i = 1; i < details.length; i++) expect(details[i].charStart).toBeLessThan(details[i - 1].charEnd);
    const words = new Set(details.flatMap((c) => c.text.match(/w\d+/g) ?? []));
    expect(words.size).toBe(60);
  });

  it('cuts a run without separators by characters, still within the size', () => {
    const long = 'x'.repeat(500);
    const count = (s: string) => Math.ceil(s.length / 7);
    const cs = chunkDocument(long, [{ start: 0, end: 500, page: 3, section: null }], { size: 10, overlap: 0, count });
    expect(cs.every((c) => c.tokenCount <= 10 && c.page === 3)).toBe(true);
    expect(cs.map((c) => c.text).join('')).toBe(long);
  });

  it('refuses an overlap as large as the size', () => {
    expect(() => chunkDocument(text, blocks, { size: 8, overlap: 8, count: countWords })).toThrow(/overlap/);
  });
});

describe('the RAG prompt', () => {
  const hit = (text: string, source: string, page: number | null): SearchHit => ({ id: 1, documentId: 'doc_x', seq: 0, text, page, section: null, charStart: 0, charEnd: text.length, tokenCount: 3, source, score: 1, rank: 1 });
  it('numbers the chunks with their source, asks for citations and for the not-in-documents answer', () => {
    const p = ragPrompt('When does the ferry run?', [hit('The ferry runs hourly.', '/d/report.pdf', 2), hit('Boats are red.', '/d/guide.md', null)]);
    expect(p).toContain('[1] (report.pdf, page 2)\nThe ferry runs hourly.');
    expect(p).toContain('[2] (guide.md)\nBoats are red.');
    expect(p).toContain(NOT_IN_DOCUMENTS);
    expect(p.trimEnd().endsWith('Question: When does the ferry run?')).toBe(true);
  });
  it('reads the cited numbers in order, once each, within range', () => {
    expect(citedPassages('Hourly [2]. Also [1][2] and [1, 3] but not [9].', 3)).toEqual([2, 1, 3]);
    expect(citedPassages(NOT_IN_DOCUMENTS, 3)).toEqual([]);
  });
});

describe('retrieval metrics', () => {
  it('recall@k, MRR and nDCG@10 by hand on three queries', async () => {
    const { retrievalScores } = await import('../../native/rag/retrieval-metrics.ts');
    // Query 1: relevant at rank 1; query 2: at rank 3 (after a duplicate of rank 1, which does not count twice); query 3: absent.
    const s = retrievalScores([['a', 'b'], ['x', 'x', 'y', 'b'], ['p', 'q']], [['a'], ['b'], ['z']], [1, 5]);
    expect(s.recall[1]).toBeCloseTo(1 / 3, 12);
    expect(s.recall[5]).toBeCloseTo(2 / 3, 12);
    expect(s.mrr).toBeCloseTo((1 + 1 / 3) / 3, 12);
    expect(s.ndcg10).toBeCloseTo((1 + 1 / Math.log2(4)) / 3, 12);
  });
});
