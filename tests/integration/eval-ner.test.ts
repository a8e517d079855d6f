// Named-entity recognition evaluated end to end through the Studio API and the job queue: a tiny random-weight
// Llama with a character tokenizer (the judge tests' fixture, so nothing here needs the shared data) tags a tiny
// NER dataset (string tags) zero- and few-shot, the run records entity_f1 with its interval and a score per
// sentence; known answers score as worked out by hand, and the NER project whose metric is entity_f1 gets a
// scorecard from them. Class-id tags and a row whose token and tag counts differ are refused before anything is
// generated, naming the column or the row. A perplexity run over the tokens column scores the words joined as the
// prompt shows them, not the JSON of the list, and reads that column when it is given no input column.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPredictions } from '../../native/eval/predictions.ts';
import { corpusEntityF1, exampleEntityCounts } from '../../native/eval/ner-scoring.ts';
import { scoreExample } from '../../native/eval/scoring.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';
import { writeJudgeFixture } from '../fixtures/models/judge-fixture.ts';
import { tempDir } from './helpers/lathe.ts';

const SENTENCES: [string[], string[]][] = [
  [['John', 'lives', 'in', 'Paris'], ['B-PER', 'O', 'O', 'B-LOC']],
  [['Mary', 'Smith', 'works', 'at', 'Acme'], ['B-PER', 'I-PER', 'O', 'O', 'B-ORG']],
  [['The', 'cat', 'sat'], ['O', 'O', 'O']],
  [['New', 'York', 'is', 'big'], ['B-LOC', 'I-LOC', 'O', 'O']],
  [['Bob', 'met', 'Ann'], ['B-PER', 'O', 'B-PER']],
  [['Acme', 'hired', 'Tom', 'Lee'], ['B-ORG', 'O', 'B-PER', 'I-PER']],
  [['It', 'rained'], ['O', 'O']],
  [['Rome', 'and', 'Oslo'], ['B-LOC', 'O', 'B-LOC']],
  [['Sue', 'left', 'Acme'], ['B-PER', 'O', 'B-ORG']],
  [['Lima', 'is', 'far'], ['B-LOC', 'O', 'O']],
];
// Answers to the first six sentences, each worked out with seqeval's rules: correct / predicted / gold entities.
const GUESSES = [
  { guess: 'B-PER O O B-LOC', f1: 1 }, // 2 / 2 / 2
  { guess: 'B-PER O O O B-ORG', f1: 0.5 }, // PER(0,0) is not PER(0,1): 1 / 2 / 2
  { guess: 'O O O', f1: 1 }, // no entity either side: 0 / 0 / 0
  { guess: 'I-LOC I-LOC O O', f1: 1 }, // a stray I-LOC opens LOC(0,1), the gold one: 1 / 1 / 1
  { guess: 'B-ORG O B-PER', f1: 0.5 }, // ORG(0,0) is the wrong type: 1 / 2 / 2
  { guess: 'Tags: B-ORG', f1: 2 / 3 }, // 'Tags:' is no tag, the rest padded with O: ORG(0,0) of ORG(0,0), PER(2,3): 1 / 1 / 2
];
// Summed: 6 correct, 8 predicted, 9 gold → P 3/4, R 2/3, F1 = 2·6 / (8 + 9) = 12/17.
const GUESSED_F1 = 12 / 17;
const INSTRUCTION = 'Tag each token with one of these tags: B-LOC B-ORG B-PER I-LOC I-PER O. Write one tag per token, in order, separated by spaces.';

let dataDir: string | undefined;
let studio: Studio | undefined;

