// A DPO request checked before a run exists (the CLI, the studio before it queues the job, and the trainer before it
// creates the run call it): the model and dataset it names, a mapping with chosen and rejected, LoRA targets the
// architecture has, enough rows; defaults resolved and the dataset's content hash recorded with the config.
import { StudioError } from '../api/errors.ts';
import { DpoStartInput, type DpoConfig } from '../api/align.ts';
import type { Dataset, Model } from '../api/schemas.ts';
import { preferenceStyle } from '../data/preferences.ts';
import { readHfFolder } from '../models/checkpoint.ts';
import type { ModelSpec } from '../models/config.ts';
import { DEFAULT_LORA_TARGETS, loraModules } from '../models/lora.ts';
import type { Store } from '../store/db.ts';
import { sizedDefaults } from './defaults.ts';
import { zodInput } from './validate.ts';

/** The settings a DPO run was started with, defaults filled in; stored in runs.config. */
export type ResolvedDpoConfig = DpoConfig & {
  lr: number;
  seqLen: number;
  maxPromptLen: number;
  modelId: string;
  modelName: string;
  modelPath: string;
  datasetId: string;
  /** The dataset file's sha256 as imported: which data the run learned from. */
  datasetHash: string;
  loraTargets: string[];
};

const invalid = (message: string, field: string) => new StudioError('invalid_params', message, { field });

export function planDpo(input: unknown, store: Store): { config: ResolvedDpoConfig; model: Model; dataset: Dataset; spec: ModelSpec } {
  const parsed = zodInput(DpoStartInput, input);
  const model = store.models.findDecoder(parsed.model, 'be trained or fine-tuned as a text-generation model');
  const dataset = store.datasets.find(parsed.dataset, 'dataset');
  if (parsed.projectId !== null && !store.projects.get(parsed.projectId)) throw new StudioError('not_found', `project ${parsed.projectId} does not exist`, { field: 'projectId' });
  let spec: ModelSpec;
  try {
    spec = readHfFolder(model.path).spec;
  } catch (err) {
    throw invalid(`model ${model.name} cannot be trained: ${(err as Error).message}`, 'model');
  }
  preferenceStyle(dataset.mapping, dataset.name);
  const train = dataset.splits.train ?? 0;
  const validation = dataset.splits.validation ?? 0;
  if (train < 1 || (validation === 0 && train < 2)) {
    throw invalid(`dataset ${dataset.name} has ${train} training row(s)${validation === 0 ? ' and no validation split' : ''}; DPO needs at least ${validation === 0 ? 2 : 1} (one is held out for validation when there is no validation split)`, 'dataset');
  }
  const loraTargets = parsed.lora.targetModules ?? DEFAULT_LORA_TARGETS[spec.family];
  if (parsed.method === 'lora') {
    try {
      loraModules(spec, { r: parsed.lora.r, alpha: parsed.lora.alpha, dropout: parsed.lora.dropout, targetModules: loraTargets });
    } catch (err) {
      throw invalid((err as Error).message, 'lora.targetModules');
    }
  }
  const sized = sizedDefaults(spec, parsed.method);
  const seqLen = Math.min(parsed.seqLen ?? sized.seqLen, spec.maxPositions);
  const maxPromptLen = parsed.maxPromptLen ?? Math.floor(seqLen / 2);
  if (maxPromptLen >= seqLen) throw invalid(`maxPromptLen ${maxPromptLen} leaves no room for the completion in a sequence of ${seqLen} tokens; give a smaller one`, 'maxPromptLen');
  // the supervised tuning default: stories260K learned its training pairs (accuracy 0.98) at 1e-3 to 2e-3 in full DPO
  const lr = parsed.lr ?? sized.lr;
  const config: ResolvedDpoConfig = { ...parsed, lr, seqLen, maxPromptLen, modelId: model.id, modelName: model.name, modelPath: model.path, datasetId: dataset.id, datasetHash: dataset.contentHash, loraTargets };
  return { config, model, dataset, spec };
}
