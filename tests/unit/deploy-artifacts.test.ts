// The Integrate page names things by id, never by path: a finished LoRA run resolves to its adapter folder from the
// store, and an artifact id (<deploy job>#<index>) to a path only when that path, links followed, lies inside what
// the job wrote (models/ for merge and quantise, the chosen output for an export). The Electron shell opens only
// what locateArtifact returns, so these refusals are what keeps a rewritten row or a link from opening anything else.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactId, ArtifactId, MergeParams } from '../../native/api/deploy.ts';
import type { Store } from '../../native/store/db.ts';
import { listAdapterlessRuns, listAdapterRuns, locateArtifact, resolveAdapterRun } from '../../native/studio/deploy-artifacts.ts';
import { tempStores } from './temp-stores.ts';

const stores = tempStores('lathe-deploy-artifacts-');

function addModel(store: Store, dir: string, name: string) {
  const p = path.join(dir, 'models', name);
  fs.mkdirSync(p, { recursive: true });
  return store.models.create({ name, architecture: 'LlamaForCausalLM', path: p, config: {}, parameterCount: 1, source: 'test' });
}

/** A run as the trainers leave one: config with the base, an adapter folder under runs/<id>/ and its artifact row. */
function addRun(store: Store, dir: string, o: { kind?: string; base: string; status?: string; adapter?: boolean; method?: 'lora' | 'full'; projectId?: string | null; valLoss?: number[] }) {
  const run = store.runs.create({ kind: o.kind ?? 'finetune', name: `${o.kind ?? 'finetune'} ${o.base}`, projectId: o.projectId ?? null, config: { model: o.base, modelId: store.models.find(o.base).id, ...(o.method ? { method: o.method } : {}) } });
  if (o.adapter ?? true) {
    const adapter = path.join(dir, 'runs', run.id, 'adapter');
    fs.mkdirSync(adapter, { recursive: true });
    fs.writeFileSync(path.join(adapter, 'adapter_config.json'), '{}');
    fs.writeFileSync(path.join(adapter, 'adapter_model.safetensors'), 'x'.repeat(10));
    store.runs.replaceArtifact({ runId: run.id, kind: 'adapter', path: path.join(adapter, 'adapter_model.safetensors'), bytes: 10, hash: 'h' });
  }
  (o.valLoss ?? []).forEach((value, step) => store.runs.addMetric({ runId: run.id, step, name: 'val_loss', value }));
  store.runs.setStatus(run.id, o.status ?? 'succeeded');
  return run;
}

function finishedDeploy(store: Store, params: unknown, artifacts: { path: string; bytes: number; label: string }[], state: 'succeeded' | 'failed' = 'succeeded') {
  const job = store.jobs.create('deploy', params);
  store.jobs.update(job.id, { state, result: { models: [], artifacts, report: null } });
  return job;
}

