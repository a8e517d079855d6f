// The BOS training puts before an example follows the tokenizer, as inference encodes prompts (encodePrompt) and as
// the Hugging Face ecosystem trains (TRL tokenizes with the tokenizer's own special tokens): GPT-2 names
// `<|endoftext|>` its bos_token, and its ByteLevel post-processor adds nothing, so SFT, DPO and reward examples
// began with a token that the playground, the OpenAI API, evaluation and exported models never put before a prompt.
// Runs record bosFollowsTokenizer; a config without it is from before, and resumes and is scored by the old rule
// (the BOS whenever the tokenizer names one). stories260K (a llama2.c import: its post-processor adds <s>) keeps its BOS.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Llama2cTokenizer } from '../../native/text/llama2c-tokenizer.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { pairPromptRule, pairwiseRewardIds, PROMPT_LEN_COUNTS_BOS, renderPrompt, tokenizePair } from '../../native/train/preference-examples.ts';
import { ppoScoredIds } from '../../native/train/ppo.ts';
import { classifiedIds, scoredIds } from '../../native/train/reward.ts';
import { BOS_FOLLOWS_TOKENIZER, bosFollowsTokenizer, tokenizeExample } from '../../native/train/sft-examples.ts';
import { gpt2StyleTokenizer } from '../fixtures/models/byte-level-bpe.ts';

const TOK = '../shared/data/models/stories260K/tok512.bin';
const noStories = !fs.existsSync(TOK) ? `${TOK} is absent (the shared data kit is not mounted)` : '';
if (noStories) console.log(`skipping the stories260K cases of train-bos-rule: ${noStories}`);

function gpt2(): TextTokenizer {
  const { tokenizer, tokenizerConfig } = gpt2StyleTokenizer();
  return TextTokenizer.fromJson(tokenizer, tokenizerConfig);
}

function stories(): TextTokenizer {
  const { tokenizer, tokenizerConfig } = new Llama2cTokenizer(new Uint8Array(fs.readFileSync(TOK)), 512, TOK).toTokenizerJson();
  return TextTokenizer.fromJson(tokenizer as Record<string, unknown>, tokenizerConfig as Record<string, unknown>);
}

/** A fine-tune, DPO or reward run's config as recorded since the rule, and from before it. */
type RunConfig = { seqLen: number; maxPromptLen: number; promptLenCountsBos: boolean; bosFollowsTokenizer?: boolean };
const SINCE: RunConfig = { seqLen: 128, maxPromptLen: 64, ...PROMPT_LEN_COUNTS_BOS, ...BOS_FOLLOWS_TOKENIZER };
const { bosFollowsTokenizer: _, ...before } = SINCE;
const BEFORE: RunConfig = before;

const PAIR = { prompt: [{ role: 'user', content: 'Tell me a story.' }], chosen: 'Once upon a time', rejected: 'No.' };
const ENDOFTEXT = 9;

