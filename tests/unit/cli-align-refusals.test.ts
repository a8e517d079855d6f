// `lathe align dpo|reward|ppo` given bad input, read as a new user reads it. Each refusal names the flag and says
// what to do, in words that fit the studio too (the engine's messages are shared). Before:
// - a start with --model alone was told to 'give --model and --dataset', not which one was missing;
// - a dataset of the wrong kind got '(mapping: {"text":"sentence","label":"label"})' and advice to map chosen and
//   rejected columns it does not have; reward training's automatic objective asked a prompts file for text and label;
// - --kl-coef -1 was refused twice in one line, the second time in field names ('a klCoef above 0 (turn adaptiveKl
//   off …)'); --max-new-tokens and --max-prompt-len past the model's positions named fields (maxPromptLen);
// - settings a run would record and then not use were taken silently: --min-new-tokens above --max-new-tokens,
//   --label-smoothing with --loss ipo, --margin for a classifier;
// - an unknown --reward-run listed no reward run to give instead.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { openStore } from '../../native/store/db.ts';
import { REWARD_MODEL_DIR } from '../../native/train/reward.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-align-refusals-'));
const tempDir = () => fs.mkdtempSync(path.join(root, 'd-'));
let dataDir = '';
let rewardRun = '';
afterEach(() => vi.restoreAllMocks());
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  dataDir = tempDir();
  const src = path.join(tempDir(), 'tiny');
  const config = CONFIGS.llama3; // 64 positions
  await writeHfFolder(src, { config, tensors: randomTensors(config, 5), ...charTokenizer(config.vocab_size as number) });
  await importModelFolder(dataDir, src, 'tiny');
  const files = tempDir();
  const jsonl = (name: string, rows: object[]) => {
    const file = path.join(files, name);
    fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    return file;
  };
  const split = { train: 0.5, validation: 0.5, test: 0 };
  const store = openStore(dataDir);
  try {
    const rows = (n: number, row: (i: number) => object) => Array.from({ length: n }, (_, i) => row(i));
    await importDataset({ path: jsonl('reviews.jsonl', rows(8, (i) => ({ sentence: `a review ${i}`, label: i % 2 }))), name: 'reviews', split, mapping: { text: 'sentence', label: 'label' } }, { store, dataDir });
    await importDataset({ path: jsonl('openings.jsonl', rows(8, (i) => ({ prompt: `Once upon a time ${i}` }))), name: 'openings', split }, { store, dataDir });
    await importDataset({ path: jsonl('pairs.jsonl', rows(8, (i) => ({ prompt: `q${i}`, chosen: `good ${i}`, rejected: `bad ${i}` }))), name: 'pairs', split, mapping: { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' } }, { store, dataDir });
    // a finished reward run with a classifier's model folder (its config is all that PPO's checks read)
    const run = store.runs.create({ kind: 'reward', name: 'sentiment', projectId: null, config: {} });
    store.runs.setStatus(run.id, 'succeeded');
    rewardRun = run.id;
    fs.mkdirSync(path.join(dataDir, 'runs', run.id, REWARD_MODEL_DIR), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'runs', run.id, REWARD_MODEL_DIR, 'config.json'), JSON.stringify({ id2label: { 0: 'negative', 1: 'positive' } }));
  } finally {
    store.close();
  }
});

/** The refusal of `lathe ARGS` (exit 2), without its usage lines; no run was started. */
async function refusal(args: string[]): Promise<string> {
  const { code, stderr } = await latheInProcess(args, dataDir);
  expect(code, stderr).toBe(2);
  const store = openStore(dataDir);
  try {
    expect(store.runs.list().map((r) => r.id), 'no run started').toEqual([rewardRun]);
  } finally {
    store.close();
  }
  return stderr.split('\nUsage:')[0];
}

describe('the start flags', () => {
  it('a start without one of them names those missing', async () => {
    expect(await refusal(['align', 'dpo', '--model', 'tiny'])).toBe('lathe align dpo: --dataset is missing: give --model and --dataset (or --resume RUN).');
    expect(await refusal(['align', 'ppo', '--model', 'tiny'])).toBe('lathe align ppo: --reward-run and --dataset are missing: give --model, --reward-run and --dataset (or --resume RUN).');
    expect(await refusal(['align', 'reward'])).toBe('lathe align reward: give --model and --dataset (or --resume RUN).');
  });
});

describe('a dataset of the wrong kind', () => {
  it('lathe align dpo: labelled texts are not preference pairs; the mapping in words, and both ways on', async () => {
    expect(await refusal(['align', 'dpo', '--model', 'tiny', '--dataset', 'reviews'])).toBe(
      'lathe align dpo: --dataset: dataset reviews has no preference pairs: preference training needs the columns of the chosen and the rejected response mapped as chosen and rejected '
      + "(missing: chosen, rejected; it maps text ← sentence, label ← label); choose a dataset of preference pairs, or map its columns with 'lathe dataset map reviews --chosen-column C --rejected-column C'");
  });

  it('lathe align reward: a file of prompts is neither pairs nor labelled texts; a classifier asked for needs text and label', async () => {
    expect(await refusal(['align', 'reward', '--model', 'tiny', '--dataset', 'openings'])).toBe(
      'lathe align reward: --dataset: a reward model learns from preference pairs (chosen and rejected mapped) or from labelled texts (text and label mapped), and dataset openings has neither '
      + "(it maps no columns; its columns: prompt); choose another dataset, or map its columns with 'lathe dataset map openings --chosen-column C --rejected-column C' (or --text-column C --label-column C)");
    expect(await refusal(['align', 'reward', '--model', 'tiny', '--dataset', 'pairs', '--objective', 'classify'])).toBe(
      'lathe align reward: --dataset: dataset pairs has no labelled texts: a classifier needs the columns of the text and of its label mapped as text and label '
      + "(missing: text, label; it maps prompt ← prompt, chosen ← chosen, rejected ← rejected); choose a dataset of labelled texts, or map its columns with 'lathe dataset map pairs --text-column C --label-column C'");
  });
});

