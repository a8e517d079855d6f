// Studio API handlers for document collections (schemas in native/api/rag.ts). Imports run as 'docs-import' jobs;
// search and ask run in the studio's process on indexes it keeps per collection (BM25 and the vectors in memory,
// followed incrementally as documents come and go) and on the last model that answered. ONNX Runtime runs those
// off the event loop.
import fs from 'node:fs';
import type { ragMethods } from '../api/rag.ts';
import { StudioError } from '../api/errors.ts';
import { checkColumn } from '../eval/runner-data.ts';
import { TextGenerator } from '../generate/pipeline.ts';
import { answerFromHits } from '../rag/answer.ts';
import { createCollection } from '../rag/collection.ts';
import { CollectionIndex } from '../rag/search.ts';
import type { Store } from '../store/db.ts';
import type { HandlersFor } from './context.ts';
import { deleteCollection } from './deletion.ts';
import { serviceOf } from './rag-registry.ts';
import { noSuchPath, UPLOAD_GONE } from '../store/near-files.ts';

class RagService {
  private readonly indexes = new Map<string, CollectionIndex>();
  private generator: { dir: string; loading: Promise<TextGenerator> } | null = null;

  index(store: Store, collectionRef: string): CollectionIndex {
    const col = store.collections.find(collectionRef, 'collection');
    let index = this.indexes.get(col.id);
    if (!index) this.indexes.set(col.id, (index = new CollectionIndex(store, col)));
    return index;
  }

  async forget(collectionId: string): Promise<void> {
    await this.indexes.get(collectionId)?.release();
    this.indexes.delete(collectionId);
  }

  async generatorFor(dir: string): Promise<TextGenerator> {
    if (this.generator?.dir !== dir) {
      const previous = this.generator;
      this.generator = { dir, loading: TextGenerator.load(dir) };
      if (previous) void previous.loading.then((g) => g.model.release(), () => undefined);
    }
    return this.generator.loading;
  }

  async close(): Promise<void> {
    await Promise.all([...this.indexes.values()].map((i) => i.release()));
    this.indexes.clear();
    const g = this.generator;
    this.generator = null;
    if (g) await g.loading.then((x) => x.model.release(), () => undefined);
  }
}

/** The RAG service of the studio that owns `store`. */
export function ragService(store: Store): RagService {
  return serviceOf(store, () => new RagService());
}

export const ragHandlers: HandlersFor<typeof ragMethods> = {
  'collections.list': ({ projectId }, _raw, { store }) => store.collections.list(projectId),
  'collections.create': (input, _raw, { store }) => createCollection(store, input),
  'collections.delete': ({ id }, _raw, { store }) => deleteCollection(store, store.collections.find(id, 'id'), (colId) => ragService(store).forget(colId)),
  'collections.documents': ({ id }, _raw, { store }) => store.collections.documents(store.collections.find(id, 'id').id),
  'collections.addDocuments': (input, _raw, { store, queue }) => {
    const col = store.collections.find(input.collection, 'collection');
    const missing = input.paths.filter((p) => !fs.existsSync(p));
    const said = (p: string) => {
      const upload = input.fileNames?.[p];
      return upload === undefined ? `${p}: ${noSuchPath(p, { noun: 'file or folder' })}` : `${upload}: ${UPLOAD_GONE}`;
    };
    if (missing.length) throw new StudioError('invalid_params', missing.map(said).join('\n'), { field: 'paths' });
    return queue.enqueue('docs-import', { collection: col.id, paths: input.paths, fileNames: input.fileNames });
  },
  'collections.removeDocument': ({ collection, document }, _raw, { store }) => {
    const col = store.collections.find(collection, 'collection');
    const doc = store.collections.findDocument(col.id, document);
    return { deleted: store.collections.removeDocument(doc.id) };
  },
  'collections.search': ({ collection, query, mode, k }, _raw, { store }) => ragService(store).index(store, collection).search(query, mode, k),
  'collections.ask': async ({ collection, query, mode, k, model, maxNewTokens }, _raw, { store }) => {
    const m = store.models.findDecoder(model, 'answer questions (make it the collection\'s embedding model instead)', 'model');
    const service = ragService(store);
    const hits = await service.index(store, collection).search(query, mode, k);
    return answerFromHits(await service.generatorFor(m.path), query, hits, maxNewTokens, { modelName: m.name });
  },
  'collections.evaluate': (input, _raw, { store, queue }) => {
    // Named things are checked here so a typo fails the call, not a job a moment later.
    const col = store.collections.find(input.collection, 'collection');
    const dataset = store.datasets.find(input.dataset, 'dataset');
    if (input.projectId) store.projects.find(input.projectId);
    checkColumn(dataset, input.queryColumn, 'queryColumn', '--query-column');
    checkColumn(dataset, input.relevantColumn, 'relevantColumn', '--relevant-column');
    return queue.enqueue('retrieval-eval', { ...input, collection: col.id, dataset: dataset.id });
  },
};
