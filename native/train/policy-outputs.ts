// What a policy-tuning run (fine-tuning, DPO, PPO) leaves behind: the PEFT adapter (and the merged model when asked)
// or the full model, registered so generation and evaluation find it, recorded as the run's artifacts. Tensors that
// are not the causal LM's (PPO's value head) are left out.
import fs from 'node:fs';
import path from 'node:path';
import { runNameTag, tunedModelName } from '../api/model-names.ts';
import { readHfFolder, tokenizerSideFiles, writeHfFolder } from '../models/checkpoint.ts';
import type { LoraConfig } from '../models/lora.ts';
import { mergeAdapter } from '../models/merge.ts';
import { ADAPTER_WEIGHTS, readPeftAdapter, writePeftAdapter } from '../models/peft.ts';
import type { Tensor } from '../models/safetensors.ts';
import { modelRegisteredAs, recordArtifact, registerRunModel, type TrainEnv } from './run-env.ts';

export interface PolicyOutputPlan {
  /** The run kind, in the registered model's source ('dpo:<run>', 'ppo-merge:<run>') and the default output name (runNameTag). */
  kind: 'finetune' | 'dpo' | 'ppo';
  method: 'lora' | 'full';
  merge: boolean;
  modelName: string;
  modelPath: string;
  outputName?: string;
}

export async function writePolicyOutputs(env: TrainEnv, runId: string, dir: string, plan: PolicyOutputPlan, trained: ReadonlyMap<string, Tensor>, folder: ReturnType<typeof readHfFolder>, lora: LoraConfig, leaveOut: readonly string[] = []): Promise<{ adapterPath: string | null; outputModel: string | null }> {
  const { store } = env;
  const tensors = new Map([...trained].filter(([name]) => !leaveOut.includes(name)));
  // The user's name, else a readable one ('s260k-lora-merged', '-2' when taken); the run's id is on the model's source.
  const outName = plan.outputName ?? store.models.freeName(tunedModelName(plan.modelName, runNameTag(plan.kind, plan.method), plan.method === 'lora'));
  if (plan.method === 'lora') {
    const adapterPath = path.join(dir, 'adapter');
    if (fs.existsSync(adapterPath)) fs.rmSync(adapterPath, { recursive: true });
    await writePeftAdapter(adapterPath, folder.spec, lora, tensors, plan.modelPath);
    recordArtifact(store, runId, 'adapter', path.join(adapterPath, ADAPTER_WEIGHTS));
    if (!plan.merge) return { adapterPath, outputModel: null };
    const source = `${plan.kind}-merge:${runId}`;
    const merged = path.join(dir, 'merged');
    if (fs.existsSync(merged)) fs.rmSync(merged, { recursive: true });
    if (!modelRegisteredAs(store, source)) await mergeAdapter(plan.modelPath, readPeftAdapter(adapterPath), merged);
    const model = await registerRunModel(env, merged, outName, source);
    fs.rmSync(merged, { recursive: true, force: true });
    return { adapterPath, outputModel: model.name };
  }
  const out = path.join(dir, 'model');
  if (fs.existsSync(out)) fs.rmSync(out, { recursive: true });
  await writeHfFolder(out, { config: folder.config, tensors, generationConfig: folder.generationConfig ?? undefined, tokenizer: folder.tokenizer ?? undefined, tokenizerConfig: folder.tokenizerConfig ?? undefined, extraFiles: tokenizerSideFiles(folder.dir) });
  const model = await registerRunModel(env, out, outName, `${plan.kind}:${runId}`);
  fs.rmSync(out, { recursive: true, force: true });
  recordArtifact(store, runId, 'model', path.join(model.path, 'model.safetensors'));
  return { adapterPath: null, outputModel: model.name };
}
