// Embedding models as store models, in process: the folder check tells an encoder from a decoder and names the
// file at fault, the decoder config parser explains what an encoder is for, the store refuses an encoder where a
// text-generation model is needed, and migration 8 gives version-7 files the new columns, linking a collection
// to the store model whose folder it embeds with.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../native/models/config.ts';
import { checkModelFolder } from '../../native/models/import.ts';
import { writeSafetensors } from '../../native/models/safetensors.ts';
import { DB_FILE } from '../../native/store/db.ts';
import { migrate } from '../../native/store/migrations.ts';
import { TINY_BERT_VOCAB, tinyBertTensors, writeTinyBert } from '../fixtures/models/tiny-bert.ts';
import { writeTinyNomic } from '../fixtures/models/tiny-encoders.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-encoders-');

describe('embedding model folders', () => {
  it('are checked as encoders, with the sentence-transformers files among those to copy', async () => {
    const dir = path.join(tempDir(), 'bert');
    const config = await writeTinyBert(dir, { pooling: 'mean' });
    const checked = checkModelFolder(dir);
    const expectedCount = [...tinyBertTensors(config).values()].reduce((s, t) => s + t.data.length, 0);
    expect(checked).toMatchObject({ kind: 'encoder', architecture: 'BertModel', parameterCount: expectedCount });
    expect(checked.files).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json', 'model.safetensors', 'modules.json', '1_Pooling/config.json']));
    const nomic = path.join(tempDir(), 'nomic');
    await writeTinyNomic(nomic);
    expect(checkModelFolder(nomic)).toMatchObject({ kind: 'encoder', architecture: 'NomicBertModel' });
  });

  it('name the file at fault: a bad config field, weights of another width, a missing tokenizer', async () => {
    const dir = path.join(tempDir(), 'bert');
    const config = await writeTinyBert(dir);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, num_attention_heads: 0 }));
    expect(() => checkModelFolder(dir)).toThrow(/config\.json: field 'num_attention_heads' must be a whole number of at least 1/);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, hidden_size: 32, num_attention_heads: 2 }));
    expect(() => checkModelFolder(dir)).toThrow(/model\.safetensors: tensor 'embeddings\.word_embeddings\.weight' has shape \[\d+,16\] but config\.json's hidden size is 32/);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    await writeSafetensors(path.join(dir, 'model.safetensors'), new Map([['pooler.dense.bias', { dtype: 'F32', shape: [16], data: new Float32Array(16) }]]));
    expect(() => checkModelFolder(dir)).toThrow(/no word embedding/);
    await writeSafetensors(path.join(dir, 'model.safetensors'), tinyBertTensors({ ...config, vocab_size: TINY_BERT_VOCAB.length }));
    fs.rmSync(path.join(dir, 'tokenizer.json'));
    expect(() => checkModelFolder(dir)).toThrow(/tokenizer\.json: missing/);
  });

  it('are refused by the decoder config parser with what they are for', async () => {
    const dir = path.join(tempDir(), 'bert');
    const config = await writeTinyBert(dir);
    expect(() => parseModelConfig(config, 'x/config.json')).toThrow(/x\/config\.json: BertModel \(model_type 'bert'\) is an embedding model .*--embed-model/);
  });
});

describe('the store', () => {
  it('refuses an encoder where a text-generation model is needed, naming it', () => {
    const store = open(tempDir());
    try {
      store.models.create({ name: 'minilm', kind: 'encoder', architecture: 'BertModel', path: '/m', config: {}, parameterCount: 1, source: 'import:/m' });
      store.models.create({ name: 'gpt', architecture: 'GPT2LMHeadModel', path: '/g', config: {}, parameterCount: 1, source: 'import:/g' });
      expect(store.models.find('gpt').kind).toBe('decoder');
      expect(store.models.findDecoder('gpt', 'generate text').name).toBe('gpt');
      expect(() => store.models.findDecoder('minilm', 'generate text', 'modelId')).toThrow(/'minilm' is an embedding model \(a sentence encoder\).*cannot generate text/);
      try {
        store.models.findDecoder('minilm', 'generate text', 'modelId');
      } catch (err) {
        expect((err as { details?: unknown }).details).toEqual({ field: 'modelId' });
      }
    } finally {
      store.close();
    }
  });

  it('migration 8: version-7 models become decoders and a collection links to the model whose folder it embeds with', () => {
    const dir = tempDir();
    const raw = new Database(path.join(dir, DB_FILE));
    migrate(raw, 7);
    raw.prepare(`INSERT INTO models (id, name, architecture, path, config_json, parameter_count, source, created_at) VALUES ('mdl_a', 'a', 'GPT2LMHeadModel', '/data/models/mdl_a', '{}', 1, 'x', 't')`).run();
    const col = `INSERT INTO collections (id, project_id, name, tokenizer_model, embed_model, embed_dim, chunk_tokens, overlap_tokens, created_at) VALUES (?, NULL, ?, NULL, ?, 8, 64, 8, 't')`;
    raw.prepare(col).run('col_in', 'in-store', '/data/models/mdl_a');
    raw.prepare(col).run('col_out', 'outside', '/elsewhere/bge');
    raw.close();
    const store = open(dir);
    try {
      expect(store.models.get('mdl_a')?.kind).toBe('decoder');
      expect(store.collections.get('col_in')?.embedModelId).toBe('mdl_a');
      expect(store.collections.get('col_out')?.embedModelId).toBeNull();
      expect(() => store.db.prepare(`UPDATE models SET kind = 'vision' WHERE id = 'mdl_a'`).run()).toThrow(/CHECK constraint/);
    } finally {
      store.close();
    }
  });
});
