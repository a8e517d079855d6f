// The LoRA adapter an evaluation applies on top of its model, checked before anything loads: the PEFT layout
// (adapter_config.json with peft_type LORA + adapter_model.safetensors) and the fit to the model (every target
// module exists in it, every lora_A / lora_B tensor has its sizes). An adapter recorded for another base that
// still fits is allowed (same architecture and sizes) and reported, so the run's config says what was used.
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import type { Model } from '../api/schemas.ts';
import { readHfFolder } from '../models/checkpoint.ts';
import { loraAName, loraBName, loraModules } from '../models/lora.ts';
import { ADAPTER_WEIGHTS, adapterFolderProblem, readPeftAdapter, type PeftAdapter } from '../models/peft.ts';

export interface CheckedAdapter {
  path: string;
  /** base_model_name_or_path from adapter_config.json. */
  baseModel: string | null;
  /** Whether that names this model (its folder, name, id or source); false: another base of the same sizes. */
  recordedBaseMatches: boolean;
  r: number;
  alpha: number;
  targetModules: string[];
}

const refuse = (message: string) => new StudioError('invalid_params', message, { field: 'adapterPath' });

function namesModel(base: string, model: Pick<Model, 'id' | 'name' | 'path' | 'source'>): boolean {
  if ([model.id, model.name, model.source].includes(base)) return true;
  return path.isAbsolute(base) && path.resolve(base) === path.resolve(model.path);
}

/** Check `adapterPath` against `model`; throws a StudioError (field adapterPath) saying what does not fit. */
export function checkAdapter(adapterPath: string, model: Pick<Model, 'id' | 'name' | 'path' | 'source'>): CheckedAdapter {
  const dir = path.resolve(adapterPath);
  const problem = adapterFolderProblem(dir); // missing, a file, or no adapter_config.json: said as merge and export say it
  if (problem) throw refuse(problem);
  let adapter: PeftAdapter;
  try {
    adapter = readPeftAdapter(dir);
  } catch (err) {
    throw refuse(`adapter ${dir} is not a PEFT LoRA adapter: ${(err as Error).message}`);
  }
  const spec = readHfFolder(model.path).spec;
  const trainedOn = adapter.baseModel ? ` (trained on ${adapter.baseModel})` : '';
  const modelShape = `${spec.architecture}, ${spec.numLayers} layers, hidden size ${spec.hiddenSize}`;
  const misfit = (why: string) => refuse(`adapter ${dir}${trainedOn} does not fit model '${model.name}' (${modelShape}): ${why}; evaluate it with the model it was trained on`);
  let modules;
  try {
    modules = loraModules(spec, adapter.config);
  } catch (err) {
    throw misfit((err as Error).message);
  }
  for (const m of modules) {
    const want: [string, number[]][] = [[loraAName(m.module), [adapter.config.r, m.inFeatures]], [loraBName(m.module), [m.outFeatures, adapter.config.r]]];
    for (const [name, shape] of want) {
      const t = adapter.weights.get(name);
      if (!t) throw misfit(`${ADAPTER_WEIGHTS} has no '${name}'`);
      if (t.shape.length !== 2 || t.shape[0] !== shape[0] || t.shape[1] !== shape[1]) throw misfit(`'${name}' is ${JSON.stringify(t.shape)}, the model needs ${JSON.stringify(shape)}`);
    }
  }
  return {
    path: dir,
    baseModel: adapter.baseModel,
    recordedBaseMatches: adapter.baseModel === null || namesModel(adapter.baseModel, model),
    r: adapter.config.r,
    alpha: adapter.config.alpha,
    targetModules: adapter.config.targetModules,
  };
}

/**
 * How a run's default name tells an adapter apart from its base (runs list, compare, the scorecard): a training
 * run's adapter (runs/<run id>/adapter) by that run's id, any other by its folder's name.
 */
export function adapterLabel(dir: string): string {
  return path.basename(dir) === 'adapter' ? path.basename(path.dirname(dir)) : path.basename(dir);
}
