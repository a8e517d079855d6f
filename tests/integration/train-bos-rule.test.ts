// Fine-tune, DPO and reward runs of a GPT-2-style model (its tokenizer names <|endoftext|> as BOS, its ByteLevel
// post-processor adds none) put no BOS before their examples, as inference puts none before a prompt; they record
// bosFollowsTokenizer, and a run whose config lacks it (started before) resumes by its old rule, the BOS before every
// example. PPO records its reward run's rule, to score as that run read its inputs. A tiny random GPT-2 in process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { openStore, type Store } from '../../native/store/db.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { planDpo } from '../../native/train/dpo-plan.ts';
import { resumeDpo, startDpo } from '../../native/train/dpo.ts';
import { resumeFinetune, startFinetune } from '../../native/train/finetune.ts';
import { planPpo } from '../../native/train/ppo-plan.ts';
import { planReward, resumeReward, startReward } from '../../native/train/reward.ts';
import type { TrainEnv } from '../../native/train/run-env.ts';
import { planFinetune } from '../../native/train/validate.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { gpt2StyleTokenizer } from '../fixtures/models/byte-level-bpe.ts';
import { CONFIGS, randomTensors } from '../fixtures/models/random-checkpoint.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bos-rule-'));
const dataDir = path.join(root, 'data');
const ENDOFTEXT = 9;
let store: Store;

async function dataset(name: string, rows: Record<string, string>[], mapping: Record<string, string>): Promise<void> {
  const file = path.join(root, `${name}.jsonl`);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await importDataset({ path: file, name, split: { train: 0.75, validation: 0.25, test: 0 }, mapping }, { store, dataDir });
}

