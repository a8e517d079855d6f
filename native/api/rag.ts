// Documents and retrieval (RAG) in the Studio API: a collection of documents per project, cut into chunks that
// keep their source, page or section and character span; search by BM25, dense vectors or both (reciprocal-rank
// fusion); and answering a question from the retrieved chunks with citations.
import { z } from 'zod';
import { Job } from './schemas.ts';

export const SEARCH_MODES = ['bm25', 'dense', 'hybrid'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];
export const DOCUMENT_FORMATS = ['txt', 'md', 'html', 'pdf', 'docx'] as const;
/** The file extensions (lower case, with the dot) the document importer reads, and the format each one is read as. */
export const DOCUMENT_EXTENSIONS: Readonly<Record<string, (typeof DOCUMENT_FORMATS)[number]>> = {
  '.txt': 'txt', '.text': 'txt', '.md': 'md', '.markdown': 'md', '.html': 'html', '.htm': 'html', '.pdf': 'pdf', '.docx': 'docx',
};

export const Collection = z.object({
  id: z.string(),
  projectId: z.string().nullable(),
  name: z.string(),
  /** Folder of the model whose tokenizer measures chunks (and, for an encoder, embeds them); null: words. */
  tokenizerModel: z.string().nullable(),
  /** Folder of the embedding model (a sentence encoder: BERT family, RoBERTa, XLM-R, nomic; or a decoder as a fallback); null: BM25 only. */
  embedModel: z.string().nullable(),
  /** The imported model (models table) embedModel is the folder of; null for a folder outside the store. */
  embedModelId: z.string().nullable().default(null),
  embedDim: z.number().int().nullable(),
  chunkTokens: z.number().int().min(8),
  overlapTokens: z.number().int().min(0),
  documentCount: z.number().int(),
  chunkCount: z.number().int(),
  createdAt: z.string(),
});
export type Collection = z.infer<typeof Collection>;

export const CollectionInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    projectId: z.string().min(1).nullable().default(null),
    tokenizerModel: z.string().min(1).nullable().default(null),
    embedModel: z.string().min(1).nullable().default(null),
    chunkTokens: z.number().int().min(8).max(8192).default(256),
    overlapTokens: z.number().int().min(0).default(32),
  })
  .refine((c) => c.overlapTokens < c.chunkTokens, { message: 'the overlap must be smaller than the chunk size', path: ['overlapTokens'] });
export type CollectionInput = z.input<typeof CollectionInput>;

export const RagDocument = z.object({
  id: z.string(),
  collectionId: z.string(),
  name: z.string(),
  sourcePath: z.string(),
  format: z.enum(DOCUMENT_FORMATS),
  contentHash: z.string(),
  charCount: z.number().int(),
  pageCount: z.number().int().nullable(),
  chunkCount: z.number().int(),
  createdAt: z.string(),
});
export type RagDocument = z.infer<typeof RagDocument>;

export const Chunk = z.object({
  id: z.number().int(),
  documentId: z.string(),
  /** Which chunk of its document, from 0. */
  seq: z.number().int(),
  text: z.string(),
  page: z.number().int().nullable(),
  section: z.string().nullable(),
  /** [charStart, charEnd) in the document's extracted text. */
  charStart: z.number().int(),
  charEnd: z.number().int(),
  tokenCount: z.number().int(),
});
export type Chunk = z.infer<typeof Chunk>;

export const SearchHit = Chunk.extend({ source: z.string(), score: z.number(), rank: z.number().int() });
export type SearchHit = z.infer<typeof SearchHit>;

/** A file that was not imported, and why. */
export const SkippedFile = z.object({ path: z.string(), reason: z.string() });
export type SkippedFile = z.infer<typeof SkippedFile>;

export const DocsAddInput = z.object({
  collection: z.string().min(1),
  /** Files and folders of .txt, .md, .html, .pdf, .docx; a file over 256 MiB (rag/parse.ts' MAX_DOCUMENT_BYTES) is skipped, its size named. */
  paths: z.array(z.string().min(1)).min(1),
  /**
   * The user's own file name of a path that is a copy the studio stored (a `lathe serve` upload), by that path: the
   * document, its chunks' source and any skip reason name the user's file, never the server's upload path.
   */
  fileNames: z.record(z.string(), z.string().trim().min(1).max(255)).optional(),
});
export type DocsAddInput = z.infer<typeof DocsAddInput>;
export const DocsAddResult = z.object({ imported: z.array(RagDocument), skipped: z.array(SkippedFile) });
export type DocsAddResult = z.infer<typeof DocsAddResult>;

