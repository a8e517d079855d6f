// The base data directory every trial starts from (a copy of it), and the uninterrupted reference runs the
// trials are compared with: stories260K imported with `lathe model import-llama2c`, DialogSum train (12,460
// rows) imported as 'dsum', 64 story pairs as 'stories', one LoRA fine-tuning run and one evaluation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeStoryPairs } from '../fixtures/train-story-pairs.ts';
import { openStore } from '../../native/store/db.ts';
import { datasetDir } from '../../native/data/files.ts';
import { ADAPTER_WEIGHTS } from '../../native/models/peft.ts';
import { runDir } from '../../native/train/run-env.ts';
import { SHARED_DATA, killCli, lathe, latheJson, sha256File } from './common.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
export const DIALOGSUM_TRAIN = path.join(SHARED_DATA, 'datasets/dialogsum/train.jsonl');

export function sharedDataMissing(): string | null {
  for (const f of [path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), DIALOGSUM_TRAIN]) {
    if (!fs.existsSync(f)) return `${f} is absent (the fault trials need ../shared/data)`;
  }
  return null;
}

/**
 * CPU-cheap sizes: a few seconds per run on one thread; checkpoints every 3 steps, validation every 8 (or at the
 * end). `quick` is for the test suite's single trial of each kind.
 */
export interface TrialSizes {
  steps: number;
  evalLimit: number;
}
export const FULL_SIZES: TrialSizes = { steps: 24, evalLimit: 6 };
export const QUICK_SIZES: TrialSizes = { steps: 9, evalLimit: 2 };

export const finetuneArgs = (z: TrialSizes, name: string) => ['train', '--model', 's260k', '--dataset', 'stories', '--max-steps', String(z.steps), '--save-every', '3', '--eval-every', '8', '--batch-size', '2', '--seq-len', '64', '--threads', '1', '--name', name];
export const finetuneParams = (z: TrialSizes, name: string) => ({ model: 's260k', dataset: 'stories', maxSteps: z.steps, saveEvery: 3, evalEvery: 8, batchSize: 2, seqLen: 64, threads: 1, name });
export const evalArgs = (z: TrialSizes, name: string) => ['eval', '--model', 's260k', '--dataset', 'dsum', '--split', 'test', '--limit', String(z.evalLimit), '--metrics', 'rouge,bleu', '--max-new-tokens', '16', '--batch-size', '1', '--threads', '1', '--name', name];
export const evalParams = (z: TrialSizes, name: string) => ({ model: 's260k', dataset: 'dsum', split: 'test', limit: z.evalLimit, metrics: ['rouge', 'bleu'], generation: { maxNewTokens: 16 }, batchSize: 1, threads: 1, name });

/** What an import of DialogSum train must give: the same rows, offsets and splits, byte for byte. */
export interface ImportReference {
  rowCount: number;
  contentHash: string;
  files: Record<string, string>;
  ms: number;
}

export interface FinetuneReference {
  losses: Map<number, number>;
  valLosses: Map<number, number>;
  adapterHash: string;
  ms: number;
}

export interface EvalReference {
  /** Scores only (timing metrics differ from run to run). */
  scores: Record<string, number>;
  predictions: string[];
  ms: number;
}

export interface Fixture {
  sizes: TrialSizes;
  base: string;
  work: string;
  import: ImportReference;
  finetune: FinetuneReference;
  eval: EvalReference;
}

export const DATASET_FILES = ['rows.jsonl', 'index.bin', 'splits.bin'];

export function datasetFileHashes(dataDir: string, id: string): Record<string, string> {
  return Object.fromEntries(DATASET_FILES.map((f) => [f, sha256File(path.join(datasetDir(dataDir, id), f))]));
}

/** Metrics that depend only on the predictions (not on time). */
export const isScore = (name: string): boolean => !/seconds|latency|tokens_per_second/.test(name);

export function finetuneSeries(dataDir: string, runId: string): { losses: Map<number, number>; valLosses: Map<number, number> } {
  const store = openStore(dataDir);
  try {
    const series = (name: string) => new Map(store.runs.metrics(runId, name).map((m) => [m.step, m.value]));
    return { losses: series('loss'), valLosses: series('val_loss') };
  } finally {
    store.close();
  }
}

export function evalScores(dataDir: string, runId: string): { scores: Record<string, number>; predictions: string[] } {
  const store = openStore(dataDir);
  try {
    const scores = Object.fromEntries(store.runs.metrics(runId).filter((m) => isScore(m.name)).map((m) => [m.name, m.value]));
    const file = store.runs.artifacts(runId).find((a) => a.kind === 'predictions')?.path;
    const predictions = file ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { prediction: string }).prediction) : [];
    return { scores, predictions };
  } finally {
    store.close();
  }
}

/** Run `lathe args` to the end; the milliseconds from its first line on stderr (its work begun) to its exit. */
async function timed(dataDir: string, args: string[]): Promise<number> {
  const r = await killCli(dataDir, args, Infinity);
  if (r.exitCode !== 0) throw new Error(`lathe ${args.join(' ')} exited ${r.exitCode}:\n${r.output}`);
  return r.workMs ?? 0;
}

function named<T extends { name: string }>(list: T[], name: string): T {
  const found = list.find((x) => x.name === name);
  if (!found) throw new Error(`no '${name}' in the base store`);
  return found;
}

/** Build the base data directory and the references (about 20 s on one free core). */
export async function prepareFixture(sizes: TrialSizes = FULL_SIZES, work = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-trials-'))): Promise<Fixture> {
  const base = path.join(work, 'base');
  const model = lathe(base, ['model', 'import-llama2c', path.join(MODEL, 'stories260K.bin'), '--tokenizer', path.join(MODEL, 'tok512.bin'), '--name', 's260k']);
  if (model.code !== 0) throw new Error(`model import failed:\n${model.stderr}`);
  const stories = path.join(work, 'stories.jsonl');
  writeStoryPairs(stories, 64);
  latheJson(base, ['dataset', 'import', stories, '--name', 'stories']);
  const importMs = await timed(base, ['dataset', 'import', DIALOGSUM_TRAIN, '--name', 'dsum']);
  const finetuneMs = await timed(base, finetuneArgs(sizes, 'reference'));
  const evalMs = await timed(base, evalArgs(sizes, 'reference'));

  const store = openStore(base);
  try {
    const dsum = named(store.datasets.list(), 'dsum');
    const trained = named(store.runs.list({ kind: 'finetune' }), 'reference');
    if (trained.status !== 'succeeded') throw new Error(`reference fine-tuning ended ${trained.status}`);
    const evaluated = named(store.runs.list({ kind: 'evaluation' }), 'reference');
    return {
      sizes,
      base,
      work,
      import: { rowCount: dsum.rowCount, contentHash: dsum.contentHash, files: datasetFileHashes(base, dsum.id), ms: importMs },
      finetune: { ...finetuneSeries(base, trained.id), adapterHash: sha256File(path.join(runDir(base, trained.id), 'adapter', ADAPTER_WEIGHTS)), ms: finetuneMs },
      eval: { ...evalScores(base, evaluated.id), ms: evalMs },
    };
  } finally {
    store.close();
  }
}
