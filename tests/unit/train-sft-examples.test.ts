// Supervised examples end with a scored end-of-text token so a tuned model learns to stop: the tokenizer's EOS,
// or BOS for models (llama2.c) whose generation config stops at BOS because pretraining separated texts with it.
import { describe, expect, it } from 'vitest';
import { IGNORE_INDEX } from '../../native/models/training-graph.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { collate } from '../../native/train/batches.ts';
import { completionEndId, hasScoredTokens, tokenizeExample } from '../../native/train/sft-examples.ts';

const special = (id: number, content: string) => ({ id, content, special: true, single_word: false, lstrip: false, rstrip: false, normalized: false });
const unigram = {
  version: '1.0',
  added_tokens: [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
  normalizer: null,
  pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  post_processor: null,
  decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  model: { type: 'Unigram', unk_id: 0, vocab: [['<unk>', 0], ['<s>', 0], ['</s>', 0], ['▁ask', -1], ['▁reply', -1], ['▁', -2], ['a', -4], ['s', -4], ['k', -4]] },
};
const withSpecials = TextTokenizer.fromJson(unigram, { bos_token: '<s>', eos_token: '</s>' });

describe('the end of a supervised example', () => {
  it('is EOS, or BOS where generation stops at BOS (llama2.c), or the first stop id without an EOS', () => {
    expect(completionEndId(withSpecials, [2])).toBe(2);
    expect(completionEndId(withSpecials, [2, 1])).toBe(1);
    expect(completionEndId(withSpecials, [])).toBe(2);
    const bare = TextTokenizer.fromJson(unigram, {});
    expect(completionEndId(bare, [5])).toBe(5);
    expect(completionEndId(bare, [])).toBeNull();
  });

  it('is appended to the completion and scored, after a masked prompt', () => {
    const { example } = tokenizeExample({ prompt: 'ask', completion: 'reply' }, withSpecials, { seqLen: 16, trainOnPrompt: false, endId: 1 });
    expect(example.ids).toEqual([1, 3, 4, 1]);
    expect(example.labels).toEqual([IGNORE_INDEX, IGNORE_INDEX, 4, 1]);
    expect(tokenizeExample({ prompt: 'ask', completion: 'reply' }, withSpecials, { seqLen: 16, trainOnPrompt: false }).example.ids.at(-1)).toBe(2);
    // shifted for the loss: the last input position's label is the end token, padding is ignored
    const batch = collate([example, { ids: [1, 4], labels: [IGNORE_INDEX, 4] }], 2);
    expect(Array.from(batch.feeds.labels.data as BigInt64Array, Number)).toEqual([IGNORE_INDEX, 4, 1, 4, IGNORE_INDEX, IGNORE_INDEX]);
    expect(batch.scored).toBe(3);
  });
});

describe('an over-long example', () => {
  const long = { prompt: Array.from({ length: 40 }, (_, i) => (i % 2 ? 'ask' : 'reply')).join(' '), completion: 'reply ask reply' };

  it('keeps its completion and loses the middle of its prompt (a plain cut left nothing to score: NaN loss)', () => {
    const { example, truncated } = tokenizeExample(long, withSpecials, { seqLen: 12, trainOnPrompt: false, endId: 2 });
    expect(truncated).toBe(true);
    expect(example.ids).toHaveLength(13);
    // BOS, the prompt's first 4 and last 4 tokens (what the completion leaves of the window), the completion, its end
    expect(example.ids).toEqual([1, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 2]);
    expect(example.labels.slice(-4)).toEqual([4, 3, 4, 2]);
    expect(collate([example], 2).scored).toBe(4);
  });

  it('cuts a completion longer than half the window at its end, and keeps half the window for the prompt', () => {
    const longCompletion = { prompt: 'ask ask ask ask ask ask ask ask', completion: Array.from({ length: 30 }, () => 'reply').join(' ') };
    const { example } = tokenizeExample(longCompletion, withSpecials, { seqLen: 11, trainOnPrompt: false, endId: 2 });
    expect(example.ids).toEqual([1, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4]);
    expect(example.labels.filter((l) => l !== IGNORE_INDEX)).toHaveLength(5);
  });

  it('with no completion and no end token has nothing to score', () => {
    const { example } = tokenizeExample({ prompt: 'ask', completion: '' }, TextTokenizer.fromJson(unigram, {}), { seqLen: 8, trainOnPrompt: false, endId: null });
    expect(hasScoredTokens(example)).toBe(false);
    expect(hasScoredTokens(tokenizeExample(long, withSpecials, { seqLen: 8, trainOnPrompt: false }).example)).toBe(true);
  });
});