export const SearchInput = z.object({
  collection: z.string().min(1),
  query: z.string().min(1),
  mode: z.enum(SEARCH_MODES).default('hybrid'),
  k: z.number().int().min(1).max(100).default(5),
});
export type SearchInput = z.input<typeof SearchInput>;

export const AskInput = SearchInput.extend({
  model: z.string().min(1),
  maxNewTokens: z.number().int().min(1).max(4096).default(256),
});
export type AskInput = z.input<typeof AskInput>;
export const AskResult = z.object({
  answer: z.string(),
  prompt: z.string(),
  hits: z.array(SearchHit),
  /** The chunk numbers ([1], [2], …) the answer cites, in the order they first appear. */
  cited: z.array(z.number().int()),
});
export type AskResult = z.infer<typeof AskResult>;

/** Retrieval metrics an evaluation run of a collection records (fractions in [0, 1], higher is better). */
export const RETRIEVAL_METRICS = ['recall@1', 'recall@5', 'recall@10', 'mrr', 'ndcg@10'] as const;

/**
 * Retrieval evaluation: a dataset whose rows hold a query and the relevant document(s) of the collection (by file
 * name, with or without its extension, or by document id); one evaluation run per search mode, so Runs and Compare
 * show the modes side by side.
 */
export const RetrievalEvalInput = z.object({
  collection: z.string().min(1),
  /** Dataset id or name. */
  dataset: z.string().min(1),
  split: z.enum(['train', 'validation', 'test', 'all']).default('test'),
  limit: z.number().int().min(1).nullable().default(null),
  queryColumn: z.string().min(1),
  relevantColumn: z.string().min(1),
  /** Default: bm25, plus dense and hybrid when the collection has an embedding model. */
  modes: z.array(z.enum(SEARCH_MODES)).min(1).optional(),
  projectId: z.string().nullable().default(null),
  threads: z.number().int().min(1).max(256).optional(),
});
export type RetrievalEvalInput = z.input<typeof RetrievalEvalInput>;
/** What a retrieval evaluation job returns: one run per mode with its aggregates. */
export const RetrievalEvalResult = z.object({
  runs: z.array(z.object({ mode: z.enum(SEARCH_MODES), runId: z.string(), metrics: z.record(z.string(), z.number()) })),
  queries: z.number().int(),
  /** Queries none of whose relevant documents is in the collection (they score 0 in every mode). */
  unmatched: z.number().int(),
});
export type RetrievalEvalResult = z.infer<typeof RetrievalEvalResult>;

const Id = z.object({ id: z.string().min(1) });

export const ragMethods = {
  'collections.list': { params: z.object({ projectId: z.string().nullable().optional() }), result: z.array(Collection) },
  'collections.create': { params: CollectionInput, result: Collection },
  'collections.delete': { params: Id, result: z.object({ deleted: z.boolean(), kept: z.object({ runs: z.number().int() }) }) },
  'collections.documents': { params: Id, result: z.array(RagDocument) },
  /** Starts a 'docs-import' job (progress as job events); its result is a DocsAddResult. */
  'collections.addDocuments': { params: DocsAddInput, result: Job },
  'collections.removeDocument': { params: z.object({ collection: z.string().min(1), document: z.string().min(1) }), result: z.object({ deleted: z.boolean() }) },
  'collections.search': { params: SearchInput, result: z.array(SearchHit) },
  /** Retrieve, build the RAG prompt, generate greedily: the answer, the prompt, the chunks and those cited. */
  'collections.ask': { params: AskInput, result: AskResult },
  /** Starts a 'retrieval-eval' job: one evaluation run per mode (recall@k, MRR, nDCG@10); its result is a RetrievalEvalResult. */
  'collections.evaluate': { params: RetrievalEvalInput, result: Job },
} as const;
