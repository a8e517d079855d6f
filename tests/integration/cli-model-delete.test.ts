// `lathe model delete`, as the model card's Delete does: the model's row and its folder under models/ go, a folder
// registered outside the data directory stays on disk, the runs that used it and the models quantised from it stay
// (each a copy in its own folder), a mistyped name gets the lookup's "did you mean", and work still using the model
// (a queued job, a run a live process writes) refuses the delete, saying which and what to do.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Model } from '../../native/api/schemas.ts';
import { openStore } from '../../native/store/db.ts';
import { currentOwner } from '../../native/store/process-owner.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { scratchDataDir } from '../fixtures/scratch-data-dir.ts';

const scratch = scratchDataDir('cli-model-delete');

/** A model row and its folder (with one file in it); `where` 'data': under the data directory's models/. */
function addModel(name: string, where: 'data' | 'outside', source = 'test'): Model {
  const dir = where === 'data' ? path.join(scratch.data, 'models', `folder-${name}`) : path.join(scratch.dir, `outside-${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), '{}');
  const store = openStore(scratch.data);
  try {
    return store.models.create({ name, architecture: 'LlamaForCausalLM', path: dir, config: {}, parameterCount: 1, source });
  } finally {
    store.close();
  }
}

function withStore<T>(fn: (store: ReturnType<typeof openStore>) => T): T {
  const store = openStore(scratch.data);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

describe('lathe model delete', () => {
  it('removes the row and its folder under models/; the runs that used it and its quantised variant stay', async () => {
    const base = addModel('base', 'data');
    const q4 = addModel('base-q4', 'data', `quantize:${base.id}:q4`);
    const run = withStore((s) => s.runs.create({ kind: 'finetune', name: 'ft', status: 'succeeded', config: { modelId: base.id } }));
    const r = await inProcessLathe(scratch.data, ['model', 'delete', 'base']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`Deleted model base (${base.id}) and its folder ${base.path}. Runs that used it stay, with their scores. base-q4 was made from it and stays: each is a copy in its own folder.`);
    expect(fs.existsSync(base.path)).toBe(false);
    expect(fs.existsSync(q4.path)).toBe(true);
    expect((await inProcessLathe(scratch.data, ['model', 'list', '--json'])).json<Model[]>().map((m) => m.name)).toEqual(['base-q4']);
    expect(withStore((s) => s.runs.get(run.id)?.status)).toBe('succeeded');
  });

  it('by id, with --json; a folder registered outside the data directory stays on disk', async () => {
    const ext = addModel('ext', 'outside');
    const r = await inProcessLathe(scratch.data, ['model', 'delete', ext.id, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({ deleted: true, folder: { path: ext.path, deleted: false }, kept: { models: [], collections: [] } });
    expect(fs.existsSync(path.join(ext.path, 'config.json'))).toBe(true);
    const text = await inProcessLathe(scratch.data, ['model', 'delete', addModel('ext2', 'outside').name]);
    expect(text.stdout).toContain(`; its folder ${path.join(scratch.dir, 'outside-ext2')} lies outside the data directory and stays.`);
  });

  it('names the document collections that embed with it: they keep their documents and BM25 search', async () => {
    const encoder = addModel('minilm', 'data');
    const collections = withStore((s) => ['faq', 'manuals'].map((name) => s.collections.create({ projectId: null, name, tokenizerModel: encoder.path, embedModel: encoder.path, embedModelId: encoder.id, chunkTokens: 128, overlapTokens: 16 }, 384)));
    const r = await inProcessLathe(scratch.data, ['model', 'delete', 'minilm']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/Runs that used it stay, with their scores\. Collections 'faq' and 'manuals' embed with it: they keep their documents and BM25 search; dense and hybrid search need the model\.$/);
    expect(withStore((s) => collections.map((c) => s.collections.get(c.id)?.name))).toEqual(['faq', 'manuals']);
  });

  it('a mistyped name: exit 2 with the lookup\'s did-you-mean, nothing deleted', async () => {
    const m = addModel('stories260k', 'data');
    const r = await inProcessLathe(scratch.data, ['model', 'delete', 'stories206k']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean 'stories260k'?");
    expect(fs.existsSync(m.path)).toBe(true);
    const usage = await inProcessLathe(scratch.data, ['model', 'delete']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give one model (its name or id).\nUsage: lathe model delete MODEL [--json]');
  });

  it('refused while a job uses it (by name, or through the run it resumes) or a live process writes a run with it', async () => {
    const busy = addModel('busy', 'data');
    const job = withStore((s) => s.jobs.create('finetune', { model: 'busy', dataset: 'd' }));
    const r = await inProcessLathe(scratch.data, ['model', 'delete', 'busy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lathe model delete: model busy (${busy.id}) cannot be deleted now: job ${job.id} (finetune) is queued with it; cancel it or let it finish, then delete the model`);
    expect(fs.existsSync(busy.path)).toBe(true);

    const resumed = addModel('resumed', 'data');
    withStore((s) => {
      s.jobs.update(job.id, { state: 'cancelled' });
      const run = s.runs.create({ kind: 'finetune', name: 'ft', status: 'interrupted', config: { modelId: resumed.id } });
      return s.jobs.create('finetune', { resumeRunId: run.id });
    });
    expect((await inProcessLathe(scratch.data, ['model', 'delete', 'resumed'])).stderr).toContain('(finetune) is queued with it');

    const live = addModel('live', 'data');
    const run = withStore((s) => s.runs.create({ kind: 'evaluation', name: 'e', status: 'running', config: { model: { id: live.id } }, owner: currentOwner() }));
    const refused = await inProcessLathe(scratch.data, ['model', 'delete', 'live']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`cannot be deleted now: run ${run.id} (evaluation) is using it in a 'lathe' process or the playground; stop it or let it finish, then delete the model`);
    expect(fs.existsSync(live.path)).toBe(true);
  });
});
