// Shared set-up of the OpenAI-compatible server tests: stories260K imported into a temporary data directory, and
// a LoRA adapter recorded as a fine-tuning run's output the way finetune.ts records it (run + 'adapter' artifact).
import fs from 'node:fs';
import path from 'node:path';
import type { Model } from '../../../native/api/schemas.ts';
import { readHfFolder } from '../../../native/models/checkpoint.ts';
import { importLlama2cCheckpoint } from '../../../native/models/import.ts';
import { initLoraWeights, loraBName, loraModules, type LoraConfig } from '../../../native/models/lora.ts';
import { ADAPTER_WEIGHTS, writePeftAdapter } from '../../../native/models/peft.ts';
import type { Store } from '../../../native/store/db.ts';
import { recordArtifact } from '../../../native/train/run-env.ts';
import { HAS_SHARED_DATA, SHARED_DATA, SKIP_SHARED_REASON } from './lathe.ts';

const STORIES = path.join(SHARED_DATA, 'models/stories260K');
export const HAS_STORIES = HAS_SHARED_DATA && fs.existsSync(path.join(STORIES, 'stories260K.bin'));
export const SKIP_STORIES_REASON = `${SKIP_SHARED_REASON} (needs models/stories260K)`;

export function importStories(dataDir: string, name = 's260k'): Promise<Model> {
  return importLlama2cCheckpoint(dataDir, path.join(STORIES, 'stories260K.bin'), path.join(STORIES, 'tok512.bin'), name);
}

/**
 * A LoRA adapter on `model` with random, non-zero B matrices (so it changes the model's outputs), saved in
 * runs/<run>/adapter and recorded as that fine-tuning run's 'adapter' artifact. Returns the run id.
 */
export async function recordLoraRun(store: Store, dataDir: string, model: Model): Promise<string> {
  const spec = readHfFolder(model.path).spec;
  const config: LoraConfig = { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj'] };
  const weights = await initLoraWeights(spec, config, 7);
  for (const m of loraModules(spec, config)) {
    const b = weights.get(loraBName(m.module))!;
    for (let i = 0; i < b.data.length; i++) b.data[i] = Math.sin(i * 12.9898) * 0.5;
  }
  const run = store.runs.create({ kind: 'finetune', name: `lora ${model.name}`, projectId: null, config: { model: model.name, method: 'lora' } });
  const dir = path.join(dataDir, 'runs', run.id, 'adapter');
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  await writePeftAdapter(dir, spec, config, weights, model.path);
  recordArtifact(store, run.id, 'adapter', path.join(dir, ADAPTER_WEIGHTS));
  return run.id;
}
