// A tokenizer whose post-processor puts a token before every text (a TemplateProcessing `<s> $A`) while its
// tokenizer_config.json names no bos_token (null, or no key): encoding with special tokens, as inference does
// (encodePrompt: the playground, the OpenAI API, evaluation), adds `<s>` all the same. Training read the BOS from the
// config alone, so it put none before its examples: the model trained on sequences without `<s>` and was prompted
// with it. That token is the BOS (bosTokenId), so training's sequences start as inference's do, and a prompt cut to
// fit keeps it. Runs from before bosFollowsTokenizer (the BOS whenever the config names one) still get none.
import { describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { pairPromptRule, pairwiseRewardIds, policyPrompt, PROMPT_LEN_COUNTS_BOS, tokenizePair } from '../../native/train/preference-examples.ts';
import { classifiedIds, scoredIds } from '../../native/train/reward.ts';
import { BOS_FOLLOWS_TOKENIZER, tokenizeExample } from '../../native/train/sft-examples.ts';
import { unnamedBosTokenizer } from '../fixtures/models/byte-level-bpe.ts';

const ENDOFTEXT = 9;
const RULE = pairPromptRule({ seqLen: 64, maxPromptLen: 32, ...PROMPT_LEN_COUNTS_BOS, ...BOS_FOLLOWS_TOKENIZER });
const PAIR = { prompt: [{ role: 'user', content: 'Tell me a story.' }], chosen: 'Once upon a time', rejected: 'No.' };

function load(bosToken: 'null' | 'absent' = 'null'): { tok: TextTokenizer; bos: number } {
  const { tokenizer, tokenizerConfig, bos } = unnamedBosTokenizer(bosToken);
  return { tok: TextTokenizer.fromJson(tokenizer, tokenizerConfig), bos };
}

describe('a BOS the post-processor adds where the config names none', () => {
  it.each(['null', 'absent'] as const)('is the BOS (bos_token %s): encoding adds it, and training puts it first', (bosToken) => {
    const { tok, bos } = load(bosToken);
    expect(tok.bosToken, 'chat templates still render bos_token as the config names it').toBeNull();
    expect(tok.encode('hi the')).toEqual([bos, ...tok.encode('hi the', { addSpecialTokens: false })]);
    expect(tok.bosTokenId).toBe(bos);
    expect(tok.addsBos).toBe(true);
    expect(tok.bosHead('hi the')).toEqual([bos]);
    expect(tok.bosHead('hi the', false), 'runs from before bosFollowsTokenizer put the BOS the config names: none').toEqual([]);
  });

  it("SFT: an example starts as inference's prompt does", () => {
    const { tok, bos } = load();
    const pc = { prompt: 'Summary:', completion: ' hi there' };
    const { ids } = tokenizeExample(pc, tok, { seqLen: 64, trainOnPrompt: false, endId: ENDOFTEXT }).example;
    const prompt = tok.encodePrompt(pc.prompt);
    expect(prompt[0]).toBe(bos);
    expect(ids).toEqual([...prompt, ...tok.encode(pc.completion, { addSpecialTokens: false }), ENDOFTEXT]);
  });

  it('DPO, reward and PPO: pairs, scored texts and cut prompts start with it', () => {
    const { tok, bos } = load();
    for (const keepEnd of [false, true]) {
      const { example } = tokenizePair(PAIR, tok, { ...RULE, endId: keepEnd ? null : ENDOFTEXT, keepEnd });
      for (const side of ['chosen', 'rejected'] as const) expect(example[side].ids[0], `${keepEnd ? 'reward' : 'DPO'} ${side}`).toBe(bos);
    }
    expect(scoredIds('a great film', tok)).toEqual(tok.encode('a great film'));
    expect(classifiedIds('a great film', tok, 4)[0], 'a classifier input cut to its end keeps the BOS').toBe(bos);
    expect(pairwiseRewardIds('\n\nHuman: hi\n\nAssistant:', ' hello', tok, RULE)[0]).toBe(bos);
    const cut = policyPrompt('a prompt far longer than its budget of eight tokens', tok, 8);
    expect(cut.truncated).toBe(true);
    expect(cut.ids[0], 'a PPO prompt cut to fit keeps the BOS inference adds').toBe(bos);
    expect(cut.ids).toHaveLength(8);
  });

  it('a text that writes it gets no second one, from inference or training', () => {
    const { tok, bos } = load();
    const text = '<s>hi the';
    expect(tok.writesBos(text)).toBe(true);
    expect(tok.encodePrompt(text)).toEqual([bos, ...tok.encode('hi the', { addSpecialTokens: false })]);
    expect([...tok.bosHead(text), ...tok.encode(text, { addSpecialTokens: false })]).toEqual(tok.encodePrompt(text));
  });
});
