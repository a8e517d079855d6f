// The Integrate page's API: deploy.quantize / deploy.export / deploy.merge through the Studio, each a 'deploy' job
// in a child process whose result lists the models it registered and the files it wrote, with their sizes; the
// handlers refuse at once what they can check (a missing adapter, a taken name, an adapter on an ONNX export).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployResult } from '../../native/api/deploy.ts';
import { readHfFolder } from '../../native/models/checkpoint.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { loraAName, loraBName, loraModules, type LoraConfig } from '../../native/models/lora.ts';
import { ADAPTER_WEIGHTS, writePeftAdapter } from '../../native/models/peft.ts';
import type { Tensor } from '../../native/models/safetensors.ts';
import { Studio } from '../../native/studio/studio.ts';
import { SHARED_DATA, tempDir } from './helpers/lathe.ts';

const DIR = path.join(SHARED_DATA, 'models/stories260K');
const present = fs.existsSync(path.join(DIR, 'stories260K.bin'));
if (!present) console.log(`deploy-job: skipped: ${DIR}/stories260K.bin is absent (the shared data kit is not mounted)`);

describe.skipIf(!present)('deploy jobs', () => {
  let tmp: string;
  let studio: Studio;

  beforeAll(async () => {
    tmp = tempDir('deploy-job');
    await importLlama2cCheckpoint(path.join(tmp, 'data'), path.join(DIR, 'stories260K.bin'), path.join(DIR, 'tok512.bin'), 's260k');
    studio = new Studio({ dataDir: path.join(tmp, 'data'), mode: 'electron' });
  });

  afterAll(async () => {
    await studio.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function result(jobId: string): Promise<DeployResult> {
    await studio.queue.whenFinished(jobId);
    const job = await studio.call('jobs.get', { id: jobId });
    expect(job.state, job.error ?? '').toBe('succeeded');
    return DeployResult.parse(job.result);
  }

  it('quantises into a registered model and exports a GGUF file, listing each artifact with its size', async () => {
    const q = await result((await studio.call('deploy.quantize', { modelId: 's260k', dtypes: ['q4'] })).id);
    expect(q.models.map((m) => m.name)).toEqual(['s260k-q4']);
    expect(q.artifacts[0].bytes).toBeGreaterThan(0);
    expect((await studio.call('models.list', {})).map((m) => m.name)).toContain('s260k-q4');
    await expect(studio.call('deploy.quantize', { modelId: 's260k', dtypes: ['q8', 'q4'] })).rejects.toThrow("a model named 's260k-q4' already exists; delete it first");
    const out = path.join(tmp, 'out', 's260k.q8_0.gguf');
    const g = await result((await studio.call('deploy.export', { modelId: 's260k', format: 'gguf', dtypes: ['q8_0'], outPath: out })).id);
    expect(g.artifacts).toEqual([{ path: out, bytes: fs.statSync(out).size, label: 'GGUF q8_0' }]);
  });

  it('merges a finished LoRA run named by id: the server finds its adapter; a run without one or another base is refused', async () => {
    const base = (await studio.call('models.list', {})).find((m) => m.name === 's260k')!;
    const run = studio.store.runs.create({ kind: 'finetune', name: 'lora s260k', config: { model: 's260k', modelId: base.id } });
    const adapterDir = path.join(tmp, 'data', 'runs', run.id, 'adapter');
    const spec = readHfFolder(base.path).spec;
    const config: LoraConfig = { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj'] };
    const weights = new Map<string, Tensor>();
    for (const m of loraModules(spec, config)) {
      weights.set(loraAName(m.module), { shape: [config.r, m.inFeatures], data: new Float32Array(config.r * m.inFeatures).fill(0.01) });
      weights.set(loraBName(m.module), { shape: [m.outFeatures, config.r], data: new Float32Array(m.outFeatures * config.r).fill(0.01) });
    }
    await writePeftAdapter(adapterDir, spec, config, weights, base.path);
    studio.store.runs.replaceArtifact({ runId: run.id, kind: 'adapter', path: path.join(adapterDir, ADAPTER_WEIGHTS), bytes: 1, hash: 'h' });
    studio.store.runs.setStatus(run.id, 'succeeded');
    expect((await studio.call('deploy.adapterRuns', {})).map((r) => r.runId)).toEqual([run.id]);
    const job = await studio.call('deploy.merge', { runId: run.id, name: 's260k-from-run' });
    expect(job.params).toMatchObject({ modelId: base.id, adapterPath: adapterDir, runId: run.id });
    const merged = await result(job.id);
    expect(merged.models.map((m) => m.name)).toEqual(['s260k-from-run']);
    await expect(studio.call('deploy.merge', { runId: run.id, modelId: 's260k-q4', name: 'x' })).rejects.toThrow(/trained an adapter for s260k, not for s260k-q4/);
    const full = studio.store.runs.create({ kind: 'finetune', name: 'full s260k', config: { model: 's260k', modelId: base.id } });
    studio.store.runs.setStatus(full.id, 'succeeded');
    await expect(studio.call('deploy.merge', { runId: full.id, name: 'y' })).rejects.toThrow(/left no LoRA adapter/);
  });

  it('a quantise job cancelled while its report measures keeps nothing: no variant model, no scratch folder', async () => {
    const scratchDirs = () => new Set(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('lathe-quant-report')));
    const before = scratchDirs();
    const text = path.join(tmp, 'held-out.txt');
    fs.writeFileSync(text, 'Once upon a time there was a little girl who liked to play in the park with her dog. '.repeat(40));
    const job = await studio.call('deploy.quantize', { modelId: 's260k', dtypes: ['q8'], reportTextPath: text });
    let message = '';
    for (let i = 0; i < 600 && !/report: measuring/.test(message); i++) {
      await new Promise((r) => setTimeout(r, 25));
      message = (await studio.call('jobs.get', { id: job.id })).message;
    }
    expect(message).toMatch(/report: measuring/); // the variant is registered by now; the report is running
    await studio.call('jobs.cancel', { id: job.id });
    await studio.queue.whenFinished(job.id);
    const ended = await studio.call('jobs.get', { id: job.id });
    expect(ended.state).toBe('cancelled');
    expect((await studio.call('models.list', {})).map((m) => m.name)).not.toContain('s260k-q8');
    expect(fs.readdirSync(path.join(tmp, 'data', 'models')).filter((f) => !studio.store.models.list().some((m) => path.basename(m.path) === f))).toEqual([]);
    expect([...scratchDirs()].filter((d) => !before.has(d))).toEqual([]);
  });

  it('a quantise job whose process is killed after its first variant keeps nothing, and runs again', async () => {
    const text = path.join(tmp, 'held-out.txt');
    fs.writeFileSync(text, 'Once upon a time there was a little girl who liked to play in the park with her dog. '.repeat(40));
    const job = await studio.call('deploy.quantize', { modelId: 's260k', dtypes: ['int8', 'fp16'], reportTextPath: text });
    for (let t0 = Date.now(); !studio.store.models.list().some((m) => m.name === 's260k-int8'); ) {
      if (Date.now() - t0 > 60_000) throw new Error('the first variant was not registered within a minute');
      await new Promise((r) => setTimeout(r, 10));
    }
    const { worker_pid: worker } = studio.store.db.prepare('SELECT worker_pid FROM jobs WHERE id = ?').get(job.id) as { worker_pid: number };
    process.kill(worker, 'SIGKILL'); // out of memory, say: no cleanup of its own
    await studio.queue.whenFinished(job.id);
    const ended = await studio.call('jobs.get', { id: job.id });
    expect(ended.state).toBe('failed');
    expect(ended.error).toMatch(/killed by SIGKILL/);
    expect(studio.store.models.list().map((m) => m.name)).not.toContain('s260k-int8');
    expect(fs.readdirSync(path.join(tmp, 'data', 'models')).filter((f) => !studio.store.models.list().some((m) => path.basename(m.path) === f))).toEqual([]);

    const again = await studio.call('deploy.quantize', { modelId: 's260k', dtypes: ['int8'] });
    expect((await result(again.id)).models.map((m) => m.name)).toEqual(['s260k-int8']);
  }, 90_000);

  it('refuses at once what it can check', async () => {
    await expect(studio.call('deploy.merge', { modelId: 's260k', adapterPath: path.join(tmp, 'nothing'), name: 'm' })).rejects.toThrow(/no such folder/);
    await expect(studio.call('deploy.quantize', { modelId: 's260k', dtypes: ['q4'] })).rejects.toThrow(/s260k-q4/);
    await expect(studio.call('deploy.quantize', { modelId: 's260k', dtypes: ['fp32' as 'q4'] })).rejects.toThrow();
    fs.mkdirSync(path.join(tmp, 'adapter'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'adapter', 'adapter_config.json'), '{}');
    await expect(studio.call('deploy.export', { modelId: 's260k', format: 'onnx', dtypes: ['q4'], outPath: path.join(tmp, 'x'), adapterPath: path.join(tmp, 'adapter') })).rejects.toThrow(/merge it first/);
  });
});
