// PPO's prompts as the policy continues them and the reward model reads them (preference-examples.ts policyPrompt,
// reward-score.ts scoredIds), with stories260K's real SentencePiece tokenizer, whose post-processor adds BOS:
// - a prompt over maxPromptLen tokens keeps its end and its BOS: keeping its head (as PPO did) cut off the
//   "\n\nAssistant:" cue an HH-RLHF prompt, or the assistant header a chat template, ends with;
// - a reward model's training sides and classified texts keep their end and BOS, as RewardScorer cuts what it scores:
//   the score is read at the last token, and a side that kept its completion's start was read mid-completion;
// - DPO's prompts over maxPromptLen are cut as ids and counted apart from pairs over the sequence length; maxPromptLen
//   counts the BOS in DPO and reward pairs as in PPO's prompts;
// - a chat template that writes `{{ bos_token }}` (Llama 2 and 3, Mistral) puts BOS in the text, which encoding
//   reads as the token: the tokenizer's own BOS made two, in PPO's prompts, in the reward model's input and in
//   SFT / DPO / reward examples (tokenizeExample).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Llama2cTokenizer } from '../../native/text/llama2c-tokenizer.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { pairPromptRule, pairwiseRewardIds, policyPrompt, promptCellText, PROMPT_LEN_COUNTS_BOS, tokenizePair } from '../../native/train/preference-examples.ts';
import { ppoScoredIds } from '../../native/train/ppo.ts';
import { classifiedIds } from '../../native/train/reward.ts';
import { scoredIds } from '../../native/train/reward-score.ts';

const TOK = '../shared/data/models/stories260K/tok512.bin';
const missing = !fs.existsSync(TOK) ? `${TOK} is absent (the shared data kit is not mounted)` : '';
if (missing) console.log(`skipping ppo-prompt-fit: ${missing}`);

/** A Llama-2-style template: BOS written by the template, [INST] … [/INST] as the assistant cue. */
const LLAMA2_TEMPLATE = "{{ bos_token }}{% for m in messages %}{% if m.role == 'user' %}[INST] {{ m.content }} [/INST]{% else %} {{ m.content }}{% endif %}{% endfor %}";

function stories(chatTemplate: string | null = null): TextTokenizer {
  const { tokenizer, tokenizerConfig } = new Llama2cTokenizer(new Uint8Array(fs.readFileSync(TOK)), 512, TOK).toTokenizerJson();
  return TextTokenizer.fromJson(tokenizer as Record<string, unknown>, tokenizerConfig as Record<string, unknown>, chatTemplate);
}

const LONG = 'Once upon a time there was a little girl named Lily who loved to play outside in the park with her dog. '.repeat(4);

