// A DPO request checked before a run exists (the CLI, the studio before it queues the job, and the trainer before it
// creates the run call it): the model and dataset it names, a mapping with chosen and rejected, LoRA targets the
// architecture has, enough rows; defaults resolved and the dataset's content hash recorded with the config.
import { StudioError } from '../api/errors.ts';
import { DpoStartInput, type DpoConfig } from '../api/align.ts';
import type { Dataset, Model } from '../api/schemas.ts';
import { preferenceStyle } from '../data/preferences.ts';
import type { ModelSpec } from '../models/config.ts';
import type { Store } from '../store/db.ts';
import { sizedDefaults } from './defaults.ts';
import { pairPromptLen, PROMPT_LEN_COUNTS_BOS } from './preference-examples.ts';
import { BOS_FOLLOWS_TOKENIZER } from './sft-examples.ts';
import { loraTargetsFor, requestedModelAndData, requestedSeqLen, requireHoldoutRows, trainableSpec, zodInput } from './validate.ts';

/** The settings a DPO run was started with, defaults filled in; stored in runs.config. */
export type ResolvedDpoConfig = DpoConfig & {
  lr: number;
  seqLen: number;
  maxPromptLen: number;
  /** maxPromptLen counts the prompt's BOS (PROMPT_LEN_COUNTS_BOS); absent in runs from before it did, which resume by their rule (pairPromptRule). */
  promptLenCountsBos?: boolean;
  /** The prompt's BOS follows the tokenizer (BOS_FOLLOWS_TOKENIZER); absent in runs from before, which resume by their rule (pairPromptRule). */
  bosFollowsTokenizer?: boolean;
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
  const { model, dataset } = requestedModelAndData(parsed, store);
  const spec = trainableSpec(model);
  const sized = sizedDefaults(spec, parsed.method);
  const seqLen = requestedSeqLen(parsed.seqLen, sized.seqLen, spec, model);
  preferenceStyle(dataset.mapping, dataset.name);
  requireHoldoutRows(dataset, 'DPO');
  const loraTargets = loraTargetsFor(spec, parsed.method, parsed.lora);
  const maxPromptLen = pairPromptLen({ seqLen, maxPromptLen: parsed.maxPromptLen });
  if (maxPromptLen >= seqLen) throw invalid(`a longest prompt of ${maxPromptLen} tokens leaves no room for the completion in a sequence of ${seqLen}; give fewer than ${seqLen}`, 'maxPromptLen');
  // the supervised tuning default: stories260K learned its training pairs (accuracy 0.98) at 1e-3 to 2e-3 in full DPO
  const lr = parsed.lr ?? sized.lr;
  const config: ResolvedDpoConfig = { ...parsed, lr, seqLen, maxPromptLen, ...PROMPT_LEN_COUNTS_BOS, ...BOS_FOLLOWS_TOKENIZER, modelId: model.id, modelName: model.name, modelPath: model.path, datasetId: dataset.id, datasetHash: dataset.contentHash, loraTargets };
  return { config, model, dataset, spec };
}
