// A short LoRA fine-tune on a classification dataset (text + label) and on an NER dataset (tokens + tags), on the
// judge tests' tiny random-weight Llama with a character tokenizer (so nothing here needs the shared data): each
// run completes with the format the mapping implies, and the prompts it sampled are the evaluation's zero-shot
// prompts for those rows, the references their label or their tags; evaluating the classification adapter asks
// it exactly those prompts.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPredictions } from '../../native/eval/predictions.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';
import { startFinetune } from '../../native/train/finetune.ts';
import { writeJudgeFixture } from '../fixtures/models/judge-fixture.ts';
import { tempDir } from './helpers/lathe.ts';
import { inProcessTrainEnv } from './helpers/train-env.ts';

let dataDir = '';
let studio: Studio;
const logs: string[] = [];

const WORDS = ['good', 'bad', 'fine', 'dull', 'great', 'poor'];
const REVIEWS = Array.from({ length: 40 }, (_, i) => ({ sentence: `a ${WORDS[i % 6]} film number ${i % 10}`, label: (i % 6) % 2 === 0 ? 1 : 0 }));
const SENTENCES = Array.from({ length: 30 }, (_, i) => (i % 2 ? { tokens: ['Ann', 'met', 'Bo'], ner_tags: ['B-PER', 'O', 'B-PER'] } : { tokens: ['Rome', 'is', 'big'], ner_tags: ['B-LOC', 'O', 'O'] }));

async function importRows(name: string, rows: object[]): Promise<void> {
  const file = path.join(dataDir, `${name}.jsonl`);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const job = await studio.call('datasets.import', { path: file, name });
  await studio.queue.whenFinished(job.id);
}

beforeAll(async () => {
  dataDir = tempDir('train-classification');
  await writeJudgeFixture(path.join(dataDir, 'tiny-src'), 3);
  await importModelFolder(dataDir, path.join(dataDir, 'tiny-src'), 'tiny');
  studio = new Studio({ dataDir, mode: 'serve' });
  await importRows('reviews', REVIEWS);
  await importRows('people', SENTENCES);
}, 60_000);

afterAll(async () => {
  await studio?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const inProcessEnv = () => inProcessTrainEnv(studio, dataDir, (message) => void logs.push(message));

const SHORT_RUN = { model: 'tiny', method: 'lora', lr: 5e-3, maxSteps: 3, batchSize: 4, seqLen: 160, evalEvery: 0, saveEvery: 0, seed: 1, merge: false } as const;

describe('fine-tuning classification and tagging datasets', () => {
  it('a text + label dataset trains as classification on the evaluation’s prompt, the label as the answer', async () => {
    const outcome = await startFinetune({ ...SHORT_RUN, dataset: 'reviews' }, inProcessEnv());
    expect(outcome.status).toBe('completed');
    expect(outcome.lastLoss).not.toBeNull();
    expect(logs.some((m) => /^format classification: \d+ training and \d+ validation examples$/.test(m)), logs.join('\n')).toBe(true);
    expect(studio.store.runs.get(outcome.runId)!.config).toMatchObject({ format: 'classification' }); // the format it ran in, not 'auto'
    const samples = await studio.call('train.samples', { runId: outcome.runId });
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) {
      const sentence = /^Answer with one of: 0, 1\.\n\nSentence:\n(.*)\nLabel:$/.exec(s.prompt)?.[1]; // the labels named, as the evaluation names them
      const row = REVIEWS.find((r) => r.sentence === sentence);
      expect(row, s.prompt).toBeDefined();
      expect(s.reference).toBe(String(row!.label)); // shown trimmed: the completion trained on is ' 1'
    }
    // Evaluating the adapter zero-shot on the same rows (the samples are the validation split's first) asks exactly
    // what it was trained on, and scores against the label it learned to write.
    const job = await studio.call('eval.start', { model: 'tiny', adapterPath: outcome.adapterPath!, dataset: 'reviews', split: 'validation', limit: samples.length, metrics: ['accuracy'], shots: 0, generation: { maxNewTokens: 3 }, threads: 1 });
    await studio.queue.whenFinished(job.id);
    const done = await studio.call('jobs.get', { id: job.id });
    expect(done.state, done.error ?? '').toBe('succeeded');
    const examples = readPredictions((await studio.call('eval.get', { id: done.runId! })).predictionsPath!);
    expect(examples.map((e) => e.prompt)).toEqual(samples.map((s) => s.prompt));
    expect(examples.map((e) => e.references)).toEqual(samples.map((s) => [s.reference?.trim()]));
  }, 120_000);

  it('a tokens + tags dataset trains as tagging on the evaluation’s NER prompt, the tags as the answer', async () => {
    const outcome = await startFinetune({ ...SHORT_RUN, dataset: 'people' }, inProcessEnv());
    expect(outcome.status).toBe('completed');
    expect(logs.some((m) => /^format tagging: /.test(m))).toBe(true);
    const [sample] = await studio.call('train.samples', { runId: outcome.runId });
    expect(sample.prompt).toMatch(/^Tag each token with one of these tags: B-LOC B-PER O\. Write one tag per token, in order, separated by spaces\.\n\nTokens: (Ann met Bo|Rome is big)\nTags:$/);
    expect(sample.reference).toBe(sample.prompt.includes('Ann') ? 'B-PER O B-PER' : 'B-LOC O O');
  }, 120_000);

  it('class-id tags are refused before a job or run exists, naming the column', async () => {
    await importRows('ids', [{ tokens: ['EU', 'rejects'], ner_tags: [3, 0] }, ...SENTENCES]);
    const runs = studio.store.runs.list().length;
    await expect(studio.call('train.start', { ...SHORT_RUN, dataset: 'ids' })).rejects.toMatchObject({
      message: expect.stringMatching(/^dataset ids: column 'ner_tags' holds numbers \(class ids such as 3, in example all:\d+\), not tag names/),
      details: { field: 'dataset' },
    });
    expect(studio.store.runs.list()).toHaveLength(runs);
  });
});