describe('settings out of range, or that the run would not use', () => {
  it('lathe align ppo: --kl-coef below 0 is said once; 0 with the adaptive controller says how to train without a penalty', async () => {
    const ppo = ['align', 'ppo', '--model', 'tiny', '--reward-run', rewardRun, '--dataset', 'openings'];
    expect(await refusal([...ppo, '--kl-coef', '-1'])).toBe("lathe align ppo: --kl-coef must be a number of 0 or more; got '-1'.");
    expect(await refusal([...ppo, '--kl-coef', '0'])).toBe('lathe align ppo: --kl-coef: the adaptive KL controller scales β_KL, so it cannot start at 0; for no KL penalty, keep β_KL fixed at 0 (--fixed-kl; Fixed β in the studio)');
    expect(await refusal([...ppo, '--min-new-tokens', '5', '--max-new-tokens', '3'])).toBe('lathe align ppo: --min-new-tokens: the minimum of new tokens is above the maximum (max new tokens); give one no larger');
    expect(await refusal([...ppo, '--max-new-tokens', '60'])).toBe(
      "lathe align ppo: --max-new-tokens: a prompt of up to 64 tokens and 60 new ones make 124, more than the model's 64 positions; generate fewer new tokens, or cut prompts shorter (the longest prompt, now 64)");
  });

  it('lathe align ppo: an unknown --reward-run names the flag and lists the finished reward runs', async () => {
    // before: 'no run run_nope; …', the flag unnamed
    expect(await refusal(['align', 'ppo', '--model', 'tiny', '--reward-run', 'run_nope', '--dataset', 'openings'])).toBe(`lathe align ppo: --reward-run: no run run_nope; give the id of a finished reward run: ${rewardRun} (sentiment)`);
  });

  it('a run of another kind where a reward run goes lists the reward runs: align ppo --reward-run, reward score --run', async () => {
    const store = openStore(dataDir);
    const finetune = store.runs.create({ kind: 'finetune', name: 'ft', projectId: null, config: {} }).id;
    store.close();
    /** The refusal (exit 2) without its usage lines; the finetune run and the reward run are all the runs. */
    const refused = async (args: string[]) => {
      const { code, stderr } = await latheInProcess(args, dataDir);
      expect(code, stderr).toBe(2);
      return stderr.split('\nUsage:')[0];
    };
    try {
      expect(await refused(['align', 'ppo', '--model', 'tiny', '--reward-run', finetune, '--dataset', 'openings'])).toBe(
        `lathe align ppo: --reward-run: run ${finetune} is a finetune run, not a reward run; give the id of a finished reward run: ${rewardRun} (sentiment)`);
      // before: '… is a finetune run, not a reward run', neither the flag nor the runs that would do
      expect(await refused(['reward', 'score', '--run', finetune, '--text', 'hello'])).toBe(
        `lathe reward score: --run: run ${finetune} is a finetune run, not a reward run; give the id of a finished reward run: ${rewardRun} (sentiment)`);
    } finally {
      const again = openStore(dataDir);
      expect(again.runs.list().map((r) => r.id).sort(), 'no run started').toEqual([rewardRun, finetune].sort());
      again.runs.delete(finetune);
      again.close();
    }
  });

  it('lathe align dpo: --label-smoothing with the IPO loss, a longest prompt that fills the sequence', async () => {
    const dpo = ['align', 'dpo', '--model', 'tiny', '--dataset', 'pairs'];
    expect(await refusal([...dpo, '--loss', 'ipo', '--label-smoothing', '0.1'])).toBe('lathe align dpo: --label-smoothing: the IPO loss takes no label smoothing (the sigmoid and robust losses do); leave it at 0');
    expect(await refusal([...dpo, '--seq-len', '32', '--max-prompt-len', '32'])).toBe('lathe align dpo: --max-prompt-len: a longest prompt of 32 tokens leaves no room for the completion in a sequence of 32; give fewer than 32');
  });

  it('lathe align reward: a longest prompt that fills the sequence', async () => {
    expect(await refusal(['align', 'reward', '--model', 'tiny', '--dataset', 'pairs', '--seq-len', '32', '--max-prompt-len', '32'])).toBe(
      'lathe align reward: --max-prompt-len: a longest prompt of 32 tokens leaves no room for the answer in a sequence of 32; give fewer than 32');
  });

  it('lathe align reward: --margin for a classifier', async () => {
    expect(await refusal(['align', 'reward', '--model', 'tiny', '--dataset', 'reviews', '--margin', '0.5'])).toBe(
      'lathe align reward: --margin: a margin applies to a pairwise reward model (chosen and rejected), and dataset reviews trains a classifier (text and label); leave the margin out');
  });
});
