// Evaluation with a LoRA adapter (eval.start, `lathe eval --adapter`): a LoRA tuned on the story pairs changes
// stories260K's predictions and raises ROUGE-L over the base alone under the evaluation's default prompt, the one it was
// tuned on; adapter
// folders that are missing, not PEFT, or sized for another model are refused naming the field and the cause.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPredictions } from '../../native/eval/predictions.ts';
import { runEvaluation } from '../../native/eval/runner.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';
import { startFinetune } from '../../native/train/finetune.ts';
import { writeStoryPairs } from '../fixtures/train-story-pairs.ts';
import { HAS_SHARED_DATA, SHARED_DATA, SKIP_SHARED_REASON, lathe, tempDir } from './helpers/lathe.ts';
import { inProcessTrainEnv } from './helpers/train-env.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const HAS_MODEL = HAS_SHARED_DATA && fs.existsSync(path.join(MODEL, 'stories260K.bin'));
if (!HAS_MODEL) console.warn(`eval-adapter: skipped: ${SKIP_SHARED_REASON} (needs models/stories260K)`);


let dataDir = '';
let studio: Studio;
let adapter = '';

beforeAll(async () => {
  if (!HAS_MODEL) return;
  dataDir = tempDir('eval-adapter');
  await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
  studio = new Studio({ dataDir, mode: 'serve' });
  const file = path.join(dataDir, 'stories.jsonl');
  writeStoryPairs(file, 120);
  await studio.queue.whenFinished((await studio.call('datasets.import', { path: file, name: 'stories' })).id);
  const env = inProcessTrainEnv(studio, dataDir);
  const lora = { r: 8, alpha: 16, dropout: 0.05, targetModules: ['q_proj', 'v_proj', 'o_proj', 'up_proj', 'down_proj'] };
  const settings = { lr: 5e-3, maxSteps: 80, batchSize: 8, seqLen: 96, evalEvery: 0, saveEvery: 0, seed: 1, merge: false };
  const tuned = await startFinetune({ model: 's260k', dataset: 'stories', method: 'lora', lora, ...settings }, env);
  adapter = tuned.adapterPath!;
}, 120_000);

afterAll(async () => {
  await studio?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A copy of the tuned adapter with its config edited. */
function editedAdapter(name: string, edit: (config: Record<string, unknown>) => void): string {
  const dir = path.join(dataDir, name);
  fs.cpSync(adapter, dir, { recursive: true });
  const file = path.join(dir, 'adapter_config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(config);
  fs.writeFileSync(file, JSON.stringify(config));
  return dir;
}

describe.skipIf(!HAS_MODEL)('evaluating with an adapter', () => {
  it('changes the predictions of a tuned adapter and records it in the run', async () => {
    // no template: the evaluation's default prompt is the one the fine-tune trained on (sft-examples.ts)
    const common = { model: 's260k', dataset: 'stories', split: 'all' as const, limit: 6, metrics: ['rougeL' as const], generation: { maxNewTokens: 24 }, threads: 1 };
    const base = await runEvaluation(common, { store: studio.store, dataDir });
    const tuned = await runEvaluation({ ...common, adapterPath: adapter }, { store: studio.store, dataDir });
    const basePred = readPredictions(base.predictionsPath).map((e) => e.prediction);
    const tunedPred = readPredictions(tuned.predictionsPath).map((e) => e.prediction);
    expect(tunedPred).toHaveLength(6);
    tunedPred.forEach((p, i) => expect(p, `example ${i}`).not.toBe(basePred[i]));
    const rouge = (o: typeof base) => o.metrics.find((m) => m.name === 'rougeL')!.value;
    expect(rouge(tuned)).toBeGreaterThan(0.8);
    expect(rouge(tuned)).toBeGreaterThan(rouge(base) + 0.3);
    const config = studio.store.runs.get(tuned.runId)!.config as Record<string, unknown>;
    expect(config.adapterPath).toBe(adapter);
    expect(config.adapter).toMatchObject({ r: 8, alpha: 16, recordedBaseMatches: true });
    expect((studio.store.runs.get(base.runId)!.config as Record<string, unknown>).adapterPath).toBeNull();
    // the default names tell the two runs apart (runs list, compare, the scorecard): the adapter by its training run
    expect(studio.store.runs.get(base.runId)!.name).toBe('s260k · stories/all · zero-shot');
    expect(studio.store.runs.get(tuned.runId)!.name).toBe(`s260k + adapter ${path.basename(path.dirname(adapter))} · stories/all · zero-shot`);
  }, 120_000);

  it('lathe eval --adapter applies it', () => {
    const r = lathe(dataDir, ['eval', '--model', 's260k', '--adapter', adapter, '--dataset', 'stories', '--split', 'all', '--limit', '2', '--metrics', 'rougeL', '--max-new-tokens', '24', '--threads', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json<{ runId: string; predictionsPath: string }>();
    expect(readPredictions(out.predictionsPath).every((e) => e.prediction.endsWith('The end.'))).toBe(true);
  }, 60_000);

  it('refuses missing, non-PEFT and misfitting adapter folders, naming the cause', async () => {
    const start = (adapterPath: string) => studio.call('eval.start', { model: 's260k', dataset: 'stories', metrics: ['rougeL'], adapterPath });
    await expect(start(path.join(dataDir, 'nowhere'))).rejects.toMatchObject({ message: expect.stringMatching(/nowhere: no such folder; check the path of the PEFT LoRA adapter/), details: { field: 'adapterPath' } });
    const bare = path.join(dataDir, 'bare');
    fs.mkdirSync(bare);
    await expect(start(bare)).rejects.toThrow(/bare: no adapter_config.json; is this a PEFT adapter folder\? Give the folder of a PEFT LoRA adapter/);
    await expect(start(editedAdapter('not-lora', (c) => (c.peft_type = 'PREFIX_TUNING')))).rejects.toThrow(/field 'peft_type' is "PREFIX_TUNING"/);
    await expect(start(editedAdapter('gpt2-targets', (c) => (c.target_modules = ['c_attn'])))).rejects.toThrow(/does not fit model 's260k'.*'c_attn' matches nothing/);
    const rank = editedAdapter('rank-4', (c) => (c.r = 4));
    await expect(start(rank)).rejects.toThrow(/does not fit model 's260k'.*q_proj\.lora_A\.weight' is \[8,64\], the model needs \[4,64\]/);
    await expect(runEvaluation({ model: 's260k', dataset: 'stories', metrics: ['rougeL'], adapterPath: rank }, { store: studio.store, dataDir })).rejects.toThrow(/does not fit/);
  });
});
