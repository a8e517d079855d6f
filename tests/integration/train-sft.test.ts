// Fine-tuning stories260K with LoRA on a task written for it, the PEFT files it leaves, and exact resume after
// the job's process is SIGKILLed mid-run (CPU, one thread: the resumed losses equal the uninterrupted ones).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../native/models/safetensors.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';
import { startFinetune } from '../../native/train/finetune.ts';
import { writeStoryPairs } from '../fixtures/train-story-pairs.ts';
import { HAS_SHARED_DATA, SHARED_DATA, SKIP_SHARED_REASON, tempDir } from './helpers/lathe.ts';
import { inProcessTrainEnv } from './helpers/train-env.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const HAS_MODEL = HAS_SHARED_DATA && fs.existsSync(path.join(MODEL, 'stories260K.bin'));
if (!HAS_MODEL) console.warn(`train-sft: skipped: ${SKIP_SHARED_REASON} (needs models/stories260K)`);

let dataDir = '';
let studio: Studio;

beforeAll(async () => {
  if (!HAS_MODEL) return;
  dataDir = tempDir('train-sft');
  await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
  studio = new Studio({ dataDir, mode: 'serve' });
  const file = path.join(dataDir, 'stories.jsonl');
  writeStoryPairs(file, 120);
  const job = await studio.call('datasets.import', { path: file, name: 'stories' });
  await studio.queue.whenFinished(job.id);
}, 60_000);

afterAll(async () => {
  await studio?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const inProcessEnv = () => inProcessTrainEnv(studio, dataDir);

/** The loss recorded per step (a resumed run first drops what it recorded after its checkpoint). */
function lossByStep(runId: string): Map<number, number> {
  return new Map(studio.store.runs.metrics(runId, 'loss').map((m) => [m.step, m.value]));
}

describe.skipIf(!HAS_MODEL)('supervised fine-tuning of stories260K', () => {
  it('LoRA lowers validation loss clearly, changes the greedy output and writes a PEFT adapter', async () => {
    const outcome = await startFinetune(
      { model: 's260k', dataset: 'stories', method: 'lora', lora: { r: 8, alpha: 16, dropout: 0.05, targetModules: ['q_proj', 'v_proj', 'o_proj', 'up_proj', 'down_proj'] }, lr: 5e-3, maxSteps: 80, batchSize: 8, seqLen: 96, evalEvery: 40, saveEvery: 40, seed: 1 },
      inProcessEnv(),
    );
    expect(outcome.status).toBe('completed');
    expect(outcome.firstValLoss).toBeGreaterThan(2);
    expect(outcome.bestValLoss!).toBeLessThan(outcome.firstValLoss! * 0.3);
    const samples = await studio.call('train.samples', { runId: outcome.runId });
    expect(samples.length).toBeGreaterThan(0);
    expect(samples[0].after).not.toBe(samples[0].before);
    expect(samples[0].after).toContain('said');
    // each completion ended with the token the model stops at (BOS for llama2.c), so greedy decoding stops after it
    for (const s of samples) expect(s.after.trim()).toMatch(/The end\.$/);
    // ... and so no continuation of the tuned model was cut by the token limit, which the samples record for the page's "…"
    for (const s of samples) expect(s.afterCut).toBe(false);
    for (const s of samples) expect(typeof s.beforeCut).toBe('boolean');

    const adapter = outcome.adapterPath!;
    const config = JSON.parse(fs.readFileSync(path.join(adapter, 'adapter_config.json'), 'utf8'));
    expect(config).toMatchObject({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 8, lora_alpha: 16, lora_dropout: 0.05, target_modules: ['q_proj', 'v_proj', 'o_proj', 'up_proj', 'down_proj'] });
    expect(typeof config.base_model_name_or_path).toBe('string');
    const f = SafetensorsFile.open(path.join(adapter, 'adapter_model.safetensors'));
    try {
      expect(f.tensors.get('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight')?.shape).toEqual([8, 64]);
      expect(f.tensors.get('base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight')?.shape).toEqual([64, 8]);
      expect(f.tensors.get('base_model.model.model.layers.4.mlp.down_proj.lora_A.weight')?.shape).toEqual([8, 172]);
      expect(f.tensors.get('base_model.model.model.layers.4.mlp.up_proj.lora_B.weight')?.shape).toEqual([172, 8]);
      expect(f.tensors.size).toBe(5 * 5 * 2);
    } finally {
      f.close();
    }
    expect(outcome.outputModel).not.toBeNull();
    const checkpoints = await studio.call('train.checkpoints', { runId: outcome.runId });
    expect(checkpoints.map((c) => c.step)).toEqual([40, 80]);
  }, 120_000);

  it('resumes a SIGKILLed job exactly where the uninterrupted run would be', async () => {
    const config = { model: 's260k', dataset: 'stories', method: 'lora' as const, lora: { r: 4, alpha: 8, dropout: 0.1 }, lr: 3e-3, maxSteps: 40, batchSize: 4, gradAccum: 2, seqLen: 96, evalEvery: 0, saveEvery: 10, seed: 7, threads: 1, merge: false };
    const reference = await studio.call('train.start', config);
    await studio.queue.whenFinished(reference.id);
    const refJob = await studio.call('jobs.get', { id: reference.id });
    expect(refJob.state).toBe('succeeded');
    const expected = lossByStep(refJob.runId!);
    expect(expected.size).toBe(40);

    const job = await studio.call('train.start', config);
    let runId: string | null = null;
    for (let i = 0; i < 600 && (runId === null || (lossByStep(runId).size < 15)); i++) {
      await new Promise((r) => setTimeout(r, 50));
      runId = studio.store.jobs.get(job.id)?.runId ?? null;
    }
    const pid = (studio.store.db.prepare('SELECT worker_pid FROM jobs WHERE id = ?').get(job.id) as { worker_pid: number }).worker_pid;
    process.kill(pid, 'SIGKILL');
    await studio.queue.whenFinished(job.id);
    expect((await studio.call('jobs.get', { id: job.id })).state).toBe('failed');
    // the run follows its dead job (the run list must not show it running) and resume still accepts it
    const dead = studio.store.runs.get(runId!)!;
    expect([dead.status, dead.finishedAt !== null]).toEqual(['failed', true]);
    expect(dead.error).toBe((await studio.call('jobs.get', { id: job.id })).error); // and keeps why, as its job said it
    expect(dead.error).toMatch(/the job's process/);
    const killedAt = Math.max(...lossByStep(runId!).keys());
    expect(killedAt).toBeLessThan(40);

    const resumed = await studio.call('train.resume', { runId: runId! });
    await studio.queue.whenFinished(resumed.id);
    expect((await studio.call('jobs.get', { id: resumed.id })).state).toBe('succeeded');
    expect(studio.store.runs.get(runId!)!.status).toBe('succeeded');
    const got = lossByStep(runId!);
    expect(studio.store.runs.metrics(runId!, 'loss').map((m) => m.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1)); // each step once
    for (let step = 1; step <= 40; step++) expect(Math.abs(got.get(step)! - expected.get(step)!), `step ${step}`).toBeLessThanOrEqual(1e-6);
    expect(studio.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  }, 150_000);
});
