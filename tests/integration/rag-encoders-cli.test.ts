// Collections embedded by RoBERTa, XLM-RoBERTa and nomic-style encoders, as a user makes them: `lathe docs add
// --embed-model FOLDER` imports and embeds, `lathe docs search --mode dense` ranks by the encoder. Each hit's score is
// the dot product of the query's vector and the chunk's, both computed here in-process with the role's prompt
// (nomic: 'search_query: ' for the query, 'search_document: ' for the chunk), so the CLI is shown to embed as the
// encoder tests do, prompts included.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collection, DocsAddResult, SearchHit } from '../../native/api/rag.ts';
import { loadEmbedder } from '../../native/rag/embedder.ts';
import { writeTinyNomic, writeTinyRoberta } from '../fixtures/models/tiny-encoders.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

let root = '';
let dataDir = '';
let docs = '';
const MODELS: Record<string, (dir: string) => Promise<unknown>> = {
  roberta: (d) => writeTinyRoberta(d, { flavour: 'roberta', pooling: 'mean' }),
  'xlm-roberta': (d) => writeTinyRoberta(d, { flavour: 'xlm-roberta', pooling: 'cls' }),
  nomic: (d) => writeTinyNomic(d, { pooling: 'mean' }),
};

beforeAll(async () => {
  root = tempDir('rag-encoders');
  dataDir = path.join(root, 'data');
  docs = path.join(root, 'docs');
  fs.mkdirSync(docs);
  fs.writeFileSync(path.join(docs, 'cats.txt'), 'the cat sat on the mat. the cat is a good cat.');
  fs.writeFileSync(path.join(docs, 'dogs.md'), '# Dogs\n\nthe dog ran to the sea and back again.');
  for (const [name, write] of Object.entries(MODELS)) await write(path.join(root, name));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('collections with RoBERTa, XLM-R and nomic-style embedders', () => {
  for (const name of Object.keys(MODELS)) {
    it(`${name}: docs add embeds every chunk, dense search scores them with the query's and chunks' vectors`, async () => {
      const model = path.join(root, name);
      const add = await inProcessLathe(dataDir, ['docs', 'add', name, docs, '--embed-model', model, '--chunk-tokens', '16', '--overlap', '2', '--threads', '1', '--json']);
      expect(add.code, add.stderr).toBe(0);
      expect(add.json<DocsAddResult>().imported.map((d) => d.name).sort()).toEqual(['cats.txt', 'dogs.md']);

      const query = 'the cat';
      const search = await inProcessLathe(dataDir, ['docs', 'search', name, query, '--mode', 'dense', '--k', '3', '--threads', '1', '--json']);
      expect(search.code, search.stderr).toBe(0);
      const hits = search.json<SearchHit[]>();
      expect(hits.length).toBe(3);
      const e = await loadEmbedder(model, { intraOpNumThreads: 1 });
      const [q] = await e.embed([query], 'query');
      const chunks = await e.embed(hits.map((h) => h.text), 'document');
      await e.release();
      hits.forEach((h, i) => expect(Math.abs(h.score - dot(q, chunks[i]))).toBeLessThan(1e-4));
      expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    });
  }

  it('lists each collection with its encoder and the width of its vectors', async () => {
    const list = (await inProcessLathe(dataDir, ['docs', 'list', '--json'])).json<Collection[]>();
    for (const name of Object.keys(MODELS)) expect(list.find((c) => c.name === name)).toMatchObject({ embedModel: path.join(root, name), embedDim: 16 });
  });
});
