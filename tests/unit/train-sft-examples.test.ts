// Supervised examples end with a scored end-of-text token so a tuned model learns to stop: the tokenizer's EOS,
// or BOS for models (llama2.c) whose generation config stops at BOS because pretraining separated texts with it.
import { describe, expect, it } from 'vitest';
import { IGNORE_INDEX } from '../../native/models/training-graph.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { collate } from '../../native/train/batches.ts';
import { completionEndId, tokenizeExample } from '../../native/train/sft-examples.ts';

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