describe('training puts a BOS where the tokenizer adds one', () => {
  it("reads the rule from the tokenizer: GPT-2's post-processor adds no BOS, stories260K's adds <s>", () => {
    const tok = gpt2();
    expect(tok.bosTokenId).toBe(ENDOFTEXT);
    expect(tok.encode('hi the')).toEqual(tok.encode('hi the', { addSpecialTokens: false }));
    expect(tok.addsBos).toBe(false);
    expect(tok.bosHead('hi the')).toEqual([]);
    expect(tok.bosHead('hi the', false), 'the rule of runs from before').toEqual([ENDOFTEXT]);
    expect(tok.bosHead('<|endoftext|>hi', false), 'a text that writes it gets none, by either rule').toEqual([]);
    expect(bosFollowsTokenizer(SINCE)).toBe(true);
    expect(bosFollowsTokenizer(BEFORE)).toBe(false);
  });

  it("SFT: a new run's GPT-2 example starts with the prompt, as inference reads it; an old run's with <|endoftext|>", () => {
    const tok = gpt2();
    const pc = { prompt: 'Summary:', completion: ' hi there' };
    const opts = (config: { bosFollowsTokenizer?: boolean }) => ({ seqLen: 64, trainOnPrompt: false, endId: ENDOFTEXT, bosFollowsTokenizer: bosFollowsTokenizer(config) });
    const fresh = tokenizeExample(pc, tok, opts(SINCE)).example;
    const prompt = tok.encodePrompt(pc.prompt); // what the playground, the OpenAI API and evaluation feed
    expect(fresh.ids.slice(0, prompt.length)).toEqual(prompt);
    expect(fresh.ids[0]).not.toBe(ENDOFTEXT);
    expect(fresh.ids).toEqual([...prompt, ...tok.encode(pc.completion, { addSpecialTokens: false }), ENDOFTEXT]);
    const old = tokenizeExample(pc, tok, opts(BEFORE)).example;
    expect(old.ids).toEqual([ENDOFTEXT, ...fresh.ids]);
    expect(old.labels).toEqual([-100, ...fresh.labels]);
  });

  it("DPO and pairwise reward: a new run's GPT-2 pair starts with the prompt; an old run's with <|endoftext|>", () => {
    const tok = gpt2();
    const prompt = tok.encodePrompt(renderPrompt(PAIR.prompt, tok));
    for (const keepEnd of [false, true]) {
      const what = keepEnd ? 'reward' : 'DPO';
      const fresh = tokenizePair(PAIR, tok, { ...pairPromptRule(SINCE), endId: keepEnd ? null : ENDOFTEXT, keepEnd }).example;
      const old = tokenizePair(PAIR, tok, { ...pairPromptRule(BEFORE), endId: keepEnd ? null : ENDOFTEXT, keepEnd }).example;
      for (const side of ['chosen', 'rejected'] as const) {
        expect(fresh[side].ids.slice(0, prompt.length), what).toEqual(prompt);
        expect(fresh[side].ids[0], what).not.toBe(ENDOFTEXT);
        expect(old[side].ids, what).toEqual([ENDOFTEXT, ...fresh[side].ids]);
      }
    }
  });

  it("reward scoring and PPO read a GPT-2 reward model's input by its run's rule", () => {
    const tok = gpt2();
    const text = 'a great film';
    expect(scoredIds(text, tok)).toEqual(tok.encode(text));
    expect(scoredIds(text, tok, false)).toEqual([ENDOFTEXT, ...tok.encode(text)]);
    expect(classifiedIds(text, tok, 8, bosFollowsTokenizer(SINCE))).toEqual(tok.encode(text).slice(-8));
    expect(classifiedIds(text, tok, 8, bosFollowsTokenizer(BEFORE))).toEqual([ENDOFTEXT, ...tok.encode(text).slice(-7)]);
    // a pairwise model's input, as its training pairs (tokenizePair with keepEnd) were built, by the run's rule
    const prompt = renderPrompt(PAIR.prompt, tok);
    const trained = (config: RunConfig) => tokenizePair(PAIR, tok, { ...pairPromptRule(config), endId: null, keepEnd: true }).example.chosen.ids;
    expect(pairwiseRewardIds(prompt, ` ${PAIR.chosen}`, tok, pairPromptRule(SINCE))).toEqual(trained(SINCE));
    expect(pairwiseRewardIds(prompt, ` ${PAIR.chosen}`, tok, pairPromptRule(BEFORE))).toEqual(trained(BEFORE));
    // PPO records the reward run's rule; PPO runs that recorded none scored with reward runs from before it
    const pairwise = { rewardSeqLen: SINCE.seqLen, rewardObjective: 'pairwise' as const, rewardMaxPromptLen: SINCE.maxPromptLen, rewardPromptLenCountsBos: true };
    expect(ppoScoredIds(prompt, ` ${PAIR.chosen}`, tok, { ...pairwise, rewardBosFollowsTokenizer: true })).toEqual(trained(SINCE));
    expect(ppoScoredIds(prompt, ` ${PAIR.chosen}`, tok, { ...pairwise, rewardBosFollowsTokenizer: false })).toEqual(trained(BEFORE));
    expect(ppoScoredIds(prompt, ` ${PAIR.chosen}`, tok, pairwise)).toEqual(trained(BEFORE));
    const classify = { rewardSeqLen: 8, rewardObjective: 'classify' as const };
    expect(ppoScoredIds('a great', ' film', tok, { ...classify, rewardBosFollowsTokenizer: true })).toEqual(classifiedIds(text, tok, 8));
    expect(ppoScoredIds('a great', ' film', tok, classify)).toEqual(classifiedIds(text, tok, 8, false));
    expect(ppoScoredIds('a great', ' film', tok, {}), 'PPO runs from before rewardSeqLen').toEqual(scoredIds(text, tok, false));
  });

  it.skipIf(Boolean(noStories))('stories260K, whose post-processor adds <s>: every example starts with it, by either rule', () => {
    const tok = stories();
    const bos = tok.bosTokenId!;
    expect(tok.addsBos).toBe(true);
    for (const config of [SINCE, BEFORE]) {
      const follows = bosFollowsTokenizer(config);
      const sft = tokenizeExample({ prompt: 'Once upon a time', completion: ' there was a cat' }, tok, { seqLen: 64, trainOnPrompt: false, endId: bos, bosFollowsTokenizer: follows }).example;
      expect(sft.ids.slice(0, 2)).toEqual(tok.encodePrompt('Once upon a time').slice(0, 2));
      expect(sft.ids[0]).toBe(bos);
      for (const keepEnd of [false, true]) expect(tokenizePair(PAIR, tok, { ...pairPromptRule(config), endId: null, keepEnd }).example.chosen.ids[0]).toBe(bos);
      expect(scoredIds('a great film', tok, follows)).toEqual(tok.encode('a great film'));
    }
  });
});