beforeAll(async () => {
  const src = path.join(root, 'src');
  const { tokenizer, tokenizerConfig, vocabSize } = gpt2StyleTokenizer();
  const config = { ...CONFIGS.gpt2, vocab_size: vocabSize, n_positions: 128, bos_token_id: ENDOFTEXT, eos_token_id: ENDOFTEXT };
  await writeHfFolder(src, { config, tensors: randomTensors(config, 3), tokenizer, tokenizerConfig });
  await importModelFolder(dataDir, src, 'gpt2-tiny');
  store = openStore(dataDir);
  const n = Array.from({ length: 8 }, (_, i) => i);
  await dataset('summaries', n.map((i) => ({ text: `story ${i}: hi there`, summary: 'hi' })), { input: 'text', target: 'summary' });
  await dataset('pairs', n.map((i) => ({ prompt: `Say hi ${i}.`, chosen: 'hi there', rejected: 'no' })), { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' });
  await dataset('stories', n.map((i) => ({ story: `story ${i}: hi there` })), { text: 'story' });
  await dataset('labels', n.map((i) => ({ sentence: i % 2 ? 'a great film' : 'a dull film', label: String(i % 2) })), { text: 'sentence', label: 'label' });
}, 60_000);
afterEach(() => vi.restoreAllMocks());
afterAll(() => {
  store?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const env: () => TrainEnv = () => ({ store, dataDir, signal: new AbortController().signal, threads: 1, log: () => {}, onRun: () => {}, metric: () => {}, progress: () => {} });

/** What bosHead gave every example of `work()` (training, or scoring): the BOS each began with. */
async function heads(work: () => Promise<unknown>): Promise<number[][]> {
  const given: number[][] = [];
  const bosHead = TextTokenizer.prototype.bosHead; // called with each instance below
  const spy = vi.spyOn(TextTokenizer.prototype, 'bosHead').mockImplementation(function (this: TextTokenizer, text: string, followsTokenizer?: boolean) {
    const head = bosHead.call(this, text, followsTokenizer);
    given.push(head);
    return head;
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  expect(given.length).toBeGreaterThan(0);
  return given;
}

const none = (h: number[][]) => h.every((x) => x.length === 0);
const endoftext = (h: number[][]) => h.every((x) => x.length === 1 && x[0] === ENDOFTEXT);

/** A run created with `config` less bosFollowsTokenizer: one started before it was recorded. */
function runFromBefore(kind: 'finetune' | 'dpo' | 'reward', config: { bosFollowsTokenizer?: boolean }): string {
  expect(config.bosFollowsTokenizer).toBe(true);
  const { bosFollowsTokenizer: _, ...before } = config;
  return store.runs.create({ kind, name: `${kind} from before bosFollowsTokenizer`, config: before }).id;
}

const common = { model: 'gpt2-tiny', maxSteps: 1, batchSize: 2, evalEvery: 0, saveEvery: 0, threads: 1 };

describe('a GPT-2-style model trains without the BOS its post-processor does not add', () => {
  it('fine-tuning, full and LoRA: no BOS in a new run; <|endoftext|> first in a run from before, resumed', async () => {
    for (const method of ['full', 'lora'] as const) {
      const input = { ...common, dataset: 'summaries', method, seqLen: 96, merge: false };
      let runId = '';
      expect(await heads(async () => ({ runId } = await startFinetune(input, env())))).toSatisfy(none);
      expect(store.runs.get(runId)!.config).toMatchObject({ bosFollowsTokenizer: true });
      const old = runFromBefore('finetune', planFinetune(input, store, dataDir).config);
      expect(await heads(() => resumeFinetune(old, env()))).toSatisfy(endoftext);
    }
  }, 120_000);

  it('DPO: no BOS before a new run\'s pairs; <|endoftext|> first in a run from before, resumed', async () => {
    const input = { ...common, dataset: 'pairs', method: 'full', seqLen: 64 };
    let runId = '';
    expect(await heads(async () => ({ runId } = await startDpo(input, env())))).toSatisfy(none);
    expect(store.runs.get(runId)!.config).toMatchObject({ bosFollowsTokenizer: true, promptLenCountsBos: true });
    const old = runFromBefore('dpo', planDpo(input, store).config);
    expect(await heads(() => resumeDpo(old, env()))).toSatisfy(endoftext);
  }, 120_000);

  it('reward models, pairwise and classifiers: likewise; PPO records the rule of the reward run it scores with', async () => {
    for (const dataset of ['pairs', 'labels']) {
      const input = { ...common, dataset, seqLen: 64 };
      let runId = '';
      expect(await heads(async () => ({ runId } = await startReward(input, env())))).toSatisfy(none);
      expect(store.runs.get(runId)!.config).toMatchObject({ bosFollowsTokenizer: true });
      const old = runFromBefore('reward', planReward(input, store).config);
      expect(await heads(() => resumeReward(old, env()))).toSatisfy(endoftext);
      // `lathe reward score` reads a run's inputs by its rule: a dataset split, a text
      for (const [run, read] of [[runId, none], [old, endoftext]] as const) {
        const score = async (args: string[]) => {
          const r = await latheInProcess(['reward', 'score', '--run', run, ...args, '--threads', '1'], dataDir);
          expect(r.code, r.stderr).toBe(0);
        };
        expect(await heads(() => score(['--dataset', dataset]))).toSatisfy(read);
        expect(await heads(() => score(['--text', 'hi there']))).toSatisfy(read);
        if (dataset === 'pairs') expect(await heads(() => score(['--prompt', 'Say hi.', '--text', ' hi there']))).toSatisfy(read);
      }
      const ppo = (rewardRun: string) => planPpo({ model: 'gpt2-tiny', rewardRun, dataset: 'pairs', maxPromptLen: 32 }, store, dataDir).config;
      expect(ppo(runId).rewardBosFollowsTokenizer).toBe(true);
      expect(ppo(old).rewardBosFollowsTokenizer).toBe(false);
    }
  }, 180_000);

  it('a plain-text fine-tune samples its model from nothing (no BOS added), before and after, and finishes', async () => {
    // before: its 'before' sample asked generate to continue zero tokens and the run failed with 'prompt 0 has no tokens'
    const { runId } = await startFinetune({ ...common, dataset: 'stories', method: 'lora', seqLen: 64, merge: false }, env());
    const run = store.runs.get(runId)!;
    expect(run.status).toBe('succeeded');
  }, 120_000);
});
