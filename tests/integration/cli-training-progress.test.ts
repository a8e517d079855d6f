// A foreground training run's progress line labels each figure of the step the loop finished (cli/figures.ts):
// 'pretraining: step 3/3, loss 5.123, 1,234 tokens/s, 0:01 elapsed'; it said 'step 3/3 loss 5.1234' alone. With
// --json there are no progress lines and the outcome keeps its fields, numbers as numbers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { storyPairs } from '../fixtures/train-story-pairs.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-training-progress-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const corpus = path.join(root, 'stories.txt');
fs.writeFileSync(corpus, storyPairs(240).map((r) => `${r.input} ${r.output}`).join('\n'));
const TINY = ['--family', 'gpt2', '--layers', '1', '--heads', '2', '--d-model', '16', '--context', '16', '--vocab', '300', '--steps', '3', '--batch-size', '2', '--eval-every', '0', '--threads', '1'];

describe('lathe pretrain progress', () => {
  it('labels the step, the loss, tokens/s and the time spent', async () => {
    const r = await latheInProcess(['pretrain', '--corpus', corpus, ...TINY, '--output-name', 'tiny-text'], path.join(root, 'text'));
    expect(r.code, r.stderr).toBe(0);
    const steps = r.stderr.split('\n').filter((line) => line.startsWith('pretraining: step'));
    // the last step is always printed (earlier ones at most once a second), with no time left
    expect(steps.at(-1)).toMatch(/^pretraining: step 3\/3, loss \d+(\.\d{1,3})?, [\d,.]+ tokens\/s, \d+:\d\d elapsed$/);
    // four significant digits: no bare five-place figure left
    expect(steps.join('\n')).not.toMatch(/\d\.\d{5}/);
  }, 120_000);

  it('prints no progress line with --json, and the outcome keeps its raw numbers', async () => {
    const r = await latheInProcess(['pretrain', '--corpus', corpus, ...TINY, '--output-name', 'tiny-json', '--json'], path.join(root, 'json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/pretraining: step/);
    const outcome = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(outcome).toMatchObject({ status: 'completed', steps: 3, outputModel: 'tiny-json' });
    for (const field of ['valLoss', 'valLossPerChar', 'unigramLoss', 'parameters']) expect(typeof outcome[field], field).toBe('number');
  }, 120_000);
});
