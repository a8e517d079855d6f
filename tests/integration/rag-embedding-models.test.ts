// Embedding models imported like other models: `lathe model import` takes a BERT folder and a nomic-style folder,
// records them as kind 'encoder' (shown by `model list` and `model inspect`), a collection takes one by name
// (`--embed-model NAME`), records the store model's id and searches densely with it; and the commands that need a
// text-generation model refuse it, naming the model and what it is for.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelCard } from '../../native/api/models.ts';
import type { DocsAddResult, SearchHit } from '../../native/api/rag.ts';
import type { Model } from '../../native/api/schemas.ts';
import { createCollection } from '../../native/rag/collection.ts';
import { loadEmbedder } from '../../native/rag/embedder.ts';
import { listServedModels, resolveServedModel } from '../../native/openai/served-models.ts';
import { openStore } from '../../native/store/db.ts';
import { writeTinyBert } from '../fixtures/models/tiny-bert.ts';
import { writeTinyNomic } from '../fixtures/models/tiny-encoders.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

let root = '';
let dataDir = '';
let docs = '';

beforeAll(async () => {
  root = tempDir('embed-models');
  dataDir = path.join(root, 'data');
  docs = path.join(root, 'docs');
  fs.mkdirSync(docs);
  fs.writeFileSync(path.join(docs, 'cats.txt'), 'the cat sat on the mat. the cat is a good cat.');
  fs.writeFileSync(path.join(docs, 'dogs.md'), '# Dogs\n\nthe dog ran to the sea and back again.');
  await writeTinyBert(path.join(root, 'bert'), { pooling: 'cls' });
  await writeTinyNomic(path.join(root, 'nomic'), { pooling: 'mean' });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('embedding models in the store', () => {
  it('model import registers a BERT and a nomic encoder as embedding models, with their sentence-transformers files', async () => {
    for (const [name, folder] of [['minibert', 'bert'], ['nomic-tiny', 'nomic']]) {
      const r = await inProcessLathe(dataDir, ['model', 'import', path.join(root, folder), '--name', name, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const m = r.json<Model>();
      expect(m.kind).toBe('encoder');
      expect(m.parameterCount).toBeGreaterThan(0);
    }
    const text = (await inProcessLathe(dataDir, ['model', 'list'])).stdout;
    expect(text.split('\n')[0]).toMatch(/^ID\s+NAME\s+USE\s+ARCHITECTURE\s+PARAMETERS\s+WEIGHTS\s+SOURCE$/); // a header, as runs and dataset lists have
    expect(text).toMatch(/^\S+\s+minibert\s+embed\s+BertModel/m);
    expect(text).toMatch(/^\S+\s+nomic-tiny\s+embed\s+NomicBertModel/m);
    const store = openStore(dataDir);
    try {
      const list = store.models.list();
      expect(list.map((m) => [m.name, m.kind, m.architecture])).toEqual([['minibert', 'encoder', 'BertModel'], ['nomic-tiny', 'encoder', 'NomicBertModel']]);
      // The pooling choice travels with the model: CLS here, not the mean a folder without it would get.
      expect(fs.existsSync(path.join(list[0].path, '1_Pooling', 'config.json'))).toBe(true);
    } finally {
      store.close();
    }
  });

  it('model inspect shows an embedding model: width, pooling, longest input, parameters counted from the weights', async () => {
    const r = await inProcessLathe(dataDir, ['model', 'inspect', 'minibert', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const card = r.json<ModelCard>();
    expect(card.memory).toBeNull();
    expect(card.embedding).toEqual({ dim: 16, pooling: 'cls', maxTokens: 128, prompts: { query: '', document: '' } });
    expect(card.parameters.total).toBe(card.model.parameterCount);
    expect(card.parameters.embeddings + card.parameters.attention + card.parameters.mlp + card.parameters.norms + card.parameters.head).toBe(card.parameters.total);
    expect(card.parameters.attention).toBeGreaterThan(0);
    const nomic = (await inProcessLathe(dataDir, ['model', 'inspect', 'nomic-tiny', '--json'])).json<ModelCard>();
    expect(nomic.embedding?.prompts).toEqual({ query: 'search_query: ', document: 'search_document: ' });
    const human = (await inProcessLathe(dataDir, ['model', 'inspect', 'minibert'])).stdout;
    expect(human).toContain('Embedding model: 16-dimensional vectors, cls pooling');
    expect(human).toContain('--embed-model minibert');
  });

  it('docs add --embed-model NAME records the store model and dense search ranks with it', async () => {
    const add = await inProcessLathe(dataDir, ['docs', 'add', 'pets', docs, '--embed-model', 'minibert', '--chunk-tokens', '16', '--overlap', '2', '--threads', '1', '--json']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.json<DocsAddResult>().imported.length).toBe(2);
    const store = openStore(dataDir);
    const [col, bert] = [store.collections.find('pets'), store.models.find('minibert')];
    store.close();
    expect(col).toMatchObject({ embedModelId: bert.id, embedModel: bert.path, embedDim: 16 });

    const search = await inProcessLathe(dataDir, ['docs', 'search', 'pets', 'the cat', '--mode', 'dense', '--k', '2', '--threads', '1', '--json']);
    expect(search.code, search.stderr).toBe(0);
    const hits = search.json<SearchHit[]>();
    expect(hits.length).toBe(2);
    const e = await loadEmbedder(bert.path, { intraOpNumThreads: 1 });
    const [q] = await e.embed(['the cat'], 'query');
    const chunks = await e.embed(hits.map((h) => h.text), 'document');
    await e.release();
    hits.forEach((h, i) => expect(Math.abs(h.score - dot(q, chunks[i]))).toBeLessThan(1e-4));
  });

  it('a collection made from the imported folder path also records the store model', async () => {
    const store = openStore(dataDir);
    try {
      const bert = store.models.find('minibert');
      expect(createCollection(store, { name: 'by-path', embedModel: bert.path, chunkTokens: 16, overlapTokens: 2 }).embedModelId).toBe(bert.id);
      expect(createCollection(store, { name: 'outside', embedModel: path.join(root, 'bert'), chunkTokens: 16, overlapTokens: 2 }).embedModelId).toBeNull();
    } finally {
      store.close();
    }
  });

  it('commands that need a text-generation model refuse an embedding model by name, saying what it is for', async () => {
    const refusals = [
      ['generate', '--model', 'minibert', '--prompt', 'hi'],
      ['train', '--model', 'minibert', '--dataset', 'none'],
      ['ask', '--model', 'nomic-tiny', '--collection', 'pets', 'what sat?'],
      ['export', '--model', 'minibert', '--format', 'hf'],
    ];
    for (const args of refusals) {
      const r = await inProcessLathe(dataDir, args);
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(/'(minibert|nomic-tiny)' is an embedding model \(a sentence encoder\).*cannot .*--embed-model (minibert|nomic-tiny)/s);
    }
  });

  it('the OpenAI-compatible server lists no embedding model and refuses one by name', async () => {
    const store = openStore(dataDir);
    try {
      expect(store.models.list().length).toBe(2);
      expect(listServedModels(store)).toEqual([]);
      expect(() => resolveServedModel(store, 'minibert')).toThrow(/'minibert' is an embedding model/);
    } finally {
      store.close();
    }
  });
});
