// Everything a training request can be checked for before a run exists: the model and dataset it names, the
// column mapping's task format, LoRA targets the architecture has, enough rows or text to train and validate on,
// a shape the heads divide. The CLI, the studio handlers (before they queue a job) and the trainers themselves
// (before they create the run) call these, so bad input is an error that says what to fix and leaves no run behind.
import fs from 'node:fs';
import { StudioError } from '../api/errors.ts';
import { plural } from '../api/format.ts';
import { issueWords, type SchemaIssue } from '../api/issue-words.ts';
import type { Dataset, Model } from '../api/schemas.ts';
import { PretrainInput, TrainStartInput, type PretrainConfig, type TrainConfig } from '../api/train.ts';
import { fileProblem } from '../models/atomic.ts';
import { readHfFolder } from '../models/checkpoint.ts';
import { isOnnxOnlyFolder } from '../models/onnx-variants.ts';
import type { ModelSpec } from '../models/config.ts';
import { DEFAULT_LORA_TARGETS, loraModules } from '../models/lora.ts';
import type { Store } from '../store/db.ts';
import { notPlainTextReason } from '../text/plain-text.ts';
import { sizedDefaults } from './defaults.ts';
import { pretrainModelConfig, pretrainPlan } from './pretrain-shape.ts';
import { BOS_FOLLOWS_TOKENIZER, detectFormat, examplePrompter, type SftFormat } from './sft-examples.ts';

/** The settings a fine-tuning run was started with, resolved (defaults filled in) and stored in runs.config. */
export type ResolvedConfig = TrainConfig & {
  lr: number; seqLen: number; modelId: string; modelName: string; modelPath: string; datasetId: string; loraTargets: string[];
  /** The BOS before each example follows the tokenizer (BOS_FOLLOWS_TOKENIZER); absent in runs from before, which resume by their rule (bosFollowsTokenizer). */
  bosFollowsTokenizer?: boolean;
};

const invalid = (message: string, field: string) => new StudioError('invalid_params', message, { field });

export function zodInput<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: SchemaIssue[] } } }, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  throw new StudioError('invalid_params', r.error.issues.map((i) => `${i.path.join('.')}: ${issueWords(i, input)}`).join('; '), { field: first?.path.join('.') });
}

/** What every training request names: a model, a dataset and (or null) a project. */
interface TrainingRequest {
  model: string;
  dataset: string;
  projectId: string | null;
}

/** The decoder and dataset a training request names; a project it names must exist. Throws a StudioError naming the field. */
export function requestedModelAndData(request: TrainingRequest, store: Store): { model: Model; dataset: Dataset } {
  const model = store.models.findDecoder(request.model, 'be trained or fine-tuned as a text-generation model');
  const dataset = store.datasets.find(request.dataset, 'dataset');
  if (request.projectId !== null && !store.projects.get(request.projectId)) throw new StudioError('not_found', `project ${request.projectId} does not exist`, { field: 'projectId' });
  return { model, dataset };
}

/**
 * The architecture of a model to be trained; a folder that cannot be read as one is an error on the field model, and
 * so is a model that holds only ONNX weights (a quantised variant): refused here, before the run exists, not when
 * the started job looks for safetensors weights that are not there.
 */
export function trainableSpec(model: Model): ModelSpec {
  if (isOnnxOnlyFolder(model.path)) {
    throw invalid(`model ${model.name} holds only ONNX weights (a quantised or exported variant), which cannot be trained; train the model it was made from`, 'model');
  }
  try {
    return readHfFolder(model.path).spec;
  } catch (err) {
    throw invalid(`model ${model.name} cannot be trained: ${(err as Error).message}`, 'model');
  }
}

