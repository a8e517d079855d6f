// `lathe eval --metrics accuracy` on a summarisation dataset ran to the end and reported 0.0000 with no word of why.
// Now a metric that does not measure the dataset's task (its project's, else the one its column mapping reads as)
// is warned of before the run starts, naming the metrics that fit (the project table, TASK_METRICS).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasksOfMapping } from '../../native/data/mapping.ts';
import { metricFitWarning } from '../../native/eval/metric-fit.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { SHARED_DATA } from '../integration/helpers/lathe.ts';

const stories = path.join(SHARED_DATA, 'models/stories260K');
const hasStories = fs.existsSync(path.join(stories, 'stories260K.bin'));
if (!hasStories) console.log(`eval-metric-fit: the CLI check skipped: ${stories}/stories260K.bin is absent (the shared data kit is not mounted)`);

const summaries = { name: 'dsum', mapping: { input: 'dialogue', target: 'summary' } };

describe('metricFitWarning', () => {
  it('reads the task from the mapping: accuracy on input → target is warned of, ROUGE is not', () => {
    expect(tasksOfMapping(summaries.mapping)).toEqual(['summarization', 'generation']);
    expect(metricFitWarning(['accuracy'], summaries, null)).toBe(
      "dataset dsum is mapped for summarization or generation (input ← dialogue, target ← summary); accuracy does not measure that task: it scores an output such a model does not give, so expect scores near 0. Metrics that fit: rougeL, rouge1, rouge2, rougeLsum, bleu, chrf, perplexity (or map the columns for the task you mean with 'lathe dataset map').");
    expect(metricFitWarning(['rouge1', 'rougeL', 'bleu'], summaries, null)).toBeNull();
  });

  it("a project's task rules over the mapping; judge and perplexity fit any dataset; an unknown shape warns of nothing", () => {
    expect(metricFitWarning(['rougeL', 'accuracy'], { name: 'sst2', mapping: { text: 'sentence', label: 'label' } }, { name: 'sentiment', task: 'classification' }))
      .toBe('project sentiment is a classification project; rougeL does not measure that task: it scores an output such a model does not give, so expect scores near 0. Metrics that fit: accuracy, macro_f1, exact_match.');
    expect(metricFitWarning(['judge'], summaries, { name: 'p', task: 'classification' })).toBeNull();
    expect(metricFitWarning(['perplexity', 'bits_per_byte'], { name: 'cls', mapping: { text: 't', label: 'l' } }, null)).toBeNull();
    expect(metricFitWarning(['accuracy'], { name: 'odd', mapping: {} }, null)).toBeNull();
  });
});

describe.skipIf(!hasStories)('lathe eval', () => {
  let dir: string;
  let data: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-metric-fit-'));
    data = path.join(dir, 'data');
    const imp = await latheInProcess(['model', 'import-llama2c', path.join(stories, 'stories260K.bin'), '--tokenizer', path.join(stories, 'tok512.bin'), '--name', 's260k'], data);
    expect(imp.code, imp.stderr).toBe(0);
    const file = path.join(dir, 'dialogsum.jsonl');
    fs.writeFileSync(file, [1, 2, 3].map((i) => JSON.stringify({ dialogue: `#Person1#: hello ${i}`, summary: `they greet ${i}` })).join('\n') + '\n');
    expect((await latheInProcess(['dataset', 'import', file, '--name', 'dsum', '--split', 'test'], data)).code).toBe(0);
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('warns on stderr, before the run, of accuracy on a summarisation dataset; ROUGE runs without a word', async () => {
    const args = ['eval', '--model', 's260k', '--dataset', 'dsum', '--limit', '1', '--max-new-tokens', '2'];
    const unfit = await latheInProcess([...args, '--metrics', 'accuracy'], data);
    expect(unfit.code, unfit.stderr).toBe(0);
    const lines = unfit.stderr.split('\n');
    expect(lines[0]).toMatch(/^warning: dataset dsum is mapped for summarization or generation .*; accuracy does not measure that task: .* Metrics that fit: rougeL, /);
    expect(lines[1]).toMatch(/^evaluating s260k on 1 example of dsum\/test/);
    const fit = await latheInProcess([...args, '--metrics', 'rouge'], data);
    expect(fit.code, fit.stderr).toBe(0);
    expect(fit.stderr).not.toMatch(/does not measure/);
  }, 60_000);
});
