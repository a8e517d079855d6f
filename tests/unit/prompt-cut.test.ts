// An evaluation prompt longer than the model's context less its answer budget was cut from the left: DialogSum's
// "Summarize the dialogue in one sentence." went first, while fine-tuning cut the middle of the same prompt and kept
// it, so a fine-tune was evaluated on a prompt it never saw. Both now cut by one function (cutMiddle): the prompt
// keeps its BOS, its instruction and its answer cue, and the same over-long example gives the same tokens in both.
import { describe, expect, it } from 'vitest';
import { promptAsFed } from '../../native/eval/runner-generation.ts';
import { cutMiddle, fitPromptMiddle } from '../../native/text/fit-prompt.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { BOS_FOLLOWS_TOKENIZER, tokenizeExample } from '../../native/train/sft-examples.ts';
import { unnamedBosTokenizer } from '../fixtures/models/byte-level-bpe.ts';

const ENDOFTEXT = 9;
const INSTRUCTION = 'Summarize the dialogue in one sentence.';
const CUE = '\nSummary:';
const turns = Array.from({ length: 40 }, (_, i) => `#Person${1 + (i % 2)}#: line ${i} of a long talk.`).join('\n');
const PROMPT = `${INSTRUCTION}\n\nDialogue: ${turns}${CUE}`;

function load(): { tok: TextTokenizer; bos: number } {
  const { tokenizer, tokenizerConfig, bos } = unnamedBosTokenizer();
  return { tok: TextTokenizer.fromJson(tokenizer, tokenizerConfig), bos };
}

describe('fitPromptMiddle', () => {
  it('keeps a leading BOS, then the first and last halves of what fits, and says where it cut', () => {
    const ids = [1, ...Array.from({ length: 20 }, (_, i) => 10 + i)];
    expect(fitPromptMiddle(ids, 9, 1)).toEqual({ ids: [1, 10, 11, 12, 13, 26, 27, 28, 29], truncated: 12, cutAt: 5 });
    // no BOS to keep: the later half gets the odd token
    expect(fitPromptMiddle([5, 6, 7, 8, 9], 3, 1)).toEqual({ ids: [5, 8, 9], truncated: 2, cutAt: 1 });
    expect(fitPromptMiddle([1, 5], 4, 1)).toEqual({ ids: [1, 5], truncated: 0, cutAt: null });
    expect(cutMiddle([5, 6, 7, 8, 9], 4)).toEqual([5, 6, 8, 9]);
  });

  it("keeps an evaluation prompt's instruction and answer cue, and the model's budget for new tokens", () => {
    const { tok, bos } = load();
    const ids = tok.encode(PROMPT); // as the evaluation's prompt planner encodes it
    const contextTokens = 256;
    const maxNewTokens = 64;
    const budget = contextTokens - maxNewTokens;
    expect(ids.length).toBeGreaterThan(budget);
    const fit = fitPromptMiddle(ids, budget, bos);
    expect(fit.ids).toHaveLength(budget);
    expect(fit.ids.length + maxNewTokens).toBe(contextTokens);
    expect(fit.truncated).toBe(ids.length - budget);
    expect(fit.ids[0]).toBe(bos);
    const read = tok.decode(fit.ids, { skipSpecialTokens: true });
    expect(read.startsWith(INSTRUCTION), read).toBe(true);
    expect(read.endsWith(CUE), read).toBe(true);
    expect(read).not.toContain('line 20 of');
  });

  it('stores the prompt as the model read it, and where it was cut', () => {
    const { tok, bos } = load();
    const fit = fitPromptMiddle(tok.encode(PROMPT), 120, bos);
    const fed = promptAsFed(tok, PROMPT, fit, bos);
    expect(fed.promptCutAt).toBeGreaterThan(INSTRUCTION.length);
    const [before, after] = [fed.prompt.slice(0, fed.promptCutAt), fed.prompt.slice(fed.promptCutAt)];
    expect(PROMPT.startsWith(before)).toBe(true);
    expect(PROMPT.endsWith(after)).toBe(true);
    expect(before.length + after.length).toBeLessThan(PROMPT.length);
    expect(tok.encode(fed.prompt)).toEqual(fit.ids);
    // a prompt that fits is stored as built, with no cut
    expect(promptAsFed(tok, 'Summary:', fitPromptMiddle(tok.encode('Summary:'), 120, bos), bos)).toEqual({ prompt: 'Summary:' });
  });

  it('cuts an over-long example as fine-tuning does: the same tokens, the completion after them', () => {
    const { tok, bos } = load();
    const completion = ' Two people talk.';
    const completionIds = [...tok.encode(completion, { addSpecialTokens: false }), ENDOFTEXT];
    const budget = 150;
    // a training window whose prompt share is the evaluation's budget: seqLen + 1 = BOS + (budget - 1) + completion
    const seqLen = budget + completionIds.length - 1;
    const { example, truncated } = tokenizeExample({ prompt: PROMPT, completion }, tok, { seqLen, trainOnPrompt: false, endId: ENDOFTEXT, ...BOS_FOLLOWS_TOKENIZER });
    expect(truncated).toBe(true);
    const evaluated = fitPromptMiddle(tok.encode(PROMPT), budget, bos);
    expect(example.ids.slice(0, budget)).toEqual(evaluated.ids);
    expect(example.ids.slice(budget)).toEqual(completionIds);
  });
});
