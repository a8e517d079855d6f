// What the end-to-end tests set up through the CLI before the browser opens, as a user following the README would:
// a generation project, stories260K imported as 's260k', and the small datasets written beside the studio's data.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EvalExample } from '../../native/api/eval.ts';
import { savePredictions } from '../../native/eval/predictions.ts';
import { openStore, type Store } from '../../native/store/db.ts';
import { writeStoryPairs } from '../fixtures/train-story-pairs.ts';
import { latheJson, STORIES260K, type RunningStudio } from './harness.ts';

/** A generation project; its id. */
export async function createGenerationProject(studio: RunningStudio, name: string, description: string): Promise<string> {
  return (await latheJson<{ id: string }>(studio, 'project', 'create', '--name', name, '--task', 'generation', '--description', description)).id;
}

/** stories260K (the shared data kit's llama2.c checkpoint and tokenizer) imported as the model 's260k'. */
export async function importS260k(studio: RunningStudio): Promise<void> {
  await latheJson(studio, 'model', 'import-llama2c', STORIES260K.checkpoint, '--tokenizer', STORIES260K.tokenizer, '--name', 's260k');
}

/** `count` instruction pairs (tests/fixtures/train-story-pairs.ts) written as story-pairs.jsonl and imported into the project as 'story-pairs'. */
export async function importStoryPairs(studio: RunningStudio, projectId: string, count: number): Promise<void> {
  const pairs = path.join(studio.dataDir, 'story-pairs.jsonl');
  writeStoryPairs(pairs, count);
  await latheJson(studio, 'dataset', 'import', pairs, '--name', 'story-pairs', '--project', projectId);
}

/** Twelve labelled sentences (sentence / label, 0 dull and 1 warm alternating) imported into the project as 'reviews', split 0.75 / 0.25 / 0. */
export async function importReviews(studio: RunningStudio, projectId: string): Promise<void> {
  const reviews = path.join(studio.dataDir, 'reviews.tsv');
  writeFileSync(reviews, `sentence\tlabel\n${Array.from({ length: 12 }, (_, i) => (i % 2 ? `a dull story number ${i}\t0` : `a warm story number ${i}\t1`)).join('\n')}\n`);
  await latheJson(studio, 'dataset', 'import', reviews, '--name', 'reviews', '--project', projectId, '--split', '0.75,0.25,0');
}

/**
 * The first `chars` characters of the text file `corpus` written beside the studio's data as <name>-<chars>.txt; its
 * path. Pretraining reads the whole corpus before its first step (learning the tokenizer, encoding it) and after its
 * last (a validation loss over all of its held-out end): on all of tinyshakespeare that was half a short run's time.
 */
export function writeCorpusSlice(studio: RunningStudio, corpus: string, chars: number): string {
  const slice = path.join(studio.dataDir, `${path.basename(corpus, '.txt')}-${chars}.txt`);
  writeFileSync(slice, readFileSync(corpus, 'utf8').slice(0, chars));
  return slice;
}

/**
 * `work` done on the studio's store, opened beside the running server and closed after, whatever `work` does; what it
 * returns. The store closes when `work` returns or, where it returns a promise, once that promise settles.
 */
export function withStudioStore<T>(studio: RunningStudio, work: (store: Store) => T): T {
  const store = openStore(studio.dataDir);
  let result: T;
  try {
    result = work(store);
  } catch (err) {
    store.close();
    throw err;
  }
  if (result instanceof Promise) return result.finally(() => store.close()) as T;
  store.close();
  return result;
}

/** What a run records at a step: metric name → value. */
export type StepMetrics = (step: number) => Record<string, number>;

/** A loss that falls from about 5 toward 1 at `rate` per step: 1 + 4·e^(−rate·step). */
export const lossFallingAt = (rate: number): StepMetrics => (step) => ({ loss: 1 + 4 * Math.exp(-rate * step) });

/** What sets one finished fine-tune apart from another (recordFinishedFinetune); each left out takes its default. */
export interface FinetuneRecord {
  /** The dataset its config names: 'openings'. */
  dataset?: string;
  /** Its config's maxSteps, and the steps its loss is recorded at (1…steps): 5. */
  steps?: number;
  /** Its config's learning rate: 0.001. */
  lr?: number;
  /** What it records at each step 1…steps: a loss of 5 − step / 2; null records none. */
  metrics?: StepMetrics | null;
  /** More of its config (lora, batchSize, …), over the defaults; `method: 'full'` makes it a full fine-tune. */
  config?: Record<string, unknown>;
  /** Lines of a finetune job that drove the run from start to end (so its page shows a log): none, no job. */
  log?: string[];
  /** How it ended: 'succeeded'. A cancelled one's job keeps the progress it had reached (0.4). */
  status?: 'succeeded' | 'cancelled';
}

/**
 * A fine-tune of s260k written straight into the store as the trainer leaves one: created, running, its metrics
 * recorded step by step, then finished (by default a five-step LoRA run on `openings` whose loss falls, succeeded). Its id.
 */
export function recordFinishedFinetune(store: Store, projectId: string, name: string, options: FinetuneRecord = {}): string {
  const { dataset = 'openings', steps = 5, lr = 0.001, metrics = (step: number) => ({ loss: 5 - step / 2 }), status = 'succeeded' } = options;
  const run = store.runs.create({ kind: 'finetune', name, projectId, config: { method: 'lora', modelName: 's260k', dataset, lr, maxSteps: steps, ...options.config } });
  store.runs.setStatus(run.id, 'running');
  const job = options.log && store.jobs.create('finetune', { name });
  if (job) store.jobs.update(job.id, { state: 'running', runId: run.id });
  for (let step = 1; metrics && step <= steps; step++) {
    for (const [metric, value] of Object.entries(metrics(step))) store.runs.addMetric({ runId: run.id, step, name: metric, value });
  }
  if (job) {
    for (const line of options.log!) store.jobs.appendLog(job.id, 'info', line);
    store.jobs.update(job.id, { state: status, progress: status === 'succeeded' ? 1 : 0.4 });
  }
  store.runs.setStatus(run.id, status);
  return run.id;
}

/** What sets one finished evaluation apart from another (recordFinishedEvaluation); each left out takes its default. */
export interface EvaluationRecord {
  /** Its config (metrics, template, split, dataset, model, …) as the evaluator writes it: {}. */
  config?: Record<string, unknown>;
  /** Its scores, metric → value, recorded at step 0 as the evaluator records a run's summary: none. */
  scores?: Record<string, number>;
  /** The per-example predictions it wrote (savePredictions, under the store's data directory): none. */
  predictions?: EvalExample[];
}

/**
 * An evaluation written straight into the store as the evaluator (native/eval/runner.ts) leaves one: created, running,
 * its scores recorded, its predictions saved, then succeeded. Its id.
 */
export async function recordFinishedEvaluation(store: Store, projectId: string, name: string, options: EvaluationRecord = {}): Promise<string> {
  const run = store.runs.create({ kind: 'evaluation', name, projectId, config: options.config });
  store.runs.setStatus(run.id, 'running');
  for (const [metric, value] of Object.entries(options.scores ?? {})) store.runs.addMetric({ runId: run.id, step: 0, name: metric, value });
  if (options.predictions) await savePredictions(store, store.dataDir, run.id, options.predictions);
  store.runs.setStatus(run.id, 'succeeded');
  return run.id;
}
