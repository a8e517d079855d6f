// What the end-to-end tests set up through the CLI before the browser opens, as a user following the README would:
// a generation project, stories260K imported as 's260k', and the small datasets written beside the studio's data.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../../native/store/db.ts';
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

/** A finished LoRA fine-tune of s260k on `openings`, written straight into the store: five steps of falling loss. Its id. */
export function recordFinishedFinetune(store: Store, projectId: string, name: string): string {
  const run = store.runs.create({ kind: 'finetune', name, projectId, config: { method: 'lora', modelName: 's260k', dataset: 'openings', lr: 0.001, maxSteps: 5 } });
  for (let step = 1; step <= 5; step++) store.runs.addMetric({ runId: run.id, step, name: 'loss', value: 5 - step / 2 });
  store.runs.setStatus(run.id, 'running');
  store.runs.setStatus(run.id, 'succeeded');
  return run.id;
}
