// `lathe_collection` on /v1/chat/completions: answer from one of the store's document collections. The last user
// message is the question; the chunks retrieved for it are numbered into the RAG prompt (native/rag/answer.ts) that
// replaces that message; the answer carries the passages (`lathe_retrieval`) and, per choice, the numbers it cites
// (`lathe_cited`). Indexes are kept per collection and follow documents added or removed since (CollectionIndex).
import path from 'node:path';
import type { SearchHit, SearchMode } from '../api/rag.ts';
import { StudioError } from '../api/errors.ts';
import { citedPassages, ragPrompt } from '../rag/answer.ts';
import { CollectionIndex } from '../rag/search.ts';
import type { Store } from '../store/db.ts';
import { messageText } from './chat-prompt.ts';
import { invalidParam } from './errors.ts';
import type { ChatRequest, LatheCollection } from './params.ts';


/** Chunks put in the prompt when the request does not say. */
export const DEFAULT_K = 4;

export interface Retrieval {
  collection: string;
  mode: SearchMode;
  query: string;
  hits: SearchHit[];
}

const PARAM = 'lathe_collection';

export class ServedCollections {
  private readonly indexes = new Map<string, CollectionIndex>();

  constructor(private readonly store: Store, private readonly threads?: number) {}

  /** Retrieve for the last user message and return the messages with that one turned into the RAG prompt. */
  async retrieve(spec: LatheCollection, messages: ChatRequest['messages']): Promise<{ retrieval: Retrieval; messages: ChatRequest['messages'] }> {
    const { name, mode: asked, k } = typeof spec === 'string' ? { name: spec, mode: undefined, k: undefined } : spec;
    let col;
    try {
      col = this.store.collections.find(name, PARAM);
    } catch (err) {
      if (err instanceof StudioError) throw invalidParam(PARAM, err.message, 'collection_not_found');
      throw err;
    }
    const mode: SearchMode = asked ?? (col.embedModel ? 'hybrid' : 'bm25');
    if (mode !== 'bm25' && !col.embedModel) throw invalidParam(`${PARAM}.mode`, `collection '${col.name}' has no embedding model, so only 'bm25' retrieval; leave mode out or send 'bm25'`);
    const last = messages.findLastIndex((m) => m.role === 'user');
    if (last < 0) throw invalidParam('messages', `'${PARAM}' retrieves for the last user message, and there is none`);
    const query = messageText(messages[last].content).trim();
    if (!query) throw invalidParam(`messages[${last}].content`, `'${PARAM}' retrieves for the last user message, which is empty`);
    let index = this.indexes.get(col.id);
    if (!index) this.indexes.set(col.id, (index = new CollectionIndex(this.store, col, this.threads)));
    const hits = await index.search(query, mode, k ?? DEFAULT_K);
    const rewritten = messages.map((m, i) => (i === last ? { ...m, content: ragPrompt(query, hits) } : m));
    return { retrieval: { collection: col.name, mode, query, hits }, messages: rewritten };
  }

  async close(): Promise<void> {
    await Promise.all([...this.indexes.values()].map((i) => i.release()));
    this.indexes.clear();
  }
}

/** The `lathe_retrieval` field of an answer: the passages as numbered in the prompt, with their sources and scores. */
export function retrievalField(r: Retrieval) {
  return {
    collection: r.collection,
    mode: r.mode,
    query: r.query,
    passages: r.hits.map((h, i) => ({
      number: i + 1, text: h.text, score: h.score, source: path.basename(h.source), page: h.page, section: h.section,
      document_id: h.documentId, chunk_id: h.id, char_start: h.charStart, char_end: h.charEnd,
    })),
  };
}

/** The passage numbers a choice's text cites. */
export function citedBy(text: string, r: Retrieval): number[] {
  return citedPassages(text, r.hits.length);
}
