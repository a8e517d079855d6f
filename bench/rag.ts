// `npm run bench:rag`: retrieval (RAG) figures for docs/benchmarks.md, as one JSON line.
// 1. Exact vector search over 100k chunks of 384-d vectors: the time to write them into SQLite and load the index
//    (build), an incremental add and remove of one 1,000-chunk document, and the latency of one query (Q · Mᵀ + TopK
//    in ONNX Runtime), median and p95 over 50 queries after a warm-up.
// 2. Retrieval quality on DialogSum's test split: the 500 dialogues are the documents (imported through the product
//    path, as .txt files), each dialogue's first reference summary is a query whose relevant document is its dialogue;
//    recall@1/5/10, MRR and nDCG@10 for BM25, dense and hybrid. The only embedding model in ../shared/data is
//    stories260K, a 260k-parameter decoder, so "dense" here is the decoder fallback (mean-pooled last hidden state).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importLlama2cCheckpoint } from '../native/models/import.ts';
import { addDocuments, createCollection } from '../native/rag/collection.ts';
import { evaluateRetrieval } from '../native/rag/retrieval-eval.ts';
import { CollectionIndex } from '../native/rag/search.ts';
import { VectorIndex } from '../native/rag/vector-index.ts';
import type { NewDocument } from '../native/store/collections.ts';
import { openStore, type Store } from '../native/store/db.ts';
import { THREADS, median } from './common.ts';

const SHARED = path.resolve(import.meta.dirname, '../../shared/data');
const N = Number(process.env.BENCH_RAG_CHUNKS ?? 100_000);
/** BENCH_RAG_PARTS=latency or =dialogsum runs one part only. */
const PARTS = (process.env.BENCH_RAG_PARTS ?? 'latency,dialogsum').split(',');
const D = 384;
const PER_DOC = 1000;

function unitVectors(count: number, seed: number): Float32Array[] {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) - 0.5;
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: D }, rand);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
}

function syntheticDoc(i: number): NewDocument {
  const vectors = unitVectors(PER_DOC, i + 1);
  const chunks = vectors.map((_, j) => ({ seq: j, text: `document ${i} chunk ${j}`, page: null, section: null, charStart: 0, charEnd: 0, tokenCount: 4 }));
  return { name: `doc${i}`, sourcePath: `/synthetic/doc${i}`, format: 'txt', contentHash: `h${i}`, charCount: 0, pageCount: null, chunks, vectors };
}

async function latency(store: Store): Promise<Record<string, number>> {
  const col = store.collections.create({ name: 'latency', projectId: null, tokenizerModel: null, embedModel: null, chunkTokens: 256, overlapTokens: 32 }, D);
  let t0 = performance.now();
  for (let i = 0; i < N / PER_DOC; i += 10) store.collections.addDocuments(col.id, Array.from({ length: Math.min(10, N / PER_DOC - i) }, (_, j) => syntheticDoc(i + j)));
  const writeMs = performance.now() - t0;
  t0 = performance.now();
  const { ids, matrix } = store.collections.vectors(col.id, D);
  const index = new VectorIndex(D, ids, matrix);
  const loadMs = performance.now() - t0;
  const queries = unitVectors(60, 999_999);
  for (const q of queries.slice(0, 10)) await index.search([q], 10, THREADS);
  const times: number[] = [];
  for (const q of queries.slice(10)) {
    const t = performance.now();
    await index.search([q], 10, THREADS);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  // Incremental: one more document of 1,000 chunks written and appended, then removed, nothing else touched.
  const extra = syntheticDoc(N / PER_DOC);
  t0 = performance.now();
  const [doc] = store.collections.addDocuments(col.id, [extra]);
  const added = store.collections.vectorsOf(store.collections.chunkIds(col.id, doc.id), D);
  index.add(added.ids, added.vectors);
  const addMs = performance.now() - t0;
  t0 = performance.now();
  store.collections.removeDocument(doc.id);
  index.remove(added.ids);
  const removeMs = performance.now() - t0;
  return { chunks: N, dim: D, build_write_s: writeMs / 1000, build_load_s: loadMs / 1000, search_median_ms: median(times), search_p95_ms: times[Math.floor(times.length * 0.95)], add_1k_chunks_ms: addMs, remove_1k_chunks_ms: removeMs };
}

async function dialogsum(store: Store, dataDir: string, work: string): Promise<Record<string, unknown>> {
  const rows = fs.readFileSync(path.join(SHARED, 'datasets/dialogsum/test.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { fname: string; dialogue: string; summary1: string });
  const docsDir = path.join(work, 'dialogsum');
  fs.mkdirSync(docsDir, { recursive: true });
  for (const r of rows) fs.writeFileSync(path.join(docsDir, `${r.fname}.txt`), r.dialogue);
  const model = await importLlama2cCheckpoint(dataDir, path.join(SHARED, 'models/stories260K/stories260K.bin'), path.join(SHARED, 'models/stories260K/tok512.bin'), 'stories260K');
  createCollection(store, { name: 'dialogsum', embedModel: model.id, chunkTokens: 256, overlapTokens: 32 });
  const t0 = performance.now();
  const imported = await addDocuments(store, 'dialogsum', [docsDir], { intraOpNumThreads: THREADS });
  const importS = (performance.now() - t0) / 1000;
  const col = store.collections.find('dialogsum');
  const index = new CollectionIndex(store, col, THREADS);
  const out: Record<string, unknown> = { documents: imported.imported.length, skipped: imported.skipped.length, chunks: col.chunkCount, queries: rows.length, import_s: importS, embedder: 'stories260K (decoder fallback)' };
  const scores = await evaluateRetrieval(index, rows.map((r) => ({ query: r.summary1, relevant: [`${r.fname}.txt`] })), ['bm25', 'dense', 'hybrid']);
  for (const [mode, s] of Object.entries(scores)) {
    out[mode] = { recall_at_1: s.recall[1], recall_at_5: s.recall[5], recall_at_10: s.recall[10], mrr: s.mrr, ndcg_at_10: s.ndcg10, ms_per_query: s.msPerQuery };
  }
  await index.release();
  out.chance_recall_at_10 = 10 / rows.length;
  return out;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-rag-'));
try {
  const dataDir = path.join(work, 'data');
  const store = openStore(dataDir);
  try {
    const result: Record<string, unknown> = { bench: 'rag', threads: THREADS, cpus: os.cpus().length, loadavg_1m: os.loadavg()[0] };
    if (PARTS.includes('latency')) result.latency = await latency(store);
    if (!PARTS.includes('dialogsum')) result.dialogsum = 'not run (BENCH_RAG_PARTS)';
    else if (fs.existsSync(path.join(SHARED, 'datasets/dialogsum/test.jsonl')) && fs.existsSync(path.join(SHARED, 'models/stories260K/stories260K.bin'))) {
      result.dialogsum = await dialogsum(store, dataDir, work);
    } else {
      result.dialogsum = `skipped: ${SHARED} lacks datasets/dialogsum/test.jsonl or models/stories260K`;
    }
    console.log(JSON.stringify(result));
  } finally {
    store.close();
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
