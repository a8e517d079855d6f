// What a reward model reads of a sequence longer than its context (RewardScorer.scoreIds, rewardWindow): its end,
// where the score is read, and its leading BOS. It kept the head, so a PPO prompt + completion longer than the reward
// model's context was scored at a token inside the prompt and the completion was never seen. A random Qwen2 of 8
// positions with a one-label score head, its real ONNX scoring graph.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillHfFolder } from '../../native/models/checkpoint.ts';
import { rewardWindow } from '../../native/train/reward-batches.ts';
import { RewardScorer } from '../../native/train/reward-score.ts';
import { charTokenizer, CONFIGS, randomTensors } from '../fixtures/models/random-checkpoint.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-reward-window-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const POSITIONS = 8;
const BOS = 52; // '<eos>', BOS too as in GPT-2

describe('a reward model scores the end of a sequence longer than its context', () => {
  let scorer: RewardScorer;
  beforeAll(async () => {
    const causal: Record<string, unknown> = { ...CONFIGS.qwen2, max_position_embeddings: POSITIONS };
    const tensors = randomTensors(causal, 5);
    const hidden = causal.hidden_size as number;
    tensors.set('score.weight', { shape: [1, hidden], data: randomTensors(causal, 6).get('model.embed_tokens.weight')!.data.slice(0, hidden) });
    const { tokenizer, tokenizerConfig } = charTokenizer(causal.vocab_size as number);
    const config = { ...causal, architectures: ['Qwen2ForSequenceClassification'], num_labels: 1, id2label: { 0: 'reward' }, label2id: { reward: 0 } };
    // the layout `lathe align reward` writes (reward.ts writeSequenceClassifier)
    await fillHfFolder(root, { config, tensors, tokenizer, tokenizerConfig: { ...tokenizerConfig, bos_token: '<eos>' } });
    scorer = await RewardScorer.load(root, { threads: 1 });
  }, 60_000);
  afterAll(() => scorer?.release());

  it('rewardWindow keeps the last tokens and a leading BOS', () => {
    expect(rewardWindow([BOS, 1, 2, 3, 4, 5], 4, BOS)).toEqual([BOS, 3, 4, 5]);
    expect(rewardWindow([1, 2, 3, 4, 5], 4, BOS)).toEqual([2, 3, 4, 5]);
    expect(rewardWindow([BOS, 1, 2], 4, BOS)).toEqual([BOS, 1, 2]);
  });

  it('scoreIds reads the score after the last token, BOS kept, not inside the head', async () => {
    const long = [BOS, ...Array.from({ length: 15 }, (_, i) => 1 + i)]; // twice the context
    const plain = Array.from({ length: 12 }, (_, i) => 20 + i); // no BOS: nothing to keep but the tail
    const [scored, tail, head, plainScored, plainTail] = await scorer.scoreIds([long, [BOS, ...long.slice(-(POSITIONS - 1))], long.slice(0, POSITIONS), plain, plain.slice(-POSITIONS)]);
    expect(scored[0]).toBeCloseTo(tail[0], 5);
    expect(Math.abs(scored[0] - head[0])).toBeGreaterThan(1e-4); // what keeping the head scored
    expect(plainScored[0]).toBeCloseTo(plainTail[0], 5);
  });
});
