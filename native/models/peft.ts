// PEFT's adapter format: adapter_config.json (peft_type LORA, r, lora_alpha, lora_dropout, target_modules,
// base_model_name_or_path, task_type CAUSAL_LM, …) and adapter_model.safetensors holding
// base_model.model.<module>.lora_A.weight (r, in) and .lora_B.weight (out, r) — what PEFT's save_pretrained
// writes and from_pretrained reads.
import fs from 'node:fs';
import path from 'node:path';
import { writeFolderAtomic, writeJsonAtomic } from './atomic.ts';
import type { ModelSpec } from './config.ts';
import { loraAName, loraBName, loraModules, type LoraConfig } from './lora.ts';
import { CheckpointError, SafetensorsFile, showValue, writeSafetensors, type Tensor } from './safetensors.ts';
import { parseJsonText } from '../api/json-text.ts';
import { noSuchPath } from '../store/near-files.ts';

export const ADAPTER_CONFIG = 'adapter_config.json';
export const ADAPTER_WEIGHTS = 'adapter_model.safetensors';

export function adapterConfigJson(spec: ModelSpec, config: LoraConfig, baseModel: string): Record<string, unknown> {
  return {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: baseModel,
    r: config.r,
    lora_alpha: config.alpha,
    lora_dropout: config.dropout,
    target_modules: [...config.targetModules],
    bias: 'none',
    // GPT-2's Conv1D stores weights (in, out); PEFT marks that with fan_in_fan_out
    fan_in_fan_out: spec.family === 'gpt2',
    inference_mode: true,
    init_lora_weights: true,
    modules_to_save: null,
    layers_to_transform: null,
    layers_pattern: null,
    rank_pattern: {},
    alpha_pattern: {},
    use_rslora: false,
    use_dora: false,
    revision: null,
  };
}

/** Write an adapter folder atomically (it appears whole or not at all). */
export async function writePeftAdapter(dir: string, spec: ModelSpec, config: LoraConfig, weights: ReadonlyMap<string, Tensor>, baseModel: string): Promise<void> {
  const tensors = new Map<string, Tensor>();
  for (const m of loraModules(spec, config)) {
    for (const name of [loraAName(m.module), loraBName(m.module)]) {
      const t = weights.get(name);
      if (!t) throw new Error(`writePeftAdapter: no tensor '${name}'`);
      tensors.set(name, t);
    }
  }
  await writeFolderAtomic(dir, async (tmp) => {
    await writeSafetensors(path.join(tmp, ADAPTER_WEIGHTS), tensors);
    await writeJsonAtomic(path.join(tmp, ADAPTER_CONFIG), adapterConfigJson(spec, config, baseModel));
  });
}

export interface PeftAdapter {
  dir: string;
  config: LoraConfig;
  baseModel: string | null;
  weights: Map<string, Tensor>;
}

/** What a LoRA adapter folder holds, for errors that ask for one. */
const ADAPTER_FOLDER = `the folder of a PEFT LoRA adapter (${ADAPTER_CONFIG} + ${ADAPTER_WEIGHTS})`;

/**
 * For a folder without adapter_config.json that is a LoRA run's (runs/<id>/, given for the adapter/ it holds, as
 * `lathe export --adapter DATA_DIR/runs/RUN` is easily typed), the error that names the adapter folder; else undefined.
 */
export function adapterInRunFolder(dir: string): string | undefined {
  const where = path.resolve(dir);
  const inner = path.join(where, 'adapter');
  return fs.existsSync(path.join(inner, ADAPTER_CONFIG)) ? `${where}: no ${ADAPTER_CONFIG} here, but its adapter/ folder is a PEFT adapter (a LoRA run's); give ${inner}` : undefined;
}

/**
 * Why `dir` is no adapter folder, from a look at it (no file read): missing, a file, or without adapter_config.json;
 * undefined when it may be one. Named resolved (`lathe export --adapter nope` said 'nope: no adapter_config.json; is
 * this a PEFT adapter folder?' for a typo, which reads as a folder that exists but lacks a file). The CLI asks before
 * it opens the data directory, so a mistyped --adapter leaves nothing behind. The one wording of an adapter folder that
 * is none: the CLI's --adapter, evaluation (eval/runner-adapter.ts), merge (deploy/merge-model.ts) and export say it.
 */