/** Rows to train on and validate with; without a validation split one training row is held out, so two are needed. `trainer` names who needs them. */
export function requireHoldoutRows(dataset: Dataset, trainer: string): void {
  const train = dataset.splits.train ?? 0;
  const validation = dataset.splits.validation ?? 0;
  const test = dataset.splits.test ?? 0;
  if (train === 0 && validation === 0 && test > 0) {
    // a published test set imported whole as its test split (dialogsum-test): the numbers alone did not say why
    throw invalid(`dataset ${dataset.name} is a test set: all ${plural(test, 'row')} are its test split, kept for evaluation, so ${trainer} has nothing to learn from; train on a dataset with a train split, or import the file again split into train, validation and test (such as 0.8,0.1,0.1)`, 'dataset');
  }
  if (train < 1 || (validation === 0 && train < 2)) {
    throw invalid(`dataset ${dataset.name} has ${train} training row(s)${validation === 0 ? ' and no validation split' : ''}; ${trainer} needs at least ${validation === 0 ? 2 : 1} (one is held out for validation when there is no validation split)`, 'dataset');
  }
}

/** The LoRA target modules of a request (its family's defaults when it names none), checked against the architecture when the method is LoRA. */
export function loraTargetsFor(spec: ModelSpec, method: 'lora' | 'full', lora: { r: number; alpha: number; dropout: number; targetModules?: string[] }): string[] {
  const loraTargets = lora.targetModules ?? DEFAULT_LORA_TARGETS[spec.family];
  if (method === 'lora') {
    try {
      loraModules(spec, { r: lora.r, alpha: lora.alpha, dropout: lora.dropout, targetModules: loraTargets });
    } catch (err) {
      throw invalid((err as Error).message, 'lora.targetModules');
    }
  }
  return loraTargets;
}

/**
 * The sequence length a run trains at: the one asked for, else the default sized to the model (sizedDefaults, never
 * above its context). One asked for beyond the model's context is refused, naming the field seqLen: it was cut to
 * the context without a word, and the only hint was a later warning that examples longer than it were cut.
 * Fine-tuning, DPO and reward training check it here, before anything is read or a run exists; the CLI names the
 * field as --seq-len, the studio's forms mark it (TrainDefaults.context is the same number).
 */
export function requestedSeqLen(requested: number | undefined, sizedSeqLen: number, spec: ModelSpec, model: Model): number {
  if (requested !== undefined && requested > spec.maxPositions) {
    throw invalid(`the sequence length ${requested} is longer than model ${model.name}'s context of ${spec.maxPositions} tokens; give ${spec.maxPositions} or less, or leave it out for the default (${sizedSeqLen})`, 'seqLen');
  }
  return requested ?? sizedSeqLen;
}

// The advice the trainers' warnings of cut inputs give (longerSeqLenAdvice, longerPromptAdvice) is the run views':
// one wording, in native/api/cut-advice.ts.
export { longerPromptAdvice, longerSeqLenAdvice } from '../api/cut-advice.ts';

export interface FinetunePlan {
  config: ResolvedConfig;
  model: Model;
  dataset: Dataset;
  spec: ModelSpec;
  format: SftFormat;
}

/** Check a fine-tuning request against the store and resolve its defaults; throws a StudioError naming the field. */
export function planFinetune(input: unknown, store: Store, dataDir: string): FinetunePlan {
  const parsed = zodInput(TrainStartInput, input);
  const { model, dataset } = requestedModelAndData(parsed, store);
  // The model the run saves is registered under this name at the end: a taken name is refused now, not after training.
  if (parsed.outputName) store.models.requireFreeName(parsed.outputName, 'outputName');
  const spec = trainableSpec(model);
  const seqLen = requestedSeqLen(parsed.seqLen, sizedDefaults(spec, parsed.method).seqLen, spec, model);
  let format: SftFormat;
  try {
    format = detectFormat(dataset, parsed.format);
  } catch (err) {
    throw invalid(`${(err as Error).message}`, parsed.format === 'auto' ? 'dataset' : 'format');
  }
  try {
    examplePrompter(format, dataset, dataDir); // reads the whole dataset's tag set for tagging: bad tags are refused before a run exists
  } catch (err) {
    throw invalid((err as Error).message, 'dataset');
  }
  requireHoldoutRows(dataset, 'training');
  const loraTargets = loraTargetsFor(spec, parsed.method, parsed.lora);
  const sized = sizedDefaults(spec, parsed.method);
  const config: ResolvedConfig = {
    ...parsed,
    format, // what the run trains in, not 'auto': the run's settings then say which layout its examples had
    lr: parsed.lr ?? sized.lr,
    seqLen,
    modelId: model.id,
    modelName: model.name,
    modelPath: model.path,
    datasetId: dataset.id,
    loraTargets,
    ...BOS_FOLLOWS_TOKENIZER,
  };
  return { config, model, dataset, spec, format };
}