function writeJsonl(name: string, rows: Record<string, unknown>[]): string {
  const file = path.join(dataDir!, name);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

async function importNer(name: string, rows: Record<string, unknown>[], split?: 'test'): Promise<void> {
  const job = await studio!.call('datasets.import', { path: writeJsonl(`${name}.jsonl`, rows), name, ...(split ? { split } : {}) });
  await studio!.queue.whenFinished(job.id);
  const done = await studio!.call('jobs.get', { id: job.id });
  if (done.state !== 'succeeded') throw new Error(`importing ${name} failed: ${done.error}`);
}

async function finishedJob(jobId: string) {
  await studio!.queue.whenFinished(jobId);
  return studio!.call('jobs.get', { id: jobId });
}

describe('NER evaluation', () => {
  beforeAll(async () => {
    dataDir = tempDir('eval-ner');
    await writeJudgeFixture(path.join(dataDir, 'tagger-src'), 3);
    await importModelFolder(dataDir, path.join(dataDir, 'tagger-src'), 'tagger');
    studio = new Studio({ dataDir, mode: 'serve' });
    await importNer('ner', SENTENCES.map(([tokens, ner_tags], id) => ({ id, tokens, ner_tags, guess: GUESSES[id]?.guess ?? '' })));
  });
  afterAll(async () => {
    await studio?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates tags zero- and few-shot and records entity_f1 with an interval and a score per sentence', async () => {
    const s = studio!;
    const dataset = (await s.call('datasets.list', {})).find((d) => d.name === 'ner')!;
    expect(dataset.mapping).toEqual({ tokens: 'tokens', tags: 'ner_tags' });
    const common = { model: 'tagger', dataset: 'ner', split: 'all' as const, limit: 6, metrics: ['entity_f1' as const], generation: { maxNewTokens: 12 }, threads: 1 };
    const zero = await finishedJob((await s.call('eval.start', { ...common, shots: 0 })).id);
    const few = await finishedJob((await s.call('eval.start', { ...common, shots: 2 })).id);
    for (const job of [zero, few]) expect(job.state, job.error ?? '').toBe('succeeded');

    const summary = await s.call('eval.get', { id: zero.runId! });
    expect(summary.examples).toBe(6);
    expect(summary.metrics.map((m) => m.name)).toEqual(['entity_f1']);
    const f1 = summary.metrics[0];
    expect(f1.ci95).not.toBeNull();
    expect(f1.ci95!.low).toBeLessThanOrEqual(f1.value + 1e-12);
    expect(f1.ci95!.high).toBeGreaterThanOrEqual(f1.value - 1e-12);
    const config = summary.run.config as { inputColumn: string; referenceColumns: string[]; ner: { tagSet: string[] }; template: { instruction: string } };
    expect(config.inputColumn).toBe('tokens');
    expect(config.referenceColumns).toEqual(['ner_tags']);
    expect(config.ner.tagSet).toEqual(['B-LOC', 'B-ORG', 'B-PER', 'I-LOC', 'I-PER', 'O']);
    expect(config.template.instruction).toBe(INSTRUCTION);

    const examples = readPredictions(summary.predictionsPath!);
    expect(examples).toHaveLength(6);
    examples.forEach((e, i) => {
      // the tokens joined as the input, the tag sequence as ONE reference
      expect(e.input).toBe(SENTENCES[i][0].join(' '));
      expect(e.references).toEqual([SENTENCES[i][1].join(' ')]);
      expect(e.prompt).toBe(`${INSTRUCTION}\n\nTokens: ${e.input}\nTags:`);
      expect(e.scores.entity_f1).toBeGreaterThanOrEqual(0);
      expect(e.scores).toEqual(scoreExample(['entity_f1'], e.prediction, e.references));
    });
    expect(f1.value).toBeCloseTo(corpusEntityF1(examples.map((e) => exampleEntityCounts(e.prediction, e.references))), 12);

    // few-shot examples come from the train split in the same layout: tokens joined, then their tags
    const fewRows = readPredictions((await s.call('eval.get', { id: few.runId! })).predictionsPath!);
    const train = (await s.call('datasets.rows', { id: dataset.id, split: 'train', limit: 100 })).rows as { tokens: string[]; ner_tags: string[] }[];
    expect(train.length).toBeGreaterThanOrEqual(2);
    const byTokens = new Map(train.map((r) => [r.tokens.join(' '), r.ner_tags.join(' ')]));
    for (const e of fewRows) {
      expect(e.shotsUsed).toBe(2);
      const blocks = e.prompt!.split('\n\n');
      expect(blocks[0]).toBe(INSTRUCTION);
      for (const block of blocks.slice(1, 3)) {
        const [tokensLine, tagsLine] = block.split('\n');
        const tokens = tokensLine.replace(/^Tokens: /, '');
        expect(byTokens.has(tokens), `${tokens} is a train row`).toBe(true);
        expect(tagsLine).toBe(`Tags: ${byTokens.get(tokens)}`);
        expect(tokens).not.toBe(e.input);
      }
      expect(blocks[3]).toBe(`Tokens: ${e.input}\nTags:`);
    }
  });

  it('scores known answers as worked out by hand, and the NER project whose metric is entity_f1 gets its scorecard', async () => {
    // A run that judges the dataset's 'guess' column scores that column instead of generating: known predictions
    // through the same job, scoring and run records as a generation run.
    // (the sentences imported whole as a test set: the scorecard counts an evaluation on all the rows of a dataset
    // only when none of them is a train row)
    const s = studio!;
    await importNer('ner-whole', SENTENCES.map(([tokens, ner_tags], id) => ({ id, tokens, ner_tags, guess: GUESSES[id]?.guess ?? '' })), 'test');
    const project = await s.call('projects.create', { name: 'entities', task: 'ner', metric: 'entity_f1', target: 0.5 });
    const job = await finishedJob((await s.call('eval.start', {
      model: 'tagger', dataset: 'ner-whole', split: 'all', limit: 6, metrics: ['entity_f1', 'judge'], judge: { model: 'tagger', responseColumn: 'guess' }, projectId: project.id, threads: 1,
    })).id);
    expect(job.state, job.error ?? '').toBe('succeeded');
    const summary = await s.call('eval.get', { id: job.runId! });
    const rows = readPredictions(summary.predictionsPath!);
    expect(rows.map((e) => e.prediction)).toEqual(GUESSES.map((g) => g.guess));
    rows.forEach((e, i) => expect(e.scores.entity_f1, e.prediction).toBeCloseTo(GUESSES[i].f1, 12));
    const f1 = summary.metrics.find((m) => m.name === 'entity_f1')!;
    expect(f1.value).toBeCloseTo(GUESSED_F1, 12);
    expect(f1.ci95!.low).toBeLessThan(f1.value);
    expect(f1.ci95!.high).toBeGreaterThan(f1.value);

    const card = await s.call('projects.scorecard', { id: project.id });
    expect(card).toMatchObject({ status: 'pass', runsConsidered: 1, higherIsBetter: true, project: { metric: 'entity_f1', target: 0.5 } });
    expect(card.best!.value).toBeCloseTo(GUESSED_F1, 12);
    expect(card.best!.ci95).toEqual(f1.ci95);
    expect(card.margin).toBeCloseTo(GUESSED_F1 - 0.5, 12);
  });

  it('scores perplexity on the tokens as words joined by single spaces, as the NER prompt shows them, not as a JSON list', async () => {
    const s = studio!;
    const job = await finishedJob((await s.call('eval.start', { model: 'tagger', dataset: 'ner', split: 'all', limit: 3, metrics: ['perplexity'], inputColumn: 'tokens', threads: 1 })).id);
    expect(job.state, job.error ?? '').toBe('succeeded');
    const rows = readPredictions((await s.call('eval.get', { id: job.runId! })).predictionsPath!);
    expect(rows.map((e) => e.input)).toEqual(SENTENCES.slice(0, 3).map(([tokens]) => tokens.join(' ')));
    // bits per byte divides by the bytes of that text, not of '["John", "lives", …]'
    rows.forEach((e) => expect(e.bytes).toBe(Buffer.byteLength(e.input, 'utf8')));
  });

  it('scores perplexity and bits per byte with no input column given on the mapped tokens column, as the Evaluate page asks for them', async () => {
    // A NER dataset maps tokens and tags, no input field: the Evaluate page (and an API call that names no input
    // column) leaves the text column to the run, which reads the tokens as their words.
    const s = studio!;
    const job = await finishedJob((await s.call('eval.start', { model: 'tagger', dataset: 'ner', split: 'all', limit: 3, metrics: ['perplexity', 'bits_per_byte'], threads: 1 })).id);
    expect(job.state, job.error ?? '').toBe('succeeded');
    const summary = await s.call('eval.get', { id: job.runId! });
    expect((summary.run.config as { inputColumn: string }).inputColumn).toBe('tokens');
    expect(summary.metrics.map((m) => m.name)).toEqual(expect.arrayContaining(['perplexity', 'bits_per_byte']));
    const rows = readPredictions(summary.predictionsPath!);
    expect(rows.map((e) => e.input)).toEqual(SENTENCES.slice(0, 3).map(([tokens]) => tokens.join(' ')));
    rows.forEach((e) => expect(e.bytes).toBe(Buffer.byteLength(e.input, 'utf8')));
  });

  it('refuses class-id tags and rows whose tokens and tags differ in length, before anything is generated', async () => {
    const s = studio!;
    await importNer('ner-ids', SENTENCES.map(([tokens, tags]) => ({ tokens, ner_tags: tags.map((t) => ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG'].indexOf(t)) })));
    await importNer('ner-short', SENTENCES.map(([tokens, tags], i) => ({ tokens, ner_tags: i === 2 ? tags.slice(1) : tags })));
    const runsBefore = (await s.call('runs.list', {})).length;
    const ids = await finishedJob((await s.call('eval.start', { model: 'tagger', dataset: 'ner-ids', split: 'all', limit: 3, metrics: ['entity_f1'] })).id);
    expect(ids.state).toBe('failed');
    expect(ids.error).toMatch(/dataset ner-ids: column 'ner_tags' holds numbers \(class ids such as 1, in example all:0\), not tag names.*Map the ids to tag names first \(Lathe has no ClassLabel names/);
    const short = await finishedJob((await s.call('eval.start', { model: 'tagger', dataset: 'ner-short', split: 'all', limit: 5, metrics: ['entity_f1'] })).id);
    expect(short.state).toBe('failed');
    expect(short.error).toContain("example all:2 of dataset ner-short has 3 tokens in column 'tokens' but 2 tags in column 'ner_tags'");
    for (const job of [ids, short]) expect(job.runId).toBeNull();
    expect((await s.call('runs.list', {})).length).toBe(runsBefore);
  });
});
