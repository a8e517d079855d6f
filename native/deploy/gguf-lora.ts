// A PEFT LoRA adapter as a GGUF adapter file that llama.cpp applies on top of the base model's GGUF (the layout
// of llama.cpp's convert_lora_to_gguf.py): general.type "adapter", adapter.type "lora", adapter.lora.alpha, and
// per adapted weight `<gguf name>.lora_a` (dims [in, r], PEFT's lora_A (r, in) as is) and `.lora_b` (dims
// [r, out], PEFT's lora_B (out, r)). llama.cpp scales by alpha / r as PEFT does. B's rows of the Q and K
// projections take the same rotary permutation as the base weights, so B·A lands on the permuted rows.
import fs from 'node:fs';
import path from 'node:path';
import { CheckpointError } from '../api/errors.ts';
import { readHfFolder } from '../models/checkpoint.ts';
import { loraAName, loraBName, loraModules } from '../models/lora.ts';
import { readPeftAdapter } from '../models/peft.ts';
import { quantize } from './ggml-blocks.ts';
import { writeGgufFile, type GgufTensorPlan } from './gguf-file-writer.ts';
import { DEFAULT_ALIGNMENT, f32, str, u32, type GgufMetadata } from './gguf-format.ts';
import { ggufTensorName, permuteRotaryRows, permutedHeads } from './gguf-llama.ts';
import { checkExportable, type GgufExportOptions } from './gguf-write.ts';

export interface LoraGgufResult {
  file: string;
  bytes: number;
  /** Adapted weights (each gives a lora_a and a lora_b tensor). */
  modules: number;
}

/** Write the adapter in `adapterDir` (PEFT layout) for the base model in `baseDir` to `outFile`, atomically. */
export async function exportLoraGguf(baseDir: string, adapterDir: string, outFile: string, opts: Pick<GgufExportOptions, 'name' | 'onProgress' | 'signal' | 'force'> = {}): Promise<LoraGgufResult> {
  const spec = readHfFolder(baseDir).spec;
  checkExportable(spec, path.join(baseDir, 'config.json'));
  const adapter = readPeftAdapter(adapterDir);
  let modules;
  try {
    modules = loraModules(spec, adapter.config);
  } catch (err) {
    throw new CheckpointError(`${path.join(adapterDir, 'adapter_config.json')}: field 'target_modules': ${(err as Error).message}`);
  }
  const metadata: GgufMetadata = new Map();
  metadata.set('general.architecture', str('llama'));
  metadata.set('general.type', str('adapter'));
  metadata.set('general.name', str(opts.name ?? path.basename(path.resolve(adapterDir))));
  metadata.set('general.alignment', u32(DEFAULT_ALIGNMENT));
  metadata.set('adapter.type', str('lora'));
  metadata.set('adapter.lora.alpha', f32(adapter.config.alpha));
  const plans: GgufTensorPlan[] = [];
  const r = adapter.config.r;
  for (const m of modules) {
    const name = ggufTensorName(`${m.module}.weight`);
    if (!name) throw new CheckpointError(`${adapterDir}: module '${m.module}' has no GGUF name`);
    const a = adapter.weights.get(loraAName(m.module));
    const b = adapter.weights.get(loraBName(m.module));
    const weightsFile = path.join(adapterDir, 'adapter_model.safetensors');
    if (!a || a.shape.join() !== [r, m.inFeatures].join()) throw new CheckpointError(`${weightsFile}: tensor '${loraAName(m.module)}' is ${a ? `of shape ${JSON.stringify(a.shape)}` : 'missing'}; expected [${r}, ${m.inFeatures}]`);
    if (!b || b.shape.join() !== [m.outFeatures, r].join()) throw new CheckpointError(`${weightsFile}: tensor '${loraBName(m.module)}' is ${b ? `of shape ${JSON.stringify(b.shape)}` : 'missing'}; expected [${m.outFeatures}, ${r}]`);
    const heads = permutedHeads(name, spec);
    plans.push({ name: `${name}.lora_a`, dims: [m.inFeatures, r], type: 'F32', bytes: () => quantize('F32', a.data) });
    plans.push({ name: `${name}.lora_b`, dims: [r, m.outFeatures], type: 'F32', bytes: () => quantize('F32', heads === null ? b.data : permuteRotaryRows(b.data, heads, m.outFeatures, r)) });
  }
  await writeGgufFile(outFile, metadata, plans, (done, total) => opts.onProgress?.({ fraction: done / total, message: `tensor ${done} of ${total} (${plans[done - 1].name})` }), opts.signal, opts.force);
  return { file: outFile, bytes: fs.statSync(outFile).size, modules: modules.length };
}