export interface PretrainShape {
  config: PretrainConfig;
  modelConfig: Record<string, unknown>;
  plan: ReturnType<typeof pretrainPlan>;
}

/** 'corpus file nope.txt: no such file; did you mean …?', else the problem in words (it said '(ENOENT)'), with what to do. */
const unreadable = (file: string, err: unknown) => invalid(`corpus file ${file}: ${fileProblem(file, err, { want: 'a plain-text file', near: true })}`, 'corpus');

/**
 * Check a pretraining request's shape and that its corpus is a non-empty file, without reading the corpus (the
 * studio calls this before queueing the job; the job reads and checks the text); throws a StudioError naming the field.
 */
export function checkPretrain(input: unknown): PretrainShape {
  const config = zodInput(PretrainInput, input);
  if (config.dModel % config.heads !== 0) throw invalid(`the hidden size ${config.dModel} must be divisible by the ${config.heads} heads`, 'dModel');
  const modelConfig = pretrainModelConfig(config);
  let plan: ReturnType<typeof pretrainPlan>;
  try {
    plan = pretrainPlan(modelConfig);
  } catch (err) {
    throw invalid(`this shape is not a model Lathe can build: ${(err as Error).message}`, 'dModel');
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(config.corpus);
  } catch (err) {
    throw unreadable(config.corpus, err);
  }
  if (!stat.isFile()) throw invalid(`corpus ${config.corpus} is ${stat.isDirectory() ? 'a folder' : 'not a file'}; give a plain-text file`, 'corpus');
  if (stat.size === 0) throw invalid(`corpus file ${config.corpus} is empty`, 'corpus');
  return { config, modelConfig, plan };
}

/** The corpus as text; throws naming the field when it cannot be read or holds only white space. */
export function readCorpus(file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw unreadable(file, err);
  }
  const binary = notPlainTextReason(bytes);
  if (binary) throw invalid(`corpus file ${file} is not plain text: ${binary}`, 'corpus');
  const text = bytes.toString('utf8');
  if (text.trim().length === 0) throw invalid(`corpus file ${file} is empty`, 'corpus');
  return text;
}

/** checkPretrain, then the corpus read and checked for enough text to train and validate on. */
export function planPretrain(input: unknown): PretrainShape & { text: string } {
  const shape = checkPretrain(input);
  const { config } = shape;
  const text = readCorpus(config.corpus);
  // a byte-level tokenizer never makes more tokens than bytes: fewer bytes than one window is surely too short
  const window = Math.min(config.seqLen ?? config.context, config.context) + 2;
  const cut = Math.floor(text.length * (1 - config.validationFraction));
  const trainBytes = Buffer.byteLength(text.slice(0, cut));
  const valBytes = Buffer.byteLength(text.slice(cut));
  if (trainBytes < window || valBytes < window) {
    throw invalid(`corpus ${config.corpus} is too short: ${trainBytes} bytes for training and ${valBytes} for validation, each needs more than one window of ${window - 1} tokens; use more text or a shorter context`, 'corpus');
  }
  return { ...shape, text };
}