describe('finished LoRA runs for merging', () => {
  it('lists succeeded LoRA runs whose adapter and base are still there, newest first, with the validation loss of the adapter a merge takes (the last, not the lowest)', () => {
    const dir = stores.tempDir();
    const store = stores.open(dir);
    addModel(store, dir, 'base');
    addModel(store, dir, 'gone');
    const project = store.projects.create({ name: 'p', task: 'chat' });
    const first = addRun(store, dir, { base: 'base', valLoss: [2.5, 1.75, 1.9], projectId: project.id });
    const dpo = addRun(store, dir, { kind: 'dpo', base: 'base' });
    addRun(store, dir, { base: 'base', adapter: false }); // a full fine-tune
    addRun(store, dir, { base: 'base', status: 'failed' });
    addRun(store, dir, { kind: 'evaluation', base: 'base' });
    addRun(store, dir, { base: 'gone' });
    store.models.delete(store.models.find('gone').id);
    const listed = listAdapterRuns(store);
    expect(listed.map((r) => r.runId)).toEqual([dpo.id, first.id]);
    expect(listed[1]).toMatchObject({ kind: 'finetune', baseModelName: 'base', finalValLoss: 1.9, adapterBytes: 10 });
    expect(listed[0].finalValLoss).toBeNull();
    expect(listAdapterRuns(store, project.id).map((r) => r.runId)).toEqual([first.id]);
    expect(resolveAdapterRun(store, first.id).adapterDir).toBe(path.join(dir, 'runs', first.id, 'adapter'));
  });

  it('lists the finished runs that left no adapter, with why: a full run, files gone, or a deleted base', () => {
    const dir = stores.tempDir();
    const store = stores.open(dir);
    addModel(store, dir, 'base');
    addModel(store, dir, 'gone');
    const project = store.projects.create({ name: 'p', task: 'chat' });
    addRun(store, dir, { base: 'base', projectId: project.id }); // mergeable: not listed
    const full = addRun(store, dir, { base: 'base', adapter: false, method: 'full', projectId: project.id });
    const emptied = addRun(store, dir, { kind: 'dpo', base: 'base', adapter: false, method: 'lora', projectId: project.id });
    const orphan = addRun(store, dir, { base: 'gone', projectId: project.id });
    addRun(store, dir, { base: 'base', adapter: false, status: 'cancelled', projectId: project.id }); // not finished: not listed
    addRun(store, dir, { base: 'base', adapter: false }); // another project's
    store.models.delete(store.models.find('gone').id);
    const byId = Object.fromEntries(listAdapterlessRuns(store, project.id).map((r) => [r.runId, r.reason]));
    expect(byId).toEqual({ [full.id]: 'full', [emptied.id]: 'no-adapter', [orphan.id]: 'base-deleted' });
    expect(listAdapterlessRuns(store).length).toBe(4);
  });

  it('says why a run cannot be merged', () => {
    const dir = stores.tempDir();
    const store = stores.open(dir);
    addModel(store, dir, 'base');
    const full = addRun(store, dir, { base: 'base', adapter: false });
    const failed = addRun(store, dir, { base: 'base', status: 'failed' });
    expect(() => resolveAdapterRun(store, full.id)).toThrow(/left no LoRA adapter/);
    expect(() => resolveAdapterRun(store, failed.id)).toThrow(/it is failed, not finished;/);
    // a stopped run that can go on says how (before: only 'pick a finished LoRA run', as if it were lost)
    const stopped = addRun(store, dir, { base: 'base', status: 'cancelled' });
    expect(() => resolveAdapterRun(store, stopped.id)).toThrow(`it is cancelled, not finished (finish it with 'lathe train --resume ${stopped.id}' or Resume on its page);`);
    const dpo = addRun(store, dir, { kind: 'dpo', base: 'base', status: 'interrupted' });
    expect(() => resolveAdapterRun(store, dpo.id)).toThrow(`(finish it with 'lathe align dpo --resume ${dpo.id}' or Resume on its page)`);
    expect(() => resolveAdapterRun(store, 'run_000000000000')).toThrow(/does not exist/);
    const evaluation = addRun(store, dir, { kind: 'evaluation', base: 'base' });
    expect(() => resolveAdapterRun(store, evaluation.id)).toThrow(/an evaluation run trains no adapter; pick a finished LoRA run of kind finetune, dpo, ppo \('lathe runs list --kind finetune'/);
    expect(() => resolveAdapterRun(store, evaluation.id)).not.toThrow(/deploy\.adapterRuns/);
  });

  it('takes a run or an adapter folder, exactly one', () => {
    expect(MergeParams.safeParse({ runId: 'run_1', name: 'm' }).success).toBe(true);
    expect(MergeParams.safeParse({ modelId: 'b', adapterPath: '/a', name: 'm' }).success).toBe(true);
    expect(MergeParams.safeParse({ name: 'm' }).success).toBe(false);
    expect(MergeParams.safeParse({ runId: 'run_1', modelId: 'b', adapterPath: '/a', name: 'm' }).success).toBe(false);
    expect(MergeParams.safeParse({ adapterPath: '/a', name: 'm' }).success).toBe(false); // no base
  });
});

describe('artifact id → path', () => {
  it('resolves what a job wrote inside models/ and inside the chosen export output', () => {
    const dir = stores.tempDir();
    const store = stores.open(dir);
    const merged = addModel(store, dir, 'merged');
    const m = finishedDeploy(store, { op: 'merge', modelId: 'b', adapterPath: '/a', name: 'merged', dtype: 'fp32' }, [{ path: merged.path, bytes: 5, label: 'merged' }]);
    expect(locateArtifact(store, dir, artifactId(m.id, 0))).toEqual({ path: fs.realpathSync(merged.path), directory: true, bytes: 5 });
    const out = path.join(dir, 'exports', 'm.gguf');
    fs.mkdirSync(path.dirname(out));
    fs.writeFileSync(out, 'GGUF');
    const e = finishedDeploy(store, { op: 'export', modelId: 'b', format: 'gguf', dtypes: ['f32'], outPath: out }, [{ path: out, bytes: 4, label: 'GGUF f32' }]);
    expect(locateArtifact(store, dir, artifactId(e.id, 0))).toMatchObject({ path: fs.realpathSync(out), directory: false });
  });

  it('refuses anything outside the artifact dirs, links followed, and anything that is not a finished deploy job', () => {
    const dir = stores.tempDir();
    const store = stores.open(dir);
    const outside = stores.tempDir();
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'no');
    fs.mkdirSync(path.join(dir, 'models'), { recursive: true });
    // a merge job whose result row was rewritten to point elsewhere, and one whose model folder is a link out
    fs.symlinkSync(outside, path.join(dir, 'models', 'mdl_link'));
    const merge = { op: 'merge', modelId: 'b', adapterPath: '/a', name: 'x', dtype: 'fp32' };
    const rewritten = finishedDeploy(store, merge, [{ path: path.join(outside, 'secret.txt'), bytes: 2, label: 'x' }]);
    const climbing = finishedDeploy(store, merge, [{ path: path.join(dir, 'models', '..', 'lathe.db'), bytes: 2, label: 'x' }]);
    const linked = finishedDeploy(store, merge, [{ path: path.join(dir, 'models', 'mdl_link', 'secret.txt'), bytes: 2, label: 'x' }]);
    // an export whose artifact is not the file it was asked to write
    const out = path.join(dir, 'out.gguf');
    fs.writeFileSync(out, 'GGUF');
    const exportElsewhere = finishedDeploy(store, { op: 'export', modelId: 'b', format: 'gguf', dtypes: ['f32'], outPath: out }, [{ path: path.join(outside, 'secret.txt'), bytes: 2, label: 'x' }]);
    for (const job of [rewritten, climbing, linked, exportElsewhere]) {
      expect(() => locateArtifact(store, dir, artifactId(job.id, 0)), job.id).toThrow(/outside what its job wrote/);
    }
    const failed = finishedDeploy(store, merge, [{ path: path.join(dir, 'models'), bytes: 2, label: 'x' }], 'failed');
    expect(() => locateArtifact(store, dir, artifactId(failed.id, 0))).toThrow(/its job is failed/);
    const other = store.jobs.create('import', {});
    store.jobs.update(other.id, { state: 'succeeded', result: { models: [], artifacts: [{ path: dir, bytes: 1, label: 'x' }], report: null } });
    expect(() => locateArtifact(store, dir, artifactId(other.id, 0))).toThrow(/no deploy job/);
    expect(() => locateArtifact(store, dir, artifactId(rewritten.id, 7))).toThrow(/no such file/);
    expect(() => locateArtifact(store, dir, 'job_nothere#0')).toThrow(/no deploy job/);
    // paths and traversal never pass the id's schema, so they never reach the lookup
    for (const bad of ['/etc/passwd', '../../x#0', 'job_a#0/..', 'job_a#-1', 'job_a', '']) expect(ArtifactId.safeParse(bad).success, bad).toBe(false);
  });
});