describe.skipIf(Boolean(missing))('PPO prompts', () => {
  it('a long HH-RLHF prompt keeps BOS and its end, the "\\n\\nAssistant:" cue; the text scored is the kept part', () => {
    const tok = stories();
    const bos = tok.bosTokenId!;
    const text = promptCellText([{ role: 'user', content: LONG }], tok);
    expect(text.endsWith('\n\nAssistant:')).toBe(true);
    const full = tok.encode(text);
    expect(full[0]).toBe(bos);
    expect(full.length).toBeGreaterThan(40);
    const p = policyPrompt(text, tok, 32);
    expect(p.truncated).toBe(true);
    expect(p.ids).toEqual([bos, ...full.slice(-31)]);
    expect(p.text.endsWith('\n\nAssistant:')).toBe(true);
    expect(p.text.startsWith('<s>')).toBe(false); // the tokenizer's BOS, not the text's: the reward model adds its own
    expect(LONG.endsWith(p.text.slice(0, p.text.indexOf('\n\nAssistant:')).replace(/^\n\nHuman: /, ''))).toBe(true);
  });

  it('a prompt that fits is kept whole, text and ids', () => {
    const tok = stories();
    const p = policyPrompt('Once upon a time', tok, 32);
    expect(p).toEqual({ text: 'Once upon a time', ids: tok.encode('Once upon a time'), truncated: false });
  });

  it('a chat template that writes BOS gets no second one from the tokenizer, whole or cut', () => {
    const tok = stories(LLAMA2_TEMPLATE);
    const bos = tok.bosTokenId!;
    const short = promptCellText([{ role: 'user', content: 'Tell me a story.' }], tok);
    expect(short.startsWith('<s>[INST]')).toBe(true);
    expect(tok.encode(short).slice(0, 2)).toEqual([bos, bos]); // what encoding with the tokenizer's special tokens gives
    const whole = policyPrompt(short, tok, 64);
    expect(whole.ids[0]).toBe(bos);
    expect(whole.ids[1]).not.toBe(bos);
    expect(whole.ids).toEqual(tok.encode(short, { addSpecialTokens: false }));

    const long = promptCellText([{ role: 'user', content: LONG }], tok);
    const cut = policyPrompt(long, tok, 24);
    expect(cut.truncated).toBe(true);
    expect(cut.ids.length).toBe(24);
    expect(cut.ids.filter((id) => id === bos)).toHaveLength(1);
    expect(cut.ids[0]).toBe(bos);
    expect(cut.text.startsWith('<s>')).toBe(true);
    expect(cut.text.endsWith('[/INST]')).toBe(true);
  });

  it('the reward model reads one BOS before a prompt + completion whose template wrote BOS, and before plain text', () => {
    const tok = stories(LLAMA2_TEMPLATE);
    const bos = tok.bosTokenId!;
    const prompt = promptCellText([{ role: 'user', content: 'Tell me a story.' }], tok);
    const ids = scoredIds(`${prompt} Once upon a time`, tok);
    expect(ids[0]).toBe(bos);
    expect(ids[1]).not.toBe(bos);
    expect(scoredIds('Once upon a time', tok)).toEqual([bos, ...tok.encode('Once upon a time', { addSpecialTokens: false })]);
  });

  it('SFT / DPO / reward examples (tokenizeExample) of a prompt whose template wrote BOS start with one BOS', () => {
    const tok = stories(LLAMA2_TEMPLATE);
    const bos = tok.bosTokenId!;
    const { example } = tokenizePair({ prompt: [{ role: 'user', content: 'Tell me a story.' }], chosen: 'Once upon a time', rejected: 'No.' }, tok, { seqLen: 64, maxPromptLen: 32, endId: 2 });
    for (const side of [example.chosen, example.rejected]) {
      expect(side.ids[0]).toBe(bos);
      expect(side.ids[1]).not.toBe(bos);
    }
    // without a template the example still gets its BOS
    const plain = tokenizePair({ prompt: [{ role: 'user', content: 'Tell me a story.' }], chosen: 'Once upon a time', rejected: 'No.' }, stories(), { seqLen: 64, maxPromptLen: 32, endId: 2 });
    expect(plain.example.chosen.ids[0]).toBe(bos);
    expect(plain.example.chosen.ids[1]).not.toBe(bos);
  });

  it("a reward model's over-long side keeps its end and BOS, at most seqLen tokens (as RewardScorer scores it)", () => {
    const tok = stories();
    const bos = tok.bosTokenId!;
    const pair = { prompt: [{ role: 'user', content: 'Tell me a story.' }], chosen: LONG, rejected: 'No.' };
    const opts = { seqLen: 24, maxPromptLen: 12, endId: null, keepEnd: true };
    const whole = tokenizePair(pair, tok, { ...opts, seqLen: 10_000 }).example;
    const t = tokenizePair(pair, tok, opts);
    expect(t.truncated).toBe(true);
    expect(t.example.chosen.ids).toEqual([bos, ...whole.chosen.ids.slice(-23)]);
    expect(t.example.chosen.labels).toEqual([whole.chosen.labels[0], ...whole.chosen.labels.slice(-23)]);
    expect(t.example.rejected).toEqual(whole.rejected); // fits: untouched
    expect(tok.decode(t.example.chosen.ids).trimEnd().endsWith('with her dog.')).toBe(true);
  });

  it("a classifier's training text keeps its end and BOS (classifiedIds), as RewardScorer scores it", () => {
    const tok = stories();
    const bos = tok.bosTokenId!;
    const all = scoredIds(LONG, tok);
    expect(all.length).toBeGreaterThan(16);
    expect(classifiedIds(`  ${LONG}`, tok, 16)).toEqual([bos, ...all.slice(-15)]);
    expect(classifiedIds('a great film', tok, 16)).toEqual(scoredIds('a great film', tok));
  });

  it("DPO: a prompt over maxPromptLen is cut as ids (BOS, then its last tokens) and counted apart from the sequence cut", () => {
    const tok = stories();
    const bos = tok.bosTokenId!;
    const pair = { prompt: [{ role: 'user', content: LONG }], chosen: 'Once upon a time', rejected: 'No.' };
    const text = promptCellText(pair.prompt, tok);
    const promptIds = tok.encode(text, { addSpecialTokens: false });
    const t = tokenizePair(pair, tok, { seqLen: 64, maxPromptLen: 16, endId: 2 });
    expect(t.promptTruncated).toBe(true);
    expect(t.truncated).toBe(false);
    const completion = [...tok.encode(' Once upon a time', { addSpecialTokens: false }), 2];
    expect(t.example.chosen.ids).toEqual([bos, ...promptIds.slice(-15), ...completion]);
    const fits = tokenizePair(pair, tok, { seqLen: 256, maxPromptLen: promptIds.length + 1, endId: 2 });
    expect(fits.promptTruncated).toBe(false);
    expect(fits.example.chosen.ids).toEqual([bos, ...promptIds, ...completion]);
  });

  it('maxPromptLen counts the BOS in DPO and reward pairs as in PPO prompts: one rule, the same prompt ids', () => {
    // DPO gave the prompt maxPromptLen tokens after its BOS, PPO maxPromptLen with it: the same setting kept one
    // token more of a DPO prompt than of a PPO one
    const tok = stories();
    const pair = { prompt: [{ role: 'user', content: LONG }], chosen: 'Once upon a time', rejected: 'No.' };
    const ppo = policyPrompt(promptCellText(pair.prompt, tok), tok, 16);
    expect(ppo.ids).toHaveLength(16);
    for (const keepEnd of [false, true]) {
      const t = tokenizePair(pair, tok, { seqLen: 256, maxPromptLen: 16, endId: null, keepEnd });
      expect(t.example.chosen.ids.slice(0, 16), keepEnd ? 'reward' : 'DPO').toEqual(ppo.ids);
      expect(t.example.chosen.labels.slice(0, 16).every((l) => l === -100), 'the prompt is not trained on').toBe(true);
      expect(t.example.chosen.labels[16]).not.toBe(-100);
    }
    const exactly = tok.encodePrompt(promptCellText(pair.prompt, tok)).length;
    expect(tokenizePair(pair, tok, { seqLen: 256, maxPromptLen: exactly, endId: 2 }).promptTruncated).toBe(false);
    expect(tokenizePair(pair, tok, { seqLen: 256, maxPromptLen: exactly - 1, endId: 2 }).promptTruncated).toBe(true);
    expect(policyPrompt(promptCellText(pair.prompt, tok), tok, exactly).truncated).toBe(false);
    expect(policyPrompt(promptCellText(pair.prompt, tok), tok, exactly - 1).truncated).toBe(true);
  });

  it('a DPO or reward run from before maxPromptLen counted the BOS (its config lacks promptLenCountsBos) tokenizes its pairs by its old rule', () => {
    // resumed by the new rule, such a run cut its prompts one token shorter than it trained on
    const tok = stories();
    const bos = tok.bosTokenId!;
    const pair = { prompt: [{ role: 'user', content: LONG }], chosen: 'Once upon a time', rejected: 'No.' };
    const promptIds = tok.encode(promptCellText(pair.prompt, tok), { addSpecialTokens: false });
    const before = { seqLen: 256, maxPromptLen: 16 };
    const since = { ...before, ...PROMPT_LEN_COUNTS_BOS };
    expect(pairPromptRule(before)).toEqual({ seqLen: 256, maxPromptLen: 16, promptLenCountsBos: false, bosFollowsTokenizer: false });
    expect(pairPromptRule(since)).toEqual({ seqLen: 256, maxPromptLen: 16, promptLenCountsBos: true, bosFollowsTokenizer: false });
    expect(pairPromptRule({ seqLen: 64 }), "an old run's default budget, half its sequence length").toEqual({ seqLen: 64, maxPromptLen: 32, promptLenCountsBos: false, bosFollowsTokenizer: false });
    for (const keepEnd of [false, true]) {
      const old = tokenizePair(pair, tok, { ...pairPromptRule(before), endId: null, keepEnd });
      const fresh = tokenizePair(pair, tok, { ...pairPromptRule(since), endId: null, keepEnd });
      expect(old.promptTruncated && fresh.promptTruncated).toBe(true);
      // the old rule: BOS, then maxPromptLen tokens; the new: maxPromptLen tokens, the BOS one of them
      expect(old.example.chosen.ids.slice(0, 18), keepEnd ? 'reward' : 'DPO').toEqual([bos, ...promptIds.slice(-16), old.example.chosen.ids[17]]);
      expect(old.example.chosen.labels.slice(0, 17).every((l) => l === -100)).toBe(true);
      expect(old.example.chosen.labels[17]).not.toBe(-100);
      expect(fresh.example.chosen.ids.slice(0, 16)).toEqual([bos, ...promptIds.slice(-15)]);
      expect(fresh.example.chosen.labels[16]).not.toBe(-100);
    }
    // a pairwise reward model's input for PPO or `lathe reward score --prompt` follows the run's rule too
    const text = promptCellText(pair.prompt, tok);
    const trainedBefore = tokenizePair(pair, tok, { ...pairPromptRule({ ...before, seqLen: 64 }), endId: null, keepEnd: true }).example.chosen.ids;
    const trainedSince = tokenizePair(pair, tok, { ...pairPromptRule({ ...since, seqLen: 64 }), endId: null, keepEnd: true }).example.chosen.ids;
    expect(pairwiseRewardIds(text, ' Once upon a time', tok, pairPromptRule({ ...before, seqLen: 64 }))).toEqual(trainedBefore);
    const reward = { rewardSeqLen: 64, rewardObjective: 'pairwise' as const, rewardMaxPromptLen: 16 };
    expect(ppoScoredIds(text, ' Once upon a time', tok, { ...reward, rewardPromptLenCountsBos: false }), "PPO with a reward run from before").toEqual(trainedBefore);
    expect(ppoScoredIds(text, ' Once upon a time', tok, { ...reward, rewardPromptLenCountsBos: true })).toEqual(trainedSince);
    // PPO runs from before the rule was recorded scored by the rule that counts the BOS, and resume so
    expect(ppoScoredIds(text, ' Once upon a time', tok, reward)).toEqual(trainedSince);
  });

  it("PPO scores a pairwise reward model's prompt + completion as its training pairs were built: tokenized apart, joined, cut alike", () => {
    // PPO tokenized prompt + completion as one string; the reward run tokenized the prompt and ' ' + the completion
    // apart (tokenizePair). At the join ":" + " Once" the two differ, so PPO's rewards scored sequences never trained on
    const tok = stories();
    const pair = { prompt: [{ role: 'user', content: 'Tell me a story.' }], chosen: 'Once upon a time', rejected: 'No.' };
    const prompt = promptCellText(pair.prompt, tok);
    const completion = ' Once upon a time'; // the policy's continuation as PPO decodes it: the leading space is its own
    const joined = scoredIds(prompt + completion, tok);
    const reward = { rewardSeqLen: 64, rewardObjective: 'pairwise' as const, rewardMaxPromptLen: 32 };
    const trained = tokenizePair(pair, tok, { seqLen: 64, maxPromptLen: 32, endId: null, keepEnd: true }).example.chosen.ids;
    expect(joined, 'the join tokenizes differently as one string').not.toEqual(trained);
    expect(ppoScoredIds(prompt, completion, tok, reward)).toEqual(trained);
    expect(pairwiseRewardIds(prompt, completion, tok, { seqLen: 64, maxPromptLen: 32 })).toEqual(trained);
    // a long prompt cut from the left to the reward run's maxPromptLen (BOS and end kept), the whole to its seqLen
    const long = { ...pair, prompt: [{ role: 'user', content: LONG }], chosen: LONG };
    const cut = tokenizePair(long, tok, { seqLen: 40, maxPromptLen: 16, endId: null, keepEnd: true });
    expect(cut.promptTruncated && cut.truncated).toBe(true);
    expect(ppoScoredIds(promptCellText(long.prompt, tok), ` ${LONG}`, tok, { ...reward, rewardSeqLen: 40, rewardMaxPromptLen: 16 })).toEqual(cut.example.chosen.ids);
    // a classifier reads prompt + completion as one text, as its training and `lathe reward score` read a text
    expect(ppoScoredIds(prompt, completion, tok, { rewardSeqLen: 64, rewardObjective: 'classify' })).toEqual(classifiedIds(prompt + completion, tok, 64));
    // runs from before the objective was recorded score one text, as they ran
    expect(ppoScoredIds(prompt, completion, tok, { rewardSeqLen: 64 })).toEqual(joined);
  });
});