export function adapterFolderProblem(dir: string): string | undefined {
  const where = path.resolve(dir);
  const stat = fs.statSync(where, { throwIfNoEntry: false });
  if (!stat) return `${where}: ${noSuchPath(where, { noun: 'folder', of: `the PEFT LoRA adapter (${ADAPTER_CONFIG} + ${ADAPTER_WEIGHTS})` })}`;
  if (!stat.isDirectory()) return `${where} is a file; give ${ADAPTER_FOLDER}`;
  if (!fs.existsSync(path.join(where, ADAPTER_CONFIG))) return adapterInRunFolder(where) ?? `${where}: no ${ADAPTER_CONFIG}; is this a PEFT adapter folder? Give ${ADAPTER_FOLDER}`;
  return undefined;
}

/** Read a LoRA adapter folder written by PEFT or by Lathe; errors name the file and field (a path that is no folder: adapterFolderProblem). */
export function readPeftAdapter(dir: string): PeftAdapter {
  const problem = adapterFolderProblem(dir);
  if (problem) throw new CheckpointError(problem);
  const file = path.join(dir, ADAPTER_CONFIG);
  const config = readAdapterConfig(file);
  const weightsFile = path.join(dir, ADAPTER_WEIGHTS);
  if (!fs.existsSync(weightsFile)) throw new CheckpointError(`${dir}: no ${ADAPTER_WEIGHTS}`);
  const f = SafetensorsFile.open(weightsFile);
  const weights = new Map<string, Tensor>();
  try {
    // PEFT may save names without the adapter name ('lora_A.weight') or with it ('lora_A.default.weight')
    for (const name of f.tensors.keys()) weights.set(name.replace('.lora_A.default.weight', '.lora_A.weight').replace('.lora_B.default.weight', '.lora_B.weight'), f.read(name));
  } finally {
    f.close();
  }
  return { dir, ...config, weights };
}

/**
 * adapter_config.json → the LoRA settings, every field checked for its type (a string r, a list of numbers
 * as target_modules or an alpha of "8" would otherwise reach the graph builders).
 */
function readAdapterConfig(file: string): { config: LoraConfig; baseModel: string | null } {
  const raw = parseJsonText(fs.readFileSync(file, 'utf8'), file) as Record<string, unknown>;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new CheckpointError(`${file}: not a JSON object; ${ADAPTER_CONFIG} holds {"peft_type": "LORA", "r": …, "target_modules": […], …}`);
  const field = (name: string, rule: string) => new CheckpointError(`${file}: field '${name}' ${rule}; got ${showValue(raw[name])}`);
  if (raw.peft_type !== 'LORA') throw new CheckpointError(`${file}: field 'peft_type' is ${showValue(raw.peft_type)}; Lathe loads LORA adapters`);
  if (raw.use_dora) throw new CheckpointError(`${file}: field 'use_dora' is true; DoRA adapters are not supported`);
  const r = raw.r;
  if (typeof r !== 'number' || !Number.isSafeInteger(r) || r < 1) throw field('r', 'must be a whole number ≥ 1');
  const targets = typeof raw.target_modules === 'string' ? [raw.target_modules] : raw.target_modules;
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === 'string' && t !== '')) throw field('target_modules', 'must list module names');
  if (raw.use_rslora) throw new CheckpointError(`${file}: field 'use_rslora' is true; rank-stabilised scaling is not supported yet`);
  const alpha = raw.lora_alpha ?? 8;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw field('lora_alpha', 'must be a number');
  const dropout = raw.lora_dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw field('lora_dropout', 'must be a number in [0, 1)');
  return { config: { r, alpha, dropout, targetModules: targets as string[] }, baseModel: typeof raw.base_model_name_or_path === 'string' ? raw.base_model_name_or_path : null };
}
