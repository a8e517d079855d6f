// Which model a request's `model` string stands for: store names and ids, `<model>:<run id>` for a LoRA run's
// adapter, and a 404 listing what is served for anything else — paths included, which are never opened.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIError } from '../../native/openai/errors.ts';
import { listServedModels, resolveServedModel } from '../../native/openai/served-models.ts';
import { openStore, type Store } from '../../native/store/db.ts';

let dir = '';
let store: Store;
let runId = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-served-'));
  store = openStore(dir);
  const common = { architecture: 'LlamaForCausalLM', config: {}, parameterCount: 1, source: 'test' };
  store.models.create({ ...common, name: 'base', path: path.join(dir, 'models/base') });
  store.models.create({ ...common, name: 'odd:name', path: path.join(dir, 'models/odd') });
  const run = store.runs.create({ kind: 'finetune', name: 'lora base', config: { model: 'base' } });
  runId = run.id;
  const adapter = path.join(dir, 'runs', run.id, 'adapter', 'adapter_model.safetensors');
  store.runs.replaceArtifact({ runId: run.id, kind: 'adapter', path: adapter, bytes: 1, hash: 'x' });
  store.runs.create({ kind: 'finetune', name: 'full base', config: { model: 'base' } }); // no adapter: not served
});

afterAll(() => {
  store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const refused = (name: string) => {
  try {
    resolveServedModel(store, name);
  } catch (err) {
    return err as OpenAIError;
  }
  throw new Error(`'${name}' was resolved`);
};

describe('served models', () => {
  it('lists every model and every LoRA run with an adapter', () => {
    expect(listServedModels(store).map((m) => m.name)).toEqual(['base', 'odd:name', `base:${runId}`]);
  });

  it('resolves names, ids, <model>:<run> and a model whose own name has a colon', () => {
    const base = resolveServedModel(store, 'base');
    expect(base.adapterDir).toBeNull();
    expect(resolveServedModel(store, base.model.id).model.name).toBe('base');
    const adapted = resolveServedModel(store, `base:${runId}`);
    expect(adapted.adapterDir).toBe(path.join(dir, 'runs', runId, 'adapter'));
    expect(adapted.model.name).toBe('base');
    expect(resolveServedModel(store, 'odd:name').model.path).toBe(path.join(dir, 'models/odd'));
  });

  it('answers 404 naming what is served for anything else, paths included', () => {
    for (const name of ['nope', `nope:${runId}`, 'base:run_000000000000', '../../etc/passwd', path.join(dir, 'models/base'), 'base:../../x']) {
      const err = refused(name);
      expect(err.status, name).toBe(404);
      expect(err.param).toBe('model');
      expect(err.message).toContain('base, odd:name');
    }
  });
});
