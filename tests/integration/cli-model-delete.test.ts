// `lathe model delete`, as the model card's Delete does: the model's row and its folder under models/ go, a folder
// registered outside the data directory stays on disk, the runs that used it and the models quantised from it stay
// (each a copy in its own folder), a mistyped name gets the lookup's "did you mean", and work still using the model
// (a queued job, a run a live process writes, a foreground command's in-use marker) refuses the delete, saying which
// and what to do; a marker left by a process that has died is ignored. A command marks the models it finds in the
// store as well as those its flags name: `lathe merge --run RUN` names no model, and marks the run's base.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Model } from '../../native/api/schemas.ts';
import { openStore } from '../../native/store/db.ts';
import { currentOwner } from '../../native/store/process-owner.ts';
import { inUseDir, markInUse } from '../../native/store/in-use.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { scratchDataDir } from '../fixtures/scratch-data-dir.ts';
import { feedWaitingFifos, makeFifo, markerOf } from './helpers/fifo.ts';
import { LATHE_BIN, ROOT } from './helpers/lathe.ts';

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

  it('refused while a foreground command marks it in use (this process, or a live child), naming the command and pid; a dead one\'s marker is ignored', async () => {
    const used = addModel('used', 'data');
    const mark = markInUse(scratch.data, "'lathe quantize'", { models: ['used'] });
    try {
      const r = await inProcessLathe(scratch.data, ['model', 'delete', 'used']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`lathe model delete: model used \\(${used.id}\\) cannot be deleted now: 'lathe quantize' \\(process ${process.pid}, since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\) is using it; stop that command \\(Ctrl-C in its terminal, or kill ${process.pid}\\) or let it finish, then delete the model`));
      expect(fs.existsSync(used.path)).toBe(true);
    } finally {
      mark.release();
    }

    // a marker written by another process, by id: refused while it lives, ignored once it has exited
    const child = spawn(process.execPath, ['-e', `
      const fs = require('node:fs');
      fs.mkdirSync(process.argv[1], { recursive: true });
      fs.writeFileSync(process.argv[1] + '/' + process.pid + '-00000001.json', JSON.stringify({ owner: { pid: process.pid, started: null }, by: "'lathe generate'", models: [process.argv[2]], since: new Date().toISOString() }));
      process.stdout.write('ready');
      setInterval(() => {}, 1000);`, inUseDir(scratch.data), used.id], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await new Promise((r) => child.stdout.once('data', r));
      const refused = await inProcessLathe(scratch.data, ['model', 'delete', 'used']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`'lathe generate' (process ${child.pid},`);
      expect(refused.stderr).toContain(`or kill ${child.pid}) or let it finish, then delete the model`);
    } finally {
      child.kill('SIGKILL'); // as a second Ctrl-C ends it: no time to remove its marker
      await exited;
    }
    expect(fs.readdirSync(inUseDir(scratch.data))).toEqual([`${child.pid}-00000001.json`]);
    const deleted = await inProcessLathe(scratch.data, ['model', 'delete', 'used']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(fs.existsSync(used.path)).toBe(false);
    expect(fs.existsSync(inUseDir(scratch.data))).toBe(false); // the dead process's marker went as it was read
  });

  it('a foreground command marks the models its flags name only while it runs, even when it fails', async () => {
    const m = addModel('plain', 'data');
    const other = markInUse(scratch.data, "'lathe serve-api'", { models: ['elsewhere'] }); // keeps the folder there to watch
    const made: string[] = [];
    const watcher = fs.watch(inUseDir(scratch.data), (_event, name) => {
      if (name && /^\d+-[0-9a-f]{8}\.json$/.test(name)) made.push(name);
    });
    const before = fs.readdirSync(inUseDir(scratch.data));
    try {
      const r = await inProcessLathe(scratch.data, ['generate', '--model', 'plain', '--prompt', 'hi']);
      expect(r.code).not.toBe(0); // the row's folder holds no model it can load
      await new Promise((resolve) => setTimeout(resolve, 100)); // the watcher's last events
    } finally {
      watcher.close();
    }
    const marked = [...new Set(made)].filter((n) => !before.includes(n));
    expect(marked).toHaveLength(1);
    expect(marked[0].startsWith(`${process.pid}-`)).toBe(true);
    expect(fs.readdirSync(inUseDir(scratch.data))).toEqual(before);
    other.release();
    expect((await inProcessLathe(scratch.data, ['model', 'delete', m.name])).code).toBe(0);
  });

  it("lathe merge --run marks the run's base model (no flag names it) while it merges, and removes the marker when it fails", async () => {
    const base = addModel('lora-base', 'data');
    fs.rmSync(path.join(base.path, 'config.json'));
    makeFifo(path.join(base.path, 'config.json'));
    const adapter = path.join(scratch.dir, 'run-adapter');
    fs.mkdirSync(adapter);
    // the merge's first read (readPeftAdapter) waits on this pipe: the command holds there until the test feeds it
    const fifos = [makeFifo(path.join(adapter, 'adapter_config.json')), makeFifo(path.join(adapter, 'adapter_model.safetensors')), path.join(base.path, 'config.json')];
    const run = withStore((s) => {
      const r = s.runs.create({ kind: 'finetune', name: 'lora', status: 'succeeded', config: { modelId: base.id } });
      s.runs.addArtifact({ runId: r.id, kind: 'adapter', path: path.join(adapter, 'adapter_model.safetensors'), bytes: 1, hash: 'x' });
      return r;
    });
    const out = path.join(scratch.dir, 'merge-out', 'nested', 'merged');
    const child = spawn(process.execPath, [LATHE_BIN, 'merge', '--run', run.id, '--out', out], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: scratch.data }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      const use = await markerOf(scratch.data, child.pid!, (u) => u.models.includes(base.id));
      expect([use.by, use.models]).toEqual(["'lathe merge'", [base.id]]);
      const refused = await inProcessLathe(scratch.data, ['model', 'delete', 'lora-base']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`cannot be deleted now: 'lathe merge' (process ${child.pid}, since `);
      expect(fs.existsSync(base.path)).toBe(true);
    } finally {
      // each pipe the merge waits on is fed nothing: an empty file, which it refuses
      const feeding = setInterval(() => feedWaitingFifos(fifos), 50);
      await exited.finally(() => clearInterval(feeding));
    }
    expect(child.exitCode, output).toBe(2);
    expect(fs.existsSync(inUseDir(scratch.data))).toBe(false);
    expect((await inProcessLathe(scratch.data, ['model', 'delete', 'lora-base'])).code).toBe(0);
  }, 120_000);
});
