// Retrieval evaluation over a collection: queries whose relevant document is known (by its file name), searched in
// each mode, ranked by document (a document's first chunk counts), scored by recall@k, MRR and nDCG@10.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import type { SearchMode } from '../api/rag.ts';
import { retrievalScores, type RetrievalScores } from './retrieval-metrics.ts';
import type { CollectionIndex } from './search.ts';

export interface RetrievalQuery {
  query: string;
  /** File names (as imported) of the documents that answer it. */
  relevant: string[];
}

/** How many chunks each query retrieves before ranking documents. */
const DEPTH = 100;

export async function evaluateRetrieval(index: CollectionIndex, queries: readonly RetrievalQuery[], modes: readonly SearchMode[]): Promise<Record<string, RetrievalScores & { msPerQuery: number }>> {
  const out: Record<string, RetrievalScores & { msPerQuery: number }> = {};
  for (const mode of modes) {
    const t0 = performance.now();
    const ranked: string[][] = [];
    for (const q of queries) ranked.push((await index.search(q.query, mode, DEPTH)).map((h) => path.basename(h.source)));
    out[mode] = { ...retrievalScores(ranked, queries.map((q) => q.relevant)), msPerQuery: (performance.now() - t0) / Math.max(1, queries.length) };
  }
  return out;
}

/** Queries from a JSONL file: each line an object with the query text and the relevant document's file name. */
export function readRetrievalQueries(file: string, queryField: string, docField: string, docSuffix = ''): RetrievalQuery[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: RetrievalQuery[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (err) {
      throw new StudioError('invalid_params', `${file}:${i + 1}: not valid JSON (${(err as Error).message})`, { file, line: i + 1 });
    }
    const q = row[queryField];
    const d = row[docField];
    if (typeof q !== 'string' || !q.trim()) throw new StudioError('invalid_params', `${file}:${i + 1}: field '${queryField}' is missing or not text; name the query field with --query-field`, { file, line: i + 1, field: queryField });
    const docs = (Array.isArray(d) ? d : [d]).map((x) => `${String(x)}${docSuffix}`);
    if (d === undefined || d === null) throw new StudioError('invalid_params', `${file}:${i + 1}: field '${docField}' is missing; name the relevant document's field with --doc-field`, { file, line: i + 1, field: docField });
    out.push({ query: q, relevant: docs });
  });
  if (!out.length) throw new StudioError('invalid_params', `${file}: no queries in it`, { file });
  return out;
}
